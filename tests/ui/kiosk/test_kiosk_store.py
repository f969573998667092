"""The kiosk with a store: the attract loop shows the most ordered looks first, and each
customer is an anonymous session (a new session key after every reset, no customer, no typed
text); what the attract loop shows by itself is not recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.configuration import TextValue, complete, default_configuration
from app.project import open_project
from app.store.event_records import Window
from app.store.link import StoreLink
from app.store.orders import LineItem, record_order
from app.store.tables import Event
from app.ui.kiosk.kiosk_window import KioskWindow
from tests.sample_project import write_project
from tests.ui.kiosk.conftest import FakeClock, kiosk_config

TYPED = "Jonas Feldkamp"


def preset_look(product, preset_id):
    preset = product.preset(preset_id)
    configuration = default_configuration(product)
    configuration = configuration.model_copy(update={
        "selections": {**configuration.selections, **preset.selections}})
    return complete(configuration, product)


@pytest.fixture(scope="module")
def store_kiosk(qapp, tmp_path_factory):
    from pytestqt.qtbot import QtBot

    folder = tmp_path_factory.mktemp("kiosk-store")
    root = write_project(folder / "project")
    project = open_project(root)
    link = StoreLink(f"sqlite:///{folder / 'store.sqlite3'}", folder / "queue", Window.kiosk,
                     flush_seconds=None)
    mug = project.catalog.product("mug")
    link.read(lambda s: record_order(s, [LineItem.of(mug, preset_look(mug, "stoneware"), 3),
                                         LineItem.of(mug, preset_look(mug, "midnight"))]))
    clock = FakeClock()
    window = KioskWindow(project, kiosk_config(), clock=clock, fonts=["sans"], store=link)
    window.resize(900, 560)
    window.show()
    QtBot(None).waitExposed(window)
    window.start()
    window.attract_turn.stop()
    window.test_clock = clock
    yield window, link
    window.exit_allowed = True
    window.close()
    link.close()


def test_the_attract_loop_shows_the_most_ordered_looks_first(store_kiosk):
    kiosk, _link = store_kiosk
    kiosk.enter_attract()
    kiosk.attract_turn.stop()
    assert [step for step in kiosk._attract_steps] == [
        ("mug", "stoneware"), ("mug", "midnight"), ("mug", "classic")]
    assert "Stoneware" in kiosk.attract_page.showing.text()


def test_each_customer_is_an_anonymous_session(store_kiosk):
    kiosk, link = store_kiosk
    kiosk.enter_attract()
    kiosk.attract_turn.stop()
    link.flush()
    start = link.read(lambda s: s.scalar(select(Event.id).order_by(Event.id.desc())) or 0)
    kiosk.next_attract_step()  # the loop by itself: nothing recorded
    assert kiosk.user_input() is True
    kiosk.select_choice("glaze", "navy")
    kiosk.session.set_zone("wrap_text", TextValue(text=TYPED))
    kiosk.test_clock.advance(20)
    kiosk.show_handoff()
    kiosk.handoff_page.finished.emit()  # done: back to the attract loop, session over
    assert kiosk.side.currentWidget() is kiosk.attract_page
    assert kiosk.user_input() is True  # the next customer
    kiosk.apply_preset("midnight")
    kiosk.test_clock.advance(31)
    kiosk.tick_idle()
    kiosk.test_clock.advance(11)
    kiosk.tick_idle()  # idle reset
    link.flush()
    events = link.read(lambda s: list(s.scalars(
        select(Event).where(Event.id > start).order_by(Event.id))))
    kinds = [e.kind for e in events]
    assert kinds == ["product_opened", "choice_made", "personalization_added", "handoff",
                     "session_length", "product_opened", "preset_used", "session_length"]
    assert {e.window for e in events} == {"kiosk"}
    first, second = events[0].session_key, events[-1].session_key
    assert first != second
    assert [e.session_key for e in events[:5]] == [first] * 5
    assert events[4].value == pytest.approx(20.0)
    text = " ".join(str((e.session_key, e.product_id, e.group_id, e.choice_id, e.preset_id,
                         e.value)) for e in events).lower()
    assert "jonas" not in text and "feldkamp" not in text
