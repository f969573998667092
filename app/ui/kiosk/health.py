"""What the admin health page shows: uptime, memory, errors, log file."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from app.ui.process_memory import peak_memory_mb, resident_memory_mb


@dataclass(frozen=True)
class Health:
    uptime_s: float
    memory_mb: float
    peak_memory_mb: float
    error_count: int
    last_error: str | None
    last_error_time: float | None
    log_file: Path

    def lines(self) -> list[tuple[str, str]]:
        hours, rest = divmod(int(self.uptime_s), 3600)
        minutes, seconds = divmod(rest, 60)
        when = (time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.last_error_time))
                if self.last_error_time else "")
        return [("Uptime", f"{hours} h {minutes:02d} min {seconds:02d} s"),
                ("Memory", f"{self.memory_mb:.0f} MB (peak {self.peak_memory_mb:.0f} MB)"),
                ("Errors logged", str(self.error_count)),
                ("Last error", f"{when} {self.last_error}" if self.last_error else "none"),
                ("Log file", str(self.log_file))]


def health_now(started: float, journal, log_file: Path) -> Health:
    return Health(uptime_s=time.monotonic() - started, memory_mb=resident_memory_mb(),
                  peak_memory_mb=peak_memory_mb(), error_count=journal.count,
                  last_error=journal.last, last_error_time=journal.last_time, log_file=log_file)
