"""Batch rendering throughput: images per minute with 1 and 2 local worker processes and on a
local Ray instance with 2 workers (parallel efficiency), where the workers' time goes (scene
set-up, rendering, writing files), and what the layer approach saves on the golf cart.

    .venv/bin/python bench/batch.py [--configs 16] [--size 320x240] [--no-ray]
                                    [--out bench/results/batch.json]

Each run renders into a fresh folder, start-up included (process spawn, project loading and
the first frame's lighting set-up), as a user running ``app batch`` would see it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"  # the built-in project folder
sys.path.insert(0, str(REPO))

from app.batch.jobs import RenderSettings  # noqa: E402
from app.batch.layers import LayerPlanner  # noqa: E402
from app.batch.local_pool import LocalBackend  # noqa: E402
from app.batch.run import BatchRequest, run_batch  # noqa: E402
from app.batch.variants import (  # noqa: E402
    all_configurations,
    count_configurations,
    sample_configurations,
)
from app.project import open_project  # noqa: E402

PRODUCT = "golf_cart"
VIEW = "hero"


def _size(text: str) -> tuple[int, int]:
    w, h = (int(v) for v in text.lower().split("x"))
    return w, h


def timed_run(project, backend, configurations, settings, workers: int,
              layers=False) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as folder:
        request = BatchRequest(PRODUCT, configurations, [VIEW], settings, Path(folder),
                               layers=layers)
        start = time.perf_counter()
        summary = run_batch(project, request, backend, progress=None)
        wall = time.perf_counter() - start
    if summary.failed:
        raise SystemExit(summary.text())
    stages = summary.stage_seconds
    steady = stages.get("resolve", 0.0) + stages.get("render", 0.0) + stages.get("write", 0.0)
    later = summary.renders - workers
    return {
        "images": summary.images,
        "renders": summary.renders,
        "workers": workers,
        "seconds": round(wall, 2),
        "images_per_minute": round(summary.images / wall * 60.0, 1),
        "worker_seconds": {k: round(v, 2) for k, v in stages.items()},
        # per worker: the first image, with the renderer's set-up (lighting pre-computation)
        "first_image_seconds": round(stages.get("first_render", 0.0) / workers, 2),
        # images after the first: worker time per image, and its share outside rendering
        "steady_seconds_per_image": round(steady / later, 3) if later > 0 else None,
        "share_outside_render": round(1.0 - stages.get("render", 0.0) / steady, 4)
        if steady else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=16)
    parser.add_argument("--size", type=_size, default=(320, 240))
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "batch.json")
    args = parser.parse_args()

    project = open_project(PROJECT)
    cart = project.catalog.product(PRODUCT)
    settings = RenderSettings(size=args.size)
    configurations = sample_configurations(cart, args.configs, seed=1)
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                     "product": PRODUCT, "view": VIEW, "size": list(args.size),
                     "configurations": len(configurations), "runs": {}}
    runs = results["runs"]
    runs["local, 1 worker"] = timed_run(project, LocalBackend(PROJECT, 1), configurations,
                                        settings, 1)
    runs["local, 2 workers"] = timed_run(project, LocalBackend(PROJECT, 2), configurations,
                                         settings, 2)
    if not args.no_ray:
        import ray

        from app.batch.ray_cluster import RayBackend

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            runs["ray local, 2 workers"] = timed_run(project, RayBackend(PROJECT, "local"),
                                                     configurations, settings, 2)
        finally:
            ray.shutdown()
    one = runs["local, 1 worker"]["images_per_minute"]
    for name, run in runs.items():
        workers = 1 if "1 worker" in name else 2
        run["parallel_efficiency"] = round(run["images_per_minute"] / (workers * one), 3)

    total = count_configurations(cart)
    planner = LayerPlanner(cart)
    layer_renders = set()
    for configuration in all_configurations(cart):
        plan = planner.plan(configuration)
        layer_renders |= {c.to_json() for c in (plan.reference, *plan.layers)}
    layered = timed_run(project, LocalBackend(PROJECT, 2), all_configurations(cart), settings,
                        2, layers=True)
    per_image = runs["local, 1 worker"]["steady_seconds_per_image"]
    first = runs["local, 2 workers"]["first_image_seconds"]
    results["layers"] = {
        "configurations": total,
        "renders_full": total,
        "renders_layered": len(layer_renders),
        "render_saving": round(total / len(layer_renders), 1),
        "layered_run": layered,
        # 2 workers, each: its first image, then the steady time per image
        "full_run_estimate_seconds": round(first + total / 2 * per_image, 1),
    }

    print(f"{PRODUCT}, view {VIEW}, {args.size[0]}x{args.size[1]}, "
          f"{len(configurations)} configurations, {os.cpu_count()} CPUs")
    print(f"{'backend':<24}{'images':>7}{'seconds':>9}{'img/min':>9}{'efficiency':>11}"
          f"{'first image s':>14}{'s/image after':>14}{'outside render':>16}")
    for name, run in runs.items():
        print(f"{name:<24}{run['images']:>7}{run['seconds']:>9}{run['images_per_minute']:>9}"
              f"{run['parallel_efficiency']:>11}{run['first_image_seconds']:>14}"
              f"{run['steady_seconds_per_image']:>14}{run['share_outside_render']:>16.1%}")
    lay = results["layers"]
    print(f"layers: {lay['configurations']} configurations per view need "
          f"{lay['renders_layered']} renders instead of {lay['renders_full']} "
          f"({lay['render_saving']}x fewer); all {total} images in "
          f"{layered['seconds']} s layered vs about {lay['full_run_estimate_seconds']} s "
          f"rendered in full (2 workers, estimated from the steady time per image)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
