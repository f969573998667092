"""Random sequences of what a sales rep does in the desktop window and a customer at the
kiosk, with the invariants that must hold after every step. Used by tests (a few hundred steps,
fixed seeds) and by bench/gui_soak.py (thousands).

Desktop steps: choose, type, undo, redo, switch product, save, open, export (AR model, spec
sheet, order package; some cancelled), resize. Kiosk steps: taps on whatever the side panel
offers (hand-off, start over, choices, presets...), drags and pinches on the view, words on the
on-screen keyboard, idle time passing (reset), resize. After each: every configuration file the
desktop binds to a product holds that product's configuration as the window believes; the title
names the file of the product on show; no widget lies outside the window; no modal dialog is
left open; no exception reached Qt; the kiosk logged no error and a reset shows a product's
default look.
"""

from __future__ import annotations

import json
import random
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLineEdit,
    QWidget,
)

from app.domain.configuration import (
    Configuration,
    configuration_problems,
    default_configuration,
)

WORDS = ["Anna", "Ben", "Léa", "42", "O'Neil", "ZOE", "x", "Grand-pa", "Happy Birthday",
         "Team Blue"]
SIZES = [(1024, 600), (1280, 800), (1920, 1080), (2560, 1440), (3840, 2160)]
EXPORTS = {"export_model": "glb", "export_spec_sheet": "pdf", "export_order": "zip"}
EXPORT_WAIT_S = 120.0
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
            "open": self.open, "export": self.export, "resize": self.resize,
        }
        self.weights = {"choose": 6, "type": 3, "undo": 2, "redo": 1, "switch product": 2,
                        "save": 2, "open": 1, "export": 0.3, "resize": 1}

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

    def export(self) -> None:
        """An export from the File menu, waited for (or cancelled at once, now and then):
        what it wrote is there and whole, and a cancelled one wrote nothing."""
        name = self.rng.choice(sorted(EXPORTS))
        out = self.folder / f"export_{self.step_count}.{EXPORTS[name]}"
        self.window.prompts.next_path = out
        self.window.actions_by_name[name].trigger()
        job = self.window.exports.job
        if job is None or job.done:
            return
        outcome: list[str] = []
        job.finished.connect(lambda _out: outcome.append("finished"))
        job.failed.connect(lambda message: outcome.append(f"failed: {message}"))
        job.cancelled.connect(lambda: outcome.append("cancelled"))
        if self.rng.random() < 0.25:
            job.cancel()
        job.wait(EXPORT_WAIT_S)
        while not job.done:  # the outcome reaches the window from its event loop
            QTest.qWait(20)
        if outcome[0].startswith("failed"):
            # only a configuration that cannot be made may fail, and the rep is told why
            session = self.window.session
            if not configuration_problems(session.configuration, session.product):
                raise AssertionError(f"{name} to {out.name} {outcome[0]}")
            if not self.window.prompts.errors:
                raise AssertionError(f"{name} failed without telling the rep")
        if outcome[0] == "cancelled" and out.exists():
            raise AssertionError(f"a cancelled {name} left {out.name}")
        if outcome[0] == "finished" and (not out.exists() or out.stat().st_size == 0):
            raise AssertionError(f"a finished {name} left no {out.name}")

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
        run_step(self.step_count, action, self.actions[action])
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


class KioskModel:
    """Drives a KioskWindow at random, with a clock the run moves on for idle time."""

    def __init__(self, window, rng: random.Random, advance_clock: Callable[[float], None],
                 sizes: list[tuple[int, int]] | None = None):
        self.window = window
        self.rng = rng
        self.advance_clock = advance_clock
        self.sizes = sizes or SIZES[:4]
        self.feed = TouchFeed()
        self.step_count = 0

    def step(self) -> str:
        self.step_count += 1
        errors = self.window.journal.count
        if self.rng.random() < 0.03:
            action = "resize"
            run_step(self.step_count, action,
                     lambda: self.window.resize(*self.rng.choice(self.sizes)))
        else:
            kinds: list[str] = []
            action = "customer"
            run_step(self.step_count, action, lambda: kinds.append(
                random_event(self.window, self.rng, self.feed, self.advance_clock)))
            action = kinds[0]
        window = self.window
        checks = [("no widget lies outside the window", outside_problem(window)),
                  ("no modal dialog is left open", modal_problem()),
                  ("the kiosk logs no error",
                   window.journal.last if window.journal.count > errors else None)]
        if window.side.currentWidget() is window.attract_page:
            default = default_configuration(window.session.product)
            checks.append(("a reset shows the product's default look",
                           None if window.session.configuration == default else
                           f"{window.session.product.id} shows "
                           f"{window.session.configuration.selections}"))
        for name, problem in checks:
            if problem:
                raise InvariantBroken(self.step_count, action, name, problem)
        return action


