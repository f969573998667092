"""Live view against photoreal still, on the pixels both draw as product: for every Khronos
sample model, the shared external models, the models Blender's exporters wrote
(tests/assets/blender) and the sample catalog, at 480x360 with a transparent
background. Silhouette IoU (alpha > 0.5) and CIEDE2000 (mean and 90th percentile) over the
pixels that are product in both.

    .venv/bin/python bench/fidelity.py [--spp 64] [--only NAME ...] [--out FILE.json]
                                       [--size 480x360] [--cycles] [--live-only]

Targets: IoU >= 0.97 and mean CIEDE2000 <= 5; where the live view approximates the material
(sheen, transmission, volume, iridescence): IoU >= 0.95 and mean <= 10. The images are kept in
bench/results/fidelity/ to look at. The stills take the samples ``app render --photoreal`` takes
by default (64), the still a customer is given; Cycles the same.

``--cycles`` adds a second comparison: our still against Blender Cycles (bench/reference_cycles.py,
bpy in its own venv, bench/.venv-cycles) at the same camera, environment, samples and tone
curve, the same figures on the same kind of pixels; target IoU >= 0.99 and mean CIEDE2000 <= 3
(iridescence measured but excepted: Mitsuba's principled BSDF has no thin film, ours is a layer
of our own, and Blender's film over a metal is another model than glTF's). Blender imports a model
file itself; a catalog product's materials are in no file Blender reads, so Cycles renders our
GLB export of it (marked "via export": our exporter is then part of what is measured). Each
model's live, photoreal and Cycles images are also put side by side in one PNG
(``*_live_photoreal_cycles.png``).

``--live-only`` draws the live view again and compares it with the stills an earlier run left
in the images folder, updating only the live view's figures in the results file (its stills'
and Cycles' figures stay as that run measured them): for a change to the live view alone.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
EXTERNAL = REPO.parent / "shared" / "testdata" / "external"
SIZE = "480x360"
SPP = 64  # app render --photoreal's default (app.photoreal.render.render_photoreal's)
IRIDESCENT = "KHR_materials_iridescence"
APPROXIMATED = ("KHR_materials_sheen", "KHR_materials_transmission", "KHR_materials_volume",
                "KHR_materials_iridescence")
PRODUCTS = ("mug", "guitar", "watch", "golf_cart")
EXTERNAL_MODELS = (
    "Avocado/glTF/Avocado.gltf",
    "WaterBottle/glTF/WaterBottle.gltf",
    "MaterialsVariantsShoe/glTF/MaterialsVariantsShoe.gltf",
    "GlassHurricaneCandleHolder/glTF-Binary/GlassHurricaneCandleHolder.glb",
    "FuzeBottle_OBJ_PLY/fuze.obj",
    "FeatureType_STL/featuretype.STL",
    "TRI_Plate8in_OBJ/plate_8in_col.obj",
)
BLENDER = REPO / "tests" / "assets" / "blender"  # written by bench/blender_exports.py
BLENDER_MODELS = ("textured.glb", "textured_draco.glb", "textured_webp.glb", "morph.glb",
                  "skinned.glb", "maps/cube.glb", "maps/cube.obj")


def khronos_models() -> dict[str, Path]:
    found = {}
    for folder in sorted((EXTERNAL / "khronos").iterdir()):
        for variant in ("glTF-Binary", "glTF", "glTF-Draco"):
            files = sorted((folder / variant).glob("*.gl*")) if (folder / variant).is_dir() else []
            if files:
                found[folder.name] = files[0]
                break
    quantized = EXTERNAL / "khronos/Avocado/glTF-Quantized/Avocado.gltf"
    if quantized.is_file():  # KHR_mesh_quantization, beside the Draco one
        found["Avocado/glTF-Quantized"] = quantized
    return found


def cases() -> dict[str, list[str]]:
    out = {f"{p} (product)": ["--product", p] for p in PRODUCTS}
    for path in EXTERNAL_MODELS:
        out[Path(path).stem] = ["--model", str(EXTERNAL / path)]
    for name, path in khronos_models().items():
        out[f"khronos/{name}"] = ["--model", str(path)]
    for path in BLENDER_MODELS:
        out[f"blender/{path}"] = ["--model", str(BLENDER / path)]
    return out


def approximated(source: list[str], names: tuple[str, ...] = APPROXIMATED) -> bool:
    if source[0] != "--model" or not source[1].lower().endswith((".gltf", ".glb")):
        return False
    data = Path(source[1]).read_bytes()
    return any(name.encode() in data for name in names)


def render(source: list[str], out: Path, *extra: str,
           size: str = SIZE) -> tuple[float, str | None]:
    from app.cli import main

    started = time.perf_counter()
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        try:
            code = main(["render", *source, "--out", str(out), "--size", size, "--transparent",
                         *extra])
        except SystemExit as exit_:
            code = exit_.code
    error = None if code == 0 else (stderr.getvalue().strip().splitlines() or ["failed"])[-1]
    return time.perf_counter() - started, error


def compare(live: Path, still: Path) -> dict:
    import colour

    a = np.asarray(Image.open(live).convert("RGBA"), dtype=np.float64)
    b = np.asarray(Image.open(still).convert("RGBA"), dtype=np.float64)
    mask_a, mask_b = a[..., 3] > 127, b[..., 3] > 127
    union = (mask_a | mask_b).sum()
    both = mask_a & mask_b
    result = {"iou": float(both.sum() / union) if union else 0.0,
              "live_coverage": float(mask_a.mean()), "still_coverage": float(mask_b.mean())}
    if both.any():
        lab = [colour.XYZ_to_Lab(colour.sRGB_to_XYZ(image[..., :3][both] / 255.0))
               for image in (a, b)]
        delta = colour.delta_E(lab[0], lab[1], method="CIE 2000")
        result.update(mean_de=float(np.mean(delta)), p90_de=float(np.percentile(delta, 90)))
    return result


def cycles_comparison(source: list[str], still: Path, out: Path, *, spp: int,
                      size: str) -> dict:
    """Our still against Cycles' at the same camera and samples: the figures of ``compare``
    with a ``cycles_`` prefix (``cycles_error`` when Cycles could not draw it)."""
    from bench.reference_cycles import render_cycles_png, resolve

    width, height = (int(v) for v in size.split("x"))
    try:
        # the model's warnings were printed (and dropped) with our own render of it
        with contextlib.redirect_stderr(io.StringIO()):
            resolved = resolve(source, (width, height), export_dir=out.parent / "exports")
        stats = render_cycles_png(resolved, out, spp=spp)
    except (RuntimeError, SystemExit, OSError) as error:
        return {"cycles_error": (str(error).strip().splitlines() or ["failed"])[-1]}
    figures = compare(still, out)
    row = {f"cycles_{key}": value for key, value in figures.items()
           if key not in ("live_coverage", "still_coverage")}
    row.update(cycles_coverage=figures["still_coverage"], cycles_s=round(stats["wall_s"], 1),
               cycles_error=None, iridescent=approximated(source, (IRIDESCENT,)),
               cycles_reads="our GLB export" if resolved.exported else "the model file")
    row["cycles_meets_target"] = row["iridescent"] or (
        row["cycles_iou"] >= 0.99 and row.get("cycles_mean_de", 99.0) <= 3.0)
    return row


def side_by_side(paths: list[Path], out: Path) -> None:
    """The images in a row over white, to look at."""
    images = [Image.open(p).convert("RGBA") for p in paths if p.is_file()]
    if not images:
        return
    row = Image.new("RGBA", (sum(i.width for i in images), max(i.height for i in images)),
                    (255, 255, 255, 255))
    x = 0
    for image in images:
        row.alpha_composite(image, (x, 0))
        x += image.width
    row.convert("RGB").save(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spp", type=int, default=SPP)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/fidelity.json")
    parser.add_argument("--size", default=SIZE, help="WxH (default %(default)s)")
    parser.add_argument("--cycles", action="store_true",
                        help="also compare the still with Blender Cycles' (bpy venv)")
    parser.add_argument("--live-only", action="store_true",
                        help="only the live view again, against the last run's stills")
    args = parser.parse_args()
    if args.live_only:
        return live_only(args)
    images = args.out.parent / "fidelity"
    images.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, source in cases().items():
        if args.only and not any(o in name for o in args.only):
            continue
        stem = name.replace("/", "_").replace(" ", "_")
        live, still = images / f"{stem}_live.png", images / f"{stem}_photoreal.png"
        live_s, live_error = render(source, live, size=args.size)
        still_s, still_error = render(source, still, "--photoreal", "--spp", str(args.spp),
                                      size=args.size)
        row = {"case": name, "approximated": approximated(source), "live_s": round(live_s, 1),
               "photoreal_s": round(still_s, 1), "error": live_error or still_error}
        if row["error"] is None:
            row.update(compare(live, still))
            iou_target, de_target = (0.95, 10.0) if row["approximated"] else (0.97, 5.0)
            row["meets_target"] = row["iou"] >= iou_target and \
                row.get("mean_de", 99.0) <= de_target
            if args.cycles:
                cycles = images / f"{stem}_cycles.png"
                row.update(cycles_comparison(source, still, cycles, spp=args.spp,
                                             size=args.size))
                side_by_side([live, still, cycles], images / f"{stem}_live_photoreal_cycles.png")
        rows.append(row)
        print(_line(row), flush=True)
    met = sum(1 for r in rows if r.get("meets_target"))
    print(f"\n{met} of {len(rows)} meet their target; {sum(1 for r in rows if r['error'])} "
          f"not rendered; {os.cpu_count()} cores, {args.spp} spp, {args.size}")
    if args.cycles:
        compared = [r for r in rows if r.get("cycles_error") is None and "cycles_iou" in r]
        met = sum(1 for r in compared if r["cycles_meets_target"])
        print(f"photoreal vs Cycles: {met} of {len(compared)} meet IoU >= 0.99 and mean dE <= 3"
              f" (iridescence excepted); {len(rows) - len(compared)} not compared")
    args.out.write_text(json.dumps({"size": args.size, "spp": args.spp, "rows": rows,
                                    "python": platform.python_version()}, indent=2) + "\n")
    print(f"wrote {args.out} and the images in {images}")
    return 0


def live_only(args) -> int:
    """The live view drawn again and compared with the stills of the run in ``args.out``."""
    images = args.out.parent / "fidelity"
    kept = json.loads(args.out.read_text())
    for row in kept["rows"]:
        if args.only and not any(o in row["case"] for o in args.only):
            continue
        stem = row["case"].replace("/", "_").replace(" ", "_")
        live, still = images / f"{stem}_live.png", images / f"{stem}_photoreal.png"
        if row["error"] or not still.is_file():
            print(f"{row['case'][:34]:34} skipped: no still of the last run", flush=True)
            continue
        live_s, error = render(cases()[row["case"]], live, size=kept["size"])
        row.update(live_s=round(live_s, 1), error=error)
        if error is None:
            row.update(compare(live, still))
            iou_target, de_target = (0.95, 10.0) if row["approximated"] else (0.97, 5.0)
            row["meets_target"] = row["iou"] >= iou_target and \
                row.get("mean_de", 99.0) <= de_target
        print(_line(row), flush=True)
    met = sum(1 for r in kept["rows"] if r.get("meets_target"))
    print(f"\n{met} of {len(kept['rows'])} meet their target (live view drawn again)")
    args.out.write_text(json.dumps(kept, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


def _line(row: dict) -> str:
    name = f"{row['case'][:34]:34}"
    if row["error"]:
        return f"{name} error: {row['error'][:90]}"
    mark = "ok" if row["meets_target"] else "MISS"
    line = (f"{name} IoU {row['iou']:.3f}  dE mean {row.get('mean_de', float('nan')):5.1f} "
            f"p90 {row.get('p90_de', float('nan')):5.1f}  {row['live_s']:5.1f}s/"
            f"{row['photoreal_s']:5.1f}s  {'approx ' if row['approximated'] else ''}{mark}")
    if "cycles_error" not in row:
        return line
    if row["cycles_error"]:
        return f"{line}  | Cycles: {row['cycles_error'][:60]}"
    mark = "ok" if row["cycles_meets_target"] else "MISS"
    return (f"{line}  | vs Cycles IoU {row['cycles_iou']:.3f}  dE mean "
            f"{row.get('cycles_mean_de', float('nan')):5.1f} p90 "
            f"{row.get('cycles_p90_de', float('nan')):5.1f}  {row['cycles_s']:5.1f}s  "
            f"{'irid ' if row['iridescent'] else ''}"
            f"{'via export ' if row['cycles_reads'] != 'the model file' else ''}{mark}")


if __name__ == "__main__":
    sys.exit(main())
