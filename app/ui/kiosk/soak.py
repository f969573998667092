"""Random customer input for soak runs: taps on whatever the side panel offers, drags and
pinches on the 3D view, words typed on the on-screen keyboard, and idle time passing.

Used by bench/kiosk_soak.py (thousands of events) and by a short test."""

from __future__ import annotations

import random
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit

from app.ui.kiosk.kiosk_window import KioskWindow

WORDS = ["Anna", "Ben", "Happy Birthday", "ZOE", "Léa", "42", "Team Blue", "x", "Grand-pa",
         "O'Neil"]
KINDS = ["tap", "tap", "tap", "drag", "pinch", "text", "idle"]


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


def customer_buttons(window: KioskWindow) -> list[QAbstractButton]:
    """The buttons a customer can reach now (the admin panel is staff only)."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # rebuilt panels
    page = window.side.currentWidget()
    if page is window.admin:
        return []
    return [b for b in page.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]


def random_event(window: KioskWindow, rng: random.Random, feed: TouchFeed,
                 advance_clock: Callable[[float], None]) -> str:
    """One random customer action; returns its kind."""
    kind = rng.choice(KINDS)
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
