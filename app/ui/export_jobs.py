"""What File > Export runs in a BackgroundJob: each job works on a snapshot taken at the click
(scene, product, configuration: immutable values) and writes its file atomically.

A job checks for Cancel between its steps and last of all inside the atomic write, just before
the file takes its name: a cancelled job leaves neither the file nor a temporary beside it.
The VTK still is drawn with a plotter of its own (app.viewport.off_screen), never the live
view's. The still renderer is imported here, on the GUI thread at start: imported on the
worker it held the interpreter lock for about 140 ms. The exporters' and the path tracer's
imports stalled the GUI thread for under 50 ms there, so they wait until first needed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from app.domain.configuration import Configuration
from app.domain.product import Product
from app.errors import AppError
from app.files import write_atomically
from app.project import Project
from app.scene.description import Camera, SceneDescription
from app.scene.geometry_source import GeometrySource
from app.ui.background_job import Cancellation, Job, JobCancelled
from app.ui.export_dialog import CURRENT_VIEW, StillRequest
from app.viewport.still import render_still, save_png

SHEET_STILL_SIZE = (960, 720)  # the spec sheet's and order package's picture, as `app export`


def writable_folder(path: Path) -> None:
    """Fail before the work, not after it, when ``path`` cannot be written."""
    folder = path.parent
    if not folder.is_dir():
        raise AppError("expected an existing folder to write into", file=str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise AppError("this folder cannot be written into", file=str(path))
    if path.is_dir():
        raise AppError("this is a folder, expected a file name", file=str(path))


def write_unless_cancelled(path: Path, write: Callable[[Path], object],
                           cancelled: Cancellation) -> Path:
    """``write(temporary)``, then the temporary becomes ``path`` unless the job was cancelled
    meanwhile (then the temporary is removed and JobCancelled raised)."""
    def checked(temporary: Path) -> None:
        write(temporary)
        if not cancelled.commit():
            raise JobCancelled

    try:
        return write_atomically(path, checked, remove_leftovers=True)
    except OSError as exc:
        raise AppError(f"cannot write the file ({exc.strerror or exc})", file=str(path)) from None


def _step(cancelled: Cancellation) -> None:
    if cancelled():
        raise JobCancelled


def still_scene(request: StillRequest, scene: SceneDescription,
                current_view: Camera) -> SceneDescription:
    """The scene as the still request says: the current view as a camera, no ground when
    transparent."""
    if request.camera_id == CURRENT_VIEW:
        scene = replace(scene, cameras=(replace(current_view, id=CURRENT_VIEW), *scene.cameras))
    if request.transparent:
        scene = replace(scene, environment=replace(scene.environment, ground=False))
    return scene


def still_job(request: StillRequest, scene: SceneDescription, source: GeometrySource,
              current_view: Camera) -> Job:
    """Draw the still with the real-time renderer, off-screen, and write the PNG."""
    scene = still_scene(request, scene, current_view)
    path = Path(request.path)

    def job(progress, cancelled) -> Path:
        writable_folder(path)
        width, height = request.size
        progress(0.05, f"Drawing the still ({width} \u00d7 {height})\u2026")
        image = render_still(scene, source, size=request.size, camera_id=request.camera_id,
                             transparent=request.transparent)
        _step(cancelled)
        progress(0.85, f"Writing {path.name}\u2026")
        return write_unless_cancelled(path, lambda tmp: save_png(image, tmp), cancelled)

    return job


def photoreal_still_job(request: StillRequest, scene: SceneDescription, source: GeometrySource,
                        current_view: Camera, notes: list[str] | None = None) -> Job:
    """Path trace the still and write it; what it draws otherwise than the materials say
    (``PhotorealImage.approximations``) is added to ``notes``."""
    scene = still_scene(request, scene, current_view)
    path = Path(request.path)

    def job(progress, cancelled) -> Path:
        from app.photoreal.output import write_image
        from app.photoreal.render import render_photoreal

        writable_folder(path)
        image = render_photoreal(scene, source, size=request.size, spp=request.spp,
                                 camera_id=request.camera_id, transparent=request.transparent,
                                 progress=lambda f: progress(0.95 * f), cancel=cancelled)
        if notes is not None:
            notes.extend(image.approximations)
        progress(0.95, f"Writing {path.name}\u2026")
        return write_unless_cancelled(path, lambda tmp: write_image(image, tmp, "png"),
                                      cancelled)

    return job


def model_job(product: Product, configuration: Configuration, project: Project,
              path: Path) -> Job:
    """The AR model: USDZ for a .usdz name, otherwise GLB with the material variants."""
    def job(progress, cancelled) -> Path:
        from app.export.glb import export_glb
        from app.export.usdz import export_usdz

        writable_folder(path)
        progress(0.1, "Collecting meshes and materials\u2026")
        if path.suffix.lower() == ".usdz":
            write = lambda tmp: export_usdz(product, configuration, project, tmp)  # noqa: E731
        else:
            write = lambda tmp: export_glb(product, configuration, project, tmp)  # noqa: E731
        return write_unless_cancelled(path, write, cancelled)

    return job


def spec_sheet_job(product: Product, configuration: Configuration, project: Project,
                   scene: SceneDescription, path: Path) -> Job:
    """The spec sheet PDF with a still of the configuration (its first camera)."""
    def job(progress, cancelled) -> Path:
        from app.export.spec_sheet import write_spec_sheet

        writable_folder(path)
        still = _sheet_still(scene, project, progress, cancelled)
        progress(0.8, f"Writing {path.name}\u2026")
        return write_unless_cancelled(
            path, lambda tmp: write_spec_sheet(product, configuration, project, tmp,
                                               still=still), cancelled)

    return job


def order_package_job(product: Product, configuration: Configuration, project: Project,
                      scene: SceneDescription, path: Path) -> Job:
    """The order package for the factory: spec sheet, artwork, pictures, GLB, manifest."""
    def job(progress, cancelled) -> Path:
        from app.export.order_package import write_order_package

        writable_folder(path)
        still = _sheet_still(scene, project, progress, cancelled)
        progress(0.6, "Writing the artwork, the model and the spec sheet\u2026")
        return write_unless_cancelled(
            path, lambda tmp: write_order_package(product, configuration, project, tmp,
                                                  still=still), cancelled)

    return job


def _sheet_still(scene: SceneDescription, project: Project, progress, cancelled):
    _step(cancelled)
    progress(0.05, "Drawing the still\u2026")
    image = render_still(scene, project.assets, size=SHEET_STILL_SIZE)
    _step(cancelled)
    return image
