"""The store's event log fed from a configuring session: one listener on the configurator, so
the desktop window and the kiosk record the same events without code of their own.

Events name ids only (product, option group or zone, choice, preset) and numbers; the recorder
(app.store.events.EventRecorder) refuses anything else, and an id it refuses (a product file
whose ids are not plain identifiers) drops that event, never the person's change. Recording is
a list append; the store link's writer thread stores the events.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from app.session.configurator import Configurator, SessionEvent
from app.store.event_records import EventKind

log = logging.getLogger(__name__)


class RecordsEvents(Protocol):
    def record(self, kind: EventKind, *, product_id: str | None = None,
               group_id: str | None = None, choice_id: str | None = None,
               preset_id: str | None = None, value: float | None = None) -> None: ...

    def new_session(self) -> None: ...


class StoreEvents:
    """Records what a person does in ``configurator``. While ``paused`` (the kiosk's attract
    loop showing looks by itself) nothing is recorded."""

    def __init__(self, configurator: Configurator, recorder: RecordsEvents, *,
                 clock: Callable[[], float] = time.monotonic):
        self.configurator = configurator
        self.recorder = recorder
        self.clock = clock
        self.paused = False
        self.started: float | None = None
        configurator.on_event.append(self._event)
        configurator.on_product_changed.append(self._product_opened)

    def begin(self) -> None:
        """A person starts: the product on show counts as opened."""
        self.started = self.clock()
        self._product_opened()

    def end(self, *, new_session: bool = False) -> float | None:
        """The person is done (window closed, kiosk reset): the session's length in seconds
        is recorded; ``new_session`` gives the next person a new anonymous session key."""
        seconds = None
        if self.started is not None:
            seconds = max(0.0, self.clock() - self.started)
            self._record(EventKind.session_length, self.configurator.product.id,
                         value=round(seconds, 3))
        self.started = None
        if new_session:
            self.recorder.new_session()
        return seconds

    @contextmanager
    def pause(self) -> Iterator[None]:
        was, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = was

    def _product_opened(self) -> None:
        self._record(EventKind.product_opened, self.configurator.product.id)

    def _event(self, event: SessionEvent) -> None:
        self._record(EventKind(event.kind), event.product_id, group_id=event.group_id,
                     choice_id=event.choice_id, preset_id=event.preset_id)

    def _record(self, kind: EventKind, product_id: str | None, **ids) -> None:
        if self.paused:
            return
        try:
            self.recorder.record(kind, product_id=product_id, **ids)
        except ValueError as exc:  # an id that is not a plain identifier: the event goes
            log.debug("event %s not recorded: %s", kind, exc)
