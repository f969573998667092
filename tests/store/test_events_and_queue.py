"""Events hold no personal data; with the database down, events and saves to a customer wait
on disk and are written when it is back; a damaged queue file is read as far as it is sound."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.domain.configuration import default_configuration
from app.store.customers import create_customer
from app.store.database import StoreUnavailable, open_store
from app.store.event_records import EventKind, Window
from app.store.events import EventRecorder, purge_old_events
from app.store.link import StoreLink
from app.store.outbox import Outbox
from app.store.tables import Event, SavedConfiguration


def test_an_event_refuses_anything_but_ids_and_numbers(store, tmp_path):
    recorder = EventRecorder(store, Outbox(tmp_path), Window.desktop, flush_seconds=None)
    recorder.record(EventKind.choice_made, product_id="mug", group_id="glaze",
                    choice_id="matte_black")
    for bad in ({"product_id": "Anna Lind"}, {"choice_id": "anna@example.com"},
                {"group_id": "x" * 65}, {"preset_id": "Robert'); DROP TABLE events;--"}):
        with pytest.raises(ValueError):
            recorder.record(EventKind.personalization_added, **bad)
    with pytest.raises(ValueError):
        recorder.record(EventKind.session_length, value=float("nan"))
    with pytest.raises(ValueError):
        recorder.record("typed_text", product_id="mug")
    assert recorder.flush() == 1
    with store.transaction() as session:
        [event] = session.scalars(select(Event))
        assert (event.kind, event.window, event.choice_id) == (
            "choice_made", "desktop", "matte_black")


def test_recording_off_records_nothing(store, tmp_path):
    recorder = EventRecorder(store, Outbox(tmp_path), Window.kiosk, enabled=False,
                             flush_seconds=None)
    recorder.record(EventKind.product_opened, product_id="mug")
    assert recorder.flush() == 0


def test_a_store_that_is_down_queues_on_disk_and_writes_later(store_url, tmp_path, catalog):
    mug = catalog.product("mug")
    reachable = {"now": False}

    def connect(url):
        if not reachable["now"]:
            raise StoreUnavailable("connection refused")
        return open_store(url)

    setup = open_store(store_url)
    with setup.transaction() as session:
        anna_id = create_customer(session, "Anna").id
    setup.close()
    link = StoreLink(store_url, tmp_path / "queue", Window.desktop, flush_seconds=None,
                     connect=connect)
    assert not link.online and "Store offline" in link.status()
    link.recorder.record(EventKind.product_opened, product_id="mug")
    assert link.save_configuration(anna_id, mug, default_configuration(mug)) is None
    link.flush()
    assert "2 waiting" in link.status()
    with pytest.raises(StoreUnavailable):
        link.read(lambda session: None)
    reachable["now"] = True
    link.recorder.record(EventKind.choice_made, product_id="mug", group_id="glaze",
                         choice_id="white")
    link.flush()
    assert link.online and link.status() == ""
    assert len(link.outbox) == 0
    saved = link.read(lambda s: s.scalar(select(func.count()).select_from(SavedConfiguration)))
    events = link.read(lambda s: sorted(s.scalars(select(Event.kind))))
    assert saved == 1 and events == ["choice_made", "product_opened"]
    link.flush()  # written once only
    assert link.read(lambda s: s.scalar(select(func.count()).select_from(Event))) == 2
    link.close()


def test_a_damaged_queue_file_is_read_as_far_as_it_is_sound(store, tmp_path):
    outbox = Outbox(tmp_path)
    good = {"at": datetime(2026, 11, 30, tzinfo=UTC).isoformat(), "kind": "product_opened",
            "window": "kiosk", "session_key": "0" * 32, "product_id": "mug",
            "group_id": None, "choice_id": None, "preset_id": None, "value": None}
    outbox.put("event", good)
    with open(outbox.path, "a", encoding="ascii") as f:
        f.write('{"kind": "event", "payload": {"at": "2026-11-30T00:00:00+00:00", "kind": '
                '"product_opened", "window": "kiosk", "session_key": "Anna Lind"}}\n')
        f.write("not json at all\n")
        f.write('{"kind": "configuration", "payload": {"client_key": 5}}\n')
        f.write('{"kind": "event", "payl')  # torn write
    recorder = EventRecorder(store, outbox, Window.kiosk, flush_seconds=None)
    recorder.flush()
    assert outbox.skipped == 2  # not JSON, torn
    with store.transaction() as session:
        assert [e.session_key for e in session.scalars(select(Event))] == ["0" * 32]
    assert len(outbox) == 0


def test_events_older_than_the_retention_are_deleted(store, tmp_path):
    times = iter([datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)])
    recorder = EventRecorder(store, Outbox(tmp_path), Window.desktop, flush_seconds=None,
                             clock=lambda: next(times))
    recorder.record(EventKind.product_opened, product_id="mug")
    recorder.record(EventKind.product_opened, product_id="guitar")
    recorder.flush()
    assert purge_old_events(store, 365, today=date(2026, 12, 1)) == 1
    with store.transaction() as session:
        assert list(session.scalars(select(Event.product_id))) == ["guitar"]


def test_the_writer_thread_stores_events_by_itself(store, tmp_path):
    import time

    recorder = EventRecorder(store, Outbox(tmp_path), Window.desktop, flush_seconds=0.05)
    recorder.record(EventKind.product_opened, product_id="mug")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with store.transaction() as session:
            if session.scalar(select(func.count()).select_from(Event)):
                break
        time.sleep(0.05)
    recorder.close()
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 1


def test_the_writer_brings_the_counts_up_to_date_after_orders(store_url, tmp_path, catalog):
    from app.store.suggestions import suggestions
    from tests.store.synthetic import customers, order_as

    mug = catalog.product("mug")
    link = StoreLink(store_url, tmp_path / "queue", Window.desktop, flush_seconds=None)

    def orders(session):
        buyers = customers(session, 10)
        for buyer in buyers[:5]:
            order_as(session, mug, buyer, {"glaze": "matte_black", "interior": "red"})
        for buyer in buyers[5:]:
            order_as(session, mug, buyer, {"glaze": "white", "interior": "white"})

    link.read(orders)
    current = default_configuration(mug).with_choice("glaze", "matte_black")
    assert link.read(lambda session: suggestions(session, mug, current)) == {}
    link.flush()
    found = link.read(lambda session: suggestions(session, mug, current))
    assert found["interior"].choice_id == "red"
    link.close()


def test_a_link_made_without_connecting_connects_from_its_writer(store_url, tmp_path):
    import time

    link = StoreLink(store_url, tmp_path / "queue", Window.desktop, flush_seconds=0.05,
                     connect_now=False)
    try:
        deadline = time.monotonic() + 20
        while not link.online and time.monotonic() < deadline:
            time.sleep(0.02)
        assert link.online and link.status() == ""
    finally:
        link.close()


def test_a_link_says_it_is_connecting_before_its_first_try(tmp_path):
    import threading

    gate = threading.Event()

    def connect(url):
        gate.wait(10)
        raise StoreUnavailable("connection refused")

    link = StoreLink("sqlite:///unused", tmp_path / "queue", Window.desktop, flush_seconds=0.05,
                     connect=connect, connect_now=False)
    try:
        assert link.status() == "Connecting to the store..."
    finally:
        gate.set()
        link.close()
    assert "Store offline" in link.status()


def test_a_full_queue_drops_its_oldest_events_never_a_saved_configuration(tmp_path,
                                                                          monkeypatch):
    from app.store import outbox as outbox_module

    monkeypatch.setattr(outbox_module, "MAX_ENTRIES", 5)
    queue = Outbox(tmp_path)
    queue.put("configuration", {"client_key": "c" * 32})
    queue.put_many("event", [{"n": i} for i in range(8)])
    assert len(queue) == 5
    kept = []
    queue.drain(kept.extend)
    assert [e["kind"] for e in kept] == ["configuration", "event", "event", "event", "event"]
    assert [e["payload"]["n"] for e in kept[1:]] == [4, 5, 6, 7]
    assert len(queue) == 0


def test_the_queue_counts_what_another_window_added(tmp_path):
    mine, theirs = Outbox(tmp_path), Outbox(tmp_path)  # the desktop's and the kiosk's
    mine.put("event", {"n": 1})
    assert len(mine) == 1
    theirs.put_many("event", [{"n": 2}, {"n": 3}])
    assert len(mine) == 3 and len(theirs) == 3
