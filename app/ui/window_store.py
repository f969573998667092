"""The store in the desktop window: the Customer dock (app.ui.customer_panel) driven through
the Qt-free CustomerDesk, the session's events (app.session.store_events), suggestions under
the option groups, and the store's state in the status bar.

Database work here is short indexed transactions on the GUI thread; while the store is
offline none is tried (the link's writer thread reconnects), saves to a customer are queued on
disk, and the status bar says so. Quotes and orders export through File > Export's own
background jobs, and are recorded when their file is written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QScrollArea

from app.domain.choices import keep_valid
from app.errors import AppError, AppErrors
from app.session.customer_desk import CustomerCard, CustomerDesk
from app.session.store_events import StoreEvents
from app.store.configurations import MAX_THUMBNAIL_BYTES
from app.store.link import StoreLink
from app.ui.customer_panel import CustomerPanel
from app.ui.thumbnails import pixmap_from_pixels

STATUS_POLL_MS = 2000
THUMBNAIL_SIZE = (320, 240)


def _message(exc: AppError) -> str:
    errors = exc.errors if isinstance(exc, AppErrors) else [exc]
    return "\n".join(str(e) for e in errors)


class WindowStore:
    def __init__(self, window, link: StoreLink):
        self.window = window
        self.link = link
        session = window.session
        self.desk = CustomerDesk(link, session.configurator)
        self.events = StoreEvents(session.configurator, link.recorder)
        self.panel = CustomerPanel()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.panel)
        dock = QDockWidget("Customer", window)
        dock.setObjectName("customerDock")
        dock.setWidget(scroll)
        dock.setMinimumWidth(270)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.dock = dock
        self.status_label = QLabel()
        self.status_label.setObjectName("storeStatus")
        self.status_label.setMaximumWidth(520)
        window.statusBar().addPermanentWidget(self.status_label)

        panel = self.panel
        panel.search_requested.connect(self.find)
        panel.create_requested.connect(self.create)
        panel.customer_chosen.connect(self.choose)
        panel.save_requested.connect(self.save)
        panel.open_requested.connect(self.open_saved)
        panel.quote_requested.connect(self.quote)
        panel.order_requested.connect(self.order)
        panel.goes_with_requested.connect(self.show_goes_with)
        # the options panel is built again for another (or a reloaded) product: its rows too
        session.product_changed.connect(self._forget_suggestions)
        session.changed.connect(self.refresh_suggestions)
        window.options.zone_focused.connect(session.configurator.view_option)
        window.options.group_viewed.connect(session.configurator.view_option)
        window.price.copy_requested.connect(lambda: session.configurator.tell("handoff"))
        self._suggested_for: tuple | None = None
        self.analytics = None  # the analytics window, made when first asked for
        self.history = None  # the chosen customer's history as the panel shows it
        self.timer = QTimer(window)
        self.timer.setInterval(STATUS_POLL_MS)
        self.timer.timeout.connect(self.show_status)
        self.timer.start()
        self.show_status()
        self.refresh_suggestions()

    def begin(self) -> None:
        self.events.begin()

    def close(self) -> None:
        """The window closes: the session's length is recorded (the link is its owner's)."""
        self.timer.stop()
        if self.analytics is not None:
            self.analytics.close()
        self.events.end()

    def show_analytics(self) -> None:
        """The shop's analytics in a window of its own (the store must be reachable)."""
        if not self.link.online or self.link.database is None:
            self.window.statusBar().showMessage(self.link.status(), 8000)
            return
        if self.analytics is None:
            from app.ui.analytics_window import AnalyticsWindow

            self.analytics = AnalyticsWindow(self.link.database,
                                             products=self.window.session.catalog.products)
            self.analytics.setWindowFlag(Qt.WindowType.Window)
            self.analytics.resize(1000, 700)
        self.analytics.show()
        self.analytics.raise_()
        self.analytics.refresh()

    # status and suggestions -----------------------------------------------------------------

    def show_status(self) -> None:
        text = self.link.status()
        shown = self.status_label.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideRight, self.status_label.maximumWidth())
        if self.status_label.text() != shown:
            self.status_label.setText(shown)
            self.status_label.setToolTip(text)
        self.status_label.setVisible(bool(text))
        if self._suggested_for is not None and self._suggested_for[-1] != self.link.online:
            self.refresh_suggestions()  # the store came back (or went)

    def _forget_suggestions(self) -> None:
        self._suggested_for = None

    def refresh_suggestions(self, *, again: bool = False) -> None:
        """Suggestions for the choices on show. Typing in a zone changes no choice, so it reads
        nothing (``again``: read even so, the orders or the customer changed)."""
        session = self.window.session
        key = (session.product.id, tuple(sorted(session.configuration.selections.items())),
               self.desk.customer.id if self.desk.customer is not None else None,
               self.link.online)
        if key == self._suggested_for and not again:
            return
        self._suggested_for = key
        self.window.options.show_suggestions(self.desk.suggestion_lines())

    # customers ------------------------------------------------------------------------------

    def _try(self, work, *args):
        """``work(*args)``; a store that cannot be used, or input that does not do, is said
        in the panel (and the status bar) and gives None."""
        try:
            return work(*args)
        except AppError as exc:
            text = _message(exc)
        except (OSError, ValueError) as exc:  # the disk queue cannot take it
            text = f"Not saved: {exc}"
        self.panel.say(text)
        self.show_status()
        return None

    def find(self, text: str) -> None:
        cards = self._try(self.desk.find, text)
        if cards is not None:
            self.panel.say("")
            self.panel.show_results(cards)

    def create(self, name: str, email: str, consent: bool) -> None:
        card = self._try(self.desk.create, name, email or None, consent)
        if card is not None:
            self.panel.clear_new_customer()
            self.panel.say(f"Created customer {card.id}")
            self._chosen(card)

    def choose(self, card: CustomerCard) -> None:
        self.desk.choose(card)
        self.panel.say("")
        self._chosen(card)

    def _chosen(self, card: CustomerCard) -> None:
        self.panel.show_customer(card)
        self.refresh_history()
        self.refresh_suggestions(again=True)

    def refresh_history(self) -> None:
        if self.desk.customer is None:
            self.history = None
            return
        history = self._try(self.desk.history)
        if history is not None:
            self.history = history
            self.panel.show_history(history)

    # saving and reopening -------------------------------------------------------------------

    def thumbnail(self) -> bytes | None:
        """A small PNG of the live view (None before its first frame)."""
        view = self.window.view
        if view.scene is None or view.closed:
            return None
        width, height = THUMBNAIL_SIZE  # the middle of the view, 4:3, as the catalog's
        pixmap = pixmap_from_pixels(view.pixels()).scaled(
            width, height, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation)
        pixmap = pixmap.copy((pixmap.width() - width) // 2, (pixmap.height() - height) // 2,
                             width, height)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        pixmap.save(buffer, "PNG")
        buffer.close()
        png = bytes(data.data())
        return png if len(png) <= MAX_THUMBNAIL_BYTES else None

    def save(self) -> int | None:
        """Save what is on show to the chosen customer: the saved id, or None (queued on
        disk while the store is offline, or not saved: the panel says which)."""
        if self.desk.customer is None:
            return None
        self.window.options.flush()
        try:
            saved = self.desk.save_current(self.thumbnail())
        except AppError as exc:
            self.panel.say(f"Not saved: {_message(exc)}")
            return None
        except (OSError, ValueError) as exc:  # the disk queue cannot take it
            self.panel.say(f"Not saved: {exc}")
            return None
        if saved is None:
            self.panel.say("Store offline: the configuration is queued and will be saved "
                           "when the store is back")
            self.show_status()
            return None
        self.panel.say(f"Saved as configuration {saved}")
        self.window.statusBar().showMessage(
            f"Configuration saved to {self.desk.customer.name}", 4000)
        self.refresh_history()
        return saved

    def open_saved(self, configuration_id: int) -> bool:
        """Show a saved configuration (its product too); unsaved work is asked about first."""
        look = self._try(self.desk.saved_look, configuration_id)
        if look is None:
            return False
        if not self._show(look.configuration, f"opening configuration {configuration_id}",
                          f"Open saved configuration {configuration_id}"):
            return False
        self.panel.say(f"Showing configuration {configuration_id}")
        return True

    def show_goes_with(self, index: int) -> bool:
        """Show a product that goes with what the customer bought, configured to match."""
        history = self.history  # as the panel shows it
        if history is None or not 0 <= index < len(history.goes_with):
            return False
        offer = history.goes_with[index]
        product = self.window.session.catalog.products.get(offer.product_id)
        label = product.name if product is not None else offer.product_id
        return self._show(offer.configuration, f"showing the {label}", f"Show the {label}")

    def _show(self, configuration, asking: str, change: str) -> bool:
        window = self.window
        product = window.session.catalog.products.get(configuration.product_id)
        if product is None:
            self.panel.say(f"The product '{configuration.product_id}' is no longer in the "
                           "catalog")
            return False
        window.options.flush()
        affected = [p for p in dict.fromkeys([window.session.product.id, product.id])
                    if window.is_modified(p)]
        discarded = window.settle_unsaved(affected, asking)
        if discarded is None:
            return False
        window.session.load(keep_valid(configuration, product), change)
        window.drop_unsaved([p for p in discarded if p != product.id])
        return True

    # quotes and orders ----------------------------------------------------------------------

    def quote(self, configuration_id: int):
        """Show the configuration, export its spec sheet (File > Export's job), then record
        the quote. Returns the export job (None when nothing started)."""
        if not self.open_saved(configuration_id):
            return None
        job = self.window.exports.spec_sheet()
        if job is not None:
            job.finished.connect(lambda out: self._quoted(configuration_id, out))
        return job

    def _quoted(self, configuration_id: int, out) -> None:
        quote_id = self._try(self.desk.record_quote, configuration_id, Path(out).name)
        if quote_id is not None:
            self.panel.say(f"Quote {quote_id} recorded ({Path(out).name})")
            self.refresh_history()

    def order(self, configuration_id: int):
        """Show the configuration, export its order package, then record the order."""
        if not self.open_saved(configuration_id):
            return None
        session = self.window.session
        product, configuration = session.product, session.configuration
        job = self.window.exports.order_package()
        if job is not None:
            job.finished.connect(lambda out: self._ordered(product, configuration, out))
        return job

    def _ordered(self, product, configuration, out) -> None:
        order_id = self._try(self.desk.record_order, product, configuration, Path(out).name)
        if order_id is not None:
            self.panel.say(f"Order {order_id} recorded ({Path(out).name})")
            self.refresh_history()
            self.refresh_suggestions(again=True)
