"""Long work (stills, photoreal stills, exports) on a worker thread behind a progress dialog with
Cancel: the one way the window runs anything that takes longer than a frame.

The dialog is window-modal: the window keeps painting and answering, but its choices cannot
change while the job works on the snapshot it was given. The worker only stores its progress;
a timer on the GUI thread shows it, so the GUI thread never waits for the worker.

Cancel takes effect at once: the dialog closes and ``cancelled`` is emitted while the worker
stops at its next check (a VTK draw or a file being encoded is not interrupted). A job that
writes a file calls ``cancellation.commit()`` just before the file takes its name: from then
on Cancel is too late and the job's result stands, so "cancelled" always means "nothing
written".

While jobs run, the objects that existed when the first one started are left out of the garbage
collector's full passes (``gc.freeze``): with the window's few hundred thousand objects such a
pass, set off by a job's allocations on the worker, held the interpreter lock, and so the GUI
thread, for about 150 ms. When a job ends, the memory it freed is given back to the system.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.ui.process_memory import give_back_freed_memory

POLL_MS = 50


class _CollectorPause:
    """gc.freeze while at least one job's thread runs (the collector is the process's)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running = 0

    def enter(self) -> None:
        with self._lock:
            if self._running == 0:
                gc.freeze()
            self._running += 1

    def leave(self) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                gc.unfreeze()


_COLLECTOR_PAUSE = _CollectorPause()


class JobCancelled(Exception):
    """Raised by a job that saw Cancel."""


class Cancellation:
    """The job's side of Cancel: call it to ask whether Cancel was pressed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cancelled = False
        self._committed = False

    def __call__(self) -> bool:
        return self._cancelled

    def cancel(self) -> bool:
        """True when it takes effect (the job had not committed its result)."""
        with self._lock:
            if not self._committed:
                self._cancelled = True
            return self._cancelled

    def commit(self) -> bool:
        """The point of no return; False when Cancel came first."""
        with self._lock:
            if not self._cancelled:
                self._committed = True
            return self._committed


# progress(fraction 0..1, what it is doing now or None to keep the text)
Progress = Callable[..., None]
Job = Callable[[Progress, Cancellation], object]


class BackgroundJob(QObject):
    """Run ``job(progress, cancellation)`` on a thread; emits ``finished(result)``,
    ``failed(message)`` or ``cancelled()`` on the GUI thread, once. A job stops by raising
    once ``cancellation()`` is true; whatever it raises then counts as cancelled."""

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None, title: str, job: Job):
        super().__init__(parent)
        self._job = job
        self.cancellation = Cancellation()
        self._fraction = 0.0
        self._text = title
        self._outcome: tuple[str, object] | None = None
        self._signalled = False
        self._thread: threading.Thread | None = None
        self.dialog = QProgressDialog(title, "Cancel", 0, 1000, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(360)
        self.dialog.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        """The worker thread is still at work (it may be, a while after a cancel)."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def done(self) -> bool:
        """The outcome has been signalled."""
        return self._signalled

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="background-job", daemon=True)
        self.dialog.setValue(0)
        self.dialog.show()
        _COLLECTOR_PAUSE.enter()
        self._thread.start()
        self._timer.start()

    def cancel(self) -> None:
        if self._signalled:
            return
        if self.cancellation.cancel():
            self._signal("cancelled", None)
        else:  # the file is taking its name: a moment more
            self.dialog.setLabelText("Finishing\u2026")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker has stopped (for closing the window); True when it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _run(self) -> None:
        def progress(fraction: float, text: str | None = None) -> None:
            self._fraction = max(0.0, min(1.0, float(fraction)))
            if text is not None:
                self._text = text

        try:
            result = self._job(progress, self.cancellation)
        except Exception as error:  # shown to the user, the app keeps running
            self._outcome = ("cancelled", None) if self.cancellation() else ("failed", error)
        else:
            self._outcome = ("cancelled", None) if self.cancellation() else ("finished", result)
        finally:
            _COLLECTOR_PAUSE.leave()
            give_back_freed_memory()  # what the job freed, not kept in its thread's arena

    def _poll(self) -> None:
        if self._outcome is not None:
            self._signal(*self._outcome)
            return
        self.dialog.setValue(int(self._fraction * 1000))
        if self.dialog.labelText() != self._text and not self.cancellation():
            self.dialog.setLabelText(self._text)

    def _signal(self, kind: str, value: object) -> None:
        if self._signalled:
            return
        self._signalled = True
        self._timer.stop()
        self.dialog.close()
        if kind == "finished":
            self.finished.emit(value)
        elif kind == "failed":
            self.failed.emit(str(value))
        else:
            self.cancelled.emit()
