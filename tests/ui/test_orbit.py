"""Orbiting the desktop view with the mouse: a turntable, no roll, never under the floor."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.MouseButton.NoButton
NO_KEYS = Qt.KeyboardModifier.NoModifier


def mouse(widget, kind, point: QPointF, button, buttons) -> None:
    event = QMouseEvent(kind, point, widget.mapToGlobal(point), button, buttons, NO_KEYS)
    QApplication.sendEvent(widget, event)


def drag(widget, start: QPointF, end: QPointF, steps: int = 5) -> None:
    mouse(widget, QEvent.Type.MouseButtonPress, start, LEFT, LEFT)
    for i in range(1, steps + 1):
        point = start + (end - start) * (i / steps)
        mouse(widget, QEvent.Type.MouseMove, point, NONE, LEFT)
    mouse(widget, QEvent.Type.MouseButtonRelease, end, LEFT, NONE)


def assert_upright_and_above_the_floor(view) -> None:
    camera = view.plotter.renderer.GetActiveCamera()
    position = np.asarray(camera.GetPosition())
    forward = np.asarray(camera.GetFocalPoint()) - position
    right = np.cross(forward, camera.GetViewUp())
    assert abs(right[1]) < 1e-6 * np.linalg.norm(right), "the view rolled"
    assert camera.GetViewUp()[1] > 0, "upside down"
    assert position[1] > view.limits.floor, "under the floor"


def test_dragging_in_every_direction_never_rolls_or_goes_under_the_floor(window):
    view = window.view
    widget = view.plotter
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    rng = np.random.default_rng(3)
    for _ in range(40):
        dx, dy = rng.uniform(-400, 400, size=2)
        drag(widget, centre, centre + QPointF(dx, dy))
        view.render()  # the camera limits apply before each frame
        assert_upright_and_above_the_floor(view)
    for dy in (600, -600, 600):  # straight up and down, past the zenith and the floor
        drag(widget, centre, centre + QPointF(0, dy), steps=12)
        view.render()
        assert_upright_and_above_the_floor(view)
    before = view.plotter.renderer.GetActiveCamera().GetPosition()
    drag(widget, centre, centre + QPointF(200, 0))
    after = view.plotter.renderer.GetActiveCamera().GetPosition()
    assert after[1] == pytest.approx(before[1]), "a sideways drag keeps the height"


def test_a_view_made_narrow_still_shows_the_whole_product(window, qtbot):
    """Opening a panel beside the view makes it portrait: the product stays in frame."""
    view = window.view
    view.set_camera_preset(None)
    window.resize(1280, 800)
    view.setFixedWidth(320)
    qtbot.waitUntil(lambda: view.plotter.width() <= 330)
    QApplication.processEvents()
    aspect = view.plotter.width() / view.plotter.height()
    assert aspect < 1
    tan_horizontal = np.tan(np.radians(view.plotter.renderer.GetActiveCamera().GetViewAngle())
                            / 2) * aspect
    preset = view.camera_presets()[0] if view.camera_presets() else None
    fov = preset.fov_deg if preset is not None else 30.0
    assert tan_horizontal == pytest.approx(np.tan(np.radians(fov) / 2), rel=0.02)


@pytest.mark.parametrize("size", [(1024, 600), (1920, 1080)])
def test_no_blank_band_between_the_catalog_and_the_view(window, qtbot, size):
    from PySide6.QtCore import QPoint

    window.resize(*size)
    qtbot.wait(50)
    catalog_right = window.catalog.mapTo(window, QPoint(window.catalog.width(), 0)).x()
    view_left = window.view.mapTo(window, QPoint(0, 0)).x()
    assert 0 <= view_left - catalog_right <= 8
