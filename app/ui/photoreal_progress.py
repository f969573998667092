"""A long render (photoreal still, turntable) on a worker thread behind a progress dialog with
Cancel. The window keeps painting: the worker only stores its progress, a timer shows it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

# job(progress, cancelled) -> result; progress(fraction 0..1); cancelled() -> bool
Job = Callable[[Callable[[float], None], Callable[[], bool]], object]

POLL_MS = 50


class PhotorealProgress(QObject):
    """Run ``job`` on a thread; emits ``finished(result)``, ``failed(message)`` or
    ``cancelled()`` on the GUI thread. A job stops by raising once ``cancelled()`` is true."""

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None, title: str, job: Job):
        super().__init__(parent)
        self._job = job
        self._stop = threading.Event()
        self._fraction = 0.0
        self._outcome: tuple[str, object] | None = None
        self._thread: threading.Thread | None = None
        self.dialog = QProgressDialog(title, "Cancel", 0, 1000, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="photoreal-render", daemon=True)
        self.dialog.setValue(0)
        self.dialog.show()
        self._thread.start()
        self._timer.start()

    def cancel(self) -> None:
        self._stop.set()
        self.dialog.setLabelText("Cancelling...")

    def _run(self) -> None:
        def progress(fraction: float) -> None:
            self._fraction = max(0.0, min(1.0, float(fraction)))

        try:
            result = self._job(progress, self._stop.is_set)
        except Exception as error:  # shown to the user, the app keeps running
            self._outcome = ("cancelled", None) if self._stop.is_set() else ("failed", error)
        else:
            self._outcome = ("cancelled", None) if self._stop.is_set() else ("finished", result)

    def _poll(self) -> None:
        self.dialog.setValue(int(self._fraction * 1000))
        if self._outcome is None:
            return
        self._timer.stop()
        self.dialog.close()
        kind, value = self._outcome
        if kind == "finished":
            self.finished.emit(value)
        elif kind == "failed":
            self.failed.emit(str(value))
        else:
            self.cancelled.emit()
