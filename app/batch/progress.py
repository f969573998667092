"""A text progress bar on stderr: done of total, images per minute, time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """``advance()`` once per finished item. On a terminal the bar is redrawn in place;
    otherwise a line is printed at most every ``interval`` seconds, and at the end."""

    def __init__(self, total: int, *, label: str = "", stream: TextIO | None = None,
                 width: int = 30, interval: float | None = None, clock=time.monotonic):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if interval is not None else (0.2 if self.tty else 5.0)
        self.clock = clock
        self.start = clock()
        self.done = 0
        self.failed = 0
        self._last_drawn = -1e9

    def advance(self, n: int = 1, *, failed: bool = False) -> None:
        self.done += n
        self.failed += n if failed else 0
        now = self.clock()
        if self.done >= self.total or now - self._last_drawn >= self.interval:
            self._last_drawn = now
            self.draw()

    def line(self) -> str:
        elapsed = max(self.clock() - self.start, 1e-9)
        fraction = self.done / self.total if self.total else 1.0
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        rate = self.done / elapsed * 60.0
        left = (self.total - self.done) / (self.done / elapsed) if self.done else float("nan")
        eta = format_duration(left) if left == left else "?"
        failed = f" {self.failed} failed" if self.failed else ""
        label = f"{self.label} " if self.label else ""
        return (f"{label}[{bar}] {self.done}/{self.total} {rate:.1f} img/min "
                f"elapsed {format_duration(elapsed)} left {eta}{failed}")

    def draw(self) -> None:
        end = "" if self.tty and self.done < self.total else "\n"
        prefix = "\r" if self.tty else ""
        self.stream.write(prefix + self.line() + end)
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()
