"""The 3D view: a VTK widget drawing the scene through SceneView, with camera limits from the
product, camera presets, reset and a turntable. Orbiting is a turntable's: about the vertical,
above the floor, never rolling."""

from __future__ import annotations

import statistics
import time
from collections import deque

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera
from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindowInteractor

from app.domain.product import Product
from app.scene.changes import SceneChange
from app.scene.description import Camera, SceneDescription
from app.scene.framing import view_camera
from app.scene.geometry_source import GeometrySource
from app.scene.zone_view import zone_camera
from app.ui.background_occlusion import BackgroundOcclusion
from app.ui.camera_limits import UP, CameraLimits
from app.ui.vtk_widget import QVTKRenderWindowInteractor
from app.viewport.pixels import read_pixels
from app.viewport.scene_view import SceneView

TURNTABLE_INTERVAL_MS = 33
SETTLE_MS = 300  # the view at rest this long gets a frame that reflects its own
# ...where a plain frame takes at most this long (the median of the last few): the two frames
# it draws at rest cost four to five plain ones, and the window takes no input meanwhile (on a
# software renderer a plain frame takes 100-170 ms, so the view reflects only the environment,
# as on the move; stills always reflect the parts in one another)
REFLECT_MAX_FRAME_MS = 20.0
FRAMES_TIMED = 5
TURNTABLE_DEGREES_PER_TICK = 1.0
VTK_KEY_EVENTS = ("KeyPressEvent", "KeyReleaseEvent", "CharEvent")
ORBIT_DEGREES_PER_PIXEL = 0.4


class FrameInteractor(QVTKRenderWindowInteractor):
    """The widget VTK draws the view in, with one renderer (no lights of its own; the scene's
    environment lights it) and VTK's trackball-camera interaction (the view keeps left drags
    for its own orbit). It shows a frame VTK has already rendered without rendering it again.

    Every ``Render()`` of the render window asks the widget to repaint, and the widget's paint
    renders once more (made for callers that change the scene without asking for a paint).
    Here every change is followed by a render (``View3D.render``; a change made while the view
    is hidden marks the frame ``stale``), so a paint renders only when the frame it has is
    stale or of another size (resized); otherwise (the paint a render asks for, the window
    exposed again, the paint after the first one at start) it copies that frame to the screen.
    Keys are the window's: none reach VTK.
    """

    painted = Signal()  # a frame was put on screen

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ren_win = self.GetRenderWindow()
        self.renderer = vtkRenderer()
        self.renderer.AutomaticLightCreationOff()
        self.ren_win.AddRenderer(self.renderer)
        self.interactor = self.ren_win.GetInteractor()
        self.interactor.SetInteractorStyle(vtkInteractorStyleTrackballCamera())
        remove_key_bindings(self.interactor)
        self.interactor.Initialize()  # enabled: it passes renders and events on
        self.closed = False
        self.stale = True  # the scene changed since the last frame
        self.renders = 0  # renders of the scene, in paints or not
        self._frame_size: tuple[int, int] | None = None
        self._frame_done_tag = self.ren_win.AddObserver("EndEvent", self._frame_done)

    def _frame_done(self, *_args) -> None:
        self.renders += 1
        self.stale = False
        self._frame_size = tuple(self.ren_win.GetSize())

    def frame_is_current(self) -> bool:
        """Whether the frame last rendered shows the scene as it is, at the window's size."""
        return not self.stale and self._frame_size == tuple(self.ren_win.GetSize())

    def paintGL(self) -> None:  # noqa: N802 (Qt's name)
        if not self.frame_is_current():
            super().paintGL()
        else:
            self._in_paint = True  # the paint then only copies the frame to the screen
            try:
                super().paintGL()
            finally:
                self._in_paint = False
        self.painted.emit()

    def resizeGL(self, w: int, h: int) -> None:  # noqa: N802 (Qt's name)
        self.stale = True  # the frame has the old size: the paint renders it again
        super().resizeGL(w, h)

    def render(self) -> None:
        """Draw the scene now (nothing once closed)."""
        if not self.closed:
            self.ren_win.Render()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        event.ignore()  # to the window (its shortcuts)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        event.ignore()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._frame_done_tag is not None:
            self.ren_win.RemoveObserver(self._frame_done_tag)  # it holds this widget
            self._frame_done_tag = None
        super().close()  # its GPU objects freed, its context current
        # and the render window let go now, as nothing else draws: kept, it would be freed
        # whenever Python collects this widget, in whatever context is current then (another
        # window's, whose textures it deleted)
        self.interactor.SetRenderWindow(None)
        self.ren_win = self._RenderWindow = None


