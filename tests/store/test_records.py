"""Customers, their saved configurations, quotes and orders, and their history."""

from __future__ import annotations

import io
import threading
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.domain.configuration import default_configuration
from app.errors import AppError, AppErrors
from app.store.configurations import record_quote, save_configuration, saved_configuration
from app.store.customers import create_customer, find_customers
from app.store.history import customer_history
from app.store.orders import LineItem, record_order
from app.store.tables import OrderLine, SavedConfiguration


def png(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def test_a_customers_history_holds_what_was_saved_quoted_and_ordered(store, catalog):
    guitar, mug = catalog.product("guitar"), catalog.product("mug")
    red = default_configuration(guitar).with_choice("finish", "candy_red")
    with store.transaction() as session:
        anna = create_customer(session, "  Anna   Lind ", "Anna@Example.com", consent=True)
        first = save_configuration(session, anna.id, guitar, red, thumbnail=png())
        second = save_configuration(session, anna.id, mug, default_configuration(mug))
        record_quote(session, first.id, "guitar-quote.pdf")
        record_order(session, [LineItem.of(guitar, red, 2)], customer_id=anna.id,
                     document="order.zip")
        anna_id, first_id, second_id = anna.id, first.id, second.id
    with store.transaction() as session:
        history = customer_history(session, anna_id)
        assert history.customer.name == "Anna Lind"
        assert history.customer.email == "anna@example.com"
        assert [c.id for c in history.configurations] == [second_id, first_id]
        assert history.configurations[1].thumbnail == png()
        assert [q.configuration_id for q in history.quotes] == [first_id]
        [order] = history.orders
        [line] = order.lines
        assert line.quantity == 2 and line.product_id == "guitar"
        assert line.unit_price == history.configurations[1].total
        look = saved_configuration(session, first_id)
        assert look.configuration.selections["finish"] == "candy_red"
        assert look.product.id == "guitar"


def test_finding_customers_by_part_of_name_or_email(store):
    with store.transaction() as session:
        create_customer(session, "Anna Lind", "anna@example.com")
        create_customer(session, "Bo 100% Berg", "bo@shop.example")
        create_customer(session, "Carl", None)
    with store.transaction() as session:
        assert [c.name for c in find_customers(session, "ANNA")] == ["Anna Lind"]
        assert [c.name for c in find_customers(session, "shop.ex")] == ["Bo 100% Berg"]
        assert [c.name for c in find_customers(session, "100%")] == ["Bo 100% Berg"]
        assert find_customers(session, "_") == []  # a wildcard is a plain character
        assert len(find_customers(session, "")) == 3


@pytest.mark.parametrize(("name", "email", "field"), [
    ("", "a@example.com", "name"),
    ("Anna\x00", "a@example.com", "name"),
    ("x" * 201, None, "name"),
    ("Anna", "not an address", "e-mail"),
    ("Anna", "a@b", "e-mail"),
])
def test_bad_customer_details_are_refused_with_the_field(store, name, email, field):
    with store.transaction() as session, pytest.raises(AppError) as caught:
        create_customer(session, name, email)
    assert caught.value.field == field


def test_one_email_is_one_customer(store):
    with store.transaction() as session:
        create_customer(session, "Anna", "anna@example.com")
    with store.transaction() as session, pytest.raises(AppError, match="already has"):
        create_customer(session, "Other Anna", "ANNA@example.com")


def test_a_configuration_the_product_does_not_allow_is_not_saved(store, catalog):
    guitar = catalog.product("guitar")
    forbidden = default_configuration(guitar).with_choice("finish", "black") \
        .with_choice("pickguard", "black")
    with store.transaction() as session:
        anna = create_customer(session, "Anna")
        with pytest.raises(AppErrors):
            save_configuration(session, anna.id, guitar, forbidden)
        with pytest.raises(AppError, match="PNG"):
            save_configuration(session, anna.id, guitar, default_configuration(guitar),
                               thumbnail=b"<svg onload=alert(1)>")


def test_saving_the_same_queued_configuration_twice_keeps_one(store, catalog):
    mug = catalog.product("mug")
    with store.transaction() as session:
        anna = create_customer(session, "Anna")
        a = save_configuration(session, anna.id, mug, default_configuration(mug),
                               client_key="a" * 32)
        b = save_configuration(session, anna.id, mug, default_configuration(mug),
                               client_key="a" * 32)
        assert a.id == b.id


def test_two_reps_saving_at_once_lose_nothing(store, catalog):
    mug = catalog.product("mug")
    with store.transaction() as session:
        anna_id = create_customer(session, "Anna").id
    glazes = [c.id for c in mug.option("glaze").choices]
    errors = []

    def rep(offset: int) -> None:
        try:
            for i in range(20):
                configuration = default_configuration(mug).with_choice(
                    "glaze", glazes[(i + offset) % len(glazes)])
                with store.transaction() as session:
                    save_configuration(session, anna_id, mug, configuration)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=rep, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SavedConfiguration)) == 40


def test_an_old_order_keeps_its_meaning_after_the_product_is_edited(store, catalog):
    guitar = catalog.product("guitar")
    red = default_configuration(guitar).with_choice("finish", "candy_red")
    with store.transaction() as session:
        anna = create_customer(session, "Anna")
        saved = save_configuration(session, anna.id, guitar, red)
        order = record_order(session, [LineItem.of(guitar, red)], customer_id=anna.id)
        price, saved_id, order_id = order.lines[0].unit_price, saved.id, order.id
    finish = guitar.option("finish")
    edited = guitar.model_copy(update={
        "base_price": guitar.base_price + 100,
        "options": [finish.model_copy(update={"choices": [
            c for c in finish.choices if c.id != "candy_red"]}) if g.id == "finish" else g
            for g in guitar.options]})
    with store.transaction() as session:
        record_order(session, [LineItem.of(edited, default_configuration(edited))])
    with store.transaction() as session:
        line = session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)).one()
        assert line.unit_price == price
        look = saved_configuration(session, saved_id)
        assert look.product.option("finish").choice("candy_red").label
        assert look.product.base_price == guitar.base_price
        assert look.configuration.selections["finish"] == "candy_red"
        hashes = set(session.scalars(select(OrderLine.product_hash)))
        assert len(hashes) == 2


def test_an_order_line_records_the_preset_it_was(store, catalog):
    mug = catalog.product("mug")
    preset = mug.preset("midnight")
    configuration = default_configuration(mug)
    for group_id, choice_id in preset.selections.items():
        configuration = configuration.with_choice(group_id, choice_id)
    with store.transaction() as session:
        order = record_order(session, [LineItem.of(mug, configuration),
                                       LineItem.of(mug, default_configuration(mug)
                                                   .with_choice("glaze", "matte_black"))])
        assert [line.preset_id for line in order.lines][0] == "midnight"
        assert order.lines[0].unit_price == Decimal(order.lines[0].unit_price)
