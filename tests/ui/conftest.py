"""A small project copy (the mug with a rule, and a second product) and the window on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.project import open_project
from app.session.autosave import Autosave
from app.ui.main_window import MainWindow
from tests.sample_project import write_project


@pytest.fixture(autouse=True)
def no_unanswered_modal(monkeypatch):
    """A modal dialog that a test did not answer fails the test instead of hanging the run."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    def refuse(self, *_args):
        raise AssertionError(f"a modal {type(self).__name__} opened that the test does not "
                             f"answer: {self.windowTitle()!r}")

    monkeypatch.setattr(QMessageBox, "exec", refuse)
    monkeypatch.setattr(QDialog, "exec", refuse)


class ScriptedPrompts:
    """Answers the window's questions the way a test says, and records them."""

    def __init__(self):
        self.fix_answer = True
        self.restore_answer = True
        self.unsaved_answer = "discard"
        self.errors: list[tuple[str, str]] = []
        self.asked: list[str] = []
        self.next_path: Path | None = None
        self.next_colour: str | None = None
        self.next_still = None

    def confirm_fix(self, proposal) -> bool:
        self.asked.append(proposal.question())
        return self.fix_answer

    def restore_session(self) -> bool:
        self.asked.append("restore")
        return self.restore_answer

    def unsaved_changes(self, names, doing) -> str:
        self.asked.append(f"unsaved {', '.join(names)} before {doing}")
        return self.unsaved_answer

    def error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def open_path(self, _folder):
        return self.next_path

    def save_path(self, _suggested):
        return self.next_path

    def image_path(self):
        return self.next_path

    def colour(self, _initial, _title):
        return self.next_colour

    def export_path(self, _title, _suggested, _filter):
        return self.next_path

    def still_request(self, _cameras, _suggested):
        return self.next_still


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, root: Path, settings: QSettings, prompts, autosave_folder: Path,
                *, start: bool = True, thumbnails: bool = False) -> MainWindow:
    window = MainWindow(open_project(root), settings, autosave=Autosave(autosave_folder),
                        prompts=prompts, fonts=["sans", "serif"],
                        background_thumbnails=thumbnails)
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    if start:
        window.start()
    return window


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory):
    """One window for a module's tests (the first frame costs seconds on llvmpipe); ``window``
    puts it back to a fresh state for each test."""
    from pytestqt.qtbot import QtBot

    folder = tmp_path_factory.mktemp("ui")
    root = write_project(folder / "project")
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    prompts = ScriptedPrompts()
    win = MainWindow(open_project(root), settings, autosave=Autosave(folder / "autosave"),
                     prompts=prompts, fonts=["sans", "serif"], background_thumbnails=False)
    win.resize(800, 600)
    win.show()
    QtBot(None).waitExposed(win)
    win.start()
    win.test_root = root
    yield win
    win.close()


@pytest.fixture
def window(shared_window, qtbot):
    from app.domain.configuration import default_configuration

    win = shared_window
    win.options.flush()
    win.prompts.__init__()
    win.session.switch_product("mug")
    win.session.configurator.show(default_configuration(win.session.product))
    win.session.undo_stack.clear()
    for product_id in win.session.catalog.products:
        win.session.remember(product_id, default_configuration(win.session.catalog.products[
            product_id]))
    win.files.clear()
    win.settings.remove("recent_files")
    win.problems.clear_reports()
    return win
