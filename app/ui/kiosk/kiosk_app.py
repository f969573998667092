"""Starting the kiosk: the kiosk file, the log, the error hooks, the full-screen window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.assets.model_cache import ModelDiskCache
from app.catalog.kiosk_config import load_kiosk_config
from app.errors import AppError
from app.project import open_project
from app.store.event_records import Window
from app.ui.desktop import APPLICATION, ORGANISATION, available_fonts
from app.ui.kiosk.choice_thumbnails import ChoiceThumbnails
from app.ui.kiosk.error_log import (
    LOG_FILE_NAME,
    ErrorJournal,
    install_error_hooks,
    open_kiosk_log,
)
from app.ui.kiosk.kiosk_window import KioskWindow
from app.ui.store_settings import open_store_link
from app.user_dirs import user_model_cache_folder


def run_kiosk(config_path: Path, root: Path, *, windowed: bool = False) -> int:
    """Open the kiosk on the project at ``root``; returns the exit status (0: admin exit)."""
    project = open_project(root, model_cache=ModelDiskCache(user_model_cache_folder()))
    config = load_kiosk_config(config_path, set(project.catalog.products), root)
    if not project.catalog.products:
        raise AppError("no product loads", file=str(root / "configs"))
    journal = ErrorJournal()
    folder = config.log_path(root)
    logger = open_kiosk_log(folder, config.log_max_bytes, config.log_backups, journal)
    logger.info("kiosk starting with %s on %s", config_path, root)
    for problem in project.catalog.problems:
        logger.error("catalog: %s", problem)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Configurator kiosk")
    app.setQuitOnLastWindowClosed(True)
    # the store's settings are the desktop app's (its URL, events on or off, retention)
    store = open_store_link(QSettings(ORGANISATION, APPLICATION), Window.kiosk)
    if store is not None and store.status():
        logger.warning("%s", store.status())
    window = KioskWindow(project, config, fonts=available_fonts(), journal=journal,
                         log_file=folder / LOG_FILE_NAME, choice_thumbnails=ChoiceThumbnails(),
                         store=store)
    install_error_hooks(logger, window.show_notice)
    if windowed:
        window.resize(1280, 800)
        window.show()
    else:
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        window.showFullScreen()
    window.start()
    status = app.exec()
    if store is not None:
        store.close()
    logger.info("kiosk stopped (status %d)", status)
    logging.shutdown()
    return status
