"""Thumbnails rendered off-screen on a worker thread, one at a time, with one window kept for all
of them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QImage, QPixmap

from app.domain.configuration import Configuration
from app.domain.product import Product
from app.scene.description import SceneDescription
from app.scene.framing import frame_bounds, parts_bounds
from app.scene.geometry_source import GeometrySource
from app.scene.resolve import SceneContext, resolve_scene
from app.ui.process_memory import give_back_freed_memory
from app.viewport.off_screen import OffScreenWindow
from app.viewport.scene_view import SceneView

POLL_MS = 50  # how often the window looks for a finished thumbnail
log = logging.getLogger(__name__)
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
    """Thumbnails drawn one at a time, off the GUI thread, in one off-screen window kept for
    all of them; a ``held`` queue collects them until ``release()`` (the window's first frame
    goes before any thumbnail).

    The off-screen window draws on a worker thread of its own: a thread has one current GL
    context, and on the GUI thread the live view's (GLX, under Qt) stays current, so the
    off-screen window's (EGL) cannot be made current there and its frames would be drawn into
    the live view's context (black or half-drawn pictures, once the live view has drawn in
    between). Each job's scene is made on the GUI thread, where the session lives; only the
    drawing runs on the worker, and its pixels come back on the GUI thread (``done``). A job
    whose scene function gives None is no longer wanted (its product switched since): it is
    dropped, with no picture and nothing logged."""

    def __init__(self, source: GeometrySource, parent: QObject | None = None, *,
                 held: bool = False):
        super().__init__(parent)
        self.held = held
        self.source = source
        self.jobs: list[tuple[Callable[[], SceneDescription | None], tuple[int, int],
                              Callable[[QPixmap], None]]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._next)
        self._worker: ThreadPoolExecutor | None = None
        self._drawing: tuple[Future, Callable[[QPixmap], None]] | None = None
        self._window: OffScreenWindow | None = None  # made and used on the worker only
        self._view: SceneView | None = None

    def add(self, scene: Callable[[], SceneDescription | None], size: tuple[int, int],
            done: Callable[[QPixmap], None]) -> None:
        self.jobs.append((scene, size, done))
        if not self.held:
            self.timer.start()

    def release(self) -> None:
        self.held = False
        if self.jobs:
            self.timer.start()

    def clear(self) -> None:
        """Drop the jobs not started (the one being drawn still reports)."""
        self.jobs.clear()

    def _next(self) -> None:
        if self._drawing is not None:
            future, done = self._drawing
            if not future.done():
                return
            self._drawing = None
            try:
                pixels = future.result()
            except Exception as exc:  # noqa: BLE001 (a scene that cannot be drawn: no picture)
                log.warning("cannot draw a thumbnail: %s", exc)
            else:
                done(pixmap_from_pixels(pixels))
        if not self.jobs:
            self.timer.stop()
            if self._worker is not None:  # what the batch freed, given back off the GUI thread
                self._worker.submit(give_back_freed_memory)
            return
        make_scene, size, done = self.jobs.pop(0)
        try:
            scene = make_scene()
        except Exception as exc:  # noqa: BLE001 (a product that cannot be drawn: no picture)
            log.warning("cannot make the scene of a thumbnail: %s", exc)
            return
        if scene is None:
            return
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thumbnails")
        self._drawing = (self._worker.submit(self._draw, scene, size), done)

    def _draw(self, scene: SceneDescription, size: tuple[int, int]):
        """On the worker: the pixels of ``scene`` at ``size``."""
        if self._window is None:
            self._window = OffScreenWindow(size)
            self._view = SceneView(self._window, self.source)
            # a thumbnail's parts are not shaded by one another: at its size the shading is
            # hardly seen, and working it out took seconds of a core per product here
            self._view.shades_parts = False
        self._window.size = size
        self._view.show(scene)
        self._view.set_camera(scene.camera(), size[0] / size[1])
        return self._view.snapshot()

    def _free(self) -> None:
        """On the worker: the window let go of in the thread its context is current in."""
        if self._view is not None:
            self._view.close()
            self._window.close()
            self._view = self._window = None

    def close(self) -> None:
        """Stop; the picture being drawn is finished and dropped, and the window freed."""
        self.timer.stop()
        self.jobs.clear()
        self._drawing = None
        if self._worker is not None:
            self._worker.submit(self._free)
            self._worker.shutdown(wait=True)
            self._worker = None
