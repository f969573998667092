"""One batch worker: a project opened once, one renderer per settings, jobs rendered in turn.

Consecutive jobs reuse the renderer, so a configuration after the first costs only the changes
it makes to the scene. Files are written through a temporary file and a rename: a killed worker
leaves no file that looks finished.
"""

from __future__ import annotations

import io
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from app.batch.jobs import RenderJob, RenderSettings
from app.batch.renderers import BatchRenderer, open_renderer
from app.errors import AppError
from app.project import Project, open_project
from app.scene.resolve import resolve_scene
from app.viewport.still import save_png


@dataclass
class JobResult:
    key: str
    path: str
    status: str  # "rendered" or "failed"
    error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # resolve, render, write
    png: bytes | None = None  # the image, when the caller writes it
    retryable: bool = False  # a crash rather than bad input: trying again may help


class BatchWorker:
    def __init__(self, root: Path):
        self.project: Project = open_project(root)
        self.renderers: dict[RenderSettings, BatchRenderer] = {}

    def renderer(self, settings: RenderSettings) -> BatchRenderer:
        if settings not in self.renderers:
            self.renderers[settings] = open_renderer(settings, self.project.assets)
        return self.renderers[settings]

    def render(self, job: RenderJob, seconds: dict[str, float]) -> Image.Image:
        start = time.perf_counter()
        product = self.project.catalog.product(job.product_id)
        context = self.project.scene_context(transparent=job.settings.transparent)
        scene = resolve_scene(product, job.configuration, context)
        first = job.settings not in self.renderers
        middle = time.perf_counter()
        image = self.renderer(job.settings).render(scene, job.view)
        seconds["resolve"] = middle - start
        # the first image of a renderer includes its set-up (the lighting's pre-computation)
        seconds["first_render" if first else "render"] = time.perf_counter() - middle
        return image

    def run(self, job: RenderJob, *, write: bool = True) -> JobResult:
        """Render ``job``; write its file (``write``) or return the PNG bytes. Errors are
        reported in the result, never raised, so one bad image does not stop a batch."""
        seconds: dict[str, float] = {}
        try:
            image = self.render(job, seconds)
            start = time.perf_counter()
            png = None
            if write:
                save_png(image, job.path)
            else:
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
                png = buffer.getvalue()
            seconds["write"] = time.perf_counter() - start
        except AppError as exc:
            return JobResult(job.key, job.path, "failed", str(exc), seconds)
        except Exception as exc:  # a renderer crash: reported per image, the batch goes on
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            return JobResult(job.key, job.path, "failed", detail, seconds, retryable=True)
        return JobResult(job.key, job.path, "rendered", "", seconds, png)

    def close(self) -> None:
        for renderer in self.renderers.values():
            renderer.close()
        self.renderers.clear()


_PROCESS_WORKERS: dict[str, BatchWorker] = {}


def process_worker(root: str) -> BatchWorker:
    """This process's worker for ``root``, opened on first use and kept (a pool or Ray worker
    process renders many jobs; opening the project and the plotter once is what makes it fast)."""
    if root not in _PROCESS_WORKERS:
        _PROCESS_WORKERS[root] = BatchWorker(Path(root))
    return _PROCESS_WORKERS[root]
