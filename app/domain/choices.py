"""Choosing: what each choice adds to the price and whether the rules allow it, the smallest
change of the other selections that makes a choice valid, a configuration kept valid for a
reloaded product, and a free colour moved into what its choice offers."""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from decimal import Decimal

from app.domain.colour import hex_to_hsl
from app.domain.configuration import Configuration, colour_allowed, complete
from app.domain.option_state import inactive_groups
from app.domain.pricing import choice_price_delta
from app.domain.product import FreeColour, Product
from app.domain.rules import find_valid_selections, violations


@dataclass(frozen=True)
class ChoiceStatus:
    group_id: str
    choice_id: str
    label: str
    price_delta: Decimal
    selected: bool
    blocked_by: tuple[str, ...]  # messages of the rules this choice would break

    @property
    def available(self) -> bool:
        return not self.blocked_by


@dataclass(frozen=True)
class Adjustment:
    group_id: str
    group_label: str
    choice_id: str
    choice_label: str

    def describe(self) -> str:
        return f"switch {self.group_label} to {self.choice_label}"


@dataclass(frozen=True)
class Proposal:
    """The configuration that selecting a choice leads to, with what else had to change."""

    configuration: Configuration
    group_id: str
    choice_id: str
    messages: tuple[str, ...]  # rule messages the plain selection would have broken
    adjustments: tuple[Adjustment, ...]
    possible: bool = True

    def question(self) -> str:
        changes = ", ".join(a.describe() for a in self.adjustments)
        reasons = " ".join(self.messages)
        return f"{reasons} {changes[:1].upper()}{changes[1:]}?".strip()


def choice_statuses(product: Product, configuration: Configuration
                    ) -> dict[str, list[ChoiceStatus]]:
    """Per option group, every choice with what it adds to the price (its difference from the
    group's default choice, as the price breakdown lists it) and its rules."""
    configuration = complete(configuration, product)
    selections = configuration.selections
    out: dict[str, list[ChoiceStatus]] = {}
    for group in product.options:
        statuses = []
        for choice in group.choices:
            trial = {**selections, group.id: choice.id}
            broken = tuple(v.rule.message for v in violations(product, trial)
                           if group.id in _groups_of(v.rule.when, v.rule.then))
            statuses.append(ChoiceStatus(group.id, choice.id, choice.label,
                                         choice_price_delta(group, choice.id),
                                         selections[group.id] == choice.id, broken))
        out[group.id] = statuses
    return out


def offerable_choices(product: Product, configuration: Configuration) -> set[tuple[str, str]]:
    """(group, choice) pairs a suggestion may offer now: in a group the current choices leave
    active, not the one chosen, and allowed by the rules with the rest."""
    configuration = complete(configuration, product)
    hidden = inactive_groups(product, configuration.selections)
    return {(s.group_id, s.choice_id) for group_id, statuses in
            choice_statuses(product, configuration).items() if group_id not in hidden
            for s in statuses if s.available and not s.selected}


def _groups_of(when: str, then: list[str]) -> set[str]:
    return {ref.partition(".")[0] for ref in [when, *then]}


def propose_choice(product: Product, configuration: Configuration, group_id: str,
                   choice_id: str) -> Proposal:
    """Select ``choice_id``; when a rule forbids that with the other selections, change as few
    of them as possible (earlier option groups are kept first)."""
    configuration = complete(configuration, product)
    wanted = {**configuration.selections, group_id: choice_id}
    broken = violations(product, wanted)
    if not broken:
        return Proposal(configuration.with_choice(group_id, choice_id), group_id, choice_id,
                        (), ())
    fixed = {group_id: choice_id}
    for group in product.options:
        if group.id == group_id:
            continue
        attempt = {**fixed, group.id: configuration.selections[group.id]}
        if find_valid_selections(product, attempt) is not None:
            fixed = attempt
    full = find_valid_selections(product, fixed)
    messages = tuple(dict.fromkeys(v.rule.message for v in broken))
    if full is None:
        return Proposal(configuration, group_id, choice_id, messages, (), possible=False)
    adjustments = []
    for group in product.options:
        new_id = full[group.id]
        if group.id != group_id and new_id != configuration.selections[group.id]:
            adjustments.append(Adjustment(group.id, group.label, new_id,
                                          group.choice(new_id).label))
    result = configuration.model_copy(update={"selections": full})
    return Proposal(complete(result, product), group_id, choice_id, messages,
                    tuple(adjustments))


def keep_valid(configuration: Configuration, product: Product) -> Configuration:
    """``configuration`` for a (reloaded) ``product``: selections, colours and zone values that
    still exist are kept, the rest fall back to the defaults."""
    selections = {}
    colours = {}
    for group in product.options:
        choice_id = configuration.selections.get(group.id)
        if choice_id is None or all(c.id != choice_id for c in group.choices):
            continue
        selections[group.id] = choice_id
        colour = configuration.colours.get(group.id)
        choice = group.choice(choice_id)
        if colour and choice.free_colour is not None and colour_allowed(choice.free_colour,
                                                                         colour):
            colours[group.id] = colour
    zones = {z.id: z.kind for z in product.zones}
    personalization = {k: v for k, v in configuration.personalization.items()
                       if zones.get(k) == v.kind}
    kept = Configuration(product_id=product.id, selections=selections, colours=colours,
                         personalization=personalization)
    return complete(kept, product)


def nearest_allowed_colour(limit: FreeColour, colour: str) -> str:
    """``colour`` itself when offered; otherwise the closest colour the limit allows."""
    colour = colour.lower()
    if colour_allowed(limit, colour):
        return colour
    if limit.palette is not None:
        return min(limit.palette, key=lambda p: _distance(p, colour))
    assert limit.range is not None
    h, s, lightness = hex_to_hsl(colour)
    lo, hi = limit.range.hue
    inside = lo <= h <= hi if lo <= hi else (h >= lo or h <= hi)
    if not inside:
        h = min((lo, hi), key=lambda bound: min(abs(h - bound), 360 - abs(h - bound)))
    s = min(max(s, limit.range.saturation[0]), limit.range.saturation[1])
    lightness = min(max(lightness, limit.range.lightness[0]), limit.range.lightness[1])
    l_mid = sum(limit.range.lightness) / 2
    s_mid = sum(limit.range.saturation) / 2
    for step in range(8):  # rounding to 8 bits can land just outside: step inwards
        t = step / 255.0
        light = lightness + (l_mid - lightness) * min(1.0, t * 4)
        sat = s + (s_mid - s) * min(1.0, t * 4)
        r, g, b = colorsys.hls_to_rgb(h / 360.0, light, sat)
        candidate = "#" + "".join(f"{round(v * 255):02x}" for v in (r, g, b))
        if colour_allowed(limit, candidate):
            return candidate
    return limit.default


def _distance(a: str, b: str) -> int:
    return sum((int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) ** 2 for i in (1, 3, 5))
