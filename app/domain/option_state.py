"""What the current choices leave on the product: which parts show, and which option groups
change nothing (a leather colour while the steel bracelet is on).

One notion for every layer: the scene draws the visible parts, the exports offer no variant of
an inactive group, the options panel can hide it.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.product import OptionKind, Part, Product

Selections = Mapping[str, str]  # option group id -> choice id


def part_visible(product: Product, part: Part, selections: Selections) -> bool:
    """Whether ``part`` shows: every part-swap group that can show it shows it now."""
    for group in product.options:
        if group.kind is not OptionKind.part_swap:
            continue
        swappable = {p for c in group.choices for p in c.parts}
        if part.id in swappable:
            chosen = selections.get(group.id, group.default_choice.id)
            if part.id not in group.choice(chosen).parts:
                return False
    return True


def visible_parts(product: Product, selections: Selections) -> set[str]:
    return {p.id for p in product.parts if part_visible(product, p, selections)}


def inactive_groups(product: Product, selections: Selections) -> set[str]:
    """The ids of the option groups that the current choices make inactive: a material or
    transform group whose parts are all hidden (a part-swap group, and a group with no parts of
    its own, which acts on the whole product, are always active)."""
    shown = visible_parts(product, selections)
    return {g.id for g in product.options
            if g.kind is not OptionKind.part_swap and g.parts and not set(g.parts) & shown}
