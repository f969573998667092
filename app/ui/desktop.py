"""Starting the desktop app: QApplication, settings, autosave folder, the window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.assets.model_cache import ModelDiskCache
from app.errors import AppError
from app.project import open_project
from app.session.autosave import Autosave
from app.ui.main_window import MainWindow
from app.user_dirs import user_model_cache_folder

ORGANISATION = "ProductConfigurator"
APPLICATION = "Configurator"


FIRST_SIZE = QSize(1440, 900)


def first_window_size(available: QSize) -> QSize:
    """The window's size on a first start: 1440x900, or most of a smaller screen."""
    return FIRST_SIZE.boundedTo(QSize(int(available.width() * 0.95),
                                      int(available.height() * 0.95)))


def available_fonts() -> list[str]:
    try:
        from app.personalize.fonts import FontLibrary  # noqa: PLC0415 (being written)
    except ImportError:
        return []
    try:
        return list(FontLibrary().ids())
    except Exception:  # noqa: BLE001 (no font list: the zone's own list is used)
        return []


def default_autosave_folder() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".local/share" / APPLICATION) / "autosave"


def run_desktop(root: Path, argv: list[str] | None = None) -> int:
    """Open the window on the project at ``root``; returns the exit status."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    project = open_project(root, model_cache=ModelDiskCache(user_model_cache_folder()))
    if not project.catalog.products:
        problems = "\n".join(str(p) for p in project.catalog.problems) or "no product files"
        QMessageBox.critical(None, "No product to show", problems)
        raise AppError(f"no product loads: {problems}", file=str(root / "configs"))
    settings = QSettings(ORGANISATION, APPLICATION)
    window = MainWindow(project, settings, autosave=Autosave(default_autosave_folder()),
                        fonts=available_fonts())
    opened: list = []

    def attach_store() -> None:  # after the first frame: the database is not on the way to it
        from app.store.event_records import Window
        from app.ui.store_settings import open_store_link

        link = open_store_link(settings, Window.desktop, connect_now=False)
        if link is not None:
            opened.append(link)
            window.attach_store(link)

    window.view.after_first_frame(attach_store)
    try:
        if settings.value("geometry") is None:
            window.resize(first_window_size(app.primaryScreen().availableGeometry().size()))
        window.show()
        window.start()
        return app.exec()
    finally:
        for link in opened:
            link.close()
