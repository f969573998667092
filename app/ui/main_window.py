"""The main window: catalog | 3D view | options and price, problems below; menus and shortcuts.

It wires views to the session; the logic lives in session.py and choice_status.py.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.catalog.catalog import load_catalog
from app.domain.configuration import ImageValue, default_configuration
from app.domain.product import OptionKind
from app.errors import AppError, AppErrors
from app.personalize.picture_store import OldPictureReport
from app.project import Project
from app.scene.resolve import SceneContext, resolve_scene
from app.ui.autosave import Autosave
from app.ui.catalog_browser import CatalogBrowser
from app.ui.choice_status import keep_valid
from app.ui.configuration_files import read_configuration, save_configuration
from app.ui.export_dialog import export_still, photoreal_still_job
from app.ui.file_watch import ProjectWatcher
from app.ui.main_actions import build_actions, fill_camera_menu, fill_recent_menu
from app.ui.options_panel import THUMBNAIL_SIZE, OptionsPanel
from app.ui.photoreal_progress import PhotorealProgress
from app.ui.price_panel import PricePanel
from app.ui.problems_panel import ProblemsPanel
from app.ui.prompts import DialogPrompts
from app.ui.session import ConfigSession
from app.ui.style import STYLE_SHEET
from app.ui.thumbnails import ThumbnailQueue, choice_thumbnail_scene, pixmap_from_pixels
from app.ui.view3d import View3D

RECENT_LIMIT = 8


class MainWindow(QMainWindow):
    autosave_failed = Signal(str)

    def __init__(self, project: Project, settings: QSettings, *, autosave: Autosave | None = None,
                 prompts=None, fonts: list[str] | None = None, watch_files: bool = True,
                 background_thumbnails: bool = True):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setStyleSheet(STYLE_SHEET)
        self.settings = settings
        self.prompts = prompts or DialogPrompts(self)
        self.fonts = fonts or []
        self.autosave = autosave
        self.session = ConfigSession(project, settings.value("product", None, str), autosave)
        self.current_path: Path | None = None
        self._context: SceneContext | None = None

        self.view = View3D(project.assets, self)
        self.options = OptionsPanel()
        self.price = PricePanel()
        self.catalog = CatalogBrowser()
        self.problems = ProblemsPanel()
        self.camera_box = QComboBox()
        self.thumbnails = ThumbnailQueue(project.assets, self) if background_thumbnails else None
        self._layout()
        self.actions_by_name = build_actions(self)

        self.session.changed.connect(self._configuration_changed)
        self.session.product_changed.connect(self._product_changed)
        self.session.catalog_changed.connect(self._catalog_changed)
        self.session.undo_stack.indexChanged.connect(self._update_title)
        self.options.choice_clicked.connect(self.select_choice)
        self.options.colour_requested.connect(self.pick_colour)
        self.options.preset_clicked.connect(self.session.apply_preset)
        self.options.zone_edited.connect(self._zone_edited)
        self.options.image_requested.connect(self.upload_image)
        self.price.share_code_pasted.connect(self.paste_share_code)
        self.price.copy_requested.connect(self.copy_share_code)
        self.catalog.product_chosen.connect(self.session.switch_product)
        self.camera_box.activated.connect(
            lambda i: self.view.set_camera_preset(self.camera_box.itemData(i)))

        if autosave is not None:  # queued: the autosave thread reports, the window shows it
            self.autosave_failed.connect(self._autosave_failed)
            autosave.on_failure = self.autosave_failed.emit
        self.watcher = ProjectWatcher(project.root, self) if watch_files else None
        if self.watcher is not None:
            self.watcher.changed.connect(self.reload_catalog)
        self._catalog_changed()
        self._product_changed()
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
        splitter.addWidget(self.catalog)
        splitter.addWidget(self.view)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        self.setCentralWidget(splitter)

        dock = QDockWidget("Problems", self)
        dock.setObjectName("problemsDock")
        dock.setWidget(self.problems)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.problems_dock = dock
        self.problems.setMaximumHeight(160)
        dock.hide()
        self.statusBar().showMessage("Ready")

    # start and close ------------------------------------------------------------------------

    def start(self) -> None:
        """After show(): offer the session a crash left behind, then mark this run."""
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
        self.session.undo_stack.indexChanged.disconnect(self._update_title)
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
        self._context = None
        self.catalog.set_products(catalog.products, self.session.product.id)
        self.problems.set_catalog_problems(catalog.problems)
        if catalog.problems:
            self.problems_dock.show()
        if self.thumbnails is not None:
            self.thumbnails.clear()
            for product_id in catalog.products:
                if product_id not in self.catalog.thumbnails:
                    self._queue_product_thumbnail(product_id)

    def _product_changed(self) -> None:
        product = self.session.product
        session = self.session
        self.options.build(product, session.catalog.materials, session.project.root, self.fonts)
        self.product_title.setText(f"<b>{product.name}</b><br>{product.description}")
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
        if product.id not in self.catalog.thumbnails:
            QTimer.singleShot(0, self._thumbnail_from_view)
        self._queue_choice_thumbnails()

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
            return resolve_scene(session.product, session.configuration, self._scene_context())
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
        name = self.current_path.name if self.current_path else "unsaved"
        clean = "" if self.session.undo_stack.isClean() else " *"
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
        self.options.flush()
        if path is None:
            path = self.prompts.open_path(str(self._folder()))
            if path is None:
                return False
        old_pictures = OldPictureReport()
        try:
            configuration = read_configuration(path, self.session.catalog.products,
                                               self.session.project.pictures, old_pictures)
        except AppError as exc:
            errors = exc.errors if isinstance(exc, AppErrors) else [exc]
            message = "\n".join(str(e) for e in errors)
            for e in errors:
                self.problems.report(str(e))
            self.prompts.error("Cannot open configuration", message)
            return False
        self.session.load(configuration, f"Open {path.name}")
        if old_pictures.problems:
            message = "\n".join(str(e) for e in old_pictures.problems)
            for e in old_pictures.problems:
                self.problems.report(str(e))
            self.prompts.error("Picture not found", message)
        self.current_path = path
        self._remember(path)
        if not old_pictures.changed:
            self.session.undo_stack.setClean()
        self._update_title()
        if old_pictures.imported:  # the file still names paths until it is saved again
            self.statusBar().showMessage(
                "Pictures copied into the picture store; save to keep them there", 8000)
        return True

    def save_configuration(self, path: Path | None = None, *, choose: bool = False) -> bool:
        self.options.flush()
        path = path or (None if choose else self.current_path)
        if path is None:
            suggested = self._folder() / f"{self.session.product.id}.json"
            path = self.prompts.save_path(str(suggested))
            if path is None:
                return False
        try:
            save_configuration(self.session.configuration, path)
        except AppError as exc:
            self.problems.report(str(exc))
            self.prompts.error("Cannot save", str(exc))
            return False
        self.current_path = path
        self._remember(path)
        self.session.undo_stack.setClean()
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def export_still(self) -> Path | None:
        scene = self.view.scene
        if scene is None:
            return None
        suggested = self._folder() / f"{self.session.product.id}.png"
        request = self.prompts.still_request(self.view.camera_presets(), suggested)
        if request is None:
            return None
        if request.photoreal:
            self._export_photoreal(request, scene)
            return None
        try:
            out = export_still(request, scene, self.session.project.assets,
                               self.view.current_camera())
        except AppError as exc:
            self.prompts.error("Cannot export", str(exc))
            return None
        self.statusBar().showMessage(f"Exported {out}", 6000)
        return out

    def _export_photoreal(self, request, scene) -> None:
        """Path trace on a worker thread behind a progress dialog with Cancel; the window keeps
        working meanwhile."""
        job = photoreal_still_job(request, scene, self.session.project.assets,
                                  self.view.current_camera())
        runner = PhotorealProgress(self, "Rendering the photoreal still", job)
        runner.finished.connect(
            lambda out: self.statusBar().showMessage(f"Exported {out}", 6000))
        runner.failed.connect(lambda message: self.prompts.error("Cannot export", message))
        runner.cancelled.connect(
            lambda: self.statusBar().showMessage("Photoreal still cancelled", 6000))
        self.photoreal_runner = runner
        runner.start()

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
        self.session.switch_product(ids[index])

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
        pixels = self.view.pixels()
        pixmap = pixmap_from_pixels(pixels).scaled(
            120, 90, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation)
        pixmap = pixmap.copy((pixmap.width() - 120) // 2, (pixmap.height() - 90) // 2, 120, 90)
        self.catalog.set_thumbnail(self.session.product.id, pixmap)

    def _queue_choice_thumbnails(self) -> None:
        """Part-swap choices show the part they put on the product, rendered in the background
        (a product switched meanwhile drops the late ones)."""
        if self.thumbnails is None:
            return
        product = self.session.product
        for group in product.options:
            if group.kind is not OptionKind.part_swap:
                continue
            for choice in group.choices:
                def scene(group_id=group.id, choice_id=choice.id):
                    return choice_thumbnail_scene(product, self.session.configuration,
                                                  group_id, choice_id, self._scene_context())

                def done(pixmap, group_id=group.id, choice_id=choice.id):
                    if self.session.product is product:
                        self.options.set_thumbnail(group_id, choice_id, pixmap)

                self.thumbnails.add(scene, (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2), done)

    def _scene_context(self) -> SceneContext:
        if self._context is None:
            self._context = self.session.project.scene_context()
        return self._context

    def _queue_product_thumbnail(self, product_id: str) -> None:
        def scene():
            product = self.session.catalog.products[product_id]
            return resolve_scene(product, default_configuration(product), self._scene_context())

        self.thumbnails.add(scene, (120, 90),
                            lambda pixmap: self.catalog.set_thumbnail(product_id, pixmap))
