"""Batch jobs on local worker processes (one per core by default)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from app.batch.jobs import RenderJob
from app.batch.worker import BatchWorker, JobResult, process_worker

RASTERIZER_THREADS = "LP_NUM_THREADS"
_root: str | None = None
_start_error: str | None = None  # a worker that cannot start fails its jobs, never respawns


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _start_worker(root: str, threads: int) -> None:
    global _root, _start_error
    _root = root
    # Mesa's software rasterizer starts a thread per core in every process; with a worker
    # per core that oversubscribes the machine, and its threads spin while they wait.
    os.environ.setdefault(RASTERIZER_THREADS, str(threads))
    try:
        process_worker(root)
    except Exception as exc:
        _start_error = f"the worker could not start: {exc}"


def _run_job(job: RenderJob) -> JobResult:
    if _start_error is not None or _root is None:
        return JobResult(job.key, job.path, "failed", _start_error or "no worker")
    return process_worker(_root).run(job)


class LocalBackend:
    """``workers`` processes (spawned: VTK and forked processes do not mix); ``workers=0``
    renders in this process, which is what tests and debugging want."""

    name = "local"

    def __init__(self, root: Path, workers: int | None = None):
        self.root = Path(root)
        self.workers = default_workers() if workers is None else workers
        if self.workers < 0:
            raise ValueError("workers must be >= 0")

    def run(self, jobs: Sequence[RenderJob], on_result: Callable[[JobResult], None]) -> None:
        if not jobs:
            return
        if self.workers == 0:
            worker = BatchWorker(self.root)
            try:
                for job in jobs:
                    on_result(worker.run(job))
            finally:
                worker.close()
            return
        workers = min(self.workers, len(jobs))
        # Runs of neighbouring jobs go to one worker, so that its scene changes little.
        chunk = max(1, min(8, len(jobs) // (workers * 4)))
        context = multiprocessing.get_context("spawn")
        threads = max(1, default_workers() // workers)
        pool = context.Pool(workers, initializer=_start_worker,
                            initargs=(str(self.root), threads))
        try:
            for result in pool.imap_unordered(_run_job, jobs, chunksize=chunk):
                on_result(result)
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
