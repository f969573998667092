"""The store of hand-offs: which share code each short hand-off code stands for.

A hand-off (the kiosk's "Done: take it with you") keeps the design's share code under a fresh
random code (app.domain.handoff_code) in one small JSON file in the user's data folder, written
atomically. The file stays small: entries expire after ``days``, expired ones are dropped on
every write, and past ``max_entries`` the oldest go first. A code given back (typed at the
desktop, on the command line, or in a link) resolves to the share code; an unknown, expired,
malformed or hostile code is refused with one clear ConfigurationError, and a damaged file reads
as an empty store rather than stopping anyone.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.domain.handoff_code import (
    FIELD,
    looks_like_handoff_code,
    new_handoff_code,
    parse_handoff_code,
)
from app.errors import ConfigurationError
from app.files import read_plain_file, write_text_atomically
from app.user_dirs import user_data_folder

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one process per user is the usual case
    fcntl = None

HANDOFFS_FILE = "handoffs.json"
LOCK_FILE = "handoffs.lock"
DEFAULT_DAYS = 30.0
DEFAULT_MAX_ENTRIES = 1000
MAX_SHARE_CODE_CHARS = 8000  # far above a design with a few lines of text
MAX_FILE_BYTES = 16_000_000
_FORMAT = 1
_NEW_CODE_TRIES = 20
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Handoff:
    code: str
    share_code: str
    created: float  # seconds since the epoch
    expires: float


class HandoffStore:
    """Hand-offs in ``folder``/handoffs.json; ``HandoffStore.default()`` is the user's own."""

    def __init__(self, folder: Path, *, days: float = DEFAULT_DAYS,
                 max_entries: int = DEFAULT_MAX_ENTRIES,
                 clock: Callable[[], float] = time.time,
                 new_code: Callable[[], str] = new_handoff_code):
        if days <= 0 or max_entries < 1:
            raise ValueError("a hand-off store keeps at least one entry for some time")
        self.path = Path(folder) / HANDOFFS_FILE
        self.days, self.max_entries, self.clock = days, max_entries, clock
        self._new_code = new_code
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> HandoffStore:
        """The store in the user's data folder (``~/.local/share/showcraft/handoffs.json``)."""
        return cls(user_data_folder())

    def __repr__(self) -> str:
        return f"HandoffStore({str(self.path.parent)!r})"

    def add(self, share_code: str) -> str:
        """Keep ``share_code`` and return the new hand-off code it is kept under."""
        if not isinstance(share_code, str) or not 0 < len(share_code) <= MAX_SHARE_CODE_CHARS:
            raise ConfigurationError("this design is too large to keep for a hand-off",
                                     field=FIELD)
        with self._lock, self._file_lock():
            now = self.clock()
            entries = self._live(self._read(), now)
            for _ in range(_NEW_CODE_TRIES):
                code = parse_handoff_code(self._new_code())
                if code not in entries:
                    break
            else:
                raise ConfigurationError("cannot make a new hand-off code just now", field=FIELD)
            entries[code] = Handoff(code, share_code, now, now + self.days * 86400.0)
            kept = sorted(entries.values(), key=lambda h: h.created)[-self.max_entries:]
            self._write(kept)
            return code

    def resolve(self, text: str) -> str:
        """The share code kept under the hand-off code ``text``; ConfigurationError when
        ``text`` is no code, or no design is kept under it (unknown or expired)."""
        code = parse_handoff_code(text)
        with self._lock:
            entry = self._live(self._read(), self.clock()).get(code)
        if entry is None:
            raise ConfigurationError(f"no design is kept under hand-off code {code}: it is "
                                     "unknown here or has expired", field=FIELD)
        return entry.share_code

    def __len__(self) -> int:
        with self._lock:
            return len(self._live(self._read(), self.clock()))

    # the file -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Other processes (the kiosk and a desktop app of the same user) add one at a time:
        an advisory lock on a file beside the store, where the system has them."""
        if fcntl is None:
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path.with_name(LOCK_FILE),
                         os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)

    @staticmethod
    def _live(entries: dict[str, Handoff], now: float) -> dict[str, Handoff]:
        return {code: h for code, h in entries.items() if h.expires > now}

    def _read(self) -> dict[str, Handoff]:
        try:
            data = json.loads(read_plain_file(self.path, MAX_FILE_BYTES).decode("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as exc:
            log.warning("hand-off store %s cannot be read, starting empty: %s", self.path, exc)
            return {}
        entries: dict[str, Handoff] = {}
        rows = data.get("handoffs") if isinstance(data, dict) else None
        for row in rows if isinstance(rows, list) else []:
            handoff = _entry(row)
            if handoff is not None:
                entries[handoff.code] = handoff
        return entries

    def _write(self, entries: list[Handoff]) -> None:
        rows = [{"code": h.code, "share_code": h.share_code, "created": h.created,
                 "expires": h.expires} for h in entries]
        text = json.dumps({"format": _FORMAT, "handoffs": rows}, indent=0)
        write_text_atomically(self.path, text + "\n", create_folder=True, follow_link=False)


def _entry(row: object) -> Handoff | None:
    """One row of the file, or None when it is not one the store wrote."""
    if not isinstance(row, dict):
        return None
    code, share_code = row.get("code"), row.get("share_code")
    created, expires = row.get("created"), row.get("expires")
    if not (isinstance(code, str) and looks_like_handoff_code(code)
            and isinstance(share_code, str) and 0 < len(share_code) <= MAX_SHARE_CODE_CHARS
            and all(isinstance(t, (int, float)) and not isinstance(t, bool)
                    for t in (created, expires))):
        return None
    try:
        code = parse_handoff_code(code)
    except ConfigurationError:
        return None
    return Handoff(code, share_code, float(created), float(expires))


def resolve_code(text: str, store: HandoffStore | None) -> str:
    """The long share code ``text`` stands for: a hand-off code is looked up in ``store``;
    anything else is taken as a share code itself."""
    if looks_like_handoff_code(text):
        if store is None:
            raise ConfigurationError("hand-off codes are not kept here", field=FIELD)
        return store.resolve(text)
    return text
