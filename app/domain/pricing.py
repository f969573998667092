"""The price of a configuration, line by line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.configuration import Configuration
from app.domain.product import Product


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
        value = self.total if amount is None else amount
        return f"{value.quantize(Decimal('0.01')):,} {self.currency}"


def price_breakdown(configuration: Configuration, product: Product) -> PriceBreakdown:
    """Base price, then every selected choice and personalized zone, in product order.

    Choices that cost nothing are listed too, so the breakdown reads as the full specification.
    """
    lines = [PriceLine(product.name, product.base_price)]
    for group in product.options:
        choice_id = configuration.selections.get(group.id)
        if choice_id is None:
            continue
        choice = group.choice(choice_id)
        label = f"{group.label}: {choice.label}"
        if choice.free_colour is not None and group.id in configuration.colours:
            label += f" {configuration.colours[group.id]}"
        lines.append(PriceLine(label, choice.price))
    for zone in product.zones:
        if zone.id in configuration.personalization:
            lines.append(PriceLine(zone.label, zone.price))
    return PriceBreakdown(product.currency, tuple(lines))
