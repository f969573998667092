"""File > Export in the desktop window: ask for a file, take a snapshot of what is on show,
run the export in a BackgroundJob, and say in the status bar where the file went.

One job at a time: its dialog is window-modal, so the choices cannot change under it, while
the window keeps painting and answering.
"""

from __future__ import annotations

from pathlib import Path

from app.ui.background_job import BackgroundJob, Job
from app.ui.export_jobs import (
    model_job,
    order_package_job,
    photoreal_still_job,
    spec_sheet_job,
    still_job,
)
from app.viewport.off_screen import prepare_off_screen

MODEL_FILTER = "AR model (*.glb *.usdz)"
PDF_FILTER = "Spec sheet (*.pdf)"
ORDER_FILTER = "Order package (*.zip)"
CLOSE_WAIT_S = 30.0


class WindowExports:
    def __init__(self, window):
        self.window = window
        self.job: BackgroundJob | None = None
        self._started: list[BackgroundJob] = []  # a cancelled one may still be finishing
        # on a worker, its checks would hold up the GUI thread; at start, the first frame
        window.view.after_first_frame(prepare_off_screen)

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.done

    def still(self) -> BackgroundJob | None:
        """The still (real-time renderer or path traced) as the export dialog asks."""
        window = self.window
        if window.view.scene is None or self.busy:
            return None
        window.options.flush()  # typing waiting for its pause belongs to the still
        scene = window.view.scene
        suggested = window._folder() / f"{window.session.product.id}.png"
        request = window.prompts.still_request(window.view.camera_presets(), suggested)
        if request is None:
            return None
        source, camera = window.session.project.assets, window.view.current_camera()
        if request.photoreal:
            notes: list[str] = []  # filled on the worker thread before it finishes
            runner = self.run("Rendering the photoreal still",
                              photoreal_still_job(request, scene, source, camera, notes))
            runner.finished.connect(lambda _out: window.problems.add_notes(
                f"the photoreal still: {note}" for note in notes))
            return runner
        return self.run("Exporting the still", still_job(request, scene, source, camera))

    def model(self) -> BackgroundJob | None:
        """The AR model, GLB or USDZ by the name chosen."""
        path = self._ask("Export AR model", "glb", MODEL_FILTER)
        if path is None:
            return None
        if path.suffix.lower() not in (".glb", ".usdz"):
            path = path.with_name(path.name + ".glb")
        product, configuration, project, _scene = self._snapshot()
        return self.run("Exporting the AR model", model_job(product, configuration, project,
                                                             path))

    def spec_sheet(self) -> BackgroundJob | None:
        path = self._ask("Export spec sheet", "pdf", PDF_FILTER)
        if path is None:
            return None
        product, configuration, project, scene = self._snapshot()
        return self.run("Exporting the spec sheet",
                        spec_sheet_job(product, configuration, project, scene, path))

    def order_package(self) -> BackgroundJob | None:
        path = self._ask("Export order package", "zip", ORDER_FILTER)
        if path is None:
            return None
        product, configuration, project, scene = self._snapshot()
        return self.run("Exporting the order package",
                        order_package_job(product, configuration, project, scene, path))

    def run(self, title: str, job: Job) -> BackgroundJob:
        window = self.window
        runner = BackgroundJob(window, title, job)
        runner.finished.connect(
            lambda out: window.statusBar().showMessage(f"Exported {out}", 10000))
        runner.failed.connect(lambda message: window.prompts.error("Cannot export", message))
        runner.cancelled.connect(
            lambda: window.statusBar().showMessage("Export cancelled: nothing written", 6000))
        self.job = runner
        self._started = [j for j in self._started if j.running] + [runner]
        prepare_off_screen()  # done already, unless the export comes before the first frame
        runner.start()
        return runner

    def close(self) -> None:
        """Cancel the job at work and wait for the threads (one may be drawing with VTK)."""
        for job in self._started:
            job.cancel()
        for job in self._started:
            job.wait(CLOSE_WAIT_S)

    def _ask(self, title: str, suffix: str, file_filter: str) -> Path | None:
        window = self.window
        if window.view.scene is None or self.busy:
            return None
        window.options.flush()  # typing waiting for its pause belongs to the export
        suggested = window._folder() / f"{window.session.product.id}.{suffix}"
        return window.prompts.export_path(title, suggested, file_filter)

    def _snapshot(self):
        """What is on show now, as values that later changes do not touch."""
        window = self.window
        session = window.session
        return session.product, session.configuration, session.project, window.view.scene
