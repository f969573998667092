"""A customer exported whole and erased: no personal data left in any table, orders kept as
anonymous lines that still count."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.domain.configuration import ImageValue, TextValue, default_configuration
from app.store.configurations import record_quote, save_configuration
from app.store.customers import create_customer
from app.store.orders import LineItem, record_order
from app.store.privacy import erase_customer, export_customer
from app.store.sales_counts import refresh_counts
from app.store.suggestions import suggestions
from app.store.tables import Base, OrderLine, OrderLineChoice
from tests.store.synthetic import customers, order_as

PICTURE = "sha256:" + "ab" * 32
SHARED_PICTURE = "sha256:" + "cd" * 32


def _everything(store) -> str:
    """Every value of every row of every table, as text."""
    out = []
    with store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                out.extend(repr(v) for v in row)
    return "\n".join(out)


def _mug_for(mug, text: str, picture: str):
    zones = {z.kind: z.id for z in mug.zones}
    configuration = default_configuration(mug).with_zone(zones["text"], TextValue(text=text))
    if "image" in zones:
        configuration = configuration.with_zone(zones["image"], ImageValue(image=picture))
    return configuration


def test_erasing_a_customer_leaves_no_personal_data(store, catalog):
    mug = catalog.product("mug")
    with store.transaction() as session:
        ids = customers(session, 5)  # others ordered the same look: counts must survive
        for buyer in ids:
            order_as(session, mug, buyer, {"glaze": "matte_black", "interior": "red"})
        for buyer in customers(session, 5, prefix="other"):
            order_as(session, mug, buyer, {"glaze": "white", "interior": "white"})
        anna = create_customer(session, "Annabel Quist", "annabel.quist@example.com",
                               consent=True)
        configuration = _mug_for(mug, "For Grandma Ingrid", PICTURE) \
            .with_choice("glaze", "matte_black").with_choice("interior", "red")
        saved = save_configuration(session, anna.id, mug, configuration)
        record_quote(session, saved.id, "Annabel Quist - quote.pdf")
        record_order(session, [LineItem.of(mug, configuration)], customer_id=anna.id,
                     document="Annabel Quist - order.zip")
        bo = create_customer(session, "Bo", "bo@example.com")
        save_configuration(session, bo.id, mug, _mug_for(mug, "Bo", SHARED_PICTURE))
        anna_id = anna.id
    with store.transaction() as session:
        exported = export_customer(session, anna_id)
    assert exported["customer"]["name"] == "Annabel Quist"
    assert len(exported["configurations"]) == 1 and len(exported["quotes"]) == 1
    assert "For Grandma Ingrid" in json.dumps(exported)
    before = _everything(store)
    assert "Annabel" in before and "Grandma Ingrid" in before
    with store.transaction() as session:
        lines_before = session.scalar(select(func.count()).select_from(OrderLine))
        removed = erase_customer(session, anna_id)
    everything = _everything(store)
    for personal in ("Annabel", "Quist", "annabel.quist", "Grandma Ingrid"):
        assert personal not in everything
    if any(z.kind == "image" for z in mug.zones):
        assert removed == {PICTURE}
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OrderLine)) == lines_before
        choices = session.scalar(select(func.count()).select_from(OrderLineChoice)
                                 .where(OrderLineChoice.choice_id == "matte_black"))
        assert choices == 6
        refresh_counts(session, "mug")
        found = suggestions(session, mug, default_configuration(mug)
                            .with_choice("glaze", "matte_black"))
        assert found["interior"].lines == 6  # the erased customer's order still counts
        assert "Bo" in _everything(store)


def test_erasing_a_customer_who_is_not_there_is_a_clear_error(store):
    import pytest

    from app.errors import AppError

    with store.transaction() as session, pytest.raises(AppError, match="no customer 42"):
        erase_customer(session, 42)
