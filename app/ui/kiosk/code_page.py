"""Staff open a customer's design again: the hand-off code (``K7M-4QX-9A``) or a share code,
typed on the kiosk's own keyboard. A page behind the admin PIN; what is wrong with a code shows
on the page, which stays open for another try."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ui.kiosk.keyboard import OnScreenKeyboard

MAX_TYPED = 4000  # a long share code fits; anything longer is no code


class CodePage(QWidget):
    open_requested = Signal(str)
    cancelled = Signal()

    def __init__(self, target_px: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("codePage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Open a customer's code")
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.field = QLineEdit()
        self.field.setObjectName("codeField")
        self.field.setMaxLength(MAX_TYPED)
        self.field.setPlaceholderText("like K7M-4QX-9A")
        self.field.returnPressed.connect(self._open)
        layout.addWidget(self.field)
        self.message = QLabel()
        self.message.setObjectName("codeMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.keyboard = OnScreenKeyboard(target_px, sentence_case=False)
        self.keyboard.attach(self.field)
        self.keyboard.done.connect(self._open)
        layout.addWidget(self.keyboard)
        row = QHBoxLayout()
        back = QPushButton("Back")
        back.clicked.connect(self.cancelled)
        self.open_button = QPushButton("Open the design")
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self._open)
        row.addWidget(back)
        row.addWidget(self.open_button, 1)
        layout.addLayout(row)
        layout.addStretch(1)

    def clear(self) -> None:
        self.field.clear()
        self.message.setText("")

    def show_problem(self, text: str) -> None:
        self.message.setText(text[:1].upper() + text[1:])

    def _open(self) -> None:
        text = self.field.text().strip()
        if not text:
            self.show_problem("Type the code first.")
            return
        self.open_requested.emit(text)
