"""The store's settings, read from QSettings: the database URL (else ``APP_DATABASE_URL``, else
a SQLite file in the user's data folder), whether events are recorded, how many days they are
kept, and whether the window uses a store at all. Both windows open their StoreLink here."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings

from app.errors import AppError
from app.store.database import database_url
from app.store.event_records import Window
from app.store.events import DEFAULT_RETENTION_DAYS
from app.store.link import StoreLink
from app.user_dirs import user_data_folder

URL_KEY = "store/database_url"
ENABLED_KEY = "store/enabled"
RECORD_EVENTS_KEY = "store/record_events"
RETENTION_KEY = "store/event_retention_days"
QUEUE_FOLDER_NAME = "store-queue"
log = logging.getLogger(__name__)


def setting_on(settings: QSettings, key: str, default: bool = True) -> bool:
    value = settings.value(key, default)
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def retention_days(settings: QSettings) -> int:
    try:
        days = int(settings.value(RETENTION_KEY, DEFAULT_RETENTION_DAYS))
    except (TypeError, ValueError):
        return DEFAULT_RETENTION_DAYS
    return days if days >= 1 else DEFAULT_RETENTION_DAYS


def store_url(settings: QSettings) -> str:
    asked = settings.value(URL_KEY, "", str) or None
    return database_url(asked)


def open_store_link(settings: QSettings, window: Window, *, queue_folder: Path | None = None,
                    flush_seconds: float | None = 2.0, connect_now: bool = True
                    ) -> StoreLink | None:
    """The window's link to the store, or None when the settings turn the store off. A
    database that cannot be reached still gives a link (offline: work is queued on disk)."""
    if not setting_on(settings, ENABLED_KEY):
        return None
    folder = queue_folder or user_data_folder() / QUEUE_FOLDER_NAME
    try:
        return StoreLink(store_url(settings), folder, window,
                         record_events=setting_on(settings, RECORD_EVENTS_KEY),
                         retention_days=retention_days(settings), flush_seconds=flush_seconds,
                         connect_now=connect_now)
    except (AppError, OSError) as exc:  # the window works without a store
        log.warning("the store is not used: %s", exc)
        return None
