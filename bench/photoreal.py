"""Photoreal stills of each sample product: samples per pixel, time, peak memory and the noise
left after denoising, against a high-sample reference.

    .venv/bin/python bench/photoreal.py                      # 1920x1080, 64 spp, 1024 reference
    .venv/bin/python bench/photoreal.py --size 480x270 --spp 16 --reference-spp 256
    .venv/bin/python bench/photoreal.py --cycles [--products ""]   # and the Cycles column

Each render runs in a fresh process (its own peak memory). The stills are denoised, and so is
the reference. Prints a table and writes bench/results/photoreal.json; the stills and references
are saved as PNGs in bench/results/photoreal/.

``--cycles`` adds the Cycles column: on the shoe, DamagedHelmet and the mug at 960x540, the
time ours and Blender Cycles each need to come within the same noise of their own 1024-sample
reference (bench/equal_noise.py, run as a step of this script; target: ours in half of Cycles'
time or less). Its table is printed after this one and its rows go into photoreal.json as
``cycles``; it is a script of its own because these stills are catalog products rendered in
fresh processes for their peak memory, where that one renders model files warm, one after
another, beside Cycles in its own environment (bench/.venv-cycles).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
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


def render_one(product_id: str, size: tuple[int, int], spp: int, save: Path, name: str) -> dict:
    """Render one product's default configuration and save its display image as .npy and PNG."""
    project = open_project(ROOT)
    product = project.catalog.product(product_id)
    scene = resolve_scene(product, default_configuration(product), project.scene_context())
    started = time.perf_counter()
    still = render_photoreal(scene, project.assets, size=size, spp=spp)
    seconds = time.perf_counter() - started
    save.mkdir(parents=True, exist_ok=True)
    np.save(save / f"{name}.npy", still.display[..., :3].astype(np.float32))
    to_pil(still).save(save / f"{name}.png")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak_rss_mib()),
            "variant": still.variant}


def in_fresh_process(product_id: str, size: str, spp: int, save: Path, name: str) -> dict:
    """Each render runs alone in its own process, so peak memory is that render's own."""
    out = subprocess.run([sys.executable, __file__, "--one", product_id, "--size", size,
                          "--spp", str(spp), "--save", str(save), "--name", name],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--spp", type=int, default=64)
    parser.add_argument("--reference-spp", type=int, default=1024)
    parser.add_argument("--products", default=",".join(PRODUCTS))
    parser.add_argument("--save", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--cycles", action="store_true",
                        help="also the time to equal noise against Cycles (bench/equal_noise.py)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    if args.one:
        print(json.dumps(render_one(args.one, (width, height), args.spp, args.save, args.name)))
        return
    mi = activate_mitsuba()
    gpu = "none lent to this machine" if not nvidia_gpu_present() else "NVIDIA GPU present"
    print(f"Mitsuba variant {mi.variant()}; GPU: {gpu}; {platform.processor() or 'cpu'}")
    products = [p for p in args.products.split(",") if p]
    frames = args.save / "photoreal"
    # the timed stills first, one after another, then the slow references
    stills = {p: in_fresh_process(p, args.size, args.spp, frames, p) for p in products}
    rows = []
    for product_id in products:
        reference = in_fresh_process(product_id, args.size, args.reference_spp, frames,
                                     f"{product_id}_reference")
        error = (np.load(frames / f"{product_id}.npy")
                 - np.load(frames / f"{product_id}_reference.npy"))
        rmse = float(np.sqrt(np.mean(error**2)) * 255)
        rows.append({"product": product_id, "size": args.size, "spp": args.spp,
                     **stills[product_id], "reference_spp": args.reference_spp,
                     "reference_seconds": reference["seconds"],
                     "rmse_vs_reference_8bit": round(rmse, 2)})
        r = rows[-1]
        print(f"{product_id:10s} {r['size']:>10s} {r['spp']:5d} spp {r['seconds']:7.1f} s "
              f"{r['peak_rss_mib']:6d} MiB  RMSE vs {args.reference_spp} spp: {rmse:5.2f}/255 "
              f"(reference {reference['seconds']:.0f} s)", flush=True)
    for npy in frames.glob("*.npy"):
        npy.unlink()
    result = {"machine": platform.node(), "gpu": gpu, "rows": rows}
    if args.cycles:
        equal_noise = args.save / "equal_noise.json"
        subprocess.run([sys.executable, str(ROOT / "bench" / "equal_noise.py"), "--out",
                        str(equal_noise)], check=True)
        result["cycles"] = json.loads(equal_noise.read_text())
    (args.save / "photoreal.json").write_text(json.dumps(result, indent=2))
    print(f"wrote {args.save / 'photoreal.json'}")


if __name__ == "__main__":
    main()
