"""The admin PIN check: every wrong PIN makes the next try wait longer (1, 2, 4 ... 300 s)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.catalog.kiosk_config import PinHash

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 300.0


@dataclass(frozen=True)
class PinAttempt:
    accepted: bool
    wait_s: float = 0.0  # > 0: refused without checking, try again after this long
    message: str = ""


class PinGuard:
    def __init__(self, pin_hash: PinHash, clock: Callable[[], float] = time.monotonic):
        self.pin_hash = pin_hash
        self.clock = clock
        self.failures = 0
        self.locked_until = 0.0

    def delay_after(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        return min(FIRST_DELAY_S * 2 ** (failures - 1), MAX_DELAY_S)

    def remaining_wait(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    def attempt(self, pin: str) -> PinAttempt:
        wait = self.remaining_wait()
        if wait > 0:
            return PinAttempt(False, wait, f"Please wait {wait:.0f} s before the next try")
        if self.pin_hash.matches(pin):
            self.failures = 0
            self.locked_until = 0.0
            return PinAttempt(True)
        self.failures += 1
        delay = self.delay_after(self.failures)
        self.locked_until = self.clock() + delay
        return PinAttempt(False, delay, f"Wrong PIN. Next try in {delay:.0f} s")
