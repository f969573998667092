"""A window's link to the store: the database when it can be reached, the disk queue when it
cannot, the window's event recorder, and a line for the status bar.

Nothing here blocks the configurator on the database: events cost a list append, a
configuration saved to a customer while the database is down is queued on disk, and a writer
thread reconnects and writes the queue when the database is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from app.domain.configuration import Configuration
from app.domain.product import Product
from app.errors import AppError
from app.store.configurations import new_client_key, save_configuration
from app.store.database import StoreDatabase, StoreUnavailable, open_store, shown_url
from app.store.event_records import Window
from app.store.events import FLUSH_SECONDS, EventRecorder, purge_old_events
from app.store.outbox import Outbox
from app.store.queued import configuration_payload
from app.store.sales_counts import refresh_counts

log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreLink:
    def __init__(self, url: str, queue_folder: Path, window: Window, *,
                 record_events: bool = True, retention_days: int | None = None,
                 flush_seconds: float | None = FLUSH_SECONDS,
                 connect: Callable[[str], StoreDatabase] = open_store,
                 connect_now: bool = True):
        """``connect_now=False``: the writer thread makes the first connection (a database
        host that does not answer then never holds up the window)."""
        self.url = url
        self.retention_days = retention_days
        self._connect = connect
        self.outbox = Outbox(queue_folder)
        self.database: StoreDatabase | None = None
        self.problem = ""
        self._lock = threading.Lock()
        self.recorder = EventRecorder(None, self.outbox, window, enabled=record_events,
                                      flush_seconds=None)
        self.tried = False  # whether a connection was tried yet
        if connect_now or flush_seconds is None:
            self.reconnect()
        self._stop = threading.Event()
        self._thread = None
        if flush_seconds is not None:
            self._thread = threading.Thread(target=self._run, args=(flush_seconds,),
                                            name="store writer", daemon=True)
            self._thread.start()

    @property
    def online(self) -> bool:
        return self.database is not None and self.recorder.reachable

    def status(self) -> str:
        """'' while the store works; else what the status bar says."""
        if self.online:
            return ""
        if not self.tried:
            return "Connecting to the store..."
        waiting = len(self.outbox)
        queued = f"; {waiting} waiting to be written" if waiting else ""
        return f"Store offline{queued}: {self.problem or 'the database cannot be reached'}"

    def reconnect(self) -> bool:
        with self._lock:
            if self.database is None:
                try:
                    database = self._connect(self.url)
                    if self.retention_days:
                        purge_old_events(database, self.retention_days)
                except AppError as exc:
                    self.problem = exc.message
                    self.recorder.reachable = False
                    return False
                finally:
                    self.tried = True
                self.database = database
                self.recorder.database = database
                self.recorder.reachable = True
                self.problem = ""
            return True

    def flush(self) -> None:
        """Write the recorded events and the disk queue (when the database is reachable)."""
        if self.database is None and not self.reconnect():
            self.recorder.flush()  # into the disk queue
            return
        self.recorder.flush()
        if not self.recorder.reachable:
            self.problem = f"{shown_url(self.url)} does not answer"
            return
        try:
            with self.database.transaction() as session:
                refresh_counts(session)  # the products with new orders
        except StoreUnavailable as exc:
            self.recorder.reachable = False
            self.problem = exc.message

    def _run(self, seconds: float) -> None:
        first = not self.tried  # the first connection at once, then every ``seconds``
        while first or not self._stop.wait(seconds):
            first = False
            try:
                self.flush()
            except OSError as exc:
                log.warning("the store's disk queue cannot be written: %s", exc)

    def read(self, work: Callable[[Session], T]) -> T:
        """``work`` in one transaction; StoreUnavailable when the database is down."""
        if self.database is None and not self.reconnect():
            raise StoreUnavailable(f"Store offline: {self.problem}")
        assert self.database is not None
        try:
            with self.database.transaction() as session:
                return work(session)
        except StoreUnavailable as exc:
            self.recorder.reachable = False
            self.problem = exc.message
            raise

    def save_configuration(self, customer_id: int, product: Product,
                           configuration: Configuration, thumbnail: bytes | None = None
                           ) -> int | None:
        """Save to the customer; the saved id, or None when it was queued on disk (the
        database is down) to be written when it is back."""
        client_key = new_client_key()
        try:
            return self.read(lambda session: save_configuration(
                session, customer_id, product, configuration, thumbnail=thumbnail,
                client_key=client_key).id)
        except StoreUnavailable:
            self.outbox.put("configuration", configuration_payload(
                client_key, customer_id, product, configuration, thumbnail))
            return None

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            self.flush()
        except OSError as exc:
            log.warning("the store's disk queue cannot be written: %s", exc)
        if self.database is not None:
            self.database.close()
