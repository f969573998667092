"""Real-time stills: seconds per still of each sample product, as File > Export still and
`app render` draw it (render_still: a window of its own, supersampled twice, the frame that is
kept as the copy for screen-space reflections and the frame that reflects it), over a few rounds
in one process after a warm-up still, so the figures are the still itself, not the start of
Python.

    .venv/bin/python bench/stills.py [--size 1280x960] [--rounds 3]
                                     [--out bench/results/stills.json]

prints a table and writes the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x960", help="WxH (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/stills.json")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from app.domain.configuration import default_configuration
    from app.project import open_project
    from app.scene.resolve import resolve_scene
    from app.viewport.still import render_still

    size = tuple(int(v) for v in args.size.split("x"))
    project = open_project(PROJECT)
    scenes = {}
    for product_id in project.catalog.products:
        product = project.catalog.product(product_id)
        scenes[product_id] = resolve_scene(product, default_configuration(product),
                                           project.scene_context())
    render_still(next(iter(scenes.values())), project.assets, size=size)  # warm-up
    rows = []
    print(f"{'product':<12}{'median s':>10}{'min s':>8}{'max s':>8}   ({args.size}, "
          f"{args.rounds} rounds, {os.cpu_count()} cores)")
    for product_id, scene in scenes.items():
        seconds = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            render_still(scene, project.assets, size=size)
            seconds.append(time.perf_counter() - started)
        row = {"product": product_id, "median_s": round(statistics.median(seconds), 3),
               "min_s": round(min(seconds), 3), "max_s": round(max(seconds), 3)}
        rows.append(row)
        print(f"{product_id:<12}{row['median_s']:>10.2f}{row['min_s']:>8.2f}"
              f"{row['max_s']:>8.2f}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"size": args.size, "rounds": args.rounds, "rows": rows,
                                    "cores": os.cpu_count(),
                                    "python": platform.python_version()}, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
