"""Random sequences of what a sales rep does in the desktop window, with the invariants that
must hold after every step. Used by a test (a few hundred steps, fixed seed) and by
bench/gui_soak.py (thousands).

Steps: choose, type, undo, redo, switch product, save, open, export, resize. After each:
every configuration file the window binds to a product holds that product's configuration as
the window believes; the title names the file of the product on show; no widget lies outside
the window; no modal dialog is left open; no exception reached Qt.
"""

from __future__ import annotations

import json
import random
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from app.domain.configuration import Configuration

WORDS = ["Anna", "Ben", "Léa", "42", "O'Neil", "ZOE", "x", "Grand-pa"]
SIZES = [(1024, 600), (1280, 800), (1920, 1080), (2560, 1440), (3840, 2160)]
ANSWERS = ["save", "discard", "cancel"]


class InvariantBroken(AssertionError):
    def __init__(self, step: int, action: str, invariant: str, detail: str):
        super().__init__(f"step {step} ({action}): {invariant}: {detail}")
        self.step, self.action, self.invariant = step, action, invariant


class QtExceptions:
    """Exceptions that reach Qt's event loop (slots, virtual methods), collected instead of
    printed, while installed."""

    def __init__(self):
        self.caught: list[str] = []
        self._previous = None

    def __enter__(self) -> QtExceptions:
        self._previous = sys.excepthook
        sys.excepthook = self._hook
        return self

    def __exit__(self, *_exc) -> None:
        sys.excepthook = self._previous

    def _hook(self, kind, value, tb) -> None:
        self.caught.append("".join(traceback.format_exception(kind, value, tb)))


class DesktopModel:
    """Drives ``window`` (a MainWindow whose prompts are a ScriptedPrompts) at random."""

    def __init__(self, window, folder: Path, rng: random.Random,
                 sizes: list[tuple[int, int]] | None = None):
        self.window = window
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.rng = rng
        self.sizes = sizes or SIZES
        self.pool = [self.folder / f"design_{i}.json" for i in range(3)]
        self.step_count = 0
        self.actions: dict[str, Callable[[], None]] = {
            "choose": self.choose, "type": self.type_text, "undo": self.undo,
            "redo": self.redo, "switch product": self.switch_product, "save": self.save,
            "open": self.open, "resize": self.resize,
        }
        self.weights = {"choose": 6, "type": 3, "undo": 2, "redo": 1, "switch product": 2,
                        "save": 2, "open": 1, "resize": 1}

    # actions --------------------------------------------------------------------------------

    def choose(self) -> None:
        buttons = [b for b in self.window.options.buttons.values()
                   if b.isVisible() and b.isEnabled()]
        if not buttons:
            return
        self.window.prompts.fix_answer = self.rng.random() < 0.7
        self.rng.choice(buttons).click()

    def type_text(self) -> None:
        fields = [f.text for f in self.window.options.zone_fields.values()
                  if f.text is not None and f.text.isVisible()]
        if not fields:
            return
        field = self.rng.choice(fields)
        field.setFocus()
        if self.rng.random() < 0.3:  # start again, as the clear button does
            field.clear()
            field.textEdited.emit("")
        for character in self.rng.choice(WORDS):
            if character.isascii():
                QTest.keyClicks(field, character)
            else:  # QTest types ASCII only; an input method inserts the rest
                field.insert(character)
                field.textEdited.emit(field.text())
        self.window.options.flush()

    def undo(self) -> None:
        self.window.actions_by_name["undo"].trigger()

    def redo(self) -> None:
        self.window.actions_by_name["redo"].trigger()

    def switch_product(self) -> None:
        self._answer_unsaved()
        products = sorted(self.window.session.catalog.products)
        self.window.switch_product(self.rng.choice(products))

    def save(self) -> None:
        self.window.prompts.next_path = self.rng.choice(self.pool)
        choose = self.rng.random() < 0.3
        self.window.actions_by_name["save_as" if choose else "save"].trigger()

    def open(self) -> None:
        existing = [p for p in self.pool if p.exists()]
        if not existing:
            return
        self._answer_unsaved()
        self.window.prompts.next_path = self.rng.choice(existing)
        self.window.actions_by_name["open"].trigger()

    def resize(self) -> None:
        self.window.resize(*self.rng.choice(self.sizes))

    def _answer_unsaved(self) -> None:
        self.window.prompts.unsaved_answer = self.rng.choice(ANSWERS)
        self.window.prompts.next_path = self.rng.choice(self.pool)

    # running --------------------------------------------------------------------------------

    def step(self) -> str:
        names = list(self.weights)
        action = self.rng.choices(names, weights=[self.weights[n] for n in names])[0]
        self.step_count += 1
        with QtExceptions() as exceptions:
            self.actions[action]()
            QApplication.processEvents()
        if exceptions.caught:
            raise InvariantBroken(self.step_count, action, "no exception reaches Qt",
                                  exceptions.caught[0])
        self.check(action)
        return action

    def check(self, action: str) -> None:
        for name, problem in (("every file holds its product's configuration",
                               files_problem(self.window)),
                              ("the title names the file of the product on show",
                               title_problem(self.window)),
                              ("no widget lies outside the window",
                               outside_problem(self.window)),
                              ("no modal dialog is left open", modal_problem())):
            if problem:
                raise InvariantBroken(self.step_count, action, name, problem)


# invariants (each: None when it holds, otherwise what is wrong) ---------------------------------

def files_problem(window) -> str | None:
    for product_id in window.session.catalog.products:
        path = window.files.path(product_id)
        if path is None:
            continue
        if not path.exists():
            return f"{path.name}, bound to {product_id}, is not on disk"
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("product_id") != product_id:
            return f"{path.name} holds {data.get('product_id')!r}, not {product_id!r}"
        saved = window.files.saved(product_id)
        on_disk = Configuration.model_validate(data)
        if saved is not None and on_disk.selections != saved.selections:
            return f"{path.name} holds {on_disk.selections}, the window believes " \
                   f"{saved.selections}"
    return None


def title_problem(window) -> str | None:
    title = window.windowTitle()
    path = window.current_path
    if path is not None and path.name not in title:
        return f"title {title!r} does not name {path.name}"
    others = {window.files.path(p).name for p in window.session.catalog.products
              if window.files.path(p) is not None and p != window.session.product.id}
    if path is None and any(name in title for name in others):
        return f"title {title!r} names another product's file"
    return None


def outside_problem(window: QWidget) -> str | None:
    """A visible widget that sticks out of the window (widgets scrolled inside a scroll area
    count by the scroll area's own place)."""
    frame = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or _inside_scroll_area(widget, window):
            continue
        corner = widget.mapTo(window, QPoint(0, 0))
        rect = QRect(corner, widget.size())
        if rect.width() <= 0 or rect.height() <= 0:
            continue
        if not frame.adjusted(-1, -1, 1, 1).contains(rect):
            name = widget.objectName() or type(widget).__name__
            return f"{name} at {rect.getRect()} outside {frame.getRect()}"
    return None


def _inside_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def modal_problem() -> str | None:
    modal = QApplication.activeModalWidget()
    if modal is not None:
        return f"{type(modal).__name__} {modal.windowTitle()!r} is open"
    return None
