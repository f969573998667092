"""Time to equal noise, ours against Blender Cycles: for the shoe, DamagedHelmet and the mug, the
render time each renderer needs to come within the same RMSE of its own high-sample reference
(both denoised, noise measured after denoising), at the same camera and environment.

    .venv/bin/python bench/equal_noise.py [--size 960x540] [--ladder 4,8,16,32,64]
                                          [--reference-spp 1024] [--target-rmse 8BIT] [--only NAME]

Each renderer renders every step of the samples ladder and its own reference; the RMSE (8-bit
display values, over white, on the pixels the reference draws as product) is measured against
that reference. The target is ``--target-rmse``, by default the larger of the two renderers'
RMSE at the ladder's top, so that both reach it; the time to reach it is interpolated between
ladder steps (log time against log RMSE). Target from issue 14: ours in half of Cycles' time or
less. Times are of the render itself: ``render_photoreal`` for ours (all its passes, denoising
included; the model already loaded), ``bpy.ops.render.render`` for Cycles (path tracing and
denoising). Both are warm: each renderer first renders 1 sample untimed (Mitsuba compiles its
kernels and the still prepares its textures' bitmaps, which it keeps between stills; Cycles
syncs the scene, BVH and textures, kept with persistent data as a loaded scene in Blender keeps
them), and bpy's import and the file's import are not counted. Cycles runs in its
own venv (see bench/reference_cycles.py). The mug is a catalog product: Cycles renders our GLB
export of it. Writes bench/results/equal_noise.json; images in bench/results/equal_noise/.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import platform
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
EXTERNAL = REPO.parent / "shared" / "testdata" / "external"
MODELS = {
    "shoe": ["--model", str(EXTERNAL / "MaterialsVariantsShoe/glTF/MaterialsVariantsShoe.gltf")],
    "DamagedHelmet": ["--model",
                      str(EXTERNAL / "khronos/DamagedHelmet/glTF-Binary/DamagedHelmet.glb")],
    "mug": ["--product", "mug"],
}
TARGET_RATIO = 0.5


def over_white(display: np.ndarray) -> np.ndarray:
    """Straight display RGBA -> RGB over white, 0..255."""
    alpha = display[..., 3:4]
    return (display[..., :3] * alpha + (1.0 - alpha)) * 255.0


def rmse(image: np.ndarray, reference: np.ndarray, pixels: np.ndarray) -> float:
    return float(np.sqrt(np.mean((over_white(image) - over_white(reference))[pixels] ** 2)))


def ours(resolved, counts: list[int], folder: Path, name: str) -> tuple[dict[int, tuple], float]:
    """({spp: (display RGBA, seconds)}, seconds of the 1-sample warm-up) from our renderer
    (Mitsuba compiles its kernels on the first render; every render builds its scene anew,
    which its times include, from the textures' bitmaps prepared by the first)."""
    from app.photoreal.render import render_photoreal

    def render(spp: int):
        return render_photoreal(resolved.scene, resolved.assets, size=resolved.size, spp=spp,
                                camera=resolved.camera, transparent=True)

    warm_up = render(1).seconds
    return {spp: (image.display.astype(np.float64), image.seconds)
            for spp, image in ((spp, render(spp)) for spp in counts)}, warm_up


def cycles(resolved, counts: list[int], folder: Path,
           name: str) -> tuple[dict[int, tuple], float]:
    """({spp: (display RGBA, seconds)}, seconds of the warm-up) from Cycles: one Blender
    session, the scene synced (BVH, textures) by a 1-sample render, then each count with
    persistent data."""
    from bench.reference_cycles import cycles_job, display_rgba, read_exr, run_cycles

    exrs = {spp: folder / f"{name}_cycles_{spp}.exr" for spp in counts}
    job = cycles_job(resolved, spp=counts[-1], exr=exrs[counts[-1]])
    job["ladder"] = [[spp, str(exrs[spp])] for spp in counts]
    _, stats = run_cycles(job)
    seconds = {r["spp"]: r["render_s"] for r in stats["renders"]}
    return ({spp: (display_rgba(read_exr(exrs[spp])), seconds[spp]) for spp in counts},
            seconds[0])


def time_to(target: float, steps: list[dict]) -> float | None:
    """Seconds to reach RMSE ``target``, interpolated in log-log between ladder steps."""
    for before, after in zip(steps, steps[1:], strict=False):
        if before["rmse"] <= target:
            return before["seconds"]
        if after["rmse"] <= target:
            x0, x1 = math.log(before["rmse"]), math.log(max(after["rmse"], 1e-9))
            y0, y1 = math.log(before["seconds"]), math.log(after["seconds"])
            share = (math.log(target) - x0) / (x1 - x0) if x1 != x0 else 1.0
            return math.exp(y0 + share * (y1 - y0))
    return steps[0]["seconds"] if steps and steps[0]["rmse"] <= target else None


def measure(name: str, source: list[str], size, ladder, reference_spp, folder: Path) -> dict:
    from bench.reference_cycles import resolve, save_png

    with contextlib.redirect_stderr(io.StringIO()):
        resolved = resolve(source, size, export_dir=folder / "exports")
    result = {"model": name, "cycles_reads": "our GLB export" if resolved.exported
              else "the model file"}
    for renderer, render in (("ours", ours), ("cycles", cycles)):
        images, warm_up_s = render(resolved, [*ladder, reference_spp], folder, name)
        reference, reference_s = images[reference_spp]
        save_png(reference, folder / f"{name}_{renderer}_reference.png")
        pixels = reference[..., 3] > 0.5
        steps = []
        for spp in ladder:
            image, seconds = images[spp]
            save_png(image, folder / f"{name}_{renderer}_{spp}.png")
            steps.append({"spp": spp, "seconds": round(seconds, 2),
                          "rmse": round(rmse(image, reference, pixels), 3)})
            print(f"  {name:14s} {renderer:6s} {spp:5d} spp {seconds:7.1f} s  "
                  f"RMSE {steps[-1]['rmse']:6.2f}/255", flush=True)
        result[renderer] = {"reference_spp": reference_spp, "reference_s": round(reference_s, 1),
                            "warm_up_1spp_s": round(warm_up_s, 2), "steps": steps}
    for exr in [*folder.glob(f"{name}_cycles_*.exr"), folder / "warm_up.exr"]:
        exr.unlink(missing_ok=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="960x540")
    parser.add_argument("--ladder", default="4,8,16,32,64")
    parser.add_argument("--reference-spp", type=int, default=1024)
    parser.add_argument("--target-rmse", type=float, default=None)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/equal_noise.json")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    ladder = sorted(int(v) for v in args.ladder.split(","))
    folder = args.out.parent / "equal_noise"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, source in MODELS.items():
        if args.only and name not in args.only:
            continue
        row = measure(name, source, size, ladder, args.reference_spp, folder)
        target = args.target_rmse or max(row["ours"]["steps"][-1]["rmse"],
                                         row["cycles"]["steps"][-1]["rmse"])
        times = {r: time_to(target, row[r]["steps"]) for r in ("ours", "cycles")}
        ratio = (times["ours"] / times["cycles"]
                 if times["ours"] and times["cycles"] else None)
        row.update(target_rmse=round(target, 3), ours_s=times["ours"], cycles_s=times["cycles"],
                   ratio=ratio, meets_target=ratio is not None and ratio <= TARGET_RATIO)
        rows.append(row)

    print(f"\n{'model':14s} {'RMSE target':>11s} {'ours':>8s} {'Cycles':>8s} {'ratio':>6s}"
          "  (Cycles warm; its first render also syncs the scene: 1-spp warm-up in brackets)")
    for row in rows:
        def seconds(value):
            return f"{value:7.1f}s" if value else "    n/a "
        ratio = f"{row['ratio']:6.2f}" if row["ratio"] else "   n/a"
        export = row["cycles_reads"] != "the model file"
        print(f"{row['model']:14s} {row['target_rmse']:8.2f}/255 {seconds(row['ours_s'])} "
              f"{seconds(row['cycles_s'])} {ratio}  "
              f"{'ok' if row['meets_target'] else 'MISS'} (target <= {TARGET_RATIO})"
              f"  [Cycles 1 spp + sync {row['cycles']['warm_up_1spp_s']:.1f}s]"
              f"{'  Cycles reads our GLB export' if export else ''}")
    args.out.write_text(json.dumps({"size": args.size, "ladder": ladder,
                                    "reference_spp": args.reference_spp, "rows": rows,
                                    "cores": os.cpu_count(),
                                    "python": platform.python_version()}, indent=2) + "\n")
    print(f"wrote {args.out} and the images in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
