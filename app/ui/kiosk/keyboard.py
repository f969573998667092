"""The kiosk's own on-screen keyboard: big keys that type into the focused line edit as real
key presses (so the field reacts exactly as to a hardware keyboard)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QGridLayout, QLineEdit, QPushButton, QWidget

ROWS = ["1234567890", "QWERTYUIOP", "ASDFGHJKL'", "ZXCVBNM,.-"]
BACKSPACE, SHIFT, SPACE, DONE, SLASH = "\u232b", "\u21e7", "Space", "Done", "/"


class OnScreenKeyboard(QWidget):
    done = Signal()

    def __init__(self, key_px: int, parent: QWidget | None = None, *,
                 sentence_case: bool = True):
        """``sentence_case``: capitals for the first letter only (off: capitals until Shift,
        as for codes)."""
        super().__init__(parent)
        self.sentence_case = sentence_case
        self.setObjectName("onScreenKeyboard")
        self.target: QLineEdit | None = None
        self.upper = True
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setSpacing(4)
        grid.setContentsMargins(4, 4, 4, 4)
        for row, letters in enumerate(ROWS):
            for column, letter in enumerate(letters):
                grid.addWidget(self._key(letter, key_px), row, column)
        last = len(ROWS)
        grid.addWidget(self._key(SHIFT, key_px), last, 0, 1, 2)
        grid.addWidget(self._key(SLASH, key_px), last, 2)
        grid.addWidget(self._key(SPACE, key_px), last, 3, 1, 4)
        grid.addWidget(self._key(BACKSPACE, key_px), last, 7, 1, 1)
        grid.addWidget(self._key(DONE, key_px), last, 8, 1, 2)
        self._show_case()

    def _key(self, label: str, key_px: int) -> QPushButton:
        button = QPushButton(label)
        button.setObjectName("key")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus
        button.setMinimumSize(key_px, key_px)
        button.clicked.connect(lambda _=False, k=label: self.press(k))
        self.keys[label] = button
        return button

    def attach(self, target: QLineEdit | None) -> None:
        self.target = target

    def press(self, key: str) -> None:
        if key == DONE:
            self.done.emit()
            return
        if key == SHIFT:
            self.upper = not self.upper
            self._show_case()
            return
        if self.target is None:
            return
        if key == BACKSPACE:
            self._send(Qt.Key.Key_Backspace, "")
            return
        text = " " if key == SPACE else (key if self.upper else key.lower())
        self._send(Qt.Key.Key_unknown, text)
        if self.upper and text.isalpha() and self.sentence_case:
            self.upper = False
            self._show_case()

    def type_text(self, text: str) -> None:
        """Press the keys that type ``text`` (tests, the soak run)."""
        for ch in text:
            if ch.isalpha():
                self.upper = ch.isupper()
                self.press(ch.upper())
            else:
                self.press(SPACE if ch == " " else ch)

    def _send(self, key: Qt.Key, text: str) -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(self.target, QKeyEvent(kind, key,
                                                         Qt.KeyboardModifier.NoModifier, text))

    def _show_case(self) -> None:
        for label, button in self.keys.items():
            if len(label) == 1 and label.isalpha():
                button.setText(label if self.upper else label.lower())
