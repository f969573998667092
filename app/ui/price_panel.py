"""The price: one line per choice and zone, the total, and the share code."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.configuration import Configuration
from app.domain.pricing import price_breakdown
from app.domain.product import Product


class PricePanel(QWidget):
    share_code_pasted = Signal(str)
    copy_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pricePanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.lines = QGridLayout()
        self._rows: list[tuple[QLabel, QLabel]] = []  # (what, amount), reused from change to change
        self.lines.setColumnStretch(0, 1)
        outer.addLayout(self.lines)
        self.total = QLabel()
        self.total.setObjectName("total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        outer.addWidget(self.total)
        code_row = QHBoxLayout()
        code_row.addWidget(QLabel("Share code"))
        self.code = QLineEdit()
        self.code.setObjectName("shareCode")
        self.code.setToolTip("Give this code to the customer, or paste one and press Enter")
        self.code.returnPressed.connect(lambda: self.share_code_pasted.emit(self.code.text()))
        code_row.addWidget(self.code, 1)
        copy = QPushButton("Copy")
        copy.clicked.connect(self.copy_requested)
        code_row.addWidget(copy)
        outer.addLayout(code_row)

    def refresh(self, product: Product, configuration: Configuration, share_code: str) -> None:
        breakdown = price_breakdown(configuration, product)
        while len(self._rows) < len(breakdown.lines):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)  # product files' words, as written
            amount = QLabel()
            amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            self.lines.addWidget(label, len(self._rows), 0)
            self.lines.addWidget(amount, len(self._rows), 1)
            self._rows.append((label, amount))
        for row, (label, amount) in enumerate(self._rows):
            shown = row < len(breakdown.lines)
            if shown:
                line = breakdown.lines[row]
                label.setText(line.label)
                amount.setText(breakdown.format(line.amount))
            label.setVisible(shown)
            amount.setVisible(shown)
        self.total.setText(f"Total  {breakdown.format()}")
        self.code.setText(share_code)
