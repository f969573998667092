"""Live view against photoreal still, on the pixels both draw as product: for every Khronos
sample model, the shared external models and the sample catalog, at 480x360 with a transparent
background. Silhouette IoU (alpha > 0.5) and CIEDE2000 (mean and 90th percentile) over the
pixels that are product in both.

    .venv/bin/python bench/fidelity.py [--spp 16] [--only NAME ...] [--out FILE.json]

Targets: IoU >= 0.97 and mean CIEDE2000 <= 5; where the live view approximates the material
(sheen, transmission, volume, iridescence): IoU >= 0.95 and mean <= 10. The images are kept in
bench/results/fidelity/ to look at.
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


def khronos_models() -> dict[str, Path]:
    found = {}
    for folder in sorted((EXTERNAL / "khronos").iterdir()):
        for variant in ("glTF-Binary", "glTF", "glTF-Draco"):
            files = sorted((folder / variant).glob("*.gl*")) if (folder / variant).is_dir() else []
            if files:
                found[folder.name] = files[0]
                break
    return found


def cases() -> dict[str, list[str]]:
    out = {f"{p} (product)": ["--product", p] for p in PRODUCTS}
    for path in EXTERNAL_MODELS:
        out[Path(path).stem] = ["--model", str(EXTERNAL / path)]
    for name, path in khronos_models().items():
        out[f"khronos/{name}"] = ["--model", str(path)]
    return out


def approximated(source: list[str]) -> bool:
    if source[0] != "--model" or not source[1].lower().endswith((".gltf", ".glb")):
        return False
    data = Path(source[1]).read_bytes()
    return any(name.encode() in data for name in APPROXIMATED)


def render(source: list[str], out: Path, *extra: str) -> tuple[float, str | None]:
    from app.cli import main

    started = time.perf_counter()
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        try:
            code = main(["render", *source, "--out", str(out), "--size", SIZE, "--transparent",
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spp", type=int, default=16)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/fidelity.json")
    args = parser.parse_args()
    images = args.out.parent / "fidelity"
    images.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, source in cases().items():
        if args.only and not any(o in name for o in args.only):
            continue
        stem = name.replace("/", "_").replace(" ", "_")
        live, still = images / f"{stem}_live.png", images / f"{stem}_photoreal.png"
        live_s, live_error = render(source, live)
        still_s, still_error = render(source, still, "--photoreal", "--spp", str(args.spp))
        row = {"case": name, "approximated": approximated(source), "live_s": round(live_s, 1),
               "photoreal_s": round(still_s, 1), "error": live_error or still_error}
        if row["error"] is None:
            row.update(compare(live, still))
            iou_target, de_target = (0.95, 10.0) if row["approximated"] else (0.97, 5.0)
            row["meets_target"] = row["iou"] >= iou_target and \
                row.get("mean_de", 99.0) <= de_target
        rows.append(row)
        print(_line(row), flush=True)
    met = sum(1 for r in rows if r.get("meets_target"))
    print(f"\n{met} of {len(rows)} meet their target; {sum(1 for r in rows if r['error'])} "
          f"not rendered; {os.cpu_count()} cores, {args.spp} spp")
    args.out.write_text(json.dumps({"size": SIZE, "spp": args.spp, "rows": rows,
                                    "python": platform.python_version()}, indent=2) + "\n")
    print(f"wrote {args.out} and the images in {images}")
    return 0


def _line(row: dict) -> str:
    name = f"{row['case'][:34]:34}"
    if row["error"]:
        return f"{name} error: {row['error'][:90]}"
    mark = "ok" if row["meets_target"] else "MISS"
    return (f"{name} IoU {row['iou']:.3f}  dE mean {row.get('mean_de', float('nan')):5.1f} "
            f"p90 {row.get('p90_de', float('nan')):5.1f}  {row['live_s']:5.1f}s/"
            f"{row['photoreal_s']:5.1f}s  {'approx ' if row['approximated'] else ''}{mark}")


if __name__ == "__main__":
    sys.exit(main())
