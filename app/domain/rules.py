"""Rules between choices: which selections they forbid, and whether a valid selection exists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.product import Product, Rule

Selections = Mapping[str, str]  # option group id -> choice id


def split_ref(ref: str) -> tuple[str, str]:
    """'group.choice' -> ('group', 'choice'); ValueError when it has no dot."""
    group, sep, choice = ref.partition(".")
    if not sep or not group or not choice:
        raise ValueError(f"expected 'group.choice', got {ref!r}")
    return group, choice


def _selected(selections: Selections, ref: str) -> bool | None:
    """True/False when the ref's group is decided, None when it is not yet."""
    group, choice = split_ref(ref)
    if group not in selections:
        return None
    return selections[group] == choice


def rule_broken(rule: Rule, selections: Selections) -> bool:
    """Whether ``selections`` (possibly partial) already break ``rule``."""
    if _selected(selections, rule.when) is not True:
        return False
    states = [_selected(selections, ref) for ref in rule.then]
    if rule.kind == "requires":
        return all(s is False for s in states)
    return any(s is True for s in states)


@dataclass(frozen=True)
class Violation:
    index: int  # position in product.rules
    rule: Rule


def violations(product: Product, selections: Selections) -> list[Violation]:
    return [Violation(i, r) for i, r in enumerate(product.rules) if rule_broken(r, selections)]


def find_valid_selections(product: Product, fixed: Selections) -> dict[str, str] | None:
    """A full selection that keeps ``fixed`` and breaks no rule, or None when none exists.

    Depth-first search over the option groups, trying each group's default first, so that the
    answer stays as close to the defaults as the rules allow.
    """
    groups = [g for g in product.options if g.id not in fixed]
    chosen: dict[str, str] = dict(fixed)
    if any(rule_broken(r, chosen) for r in product.rules):
        return None

    def search(i: int) -> bool:
        if i == len(groups):
            return True
        group = groups[i]
        default = group.default_choice.id
        order = [default] + [c.id for c in group.choices if c.id != default]
        for choice_id in order:
            chosen[group.id] = choice_id
            if not any(rule_broken(r, chosen) for r in product.rules) and search(i + 1):
                return True
        del chosen[group.id]
        return False

    return chosen if search(0) else None


def unreachable_choices(product: Product) -> list[tuple[str, str]]:
    """(group, choice) pairs that no valid configuration can select."""
    return [
        (g.id, c.id)
        for g in product.options
        for c in g.choices
        if find_valid_selections(product, {g.id: c.id}) is None
    ]
