"""Every kiosk page fits the screens kiosks have, after any sequence of pages: nothing lies
outside the window or its parent, no text is cut, no scrolled list is wider than its view, and
every button keeps the touch-target size. With KIOSK_SHOTS=<folder> each page is also saved as a
picture at the smallest and the largest size, to look at."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QScrollArea,
    QWidget,
)

from app.domain.configuration import TextValue
from app.ui.kiosk.touch_targets import too_small
from tests.ui.gui_model import scrolled
from tests.ui.kiosk.conftest import PIN

SIZES = [(1024, 600), (1280, 800), (1920, 1080), (2560, 1440)]
SHOT_SIZES = {(1024, 600), (2560, 1440)}
FIND_DIRECT = Qt.FindChildOption.FindDirectChildrenOnly


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = text()[:30] if callable(text) else ""
    return f"{type(widget).__name__}#{widget.objectName()} '{shown}'"


def layout_problems(window: QWidget) -> list[str]:
    """What does not fit in ``window`` as it is shown now."""
    problems = []
    bounds = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.isWindow() or scrolled(widget, window):
            continue
        area = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not bounds.contains(area):
            problems.append(f"{_name(widget)} at {area.getRect()} outside the window")
        parent = widget.parentWidget()
        if parent is not None and not parent.rect().contains(widget.geometry()):
            problems.append(f"{_name(widget)} at {widget.geometry().getRect()} outside "
                            f"{_name(parent)} {parent.size().toTuple()}")
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                if needed > widget.height():
                    problems.append(f"{_name(widget)} needs {needed} px of height, has "
                                    f"{widget.height()}")
            elif widget.minimumSizeHint().width() > widget.width():
                problems.append(f"{_name(widget)} is cut: {widget.minimumSizeHint().width()} "
                                f"px wide in {widget.width()}")
        if isinstance(widget, QLabel) and not widget.pixmap().isNull() \
                and (widget.pixmap().width() > widget.contentsRect().width()
                     or widget.pixmap().height() > widget.contentsRect().height()):
            problems.append(f"{_name(widget)} shows a {widget.pixmap().size().toTuple()} "
                            f"picture in {widget.contentsRect().size().toTuple()}")
        if isinstance(widget, QAbstractButton) and widget.text() \
                and widget.sizeHint().width() > widget.width() + 1:
            problems.append(f"{_name(widget)} text is cut: {widget.sizeHint().width()} px wide "
                            f"in {widget.width()}")
        if isinstance(widget, QScrollArea) and widget.widget() is not None \
                and widget.widget().width() > widget.viewport().width():
            problems.append(f"{_name(widget)} content is {widget.widget().width()} px wide in "
                            f"a view of {widget.viewport().width()}")
    return problems + overlapping(window)


def overlapping(window: QWidget) -> list[str]:
    """Visible widgets laid over a visible sibling (outside scrolled content)."""
    problems = []
    for parent in [window, *window.findChildren(QWidget)]:
        if not (parent is window or parent.isVisibleTo(window)) or scrolled(parent, window) \
                or isinstance(parent, QAbstractScrollArea):
            continue
        children = [w for w in parent.findChildren(QWidget, options=FIND_DIRECT)
                    if w.isVisibleTo(window) and not w.isWindow()]
        for i, one in enumerate(children):
            for other in children[i + 1:]:
                if one.geometry().intersects(other.geometry()):
                    problems.append(f"{_name(one)} overlaps {_name(other)}")
    return problems


def _wake(window) -> None:
    window.user_input()
    window.show_configurator()


def _attract(window) -> None:
    window.enter_attract()
    window.attract_turn.stop()


def _configure(window) -> None:
    _wake(window)
    window.select_choice("glaze", "navy")


def _keyboard(window) -> None:
    _wake(window)
    window._focus_changed(None, window.options.zone_fields["wrap_text"].text)


def _notice(window) -> None:
    _wake(window)
    window.show_notice("Handle: Modern angular is not available with the Speckled glaze, "
                       "which needs the classic handle to be fired safely in our kiln.")


def _countdown(window) -> None:
    _wake(window)
    window.select_choice("glaze", "sage")
    window.side.setCurrentWidget(window.countdown_page)
    window.countdown_page.show_seconds(10)


def _handoff(window) -> None:
    _wake(window)
    window.show_handoff()


def _handoff_long_code(window) -> None:
    _wake(window)
    window.session.set_zone("wrap_text", TextValue(text="W" * 20))
    window.handoff_page.show_design(window.session.share_code(), window.session.share_code(),
                                    "Your files could not be prepared just now.")
    window.side.setCurrentWidget(window.handoff_page)
    window.handoff_page.print_button.show()  # as where a printer is configured
    window.handoff_page.show_status("Printing: please collect your sheet at the printer.")


def _handoff_again(window) -> None:
    window.handoff_page.print_button.setVisible(window.can_print)
    _handoff(window)


def _colour(window) -> None:
    _wake(window)
    window._offer_colour("glaze")


def _pin_pad(window) -> None:
    window.test_clock.advance(1000)
    window.admin.guard.failures = 0
    window.open_admin()
    window.admin.enter_pin("111111")  # a wrong PIN: the message shows


def _admin_actions(window) -> None:
    window.test_clock.advance(1000)
    window.open_admin()
    assert window.admin.enter_pin(PIN)


def _code_page(window) -> None:
    _admin_actions(window)
    window.show_code_page()
    window.code_page.keyboard.type_text("K7M4QX9B")
    window.code_page.open_button.click()  # a typing mistake: the message shows


def _health(window) -> None:
    _admin_actions(window)
    window.admin.show_health()


VISITS: list[tuple[str, Callable]] = [
    ("attract", _attract), ("configure", _configure), ("keyboard", _keyboard),
    ("notice", _notice), ("countdown", _countdown), ("handoff", _handoff),
    ("handoff_long_code", _handoff_long_code), ("handoff_again", _handoff_again),
    ("colour", _colour), ("pin_pad", _pin_pad),
    ("admin", _admin_actions), ("code", _code_page), ("health", _health),
    ("configure_again", _configure), ("attract_again", _attract),
]


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_fits_every_kiosk_screen(kiosk, size):
    shots = os.environ.get("KIOSK_SHOTS")
    kiosk.resize(*size)
    _settle()
    try:
        for name, visit in VISITS:
            visit(kiosk)
            _settle()
            assert kiosk.size().toTuple() == size, f"{name}: the window cannot be {size}"
            problems = layout_problems(kiosk) + too_small(kiosk, kiosk.target_px)
            assert not problems, f"{name} at {size}:\n" + "\n".join(problems)
            if shots and size in SHOT_SIZES:
                folder = Path(shots)
                folder.mkdir(parents=True, exist_ok=True)
                kiosk.screenshot().save(str(folder / f"{size[0]}x{size[1]}_{name}.png"))
    finally:
        kiosk.admin.close_panel()
        kiosk.resize(900, 560)
        _settle()


def test_type_grows_with_the_screen_in_a_few_steps(kiosk):
    from app.ui.kiosk.touch_targets import style_scale

    assert [style_scale(w, h) for w, h in SIZES] == [1.0, 1.0, 1.25, 1.5]
    assert style_scale(7680, 4320) == 1.5
    kiosk.resize(1920, 1080)
    _settle()
    try:
        assert kiosk.style_scale == 1.25 and "21pt" in kiosk.styleSheet()
    finally:
        kiosk.resize(900, 560)
        _settle()
    assert kiosk.style_scale == 1.0
