"""The kiosk window: the 3D view (touch only) beside one large side panel whose pages are the
attract loop, the configurator, the reset countdown, the hand-off (with its short hand-off
code), a colour picker, the admin panel and, behind it, the page where staff open a customer's
code. No menus, no dialogs, no file system; errors become a friendly notice and a log line. Each
new customer finds the product as it comes: default configuration and camera, lists at the top.

The logic it drives lives elsewhere: ConfigSession (the configuration, hand-off codes), IdleClock
(idle reset), GestureTracker (touch), PinGuard (admin PIN), ChoiceThumbnails (part pictures)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScroller,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.catalog.catalog import load_catalog
from app.catalog.kiosk_config import KioskConfig
from app.domain.configuration import default_configuration
from app.domain.handoff_code import looks_like_handoff_code
from app.domain.pricing import price_breakdown
from app.errors import AppError
from app.export.handoff_store import HandoffStore
from app.project import Project
from app.session.store_events import StoreEvents
from app.store.database import StoreUnavailable
from app.store.link import StoreLink
from app.store.suggestions import most_ordered_presets
from app.ui.kiosk.admin_panel import AdminPanel
from app.ui.kiosk.choice_thumbnails import ChoiceThumbnails
from app.ui.kiosk.code_page import CodePage
from app.ui.kiosk.configure_page import ConfigurePage
from app.ui.kiosk.error_log import LOGGER_NAME, ErrorJournal, friendly_message
from app.ui.kiosk.handoff import HandoffPage
from app.ui.kiosk.health import health_now
from app.ui.kiosk.idle import IdleClock, IdleEvent, IdleState
from app.ui.kiosk.pages import AttractPage, ColourPage, CountdownPage
from app.ui.kiosk.pin_guard import PIN_FAILURES_FILE, PinGuard
from app.ui.kiosk.printing import print_pdf, spec_sheet_available, spec_sheet_bytes
from app.ui.kiosk.share_handoff import KioskShares
from app.ui.kiosk.touch_targets import (
    enforce_touch_targets,
    kiosk_style_sheet,
    style_scale,
    touch_target_px,
)
from app.ui.kiosk.touch_view import TouchCamera
from app.ui.labels import literal
from app.ui.session import ConfigSession
from app.ui.thumbnails import pixmap_from_pixels
from app.ui.view3d import View3D

IDLE_TICK_MS = 250
ATTRACT_TICK_MS = 50
ATTRACT_DEGREES_PER_TICK = 0.5  # 10 degrees a second: a slow turn
ADMIN_TAPS, ADMIN_TAP_WINDOW_S = 5, 3.0
INPUT_EVENTS = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress,
                QEvent.Type.Wheel, QEvent.Type.TouchUpdate}
log = logging.getLogger(LOGGER_NAME)


class KioskWindow(QWidget):
    def __init__(self, project: Project, config: KioskConfig, *,
                 clock: Callable[[], float] = time.monotonic, fonts: list[str] | None = None,
                 journal: ErrorJournal | None = None, log_file: Path | None = None,
                 handoffs: HandoffStore | None = None,
                 choice_thumbnails: ChoiceThumbnails | None = None,
                 store: StoreLink | None = None):
        super().__init__()
        self.setObjectName("kioskWindow")
        self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.Window)
        self.config, self.clock, self.fonts = config, clock, fonts or []
        self.journal = journal or ErrorJournal()
        self.log_file = log_file or Path("kiosk.log")
        # wrong PINs are counted beside the log, across restarts (in memory without a log file)
        self.pin_failures_file = log_file.parent / PIN_FAILURES_FILE if log_file else None
        self.started = time.monotonic()
        self.exit_allowed = False
        self.target_px = touch_target_px(self.screen())
        self.style_scale = 1.0
        self.setStyleSheet(kiosk_style_sheet(self.target_px))
        shown = [p for p in (config.products or sorted(project.catalog.products))
                 if p in project.catalog.products]
        self.product_ids = shown or sorted(project.catalog.products)
        self.session = ConfigSession(project, self.product_ids[0], handoffs=handoffs)
        # the store: anonymous session events (a new session key for each customer, never a
        # customer), and the most ordered looks first in the attract loop; None: neither
        self.store = store
        self.store_events = (StoreEvents(self.session.configurator, store.recorder, clock=clock)
                             if store is not None else None)
        self.choice_thumbnails = choice_thumbnails  # None: plain buttons on part choices
        self.idle = IdleClock(config.timings.idle, config.timings.reset_countdown, clock)
        self.can_print = bool(config.printer) and spec_sheet_available()
        self._admin_taps: list[float] = []
        self._attract_steps: list[tuple[str, str | None]] = []
        self._attract_index = 0
        self.shares = KioskShares(config.share_server, self) if config.share_server else None
        self._handoff_code = ("", "")
        self._build()
        self._wire()
        self._product_changed()
        self.enter_attract()

    # layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        outer.setSpacing(12)
        left = QVBoxLayout()
        self.title = QLabel(self.config.title)
        self.title.setObjectName("kioskTitle")
        self.title.installEventFilter(self)
        left.addWidget(self.title)
        self.view = View3D(self.session.project.assets, self)
        self.touch = TouchCamera(self.view)
        left.addWidget(self.view, 1)
        outer.addLayout(left, 5)

        self.side = QStackedWidget()
        self.side.setObjectName("sidePanel")
        self.attract_page = AttractPage(self.config.title, self.config.invitation)
        self.configure_page = self._configure_page()
        self.countdown_page = CountdownPage()
        self.handoff_page = HandoffPage(self.can_print)
        self.colour_page = ColourPage()
        guard = PinGuard(self.config.admin_pin, self.clock, self.pin_failures_file)
        self.admin = AdminPanel(guard,
                                lambda: health_now(self.started, self.journal, self.log_file))
        self.code_page = CodePage(self.target_px)
        for page in (self.attract_page, self.configure_page, self.countdown_page,
                     self.handoff_page, self.colour_page, self.admin, self.code_page):
            self.side.addWidget(page)
        outer.addWidget(self.side, 4)

    def _configure_page(self) -> ConfigurePage:
        names = {p: self.session.catalog.products[p].name for p in self.product_ids}
        page = ConfigurePage(names if len(names) > 1 else {}, self.target_px)
        for product_id, tab in page.product_tabs.items():
            tab.clicked.connect(lambda _=False, p=product_id: self._run(
                self.session.switch_product, p))
        page.start_over_button.clicked.connect(self.start_over)
        page.done_button.clicked.connect(self.show_handoff)
        self.product_tabs, self.options, self.scroll = page.product_tabs, page.options, page.scroll
        self.notice, self.keyboard, self.total = page.notice, page.keyboard, page.total
        self.start_over_button, self.done_button = page.start_over_button, page.done_button
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        return page

    def _wire(self) -> None:
        session = self.session
        session.changed.connect(self._configuration_changed)
        session.product_changed.connect(self._product_changed)
        self.options.choice_clicked.connect(lambda g, c: self._run(self.select_choice, g, c))
        self.options.colour_requested.connect(lambda g: self._run(self._offer_colour, g))
        self.options.preset_clicked.connect(lambda p: self._run(self.apply_preset, p))
        self.options.zone_edited.connect(lambda z, v: self._run(session.set_zone, z, v))
        self.options.zone_focused.connect(
            lambda z: self._run(self.view.face_zone, session.product, z))
        self.options.zone_focused.connect(session.configurator.view_option)
        self.touch.picked.connect(self._part_picked)
        self.countdown_page.keep_going.connect(self.user_input)
        self.handoff_page.back_requested.connect(self.show_configurator)
        self.handoff_page.finished.connect(self.enter_attract)
        self.handoff_page.print_requested.connect(lambda: self._run(self.print_spec_sheet))
        if self.shares is not None:
            self.shares.ready.connect(self._share_ready)
            self.shares.failed.connect(self._share_failed)
        self.colour_page.chosen.connect(self._colour_chosen)
        self.colour_page.cancelled.connect(self.show_configurator)
        self.admin.closed.connect(self.show_configurator)
        self.admin.reload_requested.connect(lambda: self._run(self.reload_catalog))
        self.admin.exit_requested.connect(self.exit_kiosk)
        self.admin.code_requested.connect(self.show_code_page)
        self.code_page.open_requested.connect(self.open_code)
        self.code_page.cancelled.connect(lambda: self.side.setCurrentWidget(self.admin))
        self.keyboard.done.connect(self._keyboard_done)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(IDLE_TICK_MS)
        self.idle_timer.timeout.connect(self.tick_idle)
        self.attract_turn = QTimer(self)
        self.attract_turn.setInterval(ATTRACT_TICK_MS)
        self.attract_turn.timeout.connect(self._attract_turn)
        self.attract_presets = QTimer(self)
        self.attract_presets.setInterval(round(self.config.timings.attract_preset * 1000))
        self.attract_presets.timeout.connect(self.next_attract_step)

    def start(self) -> None:
        """After show(): watch every input of the application, start the idle clock."""
        QApplication.instance().installEventFilter(self)
        self.idle_timer.start()

    # the session on screen ------------------------------------------------------------------

    def _product_changed(self) -> None:
        product = self.session.product
        self.options.build(product, self.session.catalog.materials, self.session.project.root,
                           self.fonts)
        for zone_id, fields in self.options.zone_fields.items():
            fields.setVisible(product.zone(zone_id).kind == "text")  # no uploads here
        if self.choice_thumbnails is not None:
            self.choice_thumbnails.show(self.session.project, product, self.options)
        for product_id, tab in self.product_tabs.items():
            tab.setChecked(product_id == product.id)
        scene = self._resolve()
        if scene is not None:
            self.view.show_scene(scene)
        self._refresh_panels()
        enforce_touch_targets(self, self.target_px)

    def _configuration_changed(self) -> None:
        scene = self._resolve()
        if scene is not None:
            self.view.update_scene(scene)
        self._refresh_panels()

    def _refresh_panels(self) -> None:
        session = self.session
        self.options.refresh(session.product, session.configuration)
        self._show_total()
        if not self.config.show_prices:
            for button in self.options.buttons.values():
                if button.status is not None:
                    button.show_label(button.status.label)
            for zone_id, fields in self.options.zone_fields.items():
                fields.setTitle(literal(session.product.zone(zone_id).label))
        breakdown = price_breakdown(session.configuration, session.product)
        self.total.setText(f"Total  {breakdown.format()}")

    def _show_total(self) -> None:
        """The total, when prices are shown and the keyboard does not need its room."""
        self.total.setVisible(self.config.show_prices and self.keyboard.isHidden())

    def _resolve(self):
        try:
            return self.session.scene()
        except Exception as exc:  # noqa: BLE001 (logged; the customer sees a notice)
            log.error("cannot show %s: %s", self.session.product.id, exc, exc_info=True)
            self.show_notice(friendly_message(exc))
            return None

    # customer actions -----------------------------------------------------------------------

    def _run(self, action: Callable, *args) -> None:
        """Any customer action: a failure is logged and shown as a friendly notice."""
        try:
            action(*args)
        except Exception as exc:  # noqa: BLE001
            log.error("%s failed: %s", getattr(action, "__name__", "action"), exc,
                      exc_info=True)
            self.show_notice(friendly_message(exc))

    def select_choice(self, group_id: str, choice_id: str) -> None:
        proposal = self.session.propose(group_id, choice_id)
        if not proposal.possible:
            self.show_notice(" ".join(proposal.messages) or "Not available with this design.")
            self.options.refresh(self.session.product, self.session.configuration)
            return
        self.session.accept(proposal)
        if proposal.adjustments:
            self.show_notice("Also changed: " + ", ".join(a.describe()
                                                           for a in proposal.adjustments))

    def apply_preset(self, preset_id: str) -> None:
        if any(p.id == preset_id for p in self.session.product.presets):
            self.session.apply_preset(preset_id)

    def _offer_colour(self, group_id: str) -> None:
        group = self.session.product.option(group_id)
        choice = next(c for c in group.choices if c.free_colour is not None)
        self.colour_page.offer(group_id, group.label, choice.free_colour, self.target_px)
        self.side.setCurrentWidget(self.colour_page)

    def _colour_chosen(self, group_id: str, colour: str) -> None:
        self._run(self.session.set_colour, group_id, colour)
        self.show_configurator()

    def _part_picked(self, part_id: str) -> None:
        if self.side.currentWidget() is not self.configure_page:
            return
        for group in self.session.product.options:
            if part_id in group.parts:
                box = self.options.findChild(QWidget, f"group_{group.id}")
                if box is not None:
                    self.scroll.ensureWidgetVisible(box)
                self.session.configurator.view_option(group.id)
                self.show_notice(f"{group.label}: pick below")
                return

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(round(self.config.timings.message * 1000))

    def show_configurator(self) -> None:
        if self.shares is not None:
            self.shares.cancel()
        self.side.setCurrentWidget(self.configure_page)

    def show_handoff(self) -> None:
        self.options.flush()
        self._keyboard_done()
        code = self._keep_for_handoff()
        link = self.config.share_url.format(code=quote(code)) if self.config.share_url else code
        self._handoff_code = (code, link)
        if self.shares is None:
            self.handoff_page.show_design(code, link)
            self.side.setCurrentWidget(self.handoff_page)
            return
        self.handoff_page.show_preparing(code)
        self.side.setCurrentWidget(self.handoff_page)
        session = self.session
        self.shares.begin(session.project, session.product, session.configuration,
                          self.view.pixels() if self.view.scene is not None else None,
                          code if looks_like_handoff_code(code) else "")

    def _keep_for_handoff(self) -> str:
        """A short hand-off code kept for the design; the long share code when it cannot be
        kept (logged: the customer can still take the long code)."""
        try:
            return self.session.handoff_code()
        except Exception as exc:  # noqa: BLE001 (logged; the customer gets the share code)
            log.error("cannot keep a hand-off code: %s", exc,
                      exc_info=None if isinstance(exc, AppError) else exc)
            return self.session.share_code()

    def _share_ready(self, url: str) -> None:
        if self.side.currentWidget() is self.handoff_page:
            self.handoff_page.show_design(self._handoff_code[0], url,
                                          "Your 3D and AR files are ready.")

    def _share_failed(self) -> None:
        if self.side.currentWidget() is self.handoff_page:
            self.handoff_page.show_design(*self._handoff_code,
                                          "Your 3D files could not be prepared just now.")

    def print_spec_sheet(self) -> None:
        data = spec_sheet_bytes(self.session, self.view.pixels())
        pages = print_pdf(data, self.config.printer or "")
        log.info("printed a spec sheet of %d page(s) for %s", pages, self.session.product.id)
        self.handoff_page.show_status("Printing: please collect your sheet at the printer.")

    def start_over(self) -> None:
        self.new_customer("Start over")

    def new_customer(self, text: str = "New customer") -> None:
        """The product on show as a new customer finds it: its default configuration, seen
        from its default camera, every list scrolled to the top, nothing to undo."""
        self._keyboard_done()
        self.session.load(default_configuration(self.session.product), text)
        self.session.undo_stack.clear()
        self.view.set_camera_preset(None)
        self.scroll_to_top()

    def scroll_to_top(self) -> None:
        for area in self.findChildren(QAbstractScrollArea):
            QScroller.scroller(area.viewport()).stop()
            area.verticalScrollBar().setValue(0)
            area.horizontalScrollBar().setValue(0)

    # keyboard -------------------------------------------------------------------------------

    def _focus_changed(self, _old, new) -> None:
        if isinstance(new, QLineEdit) and self.options.isAncestorOf(new):
            self.keyboard.attach(new)
            self.keyboard.show()
            self._show_total()  # its room goes to the keyboard on the smallest screens
            self.scroll.ensureWidgetVisible(new)

    def _keyboard_done(self) -> None:
        self.options.flush()
        self.keyboard.attach(None)
        self.keyboard.hide()
        self._show_total()
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()

    # idle, attract loop ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            return True  # no context menus anywhere
        if watched is self.title and kind == QEvent.Type.MouseButtonPress:
            self._admin_tap()
        if kind == QEvent.Type.MouseButtonPress and isinstance(watched, QLineEdit):
            self._focus_changed(None, watched)  # a touch opens the keyboard, focus or not
        if kind in INPUT_EVENTS and isinstance(watched, QWidget) and watched.window() is self:
            return self.user_input()
        return False

    def user_input(self) -> bool:
        """A touch, click or key: True when it only woke the attract loop (then it is used up)."""
        event = self.idle.poke()
        if event is IdleEvent.WOKEN:
            self.leave_attract()
            return True
        if event is IdleEvent.COUNTDOWN_CANCELLED:
            self.show_configurator()
        return False

    def tick_idle(self) -> None:
        changed = self.session.undo_stack.count() > 0
        event = self.idle.tick(changed)
        if event is IdleEvent.COUNTDOWN_STARTED:
            self._keyboard_done()
            self.side.setCurrentWidget(self.countdown_page)
        elif event is IdleEvent.RESET:
            log.info("idle reset")
            self.enter_attract()
        if self.idle.state is IdleState.COUNTDOWN:
            self.countdown_page.show_seconds(self.idle.seconds_left())

    def enter_attract(self) -> None:
        self.idle.state = IdleState.ATTRACT
        if self.store_events is not None:  # the customer is gone: their session ends
            if self.store_events.started is not None:
                self.store_events.end(new_session=True)
        if self.shares is not None:
            self.shares.cancel()
        self._keyboard_done()
        self.admin.close_panel()
        self.scroll_to_top()
        self._attract_steps = [(product_id, preset_id) for product_id in self.product_ids
                               for preset_id in self.attract_presets_of(product_id)]
        self._attract_steps = self._attract_steps or [(p, None) for p in self.product_ids]
        self._attract_index = -1
        self.next_attract_step()
        self.side.setCurrentWidget(self.attract_page)
        self.attract_turn.start()
        self.attract_presets.start()

    def attract_presets_of(self, product_id: str) -> list[str]:
        """The product's looks, the most ordered first when the store can say (a store
        offline or slow to answer leaves the product file's order)."""
        product = self.session.catalog.products[product_id]
        order = [preset.id for preset in product.presets]
        if self.store is None or not self.store.online or not order:
            return order
        try:
            return self.store.read(lambda s: most_ordered_presets(s, product))
        except StoreUnavailable as exc:
            log.warning("attract loop in the product file's order: %s", exc)
            return order

    def next_attract_step(self) -> None:
        if self.store_events is not None:
            with self.store_events.pause():  # the loop, not a person
                self._next_attract_step()
        else:
            self._next_attract_step()

    def _next_attract_step(self) -> None:
        self._attract_index = (self._attract_index + 1) % len(self._attract_steps)
        product_id, preset_id = self._attract_steps[self._attract_index]
        product = self.session.catalog.products[product_id]
        self.session.load(default_configuration(product), "Attract")
        if preset_id is not None:
            self.session.apply_preset(preset_id)
        self.session.undo_stack.clear()
        preset = product.preset(preset_id).label if preset_id else ""
        self.attract_page.showing.setText(f"{product.name}\n{preset}".strip())

    def leave_attract(self) -> None:
        self.attract_turn.stop()
        self.attract_presets.stop()
        if self.store_events is not None:
            with self.store_events.pause():
                self.new_customer()
            self.store_events.begin()  # a new anonymous session
        else:
            self.new_customer()
        self.show_configurator()

    def _attract_turn(self) -> None:
        if self.view.scene is not None and not self.view.closed:
            self.view.orbit(ATTRACT_DEGREES_PER_TICK, 0.0)
            self.view.render()

    # admin ----------------------------------------------------------------------------------

    def _admin_tap(self) -> None:
        now = self.clock()
        self._admin_taps = [t for t in self._admin_taps if now - t <= ADMIN_TAP_WINDOW_S]
        self._admin_taps.append(now)
        if len(self._admin_taps) >= ADMIN_TAPS:
            self._admin_taps = []
            self.open_admin()

    def open_admin(self) -> None:
        if self.idle.poke() is IdleEvent.WOKEN:
            self.leave_attract()
        self._keyboard_done()
        self.admin.open_panel()
        self.side.setCurrentWidget(self.admin)

    def show_code_page(self) -> None:
        self.code_page.clear()
        self.side.setCurrentWidget(self.code_page)

    def open_code(self, code: str) -> None:
        """Staff typed a customer's code: their design on show, or what is wrong with the
        code on the page (a code that is no code, unknown, expired or for another product)."""
        try:
            self.session.paste_share_code(code)
        except AppError as exc:
            self.code_page.show_problem(exc.message)
            return
        except Exception as exc:  # noqa: BLE001 (logged; staff see a short message)
            log.error("cannot open a code: %s", exc, exc_info=True)
            self.code_page.show_problem(friendly_message(exc))
            return
        log.info("opened a customer's code for %s", self.session.product.id)
        self.view.set_camera_preset(None)
        self.scroll_to_top()
        self.admin.close_panel()  # back to the configurator, with the design

    def reload_catalog(self) -> None:
        catalog = load_catalog(self.session.project.root)
        self.session.replace_catalog(catalog)
        self._product_changed()
        for problem in catalog.problems:
            log.error("catalog: %s", problem)
        self.admin.health_button.setText(f"Health (reloaded, {len(catalog.problems)} problems)")

    def exit_kiosk(self) -> None:
        log.info("exit from the admin panel")
        self.exit_allowed = True
        self.close()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        scale = style_scale(self.width(), self.height())
        if scale != self.style_scale:  # type grows with the screen, in a few steps
            self.style_scale = scale
            self.setStyleSheet(kiosk_style_sheet(self.target_px, scale))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.exit_allowed:
            event.ignore()
            return
        app = QApplication.instance()
        app.removeEventFilter(self)
        app.focusChanged.disconnect(self._focus_changed)
        for timer in (self.idle_timer, self.attract_turn, self.attract_presets):
            timer.stop()
        if self.store_events is not None and self.store_events.started is not None:
            self.store_events.end(new_session=True)
        if self.shares is not None:
            self.shares.close()
        if self.choice_thumbnails is not None:
            self.choice_thumbnails.close()
        self.view.close_view()
        super().closeEvent(event)

    # pictures -------------------------------------------------------------------------------

    def screenshot(self) -> QPixmap:
        """The window as seen: the widgets, with the 3D view's pixels drawn in."""
        pixmap = self.grab()
        if self.view.scene is not None:
            frame = pixmap_from_pixels(self.view.pixels())
            painter = QPainter(pixmap)
            top_left = self.view.plotter.mapTo(self, self.view.plotter.rect().topLeft())
            painter.drawPixmap(top_left.x(), top_left.y(), self.view.plotter.width(),
                               self.view.plotter.height(), frame)
            painter.end()
        return pixmap
