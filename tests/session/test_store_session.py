"""The store seen from the presenter, with no Qt: events from a configuring session (ids only,
never a name, an e-mail or a typed text), the customer desk (save, history, reopen, quote,
order), the database-down queue, and suggestions backed by at least five buyers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.configuration import TextValue, default_configuration
from app.project import open_project
from app.session.configurator import Configurator
from app.session.customer_desk import CustomerDesk
from app.session.store_events import StoreEvents
from app.store.customers import create_customer
from app.store.database import StoreUnavailable, open_store
from app.store.event_records import Window
from app.store.link import StoreLink
from app.store.orders import LineItem, record_order
from app.store.tables import Event, Order, Quote, SavedConfiguration
from tests.store.synthetic import navy_with_black_inside

NAME, EMAIL, ENGRAVING = "Anna Quist", "anna.quist@example.com", "For Anna with love"


@pytest.fixture
def configurator(project_root):
    return Configurator(open_project(project_root), "mug", remember_products=True)


@pytest.fixture
def link(tmp_path):
    link = StoreLink(f"sqlite:///{tmp_path / 'store.sqlite3'}", tmp_path / "queue",
                     Window.desktop, flush_seconds=None)
    yield link
    link.close()


def all_events(link) -> list[Event]:
    link.flush()
    return link.read(lambda s: list(s.scalars(select(Event).order_by(Event.id))))


def event_text(events: list[Event]) -> str:
    return " ".join(str((e.kind, e.window, e.session_key, e.product_id, e.group_id,
                         e.choice_id, e.preset_id, e.value)) for e in events)


def test_a_session_records_ids_and_no_personal_data(configurator, link):
    ticks = iter([100.0, 142.5])
    events = StoreEvents(configurator, link.recorder, clock=lambda: next(ticks))
    events.begin()
    desk = CustomerDesk(link, configurator)
    desk.create(NAME, EMAIL, True)
    configurator.select("glaze", "navy")
    configurator.view_option("wrap_text")
    configurator.set_zone("wrap_text", TextValue(text="For"))
    configurator.set_zone("wrap_text", TextValue(text=ENGRAVING))  # once per zone, not per key
    configurator.apply_preset("midnight")
    configurator.switch_product("tumbler")
    assert events.end(new_session=True) == pytest.approx(42.5)
    recorded = all_events(link)
    kinds = [e.kind for e in recorded]
    assert kinds == ["product_opened", "choice_made", "option_viewed", "personalization_added",
                     "preset_used", "product_opened", "session_length"]
    assert recorded[1].group_id == "glaze" and recorded[1].choice_id == "navy"
    assert recorded[4].preset_id == "midnight"
    assert recorded[-1].value == pytest.approx(42.5)
    text = event_text(recorded).lower()
    for personal in (NAME, EMAIL, ENGRAVING, "anna", "love"):
        assert personal.lower() not in text
    assert all(e.window == "desktop" for e in recorded)


def test_paused_events_are_not_recorded(configurator, link):
    events = StoreEvents(configurator, link.recorder)
    with events.pause():
        configurator.apply_preset("midnight")
    configurator.select("glaze", "sage")
    assert [e.kind for e in all_events(link)] == ["choice_made"]


def test_save_reopen_quote_and_order(configurator, link):
    StoreEvents(configurator, link.recorder)
    desk = CustomerDesk(link, configurator)
    card = desk.create(NAME, EMAIL, True)
    assert [c.id for c in desk.find("quist")] == [card.id]
    configurator.select("glaze", "terracotta")
    configurator.set_zone("wrap_text", TextValue(text=ENGRAVING))
    saved_id = desk.save_current(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    assert saved_id is not None
    wanted = configurator.configuration
    configurator.switch_product("tumbler")
    look = desk.saved_look(saved_id)
    configurator.load(look.configuration, "Open saved")
    assert configurator.product.id == "mug"
    assert configurator.configuration.selections == wanted.selections
    assert configurator.configuration.personalization == wanted.personalization
    history = desk.history()
    assert [c.id for c in history.configurations] == [saved_id]
    assert history.configurations[0].thumbnail.startswith(b"\x89PNG")
    desk.record_quote(saved_id, "quote.pdf")
    desk.record_order(configurator.product, configurator.configuration, "order.zip")
    history = desk.history()
    assert len(history.quotes) == 1 and len(history.orders) == 1
    orders = link.read(lambda s: list(s.scalars(select(Order))))
    assert orders[0].customer_id == card.id and orders[0].document == "order.zip"
    assert link.read(lambda s: s.scalars(select(Quote)).one().configuration_id) == saved_id
    assert [e.kind for e in all_events(link) if e.kind in ("quote", "order")] == [
        "quote", "order"]


def test_database_down_queues_the_save_and_writes_it_later(configurator, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    with open_store(url).transaction() as session:
        customer_id = create_customer(session, NAME, EMAIL).id
    down = {"yes": True}

    def connect(asked):
        if down["yes"]:
            raise StoreUnavailable("the database cannot be reached")
        return open_store(asked)

    link = StoreLink(url, tmp_path / "queue", Window.desktop, flush_seconds=None,
                     connect=connect)
    try:
        assert "Store offline" in link.status()
        desk = CustomerDesk(link, configurator)
        with pytest.raises(StoreUnavailable):
            desk.find("anna")
        assert desk.suggestion_lines() == {}
        desk.choose(type("Card", (), {"id": customer_id})())
        configurator.select("glaze", "sage")
        assert desk.save_current() is None  # queued on disk
        assert "1 waiting" in link.status() or "waiting" in link.status()
        down["yes"] = False
        link.flush()
        assert link.status() == ""
        rows = link.read(lambda s: list(s.scalars(select(SavedConfiguration))))
        assert [(r.customer_id, r.selections["glaze"]) for r in rows] == [(customer_id, "sage")]
    finally:
        link.close()


def order_history(link, configurator, buyers: int, first: int = 0) -> None:
    navy_with_black_inside(link, configurator.product, buyers, first)


def test_suggestions_need_five_buyers(configurator, link):
    desk = CustomerDesk(link, configurator)
    order_history(link, configurator, 4)
    configurator.select("glaze", "navy")
    assert "interior" not in desk.suggestion_lines()
    order_history(link, configurator, 1, first=4)
    lines = desk.suggestion_lines()
    assert [(s.choice_id, s.text) for s in lines["interior"]] == [
        ("black", "Often chosen: Black (in 100% of orders with Navy glaze)")]


def test_a_known_customer_sees_what_they_ordered(configurator, link):
    desk = CustomerDesk(link, configurator)
    card = desk.create(NAME, EMAIL, True)
    look = default_configuration(configurator.product).with_choice("glaze", "mustard")
    link.read(lambda s: record_order(s, [LineItem.of(configurator.product, look)],
                                     customer_id=card.id))
    lines = desk.suggestion_lines()
    assert [(s.choice_id, s.text) for s in lines["glaze"]] == [
        ("mustard", "This customer ordered Mustard before")]
    desk.choose(None)
    assert desk.suggestion_lines() == {}