def run_step(step: int, action: str, do: Callable[[], object]) -> None:
    """Do one step and let Qt deliver what it posted, and delete what was let go of with
    ``deleteLater``, as the window's event loop does between events (``processEvents`` alone
    leaves that for the loop, which a scripted run never enters: the options panel's group
    boxes of every product shown piled up); an exception that reached Qt breaks the run."""
    with QtExceptions() as exceptions:
        try:
            do()
        except InvariantBroken:
            raise
        except AssertionError as error:  # the action itself found it did not do its work
            raise InvariantBroken(step, action, "the action does what it says",
                                  str(error)) from None
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    if exceptions.caught:
        raise InvariantBroken(step, action, "no exception reaches Qt", exceptions.caught[0])


# kiosk input ----------------------------------------------------------------------------------

KIOSK_KINDS = ["tap", "tap", "tap", "drag", "pinch", "text", "idle"]


class TouchFeed:
    def __init__(self):
        self.device = QTest.createTouchDevice()

    def drag(self, widget, start: QPoint, end: QPoint, steps: int = 4) -> None:
        QTest.touchEvent(widget, self.device).press(0, start, widget).commit()
        for i in range(1, steps + 1):
            point = start + (end - start) * (i / steps)
            QTest.touchEvent(widget, self.device).move(0, point, widget).commit()
        QTest.touchEvent(widget, self.device).release(0, end, widget).commit()

    def pinch(self, widget, centre: QPoint, start_gap: int, end_gap: int,
              steps: int = 4) -> None:
        def points(gap: int) -> tuple[QPoint, QPoint]:
            return centre - QPoint(gap // 2, 0), centre + QPoint(gap // 2, 0)

        a, b = points(start_gap)
        QTest.touchEvent(widget, self.device).press(0, a, widget).press(1, b, widget).commit()
        for i in range(1, steps + 1):
            a, b = points(round(start_gap + (end_gap - start_gap) * i / steps))
            QTest.touchEvent(widget, self.device).move(0, a, widget).move(1, b, widget).commit()
        QTest.touchEvent(widget, self.device).release(0, a, widget).release(1, b, widget).commit()

    def tap(self, widget, point: QPoint) -> None:
        QTest.touchEvent(widget, self.device).press(0, point, widget).commit()
        QTest.touchEvent(widget, self.device).release(0, point, widget).commit()


def customer_buttons(window) -> list[QAbstractButton]:
    """The buttons a customer can reach now (the admin panel is staff only)."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # rebuilt panels
    page = window.side.currentWidget()
    if page is window.admin:
        return []
    return [b for b in page.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]


def random_event(window, rng: random.Random, feed: TouchFeed,
                 advance_clock: Callable[[float], None]) -> str:
    """One random customer action on the kiosk; returns its kind."""
    kind = rng.choice(KIOSK_KINDS)
    view = window.view.plotter
    size = view.size()
    centre = QPoint(size.width() // 2, size.height() // 2)
    if kind == "tap":
        buttons = customer_buttons(window)
        if buttons:
            window.user_input()
            rng.choice(buttons).click()
        else:
            feed.tap(view, centre)
    elif kind == "drag":
        end = centre + QPoint(rng.randint(-120, 120), rng.randint(-80, 80))
        feed.drag(view, centre, end)
    elif kind == "pinch":
        feed.pinch(view, centre, rng.randint(40, 200), rng.randint(40, 200))
    elif kind == "text":
        fields = [f.text for f in window.options.zone_fields.values()
                  if f.text is not None and f.isVisible()]
        if fields and window.side.currentWidget() is window.configure_page:
            field: QLineEdit = rng.choice(fields)
            field.setFocus()
            QApplication.processEvents()
            window.keyboard.type_text(rng.choice(WORDS))
            if rng.random() < 0.3:
                window.keyboard.press("\u232b")
            window.keyboard.press("Done")
    else:
        advance_clock(rng.choice([5.0, window.config.timings.idle + 1,
                                  window.config.timings.reset_countdown + 1]))
        window.tick_idle()
    QApplication.processEvents()
    return kind


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
        if not widget.isVisible() or widget.isWindow() or scrolled(widget, window):
            continue
        corner = widget.mapTo(window, QPoint(0, 0))
        rect = QRect(corner, widget.size())
        if rect.width() <= 0 or rect.height() <= 0:
            continue
        if not frame.adjusted(-1, -1, 1, 1).contains(rect):
            name = widget.objectName() or type(widget).__name__
            return f"{name} at {rect.getRect()} outside {frame.getRect()}"
    return None


def scrolled(widget: QWidget, window: QWidget) -> bool:
    """Whether ``widget`` is inside the content of a scroll area (clipped there on purpose)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return True
        parent = parent.parentWidget()
    return False


def modal_problem() -> str | None:
    modal = QApplication.activeModalWidget()
    if modal is not None:
        return f"{type(modal).__name__} {modal.windowTitle()!r} is open"
    return None
