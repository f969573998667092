"""Personalizing a zone turns the view to face it: the mug's photo on its back comes round to
the front when the rep turns to it."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QPushButton


def view_direction(view):
    camera = view.plotter.renderer.GetActiveCamera()
    look = np.subtract(camera.GetFocalPoint(), camera.GetPosition())
    return look / np.linalg.norm(look)


def test_turning_to_a_zone_on_the_back_turns_the_view_round(window, qtbot):
    window.prompts.next_path = None  # the rep looks, then closes the file dialog
    assert view_direction(window.view)[2] < 0  # the hero view looks at the front
    upload = window.options.findChild(QPushButton, "upload_photo_print")
    qtbot.mouseClick(upload, Qt.MouseButton.LeftButton)
    assert view_direction(window.view) == pytest.approx((0.0, 0.0, 1.0), abs=1e-6)
    window.view.reset_view()
    assert view_direction(window.view)[2] < 0


def test_typing_in_a_zone_faces_it(window, qtbot):
    window.view.reset_view()
    field = window.options.zone_fields["wrap_text"].text
    # what a click into the field delivers (a window without a window manager is never active)
    QApplication.sendEvent(field, QFocusEvent(QEvent.Type.FocusIn,
                                              Qt.FocusReason.MouseFocusReason))
    assert view_direction(window.view) == pytest.approx((0.0, 0.0, -1.0), abs=1e-6)
