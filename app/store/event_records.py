"""One event as recorded: only ids (product, option group, choice, preset: the product file's
own identifiers), a random key per window session, the window, a time and a number. A value
that is not an identifier is refused, so no name, e-mail or personalization text can reach the
events table; events read back from the disk queue are checked the same way."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")


class EventKind(StrEnum):
    product_opened = "product_opened"
    option_viewed = "option_viewed"
    choice_made = "choice_made"
    personalization_added = "personalization_added"
    preset_used = "preset_used"
    handoff = "handoff"
    quote = "quote"
    order = "order"
    session_length = "session_length"


class Window(StrEnum):
    desktop = "desktop"
    kiosk = "kiosk"


@dataclass(frozen=True)
class EventRecord:
    at: datetime
    kind: str
    window: str
    session_key: str
    product_id: str | None = None
    group_id: str | None = None
    choice_id: str | None = None
    preset_id: str | None = None
    value: float | None = None

    def row(self) -> dict:
        return {**asdict(self), "day": self.at.date()}

    def payload(self) -> dict:
        return {**asdict(self), "at": self.at.isoformat()}

    @classmethod
    def from_payload(cls, data: dict) -> EventRecord:
        """An event read back from the disk queue, checked as strictly as a new one."""
        at = datetime.fromisoformat(str(data["at"]))
        if at.tzinfo is None:
            raise ValueError("expected a time with its zone")
        record = cls(at=at, kind=EventKind(data["kind"]).value, window=Window(data["window"]),
                     session_key=_session_key(data["session_key"]),
                     **{k: identifier(data.get(k), k) for k in
                        ("product_id", "group_id", "choice_id", "preset_id")},
                     value=number(data.get("value")))
        return record


def identifier(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ValueError(f"{field}: expected an id from a product file")
    return value


def _session_key(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{32}", value):
        raise ValueError("session_key: expected 32 hex digits")
    return value


def number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value \
            or abs(value) > 1e12:
        raise ValueError("value: expected a finite number")
    return float(value)


def new_session_key() -> str:
    return secrets.token_hex(16)
