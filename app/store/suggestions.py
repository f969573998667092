"""Suggestions from what sold, never applied by themselves.

For an option group, the suggestion is the choice most often ordered together with one of the
current choices of the other groups: for each such pair, from the order lines, support (the
share of lines with both), confidence (the share of lines with the other group's choice that
also have this one) and lift (confidence over the choice's own share). A pair is shown only when
lines of at least ``MIN_BUYERS`` distinct buyers back it and its lift is above 1 (the choice
sells better with that other choice than without it), so no single customer can be read from
a suggestion. The counts are kept in ``pair_counts`` and ``choice_counts`` (app.store.sales_counts).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from app.domain.choices import offerable_choices
from app.domain.configuration import Configuration, complete
from app.domain.product import Product
from app.store.tables import ChoiceCount, OrderLine, PairCount

MIN_BUYERS = 5


@dataclass(frozen=True)
class Suggestion:
    group_id: str
    choice_id: str
    because_group: str  # the other group whose current choice it goes with
    because_choice: str
    lines: int  # order lines with both
    buyers: int  # distinct buyers of those lines
    support: float
    confidence: float
    lift: float

    def describe(self, product: Product) -> str:
        group = product.option(self.group_id)
        other = product.option(self.because_group)
        return (f"{group.choice(self.choice_id).label} (in {self.confidence:.0%} of orders "
                f"with {other.choice(self.because_choice).label} {other.label.lower()})")


def suggestions(session: Session, product: Product, configuration: Configuration, *,
                min_buyers: int = MIN_BUYERS) -> dict[str, Suggestion]:
    """Per option group, the best-backed choice to go with the current choices of the other
    groups, when it differs from the current one and the rules allow it. Reads the counts as
    they are (indexed lookups, for every click): an order recorded in the app adds to them,
    ``refresh_counts`` makes them again after an import (the store's writer thread does)."""
    configuration = complete(configuration, product)
    selections = configuration.selections
    lines_in_group = dict(session.execute(
        select(ChoiceCount.group_id, func.sum(ChoiceCount.lines))
        .where(ChoiceCount.product_id == product.id).group_by(ChoiceCount.group_id)).all())
    singles = {(g, c): n for g, c, n in session.execute(
        select(ChoiceCount.group_id, ChoiceCount.choice_id, ChoiceCount.lines)
        .where(ChoiceCount.product_id == product.id))}
    if not singles:
        return {}
    antecedents = [(g, c) for g, c in selections.items()]
    rows = session.execute(
        select(PairCount.group_a, PairCount.choice_a, PairCount.group_b, PairCount.choice_b,
               PairCount.lines, PairCount.buyers)
        .where(PairCount.product_id == product.id, PairCount.buyers >= min_buyers,
               tuple_(PairCount.group_a, PairCount.choice_a).in_(antecedents))).all()
    offer = offerable_choices(product, configuration)
    best: dict[str, Suggestion] = {}
    for group_a, choice_a, group_b, choice_b, both, buyers in rows:
        if (group_b, choice_b) not in offer:
            continue
        with_a = singles.get((group_a, choice_a), 0)
        of_b = singles.get((group_b, choice_b), 0)
        in_group = lines_in_group.get(group_b, 0)
        if not with_a or not of_b or not in_group:
            continue
        confidence = both / with_a
        lift = confidence / (of_b / in_group)
        if lift <= 1.0 + 1e-9:  # no more likely with this choice than without: not a pairing
            continue
        suggestion = Suggestion(group_b, choice_b, group_a, choice_a, both, buyers,
                                support=both / in_group, confidence=confidence, lift=lift)
        known = best.get(group_b)
        if known is None or (suggestion.confidence, suggestion.lift, suggestion.lines) > (
                known.confidence, known.lift, known.lines):
            best[group_b] = suggestion
    return {g.id: best[g.id] for g in product.options if g.id in best}


def most_ordered_presets(session: Session, product: Product) -> list[str]:
    """The product's preset ids, the most ordered first (presets never ordered keep their
    order in the product file, after those ordered)."""
    counts = dict(session.execute(
        select(OrderLine.preset_id, func.sum(OrderLine.quantity))
        .where(OrderLine.product_id == product.id, OrderLine.preset_id.is_not(None),
               OrderLine.problem.is_(None))
        .group_by(OrderLine.preset_id)).all())
    order = [p.id for p in product.presets]
    return sorted(order, key=lambda pid: (-(counts.get(pid) or 0), order.index(pid)))
