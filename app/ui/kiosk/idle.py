"""Idle time on the kiosk, as a clock-driven state: active -> countdown -> attract.

``poke()`` on every touch; ``tick()`` from a timer (or a test) moves the state on and returns
what happened. The countdown is skipped when the customer changed nothing.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable


class IdleState(enum.Enum):
    ACTIVE = "active"
    COUNTDOWN = "countdown"
    ATTRACT = "attract"


class IdleEvent(enum.Enum):
    NONE = "none"
    COUNTDOWN_STARTED = "countdown_started"
    COUNTDOWN_CANCELLED = "countdown_cancelled"
    RESET = "reset"  # clear the customer's configuration and start the attract loop
    WOKEN = "woken"  # the attract loop was touched


class IdleClock:
    def __init__(self, idle_s: float, countdown_s: float,
                 clock: Callable[[], float] = time.monotonic):
        self.idle_s, self.countdown_s, self.clock = idle_s, countdown_s, clock
        self.state = IdleState.ATTRACT
        self.last_touch = clock()
        self.countdown_start = 0.0

    def poke(self) -> IdleEvent:
        self.last_touch = self.clock()
        previous, self.state = self.state, IdleState.ACTIVE
        if previous is IdleState.ATTRACT:
            return IdleEvent.WOKEN
        if previous is IdleState.COUNTDOWN:
            return IdleEvent.COUNTDOWN_CANCELLED
        return IdleEvent.NONE

    def tick(self, customer_changed_something: bool) -> IdleEvent:
        now = self.clock()
        if self.state is IdleState.ACTIVE and now - self.last_touch >= self.idle_s:
            if not customer_changed_something:
                self.state = IdleState.ATTRACT
                return IdleEvent.RESET
            self.state = IdleState.COUNTDOWN
            self.countdown_start = now
            return IdleEvent.COUNTDOWN_STARTED
        if self.state is IdleState.COUNTDOWN and now - self.countdown_start >= self.countdown_s:
            self.state = IdleState.ATTRACT
            return IdleEvent.RESET
        return IdleEvent.NONE

    def seconds_left(self) -> float:
        if self.state is not IdleState.COUNTDOWN:
            return 0.0
        return max(0.0, self.countdown_s - (self.clock() - self.countdown_start))
