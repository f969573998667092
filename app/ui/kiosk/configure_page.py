"""The configurator page of the kiosk's side panel: product tabs, the options (the desktop's
OptionsPanel, scrolled by touch), a notice line, the on-screen keyboard, the total, and the
"Start over" and "Done" buttons. Layout only: the kiosk window wires it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from app.ui.kiosk.keyboard import OnScreenKeyboard
from app.ui.labels import literal
from app.ui.options_panel import OptionsPanel


class ConfigurePage(QWidget):
    def __init__(self, product_names: dict[str, str], target_px: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        tabs_row = QHBoxLayout()
        self.product_tabs: dict[str, QPushButton] = {}
        for product_id, name in product_names.items():
            tab = QPushButton(literal(name))
            tab.setObjectName("productTab")
            tab.setCheckable(True)
            self.product_tabs[product_id] = tab
            tabs_row.addWidget(tab)
        layout.addLayout(tabs_row)
        self.options = OptionsPanel()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.options)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # on the smallest screens the keyboard and a notice take most of the height: the list
        # then shrinks to two rows of touch targets rather than push anything out
        self.scroll.setMinimumHeight(2 * target_px)
        QScroller.grabGesture(self.scroll.viewport(),
                              QScroller.ScrollerGestureType.TouchGesture)
        layout.addWidget(self.scroll, 1)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)
        self.keyboard = OnScreenKeyboard(target_px)
        self.keyboard.hide()
        layout.addWidget(self.keyboard)
        self.total = QLabel()
        self.total.setObjectName("total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.total)
        row = QHBoxLayout()
        self.start_over_button = QPushButton("Start over")
        self.done_button = QPushButton("Done: take it with you")
        self.done_button.setObjectName("primary")
        row.addWidget(self.start_over_button)
        row.addWidget(self.done_button, 1)
        layout.addLayout(row)
