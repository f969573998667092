"""The main window: catalog | 3D view | options and price, problems below; menus and shortcuts.

It wires views to the session; the logic lives in session.py and choice_status.py.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.catalog.catalog import load_catalog
from app.domain.choices import keep_valid
from app.domain.configuration import ImageValue, default_configuration
from app.domain.product import OptionKind
from app.errors import AppError, AppErrors
from app.personalize.picture_store import OldPictureReport
from app.project import Project
from app.scene.asset_checks import product_asset_warnings, product_material_notes
from app.session.autosave import Autosave
from app.session.configuration_files import read_configuration, save_configuration
from app.session.problem_lines import message_about, problem_lines
from app.session.product_files import ProductFiles
from app.ui.catalog_browser import CatalogBrowser
from app.ui.file_watch import ProjectWatcher
from app.ui.main_actions import build_actions, fill_camera_menu, fill_recent_menu
from app.ui.options_panel import THUMBNAIL_SIZE, OptionsPanel
from app.ui.price_panel import PricePanel
from app.ui.problems_panel import ProblemsPanel
from app.ui.prompts import DialogPrompts
from app.ui.session import ConfigSession
from app.ui.style import STYLE_SHEET
from app.ui.thumbnails import ThumbnailQueue, choice_thumbnail_scene, pixmap_from_pixels
from app.ui.view3d import View3D
from app.ui.window_exports import WindowExports

if TYPE_CHECKING:
    from app.store.link import StoreLink

RECENT_LIMIT = 8
CUSTOMER_DOCK_KEY = "store/customer_dock_shown"


class MainWindow(QMainWindow):
    autosave_failed = Signal(str)

    def __init__(self, project: Project, settings: QSettings, *, autosave: Autosave | None = None,
                 prompts=None, fonts: list[str] | None = None, watch_files: bool = True,
                 background_thumbnails: bool = True, store: StoreLink | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setStyleSheet(STYLE_SHEET)
        self.settings = settings
        self.prompts = prompts or DialogPrompts(self)
        self.fonts = fonts or []
        self.autosave = autosave
        self.session = ConfigSession(project, settings.value("product", None, str), autosave,
                                     remember_products=True)
        self.files = ProductFiles()  # each product's own configuration file
        self.closing = False

        self.view = View3D(project.assets, self)
        self.options = OptionsPanel()
        self.price = PricePanel()
        self.catalog = CatalogBrowser()
        self.problems = ProblemsPanel()
        self.camera_box = QComboBox()
        self.thumbnails = (ThumbnailQueue(project.assets, self, held=True)
                           if background_thumbnails else None)
        if self.thumbnails is not None:  # the window's first frame goes first
            self.view.after_first_frame(self.thumbnails.release)
        self.exports = WindowExports(self)
        self._layout()
        self.actions_by_name = build_actions(self)

        self.session.changed.connect(self._configuration_changed)
        self.session.product_changed.connect(self._product_changed)
        self.session.catalog_changed.connect(self._catalog_changed)
        self.session.changed.connect(self._update_title)
        self.options.choice_clicked.connect(self.select_choice)
        self.options.colour_requested.connect(self.pick_colour)
        self.options.preset_clicked.connect(self.session.apply_preset)
        self.options.zone_edited.connect(self._zone_edited)
        self.options.image_requested.connect(self.upload_image)
        self.options.zone_focused.connect(
            lambda zone_id: self.view.face_zone(self.session.product, zone_id))
        self.price.share_code_pasted.connect(self.paste_share_code)
        self.price.copy_requested.connect(self.copy_share_code)
        self.catalog.product_chosen.connect(self.switch_product)
        self.camera_box.activated.connect(
            lambda i: self.view.set_camera_preset(self.camera_box.itemData(i)))

        if autosave is not None:  # queued: the autosave thread reports, the window shows it
            self.autosave_failed.connect(self._autosave_failed)
            autosave.on_failure = self.autosave_failed.emit
        self.watcher = ProjectWatcher(project.root, self) if watch_files else None
        if self.watcher is not None:
            self.watcher.changed.connect(self.reload_catalog)
        self._notes_queued = False
        self._catalog_changed()
        self._product_changed()
        # the store (customers, events, suggestions) when one is given; None: none of it (the
        # app gives it after the first frame: attach_store)
        self.store = None
        self._started = False
        if store is not None:
            self.attach_store(store)
        geometry = settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window_state")
        if state is not None:
            self.restoreState(state)

    # layout ---------------------------------------------------------------------------------

    def _layout(self) -> None:
        toolbar = QToolBar("View")
        toolbar.setObjectName("viewToolbar")
        toolbar.setMovable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.view_toolbar = toolbar
        toolbar.addWidget(QLabel(" Camera "))
        # as wide as the longest preset of the product on show ("Caseback" whole, not "Caseba")
        self.camera_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        toolbar.addWidget(self.camera_box)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.product_title = QLabel()
        self.product_title.setObjectName("productTitle")
        self.product_title.setWordWrap(True)
        right_layout.addWidget(self.product_title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.options)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.price)
        right.setMinimumWidth(390)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setCollapsible(0, False)
        # the catalog has a fixed width: beside the splitter, not in it (a splitter slot wider
        # than its widget leaves a blank band)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.catalog)
        row.addWidget(splitter, 1)
        self.setCentralWidget(central)

        dock = QDockWidget("Problems", self)
        dock.setObjectName("problemsDock")
        dock.setWidget(self.problems)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.problems_dock = dock
        self.problems.setMaximumHeight(160)
        dock.hide()
        self.statusBar().showMessage("Ready")

    # start and close ------------------------------------------------------------------------

    def attach_store(self, link: StoreLink) -> None:
        """Customers, events and suggestions from now on (the Customer dock, View menu items,
        the status bar's store state); the dock comes back where the rep left it."""
        from app.ui.window_store import WindowStore  # SQLAlchemy: not before the first frame

        self.store = WindowStore(self, link)
        self.view_menu.addAction(self.store.dock.toggleViewAction())
        self.view_menu.addAction("Store &analytics...", self.store.show_analytics)
        self.restoreDockWidget(self.store.dock)  # where the rep left it
        # shown unless the rep closed it (a widget added to a window on screen starts hidden)
        shown = self.settings.value(CUSTOMER_DOCK_KEY, True)
        self.store.dock.setVisible(str(shown).lower() not in ("false", "0"))
        if self._started:
            self.store.begin()

    def start(self) -> None:
        """After show(): offer the session a crash left behind, then mark this run."""
        self._started = True
        if self.store is not None:
            self.store.begin()
        if self.autosave is None:
            return
        if self.autosave.unclean_shutdown():
            recovered = self.autosave.recovered()
            product = (self.session.catalog.products.get(recovered.product_id)
                       if recovered else None)
            if product is not None and self.prompts.restore_session():
                self.session.load(keep_valid(recovered, product), "Restore session")
        self.autosave.start()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.options.flush()
        if not self.closing and self.settle_unsaved(self.unsaved_products(), "quitting") is None:
            event.ignore()
            return
        self.closing = True
        self.exports.close()
        if self.store is not None:
            self.settings.setValue(CUSTOMER_DOCK_KEY, self.store.dock.isVisible())
            self.store.close()
        self.session.changed.disconnect(self._update_title)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.settings.setValue("product", self.session.product.id)
        self.settings.sync()
        if self.autosave is not None:
            self.autosave.finish()
            self.autosave.on_failure = lambda _message: None
        if self.thumbnails is not None:
            self.thumbnails.close()
        self.view.close_view()
        super().closeEvent(event)

    # reacting to the session ----------------------------------------------------------------

    def _catalog_changed(self) -> None:
        catalog = self.session.catalog
        self.catalog.set_products(catalog.products, self.session.product.id)
        self.problems.set_catalog_problems(catalog.problems)
        if catalog.problems:
            self.problems_dock.show()
        self._queue_drawing_notes()
        if self.thumbnails is not None:
            self.thumbnails.clear()
            for product_id in catalog.products:
                if product_id not in self.catalog.thumbnails:
                    self._queue_product_thumbnail(product_id)

    def _product_changed(self) -> None:
        product = self.session.product
        session = self.session
        self.options.build(product, session.catalog.materials, session.project.root, self.fonts)
        self.product_title.setText(f"<b>{html.escape(product.name)}</b><br>"
                                   f"{html.escape(product.description or '')}")
        self.catalog.set_products(session.catalog.products, product.id)
        scene = self._resolve()
        if scene is not None:
            self.view.show_scene(scene)
        self.camera_box.clear()
        for camera in self.view.camera_presets():
            self.camera_box.addItem(camera.label, camera.id)
        if hasattr(self, "camera_menu"):
            fill_camera_menu(self)
        self._refresh_panels()
        self._queue_drawing_notes()
        if product.id not in self.catalog.thumbnails:
            self.view.after_first_frame(self._thumbnail_from_view)
        self._queue_choice_thumbnails()

    def _queue_drawing_notes(self) -> None:
        """The product's notes, once the event loop is back: a reload that changes the catalog
        and the product on show (and the start, which shows both) makes them once."""
        if not self._notes_queued:
            self._notes_queued = True
            QTimer.singleShot(0, self._show_drawing_notes)

    def _show_drawing_notes(self) -> None:
        """The product's notes in the problems panel: what of its model files is drawn
        without, and what the renderers draw otherwise than its materials say."""
        self._notes_queued = False
        product, context = self.session.product, self.session.scene_context()
        try:
            notes = [*product_asset_warnings(product, context),
                     *product_material_notes(product, context)]
        except AppError:
            notes = []  # a file that does not load is a problem, reported as the scene resolves
        self.problems.set_notes(notes)

    def _configuration_changed(self) -> None:
        scene = self._resolve()
        if scene is not None:
            self.view.update_scene(scene)
        self._refresh_panels()

    def _refresh_panels(self) -> None:
        session = self.session
        self.options.refresh(session.product, session.configuration)
        self.price.refresh(session.product, session.configuration, session.share_code())
        self._update_title()

    def _resolve(self):
        session = self.session
        try:
            return session.scene()
        except AppError as exc:
            self.problems.report(str(exc))
            self.problems_dock.show()
            self.statusBar().showMessage(f"Cannot show this: {exc}", 8000)
            return None

    def _autosave_failed(self, message: str) -> None:
        self.problems.report(message)
        self.problems_dock.show()
        self.statusBar().showMessage("Autosave failed: your changes are still here; save them "
                                     "to a file", 8000)

    def _update_title(self, *_args) -> None:
        path = self.current_path
        name = path.name if path else "unsaved"
        clean = " *" if self.is_modified(self.session.product.id) else ""
        self.setWindowTitle(f"{self.session.product.name} \u2013 {name}{clean} \u2013 Configurator")
        text = self.session.undo_stack.undoText()
        if text:
            self.statusBar().showMessage(text, 4000)

    # user actions ---------------------------------------------------------------------------

    def select_choice(self, group_id: str, choice_id: str) -> None:
        proposal = self.session.propose(group_id, choice_id)
        if not proposal.possible:
            self.prompts.error("Not available", " ".join(proposal.messages))
            return
        if proposal.adjustments and not self.prompts.confirm_fix(proposal):
            self.options.refresh(self.session.product, self.session.configuration)
            return
        self.session.accept(proposal)

    def pick_colour(self, group_id: str) -> None:
        group = self.session.product.option(group_id)
        current = self.session.configuration.colours.get(group_id, "#808080")
        colour = self.prompts.colour(current, f"{group.label}: pick a colour")
        if colour is None:
            return
        used = self.session.set_colour(group_id, colour)
        if used != colour.lower():
            self.statusBar().showMessage(
                f"{colour} is not offered for {group.label}; the nearest colour {used} is used",
                8000)

    def _zone_edited(self, zone_id: str, value) -> None:
        self.session.set_zone(zone_id, value)

    def upload_image(self, zone_id: str) -> None:
        """Check the picture the user picks and copy it into the picture store; the zone then
        names it by its hash, never by its path."""
        path = self.prompts.image_path()
        if path is None:
            return
        try:
            picture = self.session.project.pictures.add_file(path)
        except (AppError, OSError) as exc:
            message = str(exc) if isinstance(exc, AppError) else f"{path}: {exc.strerror}"
            self.problems.report(message)
            self.prompts.error("Image not used", message)
            return
        self.session.set_zone(zone_id, ImageValue(image=picture))

    def open_configuration(self, path: Path | None = None) -> bool:
        """Open a configuration file; its product comes on show. Unsaved work of the product
        on show or of the file's product is asked about first."""
        self.options.flush()
        if path is None:
            path = self.prompts.open_path(str(self._folder()))
            if path is None:
                return False
        read = self._read_configuration(path)
        if read is None:
            return False
        configuration, old_pictures = read
        affected = [p for p in dict.fromkeys([self.session.product.id, configuration.product_id])
                    if self.is_modified(p)]
        discarded = self.settle_unsaved(affected, f"opening {Path(path).name}")
        if discarded is None:
            return False
        if affected and discarded != affected:  # work was saved, maybe into this very file
            read = self._read_configuration(path)
            if read is None:
                return False
            configuration, old_pictures = read
        self.session.load(configuration, f"Open {Path(path).name}")
        # a file whose pictures were imported (or dropped) still names paths: its product counts
        # as changed until it is saved again
        in_file = (configuration if not old_pictures.changed
                   else configuration.model_copy(update={"personalization": {}}))
        self.files.bind(configuration.product_id, Path(path), in_file)
        self.drop_unsaved([p for p in discarded if p != configuration.product_id])
        if old_pictures.problems:
            lines = problem_lines(old_pictures.problems)
            for line in lines:
                self.problems.report(line)
            self.prompts.error("Picture not found", "\n".join(lines))
        self._remember(path)
        self._update_title()
        if old_pictures.imported:  # the file still names paths until it is saved again
            self.statusBar().showMessage(
                "Pictures copied into the picture store; save to keep them there", 8000)
        return True

    def _read_configuration(self, path: Path):
        """(configuration, picture report) of a file, or None once its problems are shown."""
        old_pictures = OldPictureReport()
        try:
            configuration = read_configuration(path, self.session.catalog.products,
                                               self.session.project.pictures, old_pictures)
        except AppError as exc:
            errors = exc.errors if isinstance(exc, AppErrors) else [exc]
            for line in problem_lines(errors):
                self.problems.report(line)
            self.prompts.error("Cannot open configuration", message_about(str(path), errors))
            return None
        return configuration, old_pictures

    def save_configuration(self, path: Path | None = None, *, choose: bool = False,
                           product_id: str | None = None) -> bool:
        """Save a product's configuration (the one on show by default) to its own file; a
        product without a file yet, or ``choose``, asks where."""
        self.options.flush()
        product_id = product_id or self.session.product.id
        path = path or (None if choose else self.files.path(product_id))
        if path is None:
            suggested = self._folder() / f"{product_id}.json"
            path = self.prompts.save_path(str(suggested))
            if path is None:
                return False
        configuration = self.session.configuration_for(product_id)
        try:
            save_configuration(configuration, path)
        except AppError as exc:
            self.problems.report(str(exc))
            self.prompts.error("Cannot save", str(exc))
            return False
        self.files.bind(product_id, Path(path), configuration)
        self._remember(path)
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def switch_product(self, product_id: str) -> bool:
        """Show another product (as it was left in this session); unsaved work of the product
        on show is asked about first."""
        self.options.flush()
        leaving = self.session.product.id
        if product_id == leaving:
            return True
        discarded = self.settle_unsaved(
            [leaving] if self.is_modified(leaving) else [],
            f"showing {self.session.catalog.product(product_id).name}")
        if discarded is None:
            self.catalog.set_products(self.session.catalog.products, leaving)
            return False
        self.session.switch_product(product_id)
        self.drop_unsaved(discarded)
        return True

    # unsaved work ---------------------------------------------------------------------------

    @property
    def current_path(self) -> Path | None:
        """The file of the product on show (None when it has none yet)."""
        return self.files.path(self.session.product.id)

    def is_modified(self, product_id: str) -> bool:
        product = self.session.catalog.products.get(product_id)
        if product is None:
            return False
        return self.files.modified(product_id, self.session.configuration_for(product_id),
                                   default_configuration(product))

    def unsaved_products(self) -> list[str]:
        return [p for p in self.session.visited_products() if self.is_modified(p)]

    def settle_unsaved(self, product_ids: list[str], doing: str) -> list[str] | None:
        """Ask Save / Discard / Cancel about ``product_ids``' unsaved work before ``doing``.
        None: cancelled (or a save did not happen). Otherwise the products whose work was
        discarded: the caller passes them to ``drop_unsaved`` once it has done its work."""
        if not product_ids:
            return []
        names = [self.session.catalog.product(p).name for p in product_ids]
        answer = self.prompts.unsaved_changes(names, doing)
        if answer == "save":
            saved = all(self.save_configuration(product_id=p) for p in product_ids)
            return [] if saved else None
        return list(product_ids) if answer == "discard" else None

    def drop_unsaved(self, product_ids: list[str]) -> None:
        """Discarded work: those products (not on show) come back as last saved."""
        for product_id in product_ids:
            if product_id in self.session.catalog.products:
                product = self.session.catalog.product(product_id)
                self.session.remember(product_id, self.files.baseline(
                    product_id, default_configuration(product)))
        self._update_title()

    def paste_share_code(self, code: str | None = None) -> None:
        if code is None:
            code = QGuiApplication.clipboard().text()
        try:
            self.session.paste_share_code(code)
        except AppError as exc:
            self.prompts.error("Share code not used", str(exc))

    def copy_share_code(self) -> None:
        QGuiApplication.clipboard().setText(self.session.share_code())
        self.statusBar().showMessage("Share code copied", 3000)

    def reload_catalog(self) -> None:
        catalog = load_catalog(self.session.project.root)
        self.session.replace_catalog(catalog)
        self.problems.clear_reports()
        self._configuration_changed()

    def step_product(self, step: int) -> None:
        ids = self.catalog.product_ids()
        index = (ids.index(self.session.product.id) + step) % len(ids)
        self.switch_product(ids[index])

    # helpers --------------------------------------------------------------------------------

    def _folder(self) -> Path:
        if self.current_path is not None:
            return self.current_path.parent
        return Path(self.settings.value("last_folder", str(Path.home()), str))

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _remember(self, path: Path) -> None:
        entry = str(Path(path).resolve())
        files = [entry] + [f for f in self.recent_files() if f != entry]
        self.settings.setValue("recent_files", files[:RECENT_LIMIT])
        self.settings.setValue("last_folder", str(Path(path).resolve().parent))
        if hasattr(self, "recent_menu"):
            fill_recent_menu(self)

    def _thumbnail_from_view(self) -> None:
        if self.view.scene is None or self.view.closed:
            return
        pixels = self.view.last_frame_pixels()  # the first frame, just drawn
        pixmap = pixmap_from_pixels(pixels).scaled(
            120, 90, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation)
        pixmap = pixmap.copy((pixmap.width() - 120) // 2, (pixmap.height() - 90) // 2, 120, 90)
        self.catalog.set_thumbnail(self.session.product.id, pixmap)

    def _queue_choice_thumbnails(self) -> None:
        """Part-swap choices show the part they put on the product, rendered in the background
        (a product switched meanwhile drops the late ones, unmade)."""
        if self.thumbnails is None:
            return
        product = self.session.product
        for group in product.options:
            if group.kind is not OptionKind.part_swap:
                continue
            for choice in group.choices:
                def scene(group_id=group.id, choice_id=choice.id):
                    if self.session.product is not product:
                        return None
                    return choice_thumbnail_scene(product, self.session.configuration,
                                                  group_id, choice_id, self.session.scene_context())

                def done(pixmap, group_id=group.id, choice_id=choice.id):
                    if self.session.product is product:
                        self.options.set_thumbnail(group_id, choice_id, pixmap)

                self.thumbnails.add(scene, (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2), done)

    def _queue_product_thumbnail(self, product_id: str) -> None:
        def scene():
            return self.session.scene(product_id)

        self.thumbnails.add(scene, (120, 90),
                            lambda pixmap: self.catalog.set_thumbnail(product_id, pixmap))
