"""Batch jobs on a Ray cluster: one task per image, retried when a task or its worker fails.

Ray is optional (the ``cluster`` extra) and imported only here, when ``--ray`` is given. The
project folder must be readable at the same path on every node (a shared file system, or the
same checkout everywhere); images come back to this process, which writes them, so the output
folder only has to exist here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from app.batch.jobs import RenderJob
from app.batch.local_pool import RASTERIZER_THREADS
from app.batch.worker import JobResult, process_worker
from app.errors import AppError
from app.files import write_bytes_atomically

LOCAL_ADDRESS = "local"
DEFAULT_RETRIES = 3


def _import_ray():
    try:
        import ray
    except ImportError:
        raise AppError("Ray is not installed: install the 'cluster' extra "
                       "(pip install -e '.[cluster]')", field="--ray") from None
    return ray


class TaskCrashed(RuntimeError):
    """Raised inside a Ray task so that Ray tries it again."""


def render_task(root: str, job: RenderJob) -> JobResult:
    os.environ.setdefault(RASTERIZER_THREADS, "1")  # one CPU per task
    result = process_worker(root).run(job, write=False)
    if result.retryable:
        raise TaskCrashed(result.error)
    return result


class RayBackend:
    """``address``: a Ray cluster address (``ray://host:10001``, ``auto``) or ``local`` for a
    Ray instance started here with ``workers`` CPUs. A Ray instance already running in this
    process is used as it is and left running."""

    name = "ray"

    def __init__(self, root: Path, address: str, *, workers: int | None = None,
                 gpus_per_task: float | None = None, retries: int = DEFAULT_RETRIES):
        self.root = Path(root)
        self.address = address
        self.workers = workers
        self.gpus_per_task = gpus_per_task
        self.retries = retries

    def _connect(self, ray) -> bool:
        """Connect unless connected; True when this backend started the connection."""
        if ray.is_initialized():
            return False
        if self.address == LOCAL_ADDRESS:
            ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=self.address, log_to_driver=False)
        return True

    def task_gpus(self, ray, renderer: str) -> float:
        """A GPU per task for the path tracer when the cluster has GPUs; none otherwise."""
        if self.gpus_per_task is not None:
            return self.gpus_per_task
        if renderer == "photoreal" and ray.cluster_resources().get("GPU", 0) > 0:
            return 1.0
        return 0.0

    def run(self, jobs: Sequence[RenderJob], on_result: Callable[[JobResult], None]) -> None:
        if not jobs:
            return
        ray = _import_ray()
        started = self._connect(ray)
        try:
            self._run(ray, jobs, on_result)
        finally:
            if started:
                ray.shutdown()

    def _run(self, ray, jobs: Sequence[RenderJob], on_result) -> None:
        remote = ray.remote(render_task)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        window = max(2, 4 * cpus)
        pending: dict = {}
        gpus = {r: self.task_gpus(ray, r) for r in {job.settings.renderer for job in jobs}}
        queue = list(reversed(jobs))
        while queue or pending:
            while queue and len(pending) < window:
                job = queue.pop()
                task = remote.options(num_cpus=1, num_gpus=gpus[job.settings.renderer],
                                      max_retries=self.retries, retry_exceptions=True)
                pending[task.remote(str(self.root), job)] = job
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                job = pending.pop(ref)
                on_result(self._finish(ray, ref, job))

    def _finish(self, ray, ref, job: RenderJob) -> JobResult:
        try:
            result = ray.get(ref)
        except Exception as exc:  # the task failed on every try
            cause = getattr(exc, "cause", None) or exc
            return JobResult(job.key, job.path, "failed",
                             f"failed after {self.retries + 1} tries: {cause}")
        if result.status == "rendered" and result.png is not None:
            write_bytes_atomically(job.path, result.png)
            result.png = None
        return result
