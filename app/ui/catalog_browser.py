"""The catalog: one tile per product, with a thumbnail once one has been rendered."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from app.domain.product import Product

TILE = QSize(120, 90)


class CatalogBrowser(QListWidget):
    product_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("catalogBrowser")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(TILE)
        self.setSpacing(6)
        self.setGridSize(QSize(TILE.width() + 12, TILE.height() + 40))
        self.setWordWrap(True)
        self.setFixedWidth(TILE.width() + 36)
        self.thumbnails: dict[str, QPixmap] = {}
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)

    def set_products(self, products: dict[str, Product], current: str) -> None:
        self.blockSignals(True)
        self.clear()
        for product_id in sorted(products):
            product = products[product_id]
            item = QListWidgetItem(self._icon(product_id), product.name)
            item.setData(Qt.ItemDataRole.UserRole, product_id)
            item.setToolTip(product.description or product.name)
            self.addItem(item)
            if product_id == current:
                self.setCurrentItem(item)
        self.blockSignals(False)

    def set_thumbnail(self, product_id: str, pixmap: QPixmap) -> None:
        self.thumbnails[product_id] = pixmap
        for i in range(self.count()):
            item = self.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == product_id:
                item.setIcon(QIcon(pixmap))

    def product_ids(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def _icon(self, product_id: str) -> QIcon:
        pixmap = self.thumbnails.get(product_id)
        if pixmap is None:
            pixmap = QPixmap(TILE)
            pixmap.fill(QColor("#eceff1"))
        return QIcon(pixmap)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.product_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
