"""The kiosk's touch layer on View3D: touches (and the mouse, as one finger) become orbit, pinch
zoom, pan and tap-to-pick; VTK's own mouse handling never sees them. The product's camera
limits still hold: View3D clamps the camera before every frame."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QTouchEvent, QWheelEvent
from vtkmodules.vtkRenderingCore import vtkCellPicker

from app.ui.kiosk.gestures import CameraMove, GestureTracker, Orbit, Pan, Tap, Zoom
from app.ui.view3d import View3D

MOUSE_ID = -1
WHEEL_STEP = 1.1
FRAME_MS = 15


class TouchCamera(QObject):
    """Install on a View3D; ``picked`` gives the part id under a tap."""

    picked = Signal(str)
    touched = Signal()

    def __init__(self, view: View3D, tracker: GestureTracker | None = None):
        super().__init__(view)
        self.view = view
        self.tracker = tracker or GestureTracker()
        self.frame = QTimer(self)  # touch events come faster than frames: one frame for many
        self.frame.setSingleShot(True)
        self.frame.setInterval(FRAME_MS)
        self.frame.timeout.connect(self.view.render)
        widget = view.plotter
        widget.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        widget.installEventFilter(self)

    # events ---------------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            self.touched.emit()
            self.feed(_touch_points(event) if kind not in (
                QEvent.Type.TouchEnd, QEvent.Type.TouchCancel) else {})
            event.accept()
            return True
        if isinstance(event, QMouseEvent) and kind in (
                QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick):
            if event.source() != Qt.MouseEventSource.MouseEventNotSynthesized:
                return True  # already seen as a touch
            held = event.buttons() & Qt.MouseButton.LeftButton
            if kind == QEvent.Type.MouseMove and not held and not self.tracker.previous:
                return True
            self.touched.emit()
            position = event.position()
            self.feed({MOUSE_ID: (position.x(), position.y())} if held else {})
            return True
        if isinstance(event, QWheelEvent):
            self.touched.emit()
            steps = event.angleDelta().y() / 120.0
            self.apply([Zoom(WHEEL_STEP ** steps)])
            return True
        return False

    def feed(self, points) -> list[CameraMove]:
        moves = self.tracker.update(points)
        self.apply(moves)
        return moves

    # camera ---------------------------------------------------------------------------------

    def apply(self, moves: list[CameraMove]) -> None:
        if not moves or self.view.scene is None:
            return
        camera = self.view.plotter.renderer.GetActiveCamera()
        for move in moves:
            if isinstance(move, Orbit):
                self._orbit(camera, move)
            elif isinstance(move, Zoom):
                camera.Dolly(max(0.5, min(2.0, move.factor)))
            elif isinstance(move, Pan):
                self._pan(camera, move)
            elif isinstance(move, Tap):
                part = self.pick(move.x, move.y)
                if part is not None:
                    self.picked.emit(part)
        camera.OrthogonalizeViewUp()
        self.view.plotter.renderer.ResetCameraClippingRange()
        if not self.frame.isActive():
            self.frame.start()

    def _orbit(self, camera, move: Orbit) -> None:
        """A turntable, as on the desktop: about the vertical, above the floor, no roll."""
        self.view.orbit(move.azimuth, move.elevation)

    def _pan(self, camera, move: Pan) -> None:
        height = max(self.view.plotter.height(), 1)
        position = np.asarray(camera.GetPosition())
        target = np.asarray(camera.GetFocalPoint())
        distance = float(np.linalg.norm(position - target))
        metres_per_pixel = 2 * distance * math.tan(math.radians(camera.GetViewAngle()) / 2) / height
        forward = (target - position) / max(distance, 1e-12)
        up = np.asarray(camera.GetViewUp())
        right = np.cross(forward, up)
        shift = (-move.dx * right + move.dy * up) * metres_per_pixel
        camera.SetFocalPoint(*(target + shift))
        camera.SetPosition(*(position + shift))

    def pick(self, x: float, y: float) -> str | None:
        """The part id under widget point (x, y), or None."""
        widget = self.view.plotter
        ratio = widget.devicePixelRatioF()
        actors = self.view.scene_view.actors
        picker = vtkCellPicker()  # ray casting: independent of the render passes
        picker.SetTolerance(0.0005)
        picker.PickFromListOn()
        for actor in actors.values():
            if actor.GetVisibility():
                picker.AddPickList(actor)
        if not picker.Pick(x * ratio, (widget.height() - y) * ratio, 0,
                           self.view.plotter.renderer):
            return None
        hit = picker.GetActor()
        drawable_id = next((d for d, actor in actors.items() if actor is hit), None)
        drawable = next((d for d in self.view.scene.drawables if d.id == drawable_id), None)
        return drawable.part if drawable is not None else None


def _touch_points(event: QTouchEvent) -> dict[int, tuple[float, float]]:
    return {point.id(): (point.position().x(), point.position().y())
            for point in event.points()
            if point.state() != point.State.Released}
