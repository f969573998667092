"""Rules between choices: which selections they forbid, and whether a valid selection exists."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.product import Product, Rule
from app.errors import ProductFileError

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


RULE_CHECK_SECONDS = 5.0  # a search for a valid selection gives up after this


class RuleCheckTooSlow(ProductFileError):
    """The rules are too intricate to search within the time budget."""


def _rule_groups(rule: Rule) -> set[str]:
    return {split_ref(rule.when)[0], *(split_ref(ref)[0] for ref in rule.then)}


def _components(product: Product, groups: list[str]) -> list[tuple[list[str], list[Rule]]]:
    """The groups that rules tie together, in connected sets (in product order), each with the
    rules among them. A group no rule names is free: it is in no set."""
    parent = {g: g for g in groups}

    def root(g: str) -> str:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for rule in product.rules:
        named = [g for g in _rule_groups(rule) if g in parent]
        for g in named[1:]:
            parent[root(g)] = root(named[0])
    sets: dict[str, tuple[list[str], list[Rule]]] = {}
    ruled = {g for rule in product.rules for g in _rule_groups(rule)}
    for g in groups:
        if g in ruled:
            sets.setdefault(root(g), ([], []))[0].append(g)
    for rule in product.rules:
        named = [g for g in _rule_groups(rule) if g in parent]
        if named:
            sets[root(named[0])][1].append(rule)
    return list(sets.values())


def find_valid_selections(product: Product, fixed: Selections, *,
                          budget_s: float = RULE_CHECK_SECONDS) -> dict[str, str] | None:
    """A full selection that keeps ``fixed`` and breaks no rule, or None when none exists.

    Groups that no rule names keep their default. The others are searched depth-first, each set
    of groups that rules tie together on its own (so the work grows with the largest such set,
    not with the whole product), trying each group's default first, so that the answer stays as
    close to the defaults as the rules allow. ``RuleCheckTooSlow`` after ``budget_s`` seconds.
    """
    chosen: dict[str, str] = dict(fixed)
    if any(rule_broken(r, chosen) for r in product.rules):
        return None
    deadline = time.monotonic() + budget_s
    free = [g for g in product.options if g.id not in fixed]
    for group_ids, rules in _components(product, [g.id for g in free]):
        if not _search(product, [product.option(g) for g in group_ids], rules, chosen, deadline):
            return None
    for group in free:
        chosen.setdefault(group.id, group.default_choice.id)
    return {**dict(fixed), **{g.id: chosen[g.id] for g in free}}


def _search(product: Product, groups: list, rules: list[Rule], chosen: dict[str, str],
            deadline: float) -> bool:
    """Complete ``chosen`` over ``groups`` so that no rule of ``rules`` breaks: depth-first,
    each group's choices in order, the depth kept in a list (a chain of a thousand groups
    went past Python's recursion limit)."""
    touching = {g.id: [r for r in rules if g.id in _rule_groups(r)] for g in groups}
    orders = [[g.default_choice.id] + [c.id for c in g.choices if c.id != g.default_choice.id]
              for g in groups]
    tried = [0] * len(groups)  # per group: how many of its choices have been tried
    steps = 0
    depth = 0
    while 0 <= depth < len(groups):
        steps += 1
        if steps % 1024 == 0 and time.monotonic() > deadline:
            raise RuleCheckTooSlow(
                f"the rules are too intricate to check within {RULE_CHECK_SECONDS:g} s "
                f"({len(groups)} option groups depend on each other); split them into "
                "independent sets", field="rules")
        group = groups[depth]
        if tried[depth] == len(orders[depth]):  # none of its choices fits: back one group
            tried[depth] = 0
            chosen.pop(group.id, None)
            depth -= 1
            continue
        chosen[group.id] = orders[depth][tried[depth]]
        tried[depth] += 1
        if not any(rule_broken(r, chosen) for r in touching[group.id]):
            depth += 1
    return depth == len(groups)


def unreachable_choices(product: Product) -> list[tuple[str, str]]:
    """(group, choice) pairs that no valid configuration can select. A group no rule names
    takes any of its choices wherever the product has a valid configuration at all, so only
    the groups rules name are searched choice by choice (10,000 options without rules made
    20,000 searches of the whole product); ``RuleCheckTooSlow`` when all the searches together
    take more than ``RULE_CHECK_SECONDS``."""
    deadline = time.monotonic() + RULE_CHECK_SECONDS  # one budget for all the searches

    def valid(fixed: Selections) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            raise RuleCheckTooSlow(
                f"the rules are too intricate to check every choice within "
                f"{RULE_CHECK_SECONDS:g} s; split them into independent sets", field="rules")
        return find_valid_selections(product, fixed, budget_s=left) is not None

    if not valid({}):
        return [(g.id, c.id) for g in product.options for c in g.choices]
    ruled = {g for rule in product.rules for g in _rule_groups(rule)}
    return [(g.id, c.id) for g in product.options if g.id in ruled for c in g.choices
            if not valid({g.id: c.id})]
