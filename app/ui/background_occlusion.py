"""What the parts hide of the studio from one another, worked out for the live view off the GUI
thread (app.viewport.environment_occlusion): once the view has rested after a frame, the scene
view's job runs on a worker thread of its own (on one core); its result is shown on the GUI
thread, with a frame, if the scene is still the one it was worked out for. A click that
changes what the parts hide shows the last shading until the view rests again, then the new
one."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer

from app.viewport.scene_view import SceneView

log = logging.getLogger(__name__)

REST_MS = 300  # the view rests this long after a frame before the work starts
POLL_MS = 50  # how often the GUI thread looks whether the work is done
THREADS = 1  # the work's rays are cast on one thread: the window and its frames keep the rest


class BackgroundOcclusion(QObject):
    """Calls ``redraw`` (on the GUI thread) when a new shading is shown; ``drawn`` is to be
    called after every frame of the view."""

    def __init__(self, scene_view: SceneView, redraw, parent: QObject | None = None):
        super().__init__(parent)
        self.scene_view = scene_view
        self.redraw = redraw
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="occlusion")
        self.future: Future | None = None
        self.key: tuple | None = None
        self.rest = QTimer(self)
        self.rest.setSingleShot(True)
        self.rest.setInterval(REST_MS)
        self.rest.timeout.connect(self._start)
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._poll)
        self.closed = False

    @property
    def busy(self) -> bool:
        return self.future is not None

    def drawn(self) -> None:
        if not self.closed and self.future is None:
            self.rest.start()

    def _start(self) -> None:
        if self.closed or self.future is not None:
            return
        job = self.scene_view.occlusion_job(threads=THREADS)
        if job is None:
            return
        self.key, work = job
        self.future = self.pool.submit(work)
        self.poll.start()

    def _poll(self) -> None:
        if self.future is None or not self.future.done():
            return
        self.poll.stop()
        future, key = self.future, self.key
        self.future = self.key = None
        if self.closed:
            return
        try:
            shades = future.result()
        except Exception:
            log.warning("what the parts hide of the studio could not be worked out",
                        exc_info=True)
            return
        if self.scene_view.show_occlusion(key, shades):
            self.redraw()
        else:  # the scene changed meanwhile: its own shading, once the view rests
            self.rest.start()

    def close(self) -> None:
        self.closed = True
        self.rest.stop()
        self.poll.stop()
        self.pool.shutdown(wait=False, cancel_futures=True)
