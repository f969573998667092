"""The admin PIN check: every wrong PIN makes the next try wait longer (1, 2, 4 ... 300 s), and
the count of wrong PINs outlives a restart.

The count is kept in a small file beside the kiosk's log (PIN_FAILURES_FILE), written
atomically after every change. A restart with a count waits that count's delay again before the
first try, so pulling the plug never skips a wait. A file that is there but is not a count this
module wrote (damaged, too big, a link, a folder, not JSON, a negative or non-integer count) is
read as UNREADABLE_FAILURES, which waits the maximum delay: never zero, never a crash. The right
PIN sets the count back to 0 and rewrites the file. When the file cannot be written the kiosk
goes on with the count it holds and logs the error.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.catalog.kiosk_config import PinHash
from app.errors import AppError
from app.files import read_plain_file, write_text_atomically

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 300.0
# from this many wrong PINs on, every wait is MAX_DELAY_S (no power of two is computed past it)
MAX_DELAY_FAILURES = 1 + math.ceil(math.log2(MAX_DELAY_S / FIRST_DELAY_S))
UNREADABLE_FAILURES = MAX_DELAY_FAILURES
MAX_COUNTED_FAILURES = 1_000_000  # the count stops growing here: the wait is long capped anyway
PIN_FAILURES_FILE = "pin-failures.json"
MAX_FILE_BYTES = 4096
log = logging.getLogger("app.kiosk.pin")


def delay_after(failures: int) -> float:
    """Seconds to wait after ``failures`` wrong PINs in a row: 0, 1, 2, 4 ... MAX_DELAY_S."""
    if failures <= 0:
        return 0.0
    if failures >= MAX_DELAY_FAILURES:
        return MAX_DELAY_S
    return min(FIRST_DELAY_S * 2.0 ** (failures - 1), MAX_DELAY_S)


@dataclass(frozen=True)
class PinAttempt:
    accepted: bool
    wait_s: float = 0.0  # > 0: refused without checking, try again after this long
    message: str = ""


class PinGuard:
    """``failures_file``: where the count outlives a restart (None: in memory only)."""

    def __init__(self, pin_hash: PinHash, clock: Callable[[], float] = time.monotonic,
                 failures_file: Path | None = None):
        self.pin_hash = pin_hash
        self.clock = clock
        self.failures_file = failures_file
        self.failures = read_failures(failures_file) if failures_file is not None else 0
        self.locked_until = clock() + delay_after(self.failures) if self.failures else 0.0

    def delay_after(self, failures: int) -> float:
        return delay_after(failures)

    def remaining_wait(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    def attempt(self, pin: str) -> PinAttempt:
        wait = self.remaining_wait()
        if wait > 0:
            return PinAttempt(False, wait, f"Please wait {wait:.0f} s before the next try")
        if self.pin_hash.matches(pin):
            self.locked_until = 0.0
            if self.failures:
                self.failures = 0
                self._store()
            return PinAttempt(True)
        self.failures = min(self.failures + 1, MAX_COUNTED_FAILURES)
        self._store()
        delay = delay_after(self.failures)
        self.locked_until = self.clock() + delay
        return PinAttempt(False, delay, f"Wrong PIN. Next try in {delay:.0f} s")

    def _store(self) -> None:
        if self.failures_file is None:
            return
        try:
            write_failures(self.failures_file, self.failures)
        except (OSError, AppError) as exc:
            log.error("cannot keep the count of wrong PINs in %s: %s", self.failures_file, exc)


def read_failures(path: Path) -> int:
    """The count in ``path``: 0 when there is no file, UNREADABLE_FAILURES when the file is not
    a count this module wrote. Never follows a link, never blocks on a pipe, reads a few KB."""
    try:
        data = read_plain_file(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        return 0
    except OSError as exc:  # a link (ELOOP), no permission, not a small plain file ...
        return _unreadable(path, exc.strerror or str(exc))
    try:
        count = json.loads(data.decode("utf-8"))["failures"]
    except (ValueError, KeyError, TypeError, IndexError, RecursionError) as exc:
        return _unreadable(path, f"not a count ({type(exc).__name__})")
    if type(count) is not int or not 0 <= count <= MAX_COUNTED_FAILURES:
        return _unreadable(path, "not a count")
    return count


def write_failures(path: Path, failures: int) -> None:
    write_text_atomically(path, json.dumps({"failures": failures}) + "\n", create_folder=True,
                          follow_link=False)


def _unreadable(path: Path, why: str) -> int:
    log.error("the count of wrong PINs in %s cannot be read (%s): waiting the longest delay",
              path, why)
    return UNREADABLE_FAILURES
