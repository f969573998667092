"""Work for the store kept on disk while its database cannot be reached: events, and
configurations saved to a customer. Written later, in the order it was queued.

One JSON object a line, appended and flushed; a line that does not read (a torn write, a file
someone edited) is skipped and counted, never trusted. The file is bounded: past
``MAX_ENTRIES`` the oldest events are dropped (saved configurations never are).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

MAX_ENTRIES = 200_000
MAX_LINE_BYTES = 2 * 1024 * 1024  # a saved configuration with its thumbnail fits
OUTBOX_FILE_NAME = "store-outbox.jsonl"


class Outbox:
    def __init__(self, folder: Path):
        self.path = Path(folder) / OUTBOX_FILE_NAME
        self._lock = threading.Lock()
        self.skipped = 0  # lines that did not read, in the last drain
        # (size, mtime) of the file when its lines were last counted, and the count: the file
        # is read again only when someone else (the other window) changed it
        self._counted: tuple[tuple[int, int], int] | None = None

    def put(self, kind: str, payload: dict) -> None:
        self.put_many(kind, [payload])

    def put_many(self, kind: str, payloads: list[dict]) -> None:
        if not payloads:
            return
        lines = [json.dumps({"kind": kind, "payload": p}, separators=(",", ":"),
                            ensure_ascii=True) for p in payloads]
        if any(len(line) > MAX_LINE_BYTES for line in lines):
            raise ValueError("too large to queue")
        with self._lock:
            count = self._lines()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="ascii") as f:
                f.write("".join(line + "\n" for line in lines))
                f.flush()
                os.fsync(f.fileno())
            self._counted = (self._stamp(), count + len(lines))
            if count + len(lines) > MAX_ENTRIES:
                self._bound()

    def __len__(self) -> int:
        """Entries waiting (read from the file only when it changed since last counted)."""
        with self._lock:
            return self._lines()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        return info.st_size, info.st_mtime_ns

    def _lines(self) -> int:
        stamp = self._stamp()
        if stamp is None:
            return 0
        if self._counted is None or self._counted[0] != stamp:
            with open(self.path, "rb") as f:
                self._counted = (stamp, sum(1 for _ in f))
        return self._counted[1]

    def _entries(self) -> list[dict]:
        entries = []
        self.skipped = 0
        if not self.path.exists():
            return entries
        with open(self.path, "rb") as f:
            for raw in f:
                try:
                    if len(raw) > MAX_LINE_BYTES:
                        raise ValueError
                    entry = json.loads(raw)
                    if not (isinstance(entry, dict) and isinstance(entry.get("kind"), str)
                            and isinstance(entry.get("payload"), dict)):
                        raise ValueError
                except ValueError:
                    self.skipped += 1
                    continue
                entries.append(entry)
        return entries

    def _bound(self) -> None:
        entries = self._entries()
        if len(entries) <= MAX_ENTRIES:
            return
        excess = len(entries) - MAX_ENTRIES
        kept = []
        for entry in entries:
            if excess and entry["kind"] == "event":
                excess -= 1
                continue
            kept.append(entry)
        self._write(kept)

    def _write(self, entries: list[dict]) -> None:
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="ascii") as f:
            for entry in entries:
                f.write(json.dumps(entry, separators=(",", ":"), ensure_ascii=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, self.path)

    def drain(self, write: Callable[[list[dict]], None]) -> int:
        """Hand every queued entry to ``write`` (which raises when the store is still down);
        the file is emptied only after ``write`` returned. Returns how many were written."""
        with self._lock:
            entries = self._entries()
            if not entries:
                if self.path.exists() and self.skipped:
                    self.path.unlink()
                return 0
            write(entries)
            self.path.unlink()
            return len(entries)
