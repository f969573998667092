import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.ui.background_job import BackgroundJob
from app.ui.process_memory import resident_memory_mb
from tests.ui.test_process_memory import GLIBC_ONLY


def test_progress_dialog_reports_the_result_and_stays_responsive(qtbot):
    release = threading.Event()

    def job(progress, cancelled):
        progress(0.5)
        release.wait(5)
        return "done"

    runner = BackgroundJob(None, "Rendering", job)
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

    runner = BackgroundJob(None, "Rendering", job)
    runner.start()
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        qtbot.mouseClick(runner.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert runner.wait(5)


def test_a_cancel_after_the_commit_is_too_late_and_the_result_stands(qtbot):
    committed, release = threading.Event(), threading.Event()

    def job(progress, cancellation):
        progress(0.9, "Writing the file")
        assert cancellation.commit()
        committed.set()
        release.wait(5)
        return "written"

    runner = BackgroundJob(None, "Exporting", job)
    runner.start()
    assert committed.wait(5)
    cancelled = []
    runner.cancelled.connect(lambda: cancelled.append(True))
    runner.cancel()
    assert runner.dialog.labelText() == "Finishing\u2026"
    with qtbot.waitSignal(runner.finished, timeout=5000) as finished:
        release.set()
    assert finished.args == ["written"] and cancelled == []


def test_the_dialog_shows_what_the_job_is_doing(qtbot):
    release = threading.Event()

    def job(progress, cancelled):
        progress(0.25, "Drawing the still")
        release.wait(5)

    runner = BackgroundJob(None, "Exporting", job)
    runner.start()
    qtbot.waitUntil(lambda: runner.dialog.labelText() == "Drawing the still", timeout=3000)
    assert runner.dialog.value() == 250
    with qtbot.waitSignal(runner.finished, timeout=5000):
        release.set()
    assert runner.done


def test_the_objects_of_the_window_stay_out_of_full_collections_while_a_job_runs(qtbot):
    import gc

    frozen_during = []

    def job(progress, cancelled):
        frozen_during.append(gc.get_freeze_count())

    before = gc.get_freeze_count()
    runner = BackgroundJob(None, "Exporting", job)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.start()
    assert runner.wait(5)
    assert frozen_during[0] > 0
    assert gc.get_freeze_count() == before


@GLIBC_ONLY
def test_what_a_finished_job_freed_goes_back_to_the_system(qtbot):
    """A still for an export allocates and frees hundreds of megabytes on the worker; the
    allocator kept them for that thread, and every export left the window bigger."""
    def job(progress, cancelled):
        blocks = [bytearray(100_000) for _ in range(2000)]  # 200 MB from the thread's heap
        return blocks[-1]  # all freed but the last

    before = resident_memory_mb()
    runner = BackgroundJob(None, "Exporting", job)
    with qtbot.waitSignal(runner.finished, timeout=10000):
        runner.start()
    assert runner.wait(5)
    assert resident_memory_mb() - before < 50, (before, resident_memory_mb())
