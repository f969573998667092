"""Checks of what a product file refers to: materials, parts, choices, rules, presets.

Each problem is a ProductFileError naming the field path (``options[2].choices[0].material``);
the catalog layer adds the file name.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from app.domain.product import OptionKind, Product
from app.domain.rules import (
    RuleCheckTooSlow,
    find_valid_selections,
    rule_broken,
    split_ref,
    unreachable_choices,
)
from app.errors import ProductFileError


def _unknown(kind: str, value: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {kind} '{value}'{hint}"


def _duplicates(ids: list[str]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    out = []
    for i, v in enumerate(ids):
        if v in seen:
            out.append((i, v))
        seen.add(v)
    return out


def product_problems(product: Product, material_ids: Collection[str]) -> list[ProductFileError]:
    problems: list[ProductFileError] = []

    def add(field: str, message: str) -> None:
        problems.append(ProductFileError(message, field=field))

    for name, items in (
        ("parts", product.parts),
        ("options", product.options),
        ("zones", product.zones),
        ("presets", product.presets),
        ("cameras", product.cameras),
    ):
        for i, dup in _duplicates([it.id for it in items]):
            add(f"{name}[{i}].id", f"duplicate id '{dup}'")

    part_ids = [p.id for p in product.parts]
    for i, part in enumerate(product.parts):
        if part.material not in material_ids:
            add(f"parts[{i}].material", _unknown("material", part.material, material_ids))

    for gi, group in enumerate(product.options):
        where = f"options[{gi}]"
        for pi, part_id in enumerate(group.parts):
            if part_id not in part_ids:
                add(f"{where}.parts[{pi}]", _unknown("part", part_id, part_ids))
        if group.material is not None and group.material not in material_ids:
            add(f"{where}.material", _unknown("material", group.material, material_ids))
        choice_ids = [c.id for c in group.choices]
        for ci, dup in _duplicates(choice_ids):
            add(f"{where}.choices[{ci}].id", f"duplicate id '{dup}'")
        if group.default is not None and group.default not in choice_ids:
            add(f"{where}.default", _unknown("choice", group.default, choice_ids))
        for ci, choice in enumerate(group.choices):
            cw = f"{where}.choices[{ci}]"
            if choice.material is not None and choice.material not in material_ids:
                add(f"{cw}.material", _unknown("material", choice.material, material_ids))
            for pi, part_id in enumerate(choice.parts):
                if part_id not in part_ids:
                    add(f"{cw}.parts[{pi}]", _unknown("part", part_id, part_ids))
            if group.kind is not OptionKind.part_swap and choice.parts:
                add(f"{cw}.parts", f"only part_swap choices show parts (this option is "
                                   f"'{group.kind.value}')")

    for zi, zone in enumerate(product.zones):
        if zone.part not in part_ids:
            add(f"zones[{zi}].part", _unknown("part", zone.part, part_ids))

    if product.ar is not None and product.ar.rest is not None:
        zone_ids = [z.id for z in product.zones]
        for ki, zone_id in enumerate(product.ar.rest.face_up):
            if zone_id not in zone_ids:
                add(f"ar.rest.face_up[{ki}]", _unknown("zone", zone_id, zone_ids))

    choice_refs = {f"{g.id}.{c.id}" for g in product.options for c in g.choices}
    refs_ok = True
    for ri, rule in enumerate(product.rules):
        for field, ref in [("when", rule.when)] + [
            (f"then[{k}]", r) for k, r in enumerate(rule.then)
        ]:
            try:
                split_ref(ref)
            except ValueError as exc:
                add(f"rules[{ri}].{field}", str(exc))
                refs_ok = False
                continue
            if ref not in choice_refs:
                add(f"rules[{ri}].{field}", _unknown("choice", ref, choice_refs))
                refs_ok = False

    group_ids = [g.id for g in product.options]
    for si, preset in enumerate(product.presets):
        for group_id, choice_id in preset.selections.items():
            field = f"presets[{si}].selections.{group_id}"
            if group_id not in group_ids:
                add(field, _unknown("option", group_id, group_ids))
                refs_ok = False
            elif choice_id not in [c.id for c in product.option(group_id).choices]:
                add(field, _unknown("choice", choice_id,
                                    [c.id for c in product.option(group_id).choices]))
                refs_ok = False

    if refs_ok and not problems:
        try:
            problems.extend(_rule_problems(product))
        except RuleCheckTooSlow as exc:
            problems.append(exc)
    return problems


def _rule_problems(product: Product) -> list[ProductFileError]:
    """Rules that leave a choice unreachable, break the defaults or break a preset."""
    problems = []
    for group_id, choice_id in unreachable_choices(product):
        gi = [g.id for g in product.options].index(group_id)
        ci = [c.id for c in product.option(group_id).choices].index(choice_id)
        problems.append(ProductFileError(
            f"no valid configuration can select '{group_id}.{choice_id}': the rules forbid it "
            "with every combination of the other options",
            field=f"options[{gi}].choices[{ci}]",
        ))
    defaults = {g.id: g.default_choice.id for g in product.options}
    for ri, rule in enumerate(product.rules):
        if rule_broken(rule, defaults):
            problems.append(ProductFileError(
                "the default choices break this rule; change a default", field=f"rules[{ri}]"))
    for si, preset in enumerate(product.presets):
        if find_valid_selections(product, preset.selections) is None:
            problems.append(ProductFileError(
                "the preset's selections break the rules", field=f"presets[{si}].selections"))
        elif any(rule_broken(r, {**defaults, **preset.selections}) for r in product.rules):
            problems.append(ProductFileError(
                "the preset with the default choices for the options it leaves out breaks "
                "the rules; name those options too", field=f"presets[{si}].selections"))
    return problems
