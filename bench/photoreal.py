"""Photoreal stills of each sample product: samples per pixel, time, peak memory and the noise
left after denoising, against a high-sample reference.

    .venv/bin/python bench/photoreal.py                      # 1920x1080, 64 spp, 1024 reference
    .venv/bin/python bench/photoreal.py --size 480x270 --spp 16 --reference-spp 256

Prints a table and writes bench/results/photoreal.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.configuration import default_configuration  # noqa: E402
from app.photoreal.backend import activate_mitsuba, nvidia_gpu_present  # noqa: E402
from app.photoreal.output import to_pil  # noqa: E402
from app.photoreal.render import render_photoreal  # noqa: E402
from app.project import open_project  # noqa: E402
from app.scene.resolve import resolve_scene  # noqa: E402

PRODUCTS = ("mug", "guitar", "golf_cart", "watch")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--spp", type=int, default=64)
    parser.add_argument("--reference-spp", type=int, default=1024)
    parser.add_argument("--products", default=",".join(PRODUCTS))
    parser.add_argument("--save", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    mi = activate_mitsuba()
    gpu = "none lent to this machine" if not nvidia_gpu_present() else "NVIDIA GPU present"
    print(f"Mitsuba variant {mi.variant()}; GPU: {gpu}; {platform.processor() or 'cpu'}")
    project = open_project(ROOT)
    rows = []
    for product_id in args.products.split(","):
        product = project.catalog.product(product_id)
        scene = resolve_scene(product, default_configuration(product), project.scene_context())
        started = time.perf_counter()
        still = render_photoreal(scene, project.assets, size=(width, height), spp=args.spp)
        seconds = time.perf_counter() - started
        memory = peak_rss_mib()
        reference = render_photoreal(scene, project.assets, size=(width, height),
                                     spp=args.reference_spp)
        error = still.display[..., :3] - reference.display[..., :3]
        rmse = float(np.sqrt(np.mean(error**2)) * 255)
        args.save.mkdir(parents=True, exist_ok=True)
        to_pil(still).save(args.save / f"photoreal_{product_id}.png")
        rows.append({"product": product_id, "size": f"{width}x{height}", "spp": args.spp,
                     "seconds": round(seconds, 2), "peak_rss_mib": round(memory),
                     "reference_spp": args.reference_spp,
                     "rmse_vs_reference_8bit": round(rmse, 2), "variant": mi.variant()})
        r = rows[-1]
        print(f"{product_id:10s} {r['size']:>10s} {r['spp']:5d} spp {r['seconds']:7.1f} s "
              f"{r['peak_rss_mib']:6d} MiB  RMSE vs {args.reference_spp} spp: {rmse:5.2f}/255")
    (args.save / "photoreal.json").write_text(json.dumps(
        {"machine": platform.node(), "gpu": gpu, "rows": rows}, indent=2))
    print(f"wrote {args.save / 'photoreal.json'}")


if __name__ == "__main__":
    main()
