"""The price of a configuration, line by line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.configuration import Configuration
from app.domain.product import OptionGroup, Product


@dataclass(frozen=True)
class PriceLine:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class PriceBreakdown:
    currency: str
    lines: tuple[PriceLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def format(self, amount: Decimal | None = None) -> str:
        return format_amount(self.total if amount is None else amount, self.currency)


def format_amount(amount: Decimal, currency: str) -> str:
    """``1,234.50 EUR``: two decimals, thousands grouped, the currency after."""
    return f"{Decimal(amount).quantize(Decimal('0.01')):,} {currency}".strip()


def choice_price_delta(group: OptionGroup, choice_id: str) -> Decimal:
    """What choosing ``choice_id`` adds to the price: its difference from the group's default
    choice (whose price is part of the product's own line)."""
    return group.choice(choice_id).price - group.default_choice.price


def price_breakdown(configuration: Configuration, product: Product) -> PriceBreakdown:
    """The product as it comes (base price and every group's default choice), then every
    selected choice with what it adds over its group's default, and every personalized zone,
    in product order. A choice's swatch shows the same figure its line adds.

    Choices that add nothing are listed too, so the breakdown reads as the full specification.
    """
    as_it_comes = product.base_price + sum(
        (group.default_choice.price for group in product.options), Decimal(0))
    lines = [PriceLine(product.name, as_it_comes)]
    for group in product.options:
        choice_id = configuration.selections.get(group.id)
        if choice_id is None:
            continue
        choice = group.choice(choice_id)
        label = f"{group.label}: {choice.label}"
        if choice.free_colour is not None and group.id in configuration.colours:
            label += f" {configuration.colours[group.id]}"
        lines.append(PriceLine(label, choice_price_delta(group, choice_id)))
    for zone in product.zones:
        if zone.id in configuration.personalization:
            lines.append(PriceLine(zone.label, zone.price))
    return PriceBreakdown(product.currency, tuple(lines))


def format_delta(amount: Decimal, currency: str) -> str:
    """A choice's price difference as a swatch shows it: "included", "+12.00 EUR"."""
    if amount == 0:
        return "included"
    sign = "+" if amount > 0 else "\u2212"
    return f"{sign}{abs(amount).quantize(Decimal('0.01')):,} {currency}"
