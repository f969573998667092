"""The store's settings: the database URL from the settings, else APP_DATABASE_URL, else a
SQLite file in the user's data folder; events on or off; retention; the store off."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from app.store.event_records import Window
from app.ui.store_settings import (
    ENABLED_KEY,
    RECORD_EVENTS_KEY,
    RETENTION_KEY,
    URL_KEY,
    open_store_link,
    retention_days,
    store_url,
)


def ini(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_the_url_comes_from_the_settings_then_the_environment_then_the_data_folder(
        tmp_path, monkeypatch):
    settings = ini(tmp_path)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    default = store_url(settings)
    assert default.startswith("sqlite:///") and default.endswith("store.sqlite3")
    assert default.startswith(f"sqlite:///{os.environ['XDG_DATA_HOME']}")  # the test's home
    monkeypatch.setenv("APP_DATABASE_URL", "postgresql://shop@db/store")
    assert store_url(settings) == "postgresql://shop@db/store"
    settings.setValue(URL_KEY, f"sqlite:///{tmp_path / 'mine.sqlite3'}")
    assert store_url(settings) == f"sqlite:///{tmp_path / 'mine.sqlite3'}"


def test_events_off_retention_and_the_store_off(tmp_path):
    settings = ini(tmp_path)
    settings.setValue(URL_KEY, f"sqlite:///{tmp_path / 'store.sqlite3'}")
    settings.setValue(RECORD_EVENTS_KEY, "false")
    settings.setValue(RETENTION_KEY, "30")
    assert retention_days(settings) == 30
    link = open_store_link(settings, Window.desktop, queue_folder=tmp_path / "queue",
                           flush_seconds=None)
    try:
        assert link.online and not link.recorder.enabled and link.retention_days == 30
    finally:
        link.close()
    settings.setValue(RETENTION_KEY, "soon")
    assert retention_days(settings) == 365
    settings.setValue(ENABLED_KEY, False)
    assert open_store_link(settings, Window.desktop, queue_folder=tmp_path / "queue") is None
