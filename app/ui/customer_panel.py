"""The Customer panel of the desktop window: find or create a customer, save what is on show
to them, their history (saved configurations with thumbnails, quotes, orders), and one click
to reopen, quote or order a saved configuration. A view: it emits what the rep asks for; the
work is app.ui.window_store's."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.session.customer_desk import CustomerCard, HistoryView

THUMBNAIL = QSize(96, 72)


class CustomerPanel(QWidget):
    search_requested = Signal(str)
    create_requested = Signal(str, str, bool)  # name, e-mail, consent
    customer_chosen = Signal(object)  # CustomerCard
    save_requested = Signal()
    open_requested = Signal(int)  # saved configuration id
    quote_requested = Signal(int)
    order_requested = Signal(int)
    goes_with_requested = Signal(int)  # index in the history's goes_with

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("customerPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("customerTabs")
        find = QWidget()
        find_layout = QVBoxLayout(find)
        find_layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name or e-mail")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._search)
        self.find_button = QPushButton("Find")
        self.find_button.clicked.connect(self._search)
        row.addWidget(self.search, 1)
        row.addWidget(self.find_button)
        find_layout.addLayout(row)
        self.results = QListWidget()
        self.results.setObjectName("customerResults")
        self.results.setMaximumHeight(84)
        self.results.itemClicked.connect(self._result_clicked)
        find_layout.addWidget(self.results)
        self.tabs.addTab(find, "Find")

        new = QWidget()
        form = QFormLayout(new)
        form.setContentsMargins(6, 6, 6, 6)
        self.name_field = QLineEdit()
        self.email_field = QLineEdit()
        self.email_field.setPlaceholderText("anna@example.com")
        self.consent = QCheckBox("Agrees to be remembered")
        self.create_button = QPushButton("Create")
        self.create_button.clicked.connect(self._create)
        form.addRow("Name", self.name_field)
        form.addRow("E-mail", self.email_field)
        form.addRow(self.consent)
        form.addRow(self.create_button)
        self.tabs.addTab(new, "New customer")
        layout.addWidget(self.tabs)

        chosen = QGroupBox("Customer")
        chosen_layout = QVBoxLayout(chosen)
        self.current = QLabel("No customer chosen")
        self.current.setObjectName("currentCustomer")
        self.current.setWordWrap(True)
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        chosen_layout.addWidget(self.current)
        self.save_button = QPushButton("Save configuration to customer")
        self.save_button.clicked.connect(self.save_requested)
        chosen_layout.addWidget(self.save_button)
        chosen_layout.addWidget(QLabel("Saved configurations (double-click to open)"))
        self.saved = QListWidget()
        self.saved.setObjectName("savedConfigurations")
        self.saved.setIconSize(THUMBNAIL)
        self.saved.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.saved.setMinimumHeight(2 * (THUMBNAIL.height() + 8))
        self.saved.itemDoubleClicked.connect(lambda item: self.open_requested.emit(
            item.data(Qt.ItemDataRole.UserRole)))
        self.saved.currentItemChanged.connect(lambda *_: self._enable())
        chosen_layout.addWidget(self.saved, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open")
        self.quote_button = QPushButton("Quote…")
        self.order_button = QPushButton("Order…")
        self.open_button.setToolTip("Show this configuration")
        self.quote_button.setToolTip("Show it, export its spec sheet and record a quote")
        self.order_button.setToolTip("Show it, export its order package and record an order")
        for button, signal in ((self.open_button, self.open_requested),
                               (self.quote_button, self.quote_requested),
                               (self.order_button, self.order_requested)):
            button.clicked.connect(lambda _=False, s=signal: self._with_selected(s))
            buttons.addWidget(button)
        chosen_layout.addLayout(buttons)
        chosen_layout.addWidget(QLabel("Quotes and orders"))
        self.records = QListWidget()
        self.records.setObjectName("quotesAndOrders")
        self.records.setMaximumHeight(90)
        chosen_layout.addWidget(self.records)
        self.goes_with_label = QLabel("Goes with what they bought (double-click to show)")
        self.goes_with_label.setWordWrap(True)
        chosen_layout.addWidget(self.goes_with_label)
        self.goes_with = QListWidget()
        self.goes_with.setObjectName("goesWith")
        self.goes_with.setMaximumHeight(70)
        self.goes_with.setWordWrap(True)
        self.goes_with.itemDoubleClicked.connect(lambda item: self.goes_with_requested.emit(
            item.data(Qt.ItemDataRole.UserRole)))
        chosen_layout.addWidget(self.goes_with)
        layout.addWidget(chosen, 1)

        self.message = QLabel()
        self.message.setObjectName("customerMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        self.customer: CustomerCard | None = None
        self._enable()

    # shown state ----------------------------------------------------------------------------

    def show_results(self, cards: list[CustomerCard]) -> None:
        self.results.clear()
        for card in cards:
            item = QListWidgetItem(card.title())
            item.setData(Qt.ItemDataRole.UserRole, card)
            self.results.addItem(item)
        if not cards:
            self.say("No customer found")

    def show_customer(self, card: CustomerCard | None) -> None:
        self.customer = card
        self.current.setText(card.title() if card else "No customer chosen")
        if card is None:
            self.saved.clear()
            self.records.clear()
            self.goes_with.clear()
        self._enable()

    def show_history(self, history: HistoryView) -> None:
        """The customer's history; the configuration selected stays selected."""
        selected = self.selected_configuration()
        self.saved.clear()
        for saved in history.configurations:
            item = QListWidgetItem(saved.text)
            item.setData(Qt.ItemDataRole.UserRole, saved.id)
            if saved.thumbnail:
                pixmap = QPixmap()
                if pixmap.loadFromData(saved.thumbnail, "PNG"):
                    item.setIcon(QIcon(pixmap.scaled(
                        THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)))
            self.saved.addItem(item)
            if saved.id == selected:
                self.saved.setCurrentItem(item)
        self.records.clear()
        self.records.addItems(history.quotes + history.orders)
        self.goes_with.clear()
        for index, offer in enumerate(history.goes_with):
            item = QListWidgetItem(offer.text)
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.goes_with.addItem(item)
        self.goes_with_label.setVisible(bool(history.goes_with))
        self.goes_with.setVisible(bool(history.goes_with))
        self._enable()

    def clear_new_customer(self) -> None:
        self.name_field.clear()
        self.email_field.clear()
        self.consent.setChecked(False)

    def say(self, text: str) -> None:
        self.message.setText(text)

    def selected_configuration(self) -> int | None:
        item = self.saved.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    # events ---------------------------------------------------------------------------------

    def _search(self) -> None:
        self.search_requested.emit(self.search.text())

    def _create(self) -> None:
        self.create_requested.emit(self.name_field.text(), self.email_field.text(),
                                   self.consent.isChecked())

    def _result_clicked(self, item: QListWidgetItem) -> None:
        self.customer_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def _with_selected(self, signal) -> None:
        configuration_id = self.selected_configuration()
        if configuration_id is not None:
            signal.emit(configuration_id)

    def _enable(self) -> None:
        has_customer = self.customer is not None
        self.save_button.setEnabled(has_customer)
        selected = self.saved.currentItem() is not None
        for button in (self.open_button, self.quote_button, self.order_button):
            button.setEnabled(has_customer and selected)
