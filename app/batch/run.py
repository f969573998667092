"""A batch run: images named by hash, finished ones skipped, the rest rendered by a backend
(local processes or Ray), optionally as layers and composites; a manifest and a summary."""

from __future__ import annotations

import io
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from PIL import Image

from app.batch.jobs import RenderJob, RenderSettings, asset_fingerprint, make_job
from app.batch.layers import LayerPlanner, composite
from app.batch.manifest import ManifestRow, configuration_facts, write_manifest
from app.batch.output_files import remove_temporaries
from app.batch.progress import ProgressBar, format_duration
from app.batch.worker import JobResult
from app.domain.configuration import Configuration
from app.errors import ConfigurationError
from app.files import write_bytes_atomically
from app.project import Project

LAYERS_DIR = "layers"
IMAGE_CACHE_SIZE = 32


class Backend(Protocol):
    name: str

    def run(self, jobs: Sequence[RenderJob], on_result: Callable[[JobResult], None]) -> None:
        ...


@dataclass
class BatchRequest:
    product_id: str
    configurations: Iterable[Configuration]  # may be a generator
    views: Sequence[str]
    settings: RenderSettings
    out: Path
    layers: bool = False


@dataclass
class BatchSummary:
    images: int = 0
    rendered: int = 0
    skipped: int = 0
    composited: int = 0
    failed: int = 0
    renders: int = 0  # renderer calls, layer renders included
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)  # summed over workers
    errors: list[str] = field(default_factory=list)
    manifest: tuple[Path, ...] = ()

    def text(self) -> str:
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(self.stage_seconds.items()))
        lines = [f"{self.images} images: {self.rendered} rendered, {self.composited} "
                 f"composited, {self.skipped} already there, {self.failed} failed; "
                 f"{self.renders} renders in {format_duration(self.seconds)}"]
        if stages:
            lines.append(f"worker time: {stages}")
        lines += [f"failed: {e}" for e in self.errors[:20]]
        if len(self.errors) > 20:
            lines.append(f"... and {len(self.errors) - 20} more failures (see the manifest)")
        lines += [f"manifest: {p}" for p in self.manifest]
        return "\n".join(lines)


def _check_views(project: Project, request: BatchRequest) -> None:
    product = project.catalog.product(request.product_id)
    known = [c.id for c in product.cameras]
    if not request.views:
        raise ConfigurationError("expected at least one camera view", field="--views")
    for view in request.views:
        if view not in known:
            raise ConfigurationError(
                f"unknown camera '{view}' of product '{product.id}' (known: "
                f"{', '.join(known) or 'none'})", file=product.source or None, field="--views")


def run_batch(project: Project, request: BatchRequest, backend: Backend, *,
              progress: TextIO | None = sys.stderr) -> BatchSummary:
    start = time.perf_counter()
    _check_views(project, request)
    product = project.catalog.product(request.product_id)
    out = Path(request.out)
    out.mkdir(parents=True, exist_ok=True)
    layers_dir = out / LAYERS_DIR
    remove_temporaries(out)
    if layers_dir.is_dir():
        remove_temporaries(layers_dir)
    fingerprint = asset_fingerprint(project, product)
    method = "layers" if request.layers else "full"
    planner = LayerPlanner(product) if request.layers else None

    summary = BatchSummary()
    rows: list[ManifestRow] = []
    pending: list[tuple[RenderJob, ManifestRow, Configuration]] = []
    for configuration in request.configurations:
        facts = configuration_facts(configuration, product)
        for view in request.views:
            job = make_job(configuration, view, request.settings, fingerprint, out, method)
            done = Path(job.path).is_file()
            row = ManifestRow(Path(job.path).name, "skipped" if done else "pending",
                              facts.share_code, product.id, view, facts.options, facts.price,
                              facts.currency, job.key)
            rows.append(row)
            if not done:
                pending.append((job, row, configuration))
    summary.images = len(rows)
    summary.skipped = len(rows) - len(pending)

    def account(result: JobResult) -> None:
        for stage, seconds in result.seconds.items():
            summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + seconds
        if "render" in result.seconds or "first_render" in result.seconds:
            summary.renders += 1

    if planner is None:
        by_key = {job.key: row for job, row, _ in pending}
        bar = _bar(len(pending), "render", progress)

        def on_result(result: JobResult) -> None:
            account(result)
            row = by_key[result.key]
            row.status, row.error = result.status, result.error
            _count(summary, row)
            if bar:
                bar.advance(failed=result.status == "failed")

        backend.run([job for job, _, _ in pending], on_result)
    else:
        _render_layered(pending, planner, request, fingerprint, layers_dir, backend, account,
                        summary, progress)
    summary.manifest = write_manifest(rows, out)
    summary.seconds = time.perf_counter() - start
    return summary


def _count(summary: BatchSummary, row: ManifestRow) -> None:
    if row.status == "failed":
        summary.failed += 1
        summary.errors.append(f"{row.file}: {row.error}")
    elif row.status == "rendered":
        summary.rendered += 1
    elif row.status == "composited":
        summary.composited += 1


def _bar(total: int, label: str, stream: TextIO | None) -> ProgressBar | None:
    return ProgressBar(total, label=label, stream=stream) if stream and total else None


def _render_layered(pending, planner: LayerPlanner, request: BatchRequest, fingerprint: str,
                    layers_dir: Path, backend: Backend, account, summary: BatchSummary,
                    progress: TextIO | None) -> None:
    """Render the reference and layer images the pending composites need (each once, kept in
    ``layers/`` for later runs), then composite."""
    layers_dir.mkdir(exist_ok=True)
    layer_jobs: dict[str, RenderJob] = {}
    recipes = []
    for job, row, configuration in pending:
        plan = planner.plan(configuration)
        parts = [make_job(c, job.view, request.settings, fingerprint, layers_dir)
                 for c in (plan.reference, *plan.layers)]
        for part in parts:
            if not Path(part.path).is_file():
                layer_jobs.setdefault(part.key, part)
        recipes.append((job, row, parts))
    failures: dict[str, str] = {}
    bar = _bar(len(layer_jobs) + len(recipes), "layers", progress)

    def on_result(result: JobResult) -> None:
        account(result)
        if result.status == "failed":
            failures[result.key] = result.error
        if bar:
            bar.advance(failed=result.status == "failed")

    backend.run(list(layer_jobs.values()), on_result)
    images: OrderedDict[str, Image.Image] = OrderedDict()

    def load(part: RenderJob) -> Image.Image:
        if part.key in images:
            images.move_to_end(part.key)
            return images[part.key]
        with Image.open(part.path) as opened:
            image = opened.copy()
        images[part.key] = image
        if len(images) > IMAGE_CACHE_SIZE:
            images.popitem(last=False)
        return image

    started = time.perf_counter()
    for job, row, parts in recipes:
        missing = [failures[p.key] for p in parts if p.key in failures]
        if missing:
            row.status, row.error = "failed", f"a layer failed: {missing[0]}"
        else:
            try:
                image = composite(load(parts[0]), [load(p) for p in parts[1:]])
                write_bytes_atomically(job.path, _png_bytes(image))
                row.status = "composited"
            except (OSError, ValueError) as exc:
                row.status, row.error = "failed", f"composite: {exc}"
        _count(summary, row)
        if bar:
            bar.advance(failed=row.status == "failed")
    summary.stage_seconds["composite"] = time.perf_counter() - started


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
