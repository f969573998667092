"""Order histories with known rules, for the store's tests."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.configuration import Configuration, default_configuration
from app.domain.product import Product
from app.store.customers import create_customer
from app.store.orders import LineItem, record_order


def order_as(session, product: Product, buyer: int | None, selections: dict[str, str], *,
             day: date = date(2026, 11, 2), quantity: int = 1) -> None:
    configuration = default_configuration(product)
    for group_id, choice_id in selections.items():
        configuration = configuration.with_choice(group_id, choice_id)
    record_order(session, [LineItem.of(product, configuration, quantity)], customer_id=buyer,
                 ordered_on=day)


def customers(session, count: int, prefix: str = "buyer") -> list[int]:
    return [create_customer(session, f"{prefix} {i}", f"{prefix}{i}@example.com").id
            for i in range(count)]


def guitar_history(session, guitar: Product) -> None:
    """Black finish goes with a tortoise pickguard (9 of 10 buyers); sunburst goes with gold
    hardware (4 buyers only, each twice: 8 lines, too few buyers to show). Every other choice
    is the product's default (white pickguard, chrome hardware)."""
    buyers = customers(session, 14)
    for i, buyer in enumerate(buyers[:10]):
        pickguard = "tortoise" if i < 9 else "white"
        order_as(session, guitar, buyer, {"finish": "black", "pickguard": pickguard},
                 day=date(2026, 11, 2) + timedelta(days=i))
    for buyer in buyers[10:]:
        for _ in range(2):
            order_as(session, guitar, buyer, {"finish": "sunburst", "hardware": "gold"})


def text_value(text: str) -> dict:
    return {"kind": "text", "text": text}


def personalized(product: Product, zone_id: str, text: str) -> Configuration:
    from app.domain.configuration import TextValue

    return default_configuration(product).with_zone(zone_id, TextValue(text=text))


def navy_with_black_inside(link, mug: Product, buyers: int, first: int = 0) -> None:
    """``buyers`` customers each order the mug with a navy glaze and a black inside; the first
    time, five others order it as it comes (so black inside goes with navy, lift above 1). The
    link's writer then brings the counts up to date."""
    from app.store.customers import create_customer

    look = default_configuration(mug).with_choice("glaze", "navy").with_choice(
        "interior", "black")
    plain = default_configuration(mug)

    def write(session):
        for n in range(first, first + buyers):
            buyer = create_customer(session, f"Buyer {n}", f"buyer{n}@example.com")
            record_order(session, [LineItem.of(mug, look)], customer_id=buyer.id)
        if first == 0:
            for n in range(100, 105):
                buyer = create_customer(session, f"Buyer {n}", f"buyer{n}@example.com")
                record_order(session, [LineItem.of(mug, plain)], customer_id=buyer.id)

    link.read(write)
    link.flush()
