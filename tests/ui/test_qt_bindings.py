"""The Qt bindings must not leak references to Python's singletons: a kiosk makes millions of
Qt calls, and PySide6 6.12.0 on CPython 3.11 gave up one reference to None per call that
returns nothing, which ends a long-running process with 'Fatal Python error: none_dealloc'."""

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_that_return_nothing_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2_000):
        label.setText("x")
    assert abs(sys.getrefcount(None) - before) < 100
