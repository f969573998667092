"""Thumbnails rendered off-screen, one per idle tick, with one plotter kept for all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QImage, QPixmap

from app.domain.configuration import Configuration
from app.domain.product import Product
from app.scene.description import SceneDescription
from app.scene.framing import frame_bounds, parts_bounds
from app.scene.geometry_source import GeometrySource
from app.scene.resolve import SceneContext, resolve_scene
from app.viewport.off_screen import OffScreenWindow
from app.viewport.scene_view import SceneView

TICK_MS = 120
CHOICE_FOV_DEG = 30.0


def choice_thumbnail_scene(product: Product, configuration: Configuration, group_id: str,
                           choice_id: str, context: SceneContext) -> SceneDescription:
    """The product with ``choice_id`` of a part-swap group chosen, framed on the parts that
    choice shows, for the choice's button."""
    scene = resolve_scene(product, configuration.with_choice(group_id, choice_id), context)
    parts = set(product.option(group_id).choice(choice_id).parts)
    camera = frame_bounds(parts_bounds(scene, context.assets, parts), 1.0, CHOICE_FOV_DEG,
                          camera_id="choice")
    return replace(scene, cameras=(camera,))


def pixmap_from_pixels(pixels) -> QPixmap:
    height, width = pixels.shape[:2]
    image = QImage(pixels.tobytes(), width, height, 3 * width, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())


class ThumbnailQueue(QObject):
    """Jobs run one per tick; a ``held`` queue collects them until ``release()`` (the window's
    first frame goes before any thumbnail)."""

    def __init__(self, source: GeometrySource, parent: QObject | None = None, *,
                 held: bool = False):
        super().__init__(parent)
        self.held = held
        self.source = source
        self.jobs: list[tuple[Callable[[], SceneDescription], tuple[int, int],
                              Callable[[QPixmap], None]]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._next)
        self._window: OffScreenWindow | None = None
        self._view: SceneView | None = None

    def add(self, scene: Callable[[], SceneDescription], size: tuple[int, int],
            done: Callable[[QPixmap], None]) -> None:
        self.jobs.append((scene, size, done))
        if not self.held:
            self.timer.start()

    def release(self) -> None:
        self.held = False
        if self.jobs:
            self.timer.start()

    def clear(self) -> None:
        self.jobs.clear()

    def _next(self) -> None:
        if not self.jobs:
            self.timer.stop()
            return
        make_scene, size, done = self.jobs.pop(0)
        try:
            scene = make_scene()
        except Exception:  # noqa: BLE001 (a product that cannot be drawn gets no thumbnail)
            return
        if self._window is None:
            self._window = OffScreenWindow(size)
            self._view = SceneView(self._window, self.source)
        self._window.size = size
        self._view.show(scene)
        self._view.set_camera(scene.camera(), size[0] / size[1])
        done(pixmap_from_pixels(self._view.snapshot()))

    def close(self) -> None:
        self.timer.stop()
        if self._view is not None:
            self._view.close()
            self._window.close()
            self._view = self._window = None
