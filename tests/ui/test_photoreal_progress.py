import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.ui.photoreal_progress import PhotorealProgress


def test_progress_dialog_reports_the_result_and_stays_responsive(qtbot):
    release = threading.Event()

    def job(progress, cancelled):
        progress(0.5)
        release.wait(5)
        return "done"

    runner = PhotorealProgress(None, "Rendering", job)
    runner.start()
    qtbot.waitUntil(lambda: runner.dialog.value() == 500, timeout=3000)  # GUI thread polls
    with qtbot.waitSignal(runner.finished, timeout=5000) as finished:
        release.set()
    assert finished.args == ["done"]
    assert not runner.dialog.isVisible()


def test_cancel_stops_the_job(qtbot):
    def job(progress, cancelled):
        while not cancelled():
            threading.Event().wait(0.01)
        raise RuntimeError("stopped")

    runner = PhotorealProgress(None, "Rendering", job)
    runner.start()
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        qtbot.mouseClick(runner.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert not runner.running
