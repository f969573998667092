"""The admin panel behind the PIN: a PIN pad (wrong PINs wait longer each time), then reload,
health and exit. A page of the kiosk window, never a dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.catalog.kiosk_config import MAX_PIN_DIGITS
from app.ui.kiosk.health import Health
from app.ui.kiosk.pin_guard import PinGuard


class AdminPanel(QStackedWidget):
    reload_requested = Signal()
    code_requested = Signal()
    exit_requested = Signal()
    closed = Signal()

    def __init__(self, guard: PinGuard, health: Callable[[], Health],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("adminPanel")
        self.guard = guard
        self.health = health
        self.entered = ""
        self.pin_page = self._pin_page()
        self.actions_page = self._actions_page()
        self.health_page = self._health_page()
        for page in (self.pin_page, self.actions_page, self.health_page):
            self.addWidget(page)
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(500)
        self._wait_timer.timeout.connect(self._show_wait)

    # pages ----------------------------------------------------------------------------------

    def _pin_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel("Staff only: enter the PIN")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.pin_display = QLabel("")
        self.pin_display.setObjectName("pinDisplay")
        self.pin_display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.pin_display)
        self.pin_message = QLabel("")
        self.pin_message.setObjectName("pinMessage")
        self.pin_message.setWordWrap(True)
        layout.addWidget(self.pin_message)
        grid = QGridLayout()
        self.digit_buttons: dict[str, QPushButton] = {}
        for i, key in enumerate("123456789C0\u2713"):
            button = QPushButton(key)
            button.setObjectName("pinKey")
            button.clicked.connect(lambda _=False, k=key: self._key(k))
            self.digit_buttons[key] = button
            grid.addWidget(button, i // 3, i % 3)
        layout.addLayout(grid)
        cancel = QPushButton("Back to the customer view")
        cancel.clicked.connect(self.close_panel)
        layout.addWidget(cancel)
        layout.addStretch(1)
        return page

    def _actions_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel("Kiosk administration")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.reload_button = QPushButton("Reload the catalog")
        self.reload_button.clicked.connect(self.reload_requested)
        self.code_button = QPushButton("Open a customer's code")
        self.code_button.clicked.connect(self.code_requested)
        self.health_button = QPushButton("Health")
        self.health_button.clicked.connect(self.show_health)
        self.exit_button = QPushButton("Exit the kiosk")
        self.exit_button.clicked.connect(self.exit_requested)
        back = QPushButton("Back to the customer view")
        back.clicked.connect(self.close_panel)
        for button in (self.code_button, self.reload_button, self.health_button,
                       self.exit_button, back):
            layout.addWidget(button)
        layout.addStretch(1)
        return page

    def _health_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel("Health")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.health_grid = QGridLayout()
        layout.addLayout(self.health_grid)
        row = QHBoxLayout()
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.show_health)
        back = QPushButton("Back")
        back.clicked.connect(lambda: self.setCurrentWidget(self.actions_page))
        row.addWidget(refresh)
        row.addWidget(back)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    # behaviour ------------------------------------------------------------------------------

    def open_panel(self) -> None:
        self.entered = ""
        self.pin_display.setText("")
        self.setCurrentWidget(self.pin_page)
        self._show_wait()

    def close_panel(self) -> None:
        self.entered = ""
        self.pin_display.setText("")
        self._wait_timer.stop()
        self.setCurrentWidget(self.pin_page)
        self.closed.emit()

    def enter_pin(self, pin: str) -> bool:
        for key in pin:
            self._key(key)
        return self._key("\u2713")

    def _key(self, key: str) -> bool:
        if key == "C":
            self.entered = ""
        elif key == "\u2713":
            attempt = self.guard.attempt(self.entered)
            self.entered = ""
            self.pin_display.setText("")
            if attempt.accepted:
                self.pin_message.setText("")
                self.setCurrentWidget(self.actions_page)
                return True
            self.pin_message.setText(attempt.message)
            self._wait_timer.start()
            return False
        elif len(self.entered) < MAX_PIN_DIGITS:
            self.entered += key
        self.pin_display.setText("\u25cf" * len(self.entered))
        return False

    def _show_wait(self) -> None:
        wait = self.guard.remaining_wait()
        if wait > 0:
            self.pin_message.setText(f"Wrong PIN. Next try in {wait:.0f} s")
        else:
            self._wait_timer.stop()
            if self.guard.failures:
                self.pin_message.setText("Try again")

    def show_health(self) -> None:
        while self.health_grid.count():
            item = self.health_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # gone from the page now, not only once deleted
                item.widget().deleteLater()
        for row, (name, value) in enumerate(self.health().lines()):
            label = QLabel(value)
            label.setWordWrap(True)
            label.setObjectName(f"health_{name.lower().replace(' ', '_')}")
            self.health_grid.addWidget(QLabel(name), row, 0)
            self.health_grid.addWidget(label, row, 1)
        self.setCurrentWidget(self.health_page)
