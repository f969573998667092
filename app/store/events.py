"""What people do in the windows, recorded without personal data.

An event names only ids and numbers (app.store.event_records). Recording
costs a list append: a writer thread stores the events in batches, and queues them on disk while
the database cannot be reached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete

from app.store.database import StoreDatabase, StoreUnavailable
from app.store.event_records import (
    EventKind,
    EventRecord,
    Window,
    identifier,
    new_session_key,
    number,
)
from app.store.event_writes import store_events
from app.store.outbox import Outbox
from app.store.queued import write_queued
from app.store.tables import Event

FLUSH_SECONDS = 2.0
DEFAULT_RETENTION_DAYS = 365


class EventRecorder:
    """Records one window's events. ``database`` may be None (no store, or not reachable at
    start): events then go to the disk queue."""

    def __init__(self, database: StoreDatabase | None, outbox: Outbox, window: Window, *,
                 enabled: bool = True, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 flush_seconds: float | None = FLUSH_SECONDS):
        self.database = database
        self.outbox = outbox
        self.window = Window(window)
        self.enabled = enabled
        self.clock = clock
        self.session_key = new_session_key()
        self._pending: list[EventRecord] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.reachable = database is not None
        self._thread = None
        if flush_seconds is not None:
            self._thread = threading.Thread(target=self._run, args=(flush_seconds,),
                                            name="store events", daemon=True)
            self._thread.start()

    def record(self, kind: EventKind, *, product_id: str | None = None,
               group_id: str | None = None, choice_id: str | None = None,
               preset_id: str | None = None, value: float | None = None) -> None:
        if not self.enabled:
            return
        event = EventRecord(self.clock(), EventKind(kind).value, self.window.value,
                            self.session_key, identifier(product_id, "product_id"),
                            identifier(group_id, "group_id"), identifier(choice_id, "choice_id"),
                            identifier(preset_id, "preset_id"), number(value))
        with self._lock:
            self._pending.append(event)

    def new_session(self) -> None:
        """A new customer (the kiosk's reset): a new anonymous session key."""
        self.session_key = new_session_key()

    def flush(self) -> int:
        """Store the events recorded so far (and any queued on disk); returns how many were
        stored now. While the database is down they go to the disk queue."""
        with self._lock:
            pending, self._pending = self._pending, []
        if self.database is None:
            self.outbox.put_many("event", [e.payload() for e in pending])
            return 0
        try:
            written = self.outbox.drain(self._write_queued)
            if pending:
                with self.database.transaction() as session:
                    store_events(session, [e.row() for e in pending])
            self.reachable = True
            return written + len(pending)
        except StoreUnavailable:
            self.reachable = False
            self.outbox.put_many("event", [e.payload() for e in pending])
            return 0

    def _write_queued(self, entries: list[dict]) -> None:
        assert self.database is not None
        write_queued(self.database, entries)

    def _run(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            try:
                self.flush()
            except OSError:  # the disk queue cannot be written: try again next time
                pass

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()


def purge_old_events(database: StoreDatabase, retention_days: int = DEFAULT_RETENTION_DAYS,
                     *, today: date | None = None) -> int:
    """Delete events older than the retention (days); returns how many went."""
    if retention_days < 1:
        raise ValueError("retention must be at least one day")
    cutoff = (today or datetime.now(UTC).date()) - timedelta(days=retention_days)
    with database.transaction() as session:
        return session.execute(delete(Event).where(Event.day < cutoff)).rowcount or 0