class View3D(QWidget):
    """Orbit with the left button (a turntable: VTK's own trackball would roll the product and
    go under the floor), pan with the middle (or shift+left), zoom with the wheel."""

    frame_rendered = Signal()
    first_frame = Signal()  # once: the first frame on screen (work that can wait, waits for it)

    def __init__(self, source: GeometrySource, parent: QWidget | None = None):
        super().__init__(parent)
        self.plotter = FrameInteractor(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plotter)
        self.scene_view = SceneView(self.plotter, source)
        self.limits: CameraLimits | None = None
        self.camera_id: str | None = None
        self.closed = False
        self.turntable = QTimer(self)
        self.turntable.setInterval(TURNTABLE_INTERVAL_MS)
        self.turntable.timeout.connect(self._turn)
        # once the view rests, a frame to copy and one that reflects it
        # (app.viewport.screen_reflections): frames on the move reflect the environment alone
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.timeout.connect(self._settle)
        self.frame_seconds: deque[float] = deque(maxlen=FRAMES_TIMED)  # plain frames'
        # what the parts hide of the studio from one another, worked out once the view rests
        self.occlusion = BackgroundOcclusion(self.scene_view, self.render, self)
        self.plotter.renderer.AddObserver("StartEvent", self._keep_camera_in_limits)
        self.presented = False
        self.plotter.painted.connect(self._presented)
        self.plotter.painted.connect(self._settle_later)
        self.plotter.painted.connect(self.occlusion.drawn)
        self._drag: QPointF | None = None
        self.plotter.installEventFilter(self)

    # scene ----------------------------------------------------------------------------------

    @property
    def scene(self) -> SceneDescription | None:
        """The scene on show (the scene view keeps the one copy)."""
        return self.scene_view.scene

    def show_scene(self, scene: SceneDescription) -> None:
        """Build every actor (another product); the camera goes to the first preset."""
        self.scene_view.show(scene)
        self._new_product(scene)

    def update_scene(self, scene: SceneDescription) -> list[SceneChange]:
        """Apply only what changed: materials and visibility mutate the existing actors."""
        changes = self.scene_view.present(scene)
        if changes is None:  # another product: built whole
            self._new_product(scene)
            return []
        self.render()
        return changes

    def _new_product(self, scene: SceneDescription) -> None:
        self.limits = CameraLimits.from_bounds(scene.bounds)
        self.set_camera_preset(None)

    def render(self) -> None:
        """Draw now; a view not on screen yet draws nothing (its first paint draws it)."""
        if not self.plotter.isVisible():
            self.plotter.stale = True  # its next paint draws it
            return
        started = time.perf_counter()
        self.plotter.render()
        self.frame_seconds.append(time.perf_counter() - started)
        self._drawn()

    def _drawn(self) -> None:
        """After a frame: the frames at rest later, where due, and the signal."""
        self._settle_later()
        self.frame_rendered.emit()

    @property
    def reflects_at_rest(self) -> bool:
        """Whether frames are quick enough here for the view at rest to reflect its parts
        in one another (``REFLECT_MAX_FRAME_MS``)."""
        return bool(self.frame_seconds) and \
            statistics.median(self.frame_seconds) * 1000 <= REFLECT_MAX_FRAME_MS

    def _settle_later(self, *_args) -> None:
        screen = self.scene_view.screen
        if screen.settled or not self.reflects_at_rest:
            self.settle.stop()
        else:  # a copy of the scene as it is reflects at once, else at rest
            self.settle.start(0 if screen.primed else SETTLE_MS)

    def _settle(self) -> None:
        if not self.scene_view.screen.primed:
            self.scene_view.screen.capture()
        if self.plotter.isVisible():
            self.plotter.render()  # not timed: it is no plain frame
            self._drawn()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self.plotter.stale:  # changed while hidden: its paint draws it
            self.plotter.update()

    def after_first_frame(self, work) -> None:
        """Run ``work`` once the view has put its first frame on screen (now if it has)."""
        if self.presented:
            QTimer.singleShot(0, work)
        else:
            self.first_frame.connect(work, type=Qt.ConnectionType.SingleShotConnection)

    def _presented(self, *_args) -> None:
        if self.presented or not self.plotter.isVisible():
            return
        self.presented = True
        self.plotter.painted.disconnect(self._presented)
        QTimer.singleShot(0, self.first_frame.emit)  # after the frame, from the event loop

    # camera ---------------------------------------------------------------------------------

    def camera_presets(self) -> list[Camera]:
        return list(self.scene.cameras) if self.scene else []

    def set_camera_preset(self, camera_id: str | None) -> None:
        if self.scene is None:
            return
        camera = view_camera(self.scene, camera_id, self._aspect())
        self.camera_id = camera.id
        self.scene_view.set_camera(camera, self._aspect())
        self.render()

    def face_zone(self, product: Product, zone_id: str) -> None:
        """Turn the view to the zone being personalized (as near as the limits allow)."""
        if self.scene is None or self.scene.product_id != product.id:
            return
        self.scene_view.set_camera(zone_camera(product, zone_id, self.scene, self._aspect()),
                                   self._aspect())
        self.render()

    def reset_view(self) -> None:
        self.set_camera_preset(self.camera_id)

    def current_camera(self) -> Camera:
        vtk_camera = self.plotter.renderer.GetActiveCamera()
        return Camera(id="view", label="Current view",
                      position=tuple(vtk_camera.GetPosition()),
                      target=tuple(vtk_camera.GetFocalPoint()),
                      up=tuple(vtk_camera.GetViewUp()), fov_deg=vtk_camera.GetViewAngle())

    def set_turntable(self, on: bool) -> None:
        if on:
            self.turntable.start()
        else:
            self.turntable.stop()

    def orbit(self, azimuth: float, elevation: float) -> None:
        """Turn the view ``azimuth`` degrees about the vertical and tilt it ``elevation``
        degrees up (within the product's limits); the camera's up stays vertical."""
        if self.limits is None:
            return
        camera = self.plotter.renderer.GetActiveCamera()
        position = self.limits.orbit(camera.GetPosition(), camera.GetFocalPoint(), azimuth,
                                     elevation)
        camera.SetPosition(*position)
        camera.SetViewUp(*UP)
        camera.OrthogonalizeViewUp()
        self.plotter.renderer.ResetCameraClippingRange()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Left drags orbit here; everything else goes on to VTK (pan, zoom)."""
        if not isinstance(event, QMouseEvent):
            return False
        kind = event.type()
        left = event.button() == Qt.MouseButton.LeftButton
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) and left:
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                return False  # shift+left pans
            self._drag = event.position()
            return True
        if kind == QEvent.Type.MouseMove and self._drag is not None:
            position = event.position()
            dx, dy = position.x() - self._drag.x(), position.y() - self._drag.y()
            self._drag = position
            self.orbit(-dx * ORBIT_DEGREES_PER_PIXEL, dy * ORBIT_DEGREES_PER_PIXEL)
            self.render()
            return True
        if kind == QEvent.Type.MouseButtonRelease and left and self._drag is not None:
            self._drag = None
            return True
        return False

    def _turn(self) -> None:
        self.orbit(TURNTABLE_DEGREES_PER_TICK, 0.0)
        self.render()

    def _aspect(self) -> float:
        width, height = self.plotter.width(), self.plotter.height()
        return width / height if width > 0 and height > 0 else 4 / 3

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """A narrower or wider view keeps the product in frame (a dock opened, say)."""
        super().resizeEvent(event)
        if self.scene is not None:
            self.scene_view.fit_aspect(self._aspect())

    def _keep_camera_in_limits(self, *_args) -> None:
        """Before each frame: the camera kept within the product's limits, and the studio
        turned to where the camera ends up (an orbit may take it out from under the ground)."""
        if self.limits is not None:
            vtk_camera = self.plotter.renderer.GetActiveCamera()
            position, target = vtk_camera.GetPosition(), vtk_camera.GetFocalPoint()
            new_position, new_target = self.limits.clamp(position, target)
            if not (np.allclose(new_position, position) and np.allclose(new_target, target)):
                vtk_camera.SetFocalPoint(*new_target)
                vtk_camera.SetPosition(*new_position)
                vtk_camera.OrthogonalizeViewUp()
                self.plotter.renderer.ResetCameraClippingRange()
        self.scene_view.follow_camera()

    # output ---------------------------------------------------------------------------------

    def pixels(self) -> np.ndarray:
        """The view as (H, W, 3) uint8, freshly rendered."""
        self.render()
        return read_pixels(self.plotter.ren_win)

    def last_frame_pixels(self) -> np.ndarray:
        """The scene on show as (H, W, 3) uint8: the frame drawn last, read back without
        drawing it again (a few ms where ``pixels`` takes a frame) when it is current, else
        ``pixels``."""
        if not self.plotter.frame_is_current():
            return self.pixels()
        return read_pixels(self.plotter.ren_win, front=False)

    def close_view(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.turntable.stop()
        self.occlusion.close()
        self.scene_view.close()
        self.plotter.close()


def remove_key_bindings(interactor: vtkRenderWindowInteractor) -> None:
    """Take every key binding off ``interactor``: VTK's interactor style answers keys itself
    (w wireframe, s surface, 3 stereo, e and q exit, f fly to, r reset the camera, p pick). The
    style listens on the interactor, so its observers of key events are removed there; the view
    never sets another style afterwards."""
    for event in VTK_KEY_EVENTS:
        interactor.RemoveObservers(event)
