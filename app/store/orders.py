"""Orders and their lines: each line keeps its product's version, its choices by id, its price,
and whether it was a preset's look; a line that no longer reads against the catalog is kept and
flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.configuration import Configuration, complete
from app.domain.pricing import price_breakdown
from app.domain.product import Product
from app.domain.share_code import encode_share_code
from app.store.daily_totals import add_order_lines
from app.store.products import remember_product
from app.store.sales_counts import count_lines, mark_counts_stale
from app.store.tables import Customer, Order, OrderLine, OrderLineChoice

MAX_QUANTITY = 10_000


@dataclass(frozen=True)
class LineItem:
    """What an order line is made of: a configuration of a product, or, for a line that no
    longer reads (product or choice gone), its share code and why."""

    product_id: str
    share_code: str
    quantity: int = 1
    product: Product | None = None
    configuration: Configuration | None = None
    problem: str | None = None

    @classmethod
    def of(cls, product: Product, configuration: Configuration, quantity: int = 1
           ) -> LineItem:
        configuration = complete(configuration, product)
        return cls(product.id, encode_share_code(configuration, product), quantity, product,
                   configuration)


def preset_of(product: Product, configuration: Configuration) -> str | None:
    """The preset whose look the configuration is, if any."""
    for preset in product.presets:
        if all(configuration.selections.get(g) == c for g, c in preset.selections.items()) \
                and all(configuration.colours.get(g) == c for g, c in preset.colours.items()):
            return preset.id
    return None


def _line(session: Session, item: LineItem) -> OrderLine:
    if item.product is None or item.configuration is None:
        return OrderLine(product_id=item.product_id[:64], share_code=item.share_code,
                         quantity=item.quantity, problem=item.problem or "not readable")
    prices = price_breakdown(item.configuration, item.product)
    line = OrderLine(
        product_id=item.product.id, product_hash=remember_product(session, item.product),
        share_code=item.share_code, configuration=item.configuration.to_json(),
        preset_id=preset_of(item.product, item.configuration),
        personalized=bool(item.configuration.personalization), quantity=item.quantity,
        unit_price=prices.total, currency=prices.currency)
    line.choices = [OrderLineChoice(group_id=g, choice_id=c, product_id=item.product.id)
                    for g, c in sorted(item.configuration.selections.items())]
    return line


def record_order(session: Session, items: list[LineItem], *, customer_id: int | None = None,
                 ordered_on: date | None = None, source: str = "app",
                 external_id: str | None = None, document: str | None = None,
                 count: bool = True) -> Order:
    """One order; its readable lines added to the daily totals and (with ``count``) to the
    suggestion counts. Bulk work passes ``count=False`` and calls ``refresh_counts`` after."""
    buyer_key = None
    if customer_id is not None:
        buyer = session.get(Customer, customer_id)
        if buyer is None:
            raise KeyError(customer_id)
        buyer_key = buyer.buyer_key
    order = Order(external_id=external_id, customer_id=customer_id, buyer_key=buyer_key,
                  ordered_on=ordered_on or datetime.now(UTC).date(), source=source,
                  document=document, created_at=datetime.now(UTC))
    order.lines = [_line(session, item) for item in items]
    session.add(order)
    add_order_lines(session, order.ordered_on, order.lines)
    session.flush()
    if count:
        count_lines(session, order.lines, buyer_key)
    else:
        for product_id in {item.product_id for item in items if item.problem is None}:
            mark_counts_stale(session, product_id)
    return order


def order_total(order: Order) -> Decimal:
    return sum(((line.unit_price or Decimal(0)) * line.quantity for line in order.lines),
               Decimal(0))


def flagged_lines(session: Session) -> list[OrderLine]:
    """Order lines kept although they no longer read against the catalog."""
    return list(session.scalars(select(OrderLine).where(OrderLine.problem.is_not(None))
                                .order_by(OrderLine.id)))
