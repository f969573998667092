"""Which configurations a batch renders: all valid ones, a random sample, or share codes.

Every option group's choices are combined, and combinations that break a rule are left out
while they are being built (a partial selection that already breaks a rule is not extended).
A free colour takes its default; personalization stays empty. Configurations come from
generators, so a product with millions of variants is never held in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence

from app.domain.configuration import Configuration, complete, configuration_problems
from app.domain.product import Product
from app.domain.rules import find_valid_selections, rule_broken
from app.domain.share_code import decode_share_code
from app.errors import AppErrors, ConfigurationError
from app.export.handoff_store import HandoffStore, resolve_code
from app.personalize.picture_store import PictureStore


def valid_selections(product: Product, groups: Sequence[str] | None = None,
                     fixed: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """Every selection of ``groups`` (default: all option groups) that breaks no rule, given
    the ``fixed`` choices, in product order with the last group varying fastest.

    With a subset of groups a selection is yielded only when it can be completed into a valid
    configuration (the groups left out still have to fit the rules).
    """
    wanted = list(groups) if groups is not None else [g.id for g in product.options]
    order = [g for g in product.options if g.id in wanted]
    chosen: dict[str, str] = dict(fixed or {})
    partial = len(order) + len(chosen) < len(product.options)

    def extend(i: int) -> Iterator[dict[str, str]]:
        if i == len(order):
            if not partial or find_valid_selections(product, chosen) is not None:
                yield dict(chosen)
            return
        group = order[i]
        for choice in group.choices:
            chosen[group.id] = choice.id
            if not any(rule_broken(r, chosen) for r in product.rules):
                yield from extend(i + 1)
        del chosen[group.id]

    if any(rule_broken(r, chosen) for r in product.rules):
        return
    yield from extend(0)


def configuration_for(product: Product, selections: dict[str, str]) -> Configuration:
    """A full configuration with ``selections``; free colours take their defaults."""
    return complete(Configuration(product_id=product.id, selections=dict(selections)), product)


def all_configurations(product: Product) -> Iterator[Configuration]:
    """Every valid configuration of ``product`` (generator)."""
    for selections in valid_selections(product):
        yield configuration_for(product, selections)


def count_configurations(product: Product) -> int:
    return sum(1 for _ in valid_selections(product))


def sample_configurations(product: Product, n: int, seed: int = 0) -> list[Configuration]:
    """``n`` distinct valid configurations drawn uniformly (reservoir sampling over the
    enumeration), in enumeration order so that neighbours differ little; all of them when
    there are fewer than ``n``."""
    if n < 1:
        raise ConfigurationError(f"expected a sample size of at least 1, got {n}",
                                 field="--sample")
    rng = random.Random(seed)
    reservoir: list[tuple[int, dict[str, str]]] = []
    for i, selections in enumerate(valid_selections(product)):
        if i < n:
            reservoir.append((i, selections))
        else:
            j = rng.randint(0, i)
            if j < n:
                reservoir[j] = (i, selections)
    reservoir.sort(key=lambda item: item[0])
    return [configuration_for(product, s) for _, s in reservoir]


def configurations_from_codes(product: Product, codes: Iterable[str],
                              source: str = "--codes", pictures: PictureStore | None = None,
                              handoffs: HandoffStore | None = None) -> list[Configuration]:
    """Configurations of share codes or hand-off codes (looked up in ``handoffs``; None: the
    user's store); AppErrors listing every code that is not valid. A picture must be in
    ``pictures`` (None: the user's picture store), which is all that is looked at: a code
    naming a path, or a picture the store lacks, is refused alike."""
    pictures = pictures if pictures is not None else PictureStore.default()
    handoffs = handoffs if handoffs is not None else HandoffStore.default()
    out: list[Configuration] = []
    problems: list[ConfigurationError] = []
    for i, code in enumerate(c.strip() for c in codes):
        if not code:
            continue
        field = f"{source}[{i}]"
        try:
            configuration = complete(decode_share_code(resolve_code(code, handoffs), product),
                                     product)
        except ConfigurationError as exc:
            problems.append(ConfigurationError(f"{code}: {exc.message}", file=exc.file,
                                               field=field))
            continue
        for problem in [*configuration_problems(configuration, product),
                        *pictures.missing(configuration)]:
            problems.append(ConfigurationError(f"{code}: {problem.message}", field=field))
        out.append(configuration)
    if problems:
        raise AppErrors(problems)
    return out
