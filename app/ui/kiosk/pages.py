"""The simple pages of the kiosk's side panel: the invitation of the attract loop, the reset
countdown, and the colour picker for free colours."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.product import FreeColour

PICKER_COLOURS = ["#1d1d1f", "#f5f5f0", "#b3262e", "#e8702a", "#f2c230", "#3c8d2f",
                  "#2a9d8f", "#2a5d9f", "#6a3d9a", "#d45d9b", "#8a5a3c", "#9aa0a6"]


class AttractPage(QWidget):
    def __init__(self, title: str, invitation: str, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.invitation = QLabel(invitation)
        self.invitation.setObjectName("invitation")
        self.invitation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.invitation.setWordWrap(True)
        layout.addWidget(self.invitation)
        self.showing = QLabel()
        self.showing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.showing.setWordWrap(True)
        layout.addWidget(self.showing)
        layout.addStretch(2)


class CountdownPage(QWidget):
    keep_going = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        question = QLabel("Are you still there?")
        question.setObjectName("pageTitle")
        question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(question)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown.setWordWrap(True)
        layout.addWidget(self.countdown)
        button = QPushButton("Keep designing")
        button.setObjectName("primary")
        button.clicked.connect(self.keep_going)
        layout.addWidget(button)
        layout.addStretch(2)

    def show_seconds(self, seconds: float) -> None:
        self.countdown.setText(f"Starting over in {max(0, round(seconds))} s")


class ColourPage(QWidget):
    chosen = Signal(str, str)  # group id, colour
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.group_id = ""
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        back = QPushButton("Back")
        back.clicked.connect(self.cancelled)
        layout.addWidget(back)
        layout.addStretch(1)
        self.buttons: list[QPushButton] = []

    def offer(self, group_id: str, label: str, free_colour: FreeColour, px: int) -> None:
        self.group_id = group_id
        self.title.setText(f"{label}: pick a colour")
        for button in self.buttons:
            button.hide()  # gone from the page now, not only once deleted
            button.deleteLater()
        self.buttons = []
        colours = free_colour.palette or PICKER_COLOURS
        for i, colour in enumerate(colours):
            button = QPushButton()
            pixmap = QPixmap(px, px)
            pixmap.fill(QColor(colour))
            button.setIcon(QIcon(pixmap))
            button.setIconSize(pixmap.size())
            button.setMinimumSize(px * 2, px * 2)
            button.setToolTip(colour)
            button.clicked.connect(lambda _=False, c=colour: self.chosen.emit(self.group_id, c))
            self.grid.addWidget(button, i // 4, i % 4)
            self.buttons.append(button)
