"""AR exports: seconds and bytes of each sample product's GLB (and USDZ), and the Khronos shoe's
import -> export round trip against the size of its source files.

Each sample product is exported with its default configuration and with its personalization zone
filled ("Ada 1815"), in this process after one warm-up export, so the figures are the export
itself, not the start of Python. The shoe is imported into a temporary project first.

    .venv/bin/python bench/exports.py [--out bench/results/exports.json] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"
SHOE = (REPO.parent / "shared/testdata/external/MaterialsVariantsShoe/glTF"
        / "MaterialsVariantsShoe.gltf")
TEXT = "Ada 1815"


def _images(path: Path) -> tuple[int, int]:
    """(images, distinct images by their bytes) of a GLB."""
    import struct

    data = path.read_bytes()
    length = struct.unpack_from("<I", data, 12)[0]
    header = json.loads(data[20:20 + length])
    binary = data[20 + length + 8:]
    digests = []
    for image in header.get("images", []):
        view = header["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        digests.append(hashlib.sha256(binary[start:start + view["byteLength"]]).hexdigest())
    return len(digests), len(set(digests))


def _timed(write, product, configuration, project, path: Path, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        write(product, configuration, project, path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/exports.json")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from app.domain.configuration import TextValue, default_configuration
    from app.export.glb import export_glb
    from app.export.usdz import export_usdz
    from app.importers.gltf_variants import import_gltf_variants
    from app.project import open_project

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        out = Path(folder)
        project = open_project(PROJECT)
        cases = []
        for product_id, product in sorted(project.catalog.products.items()):
            configuration = default_configuration(product)
            cases.append((product_id, "default", project, product, configuration))
            if product.zones:
                cases.append((product_id, "personalized", project, product,
                              configuration.with_zone(product.zones[0].id, TextValue(text=TEXT))))
        if SHOE.is_file():
            import_gltf_variants(SHOE, out / "shoe_project", "shoe")
            shoe_project = open_project(out / "shoe_project")
            shoe = shoe_project.catalog.product("shoe")
            cases.append(("shoe (imported)", "default", shoe_project, shoe,
                          default_configuration(shoe)))
        for name, kind, proj, product, configuration in cases:
            glb, usdz = out / f"{product.id}.glb", out / f"{product.id}.usdz"
            export_glb(product, configuration, proj, glb)  # warm-up: models and textures loaded
            glb_s = _timed(export_glb, product, configuration, proj, glb, args.rounds)
            usdz_s = _timed(export_usdz, product, configuration, proj, usdz, args.rounds)
            images, distinct = _images(glb)
            rows.append({"product": name, "configuration": kind, "glb_s": glb_s,
                         "glb_bytes": glb.stat().st_size, "usdz_s": usdz_s,
                         "usdz_bytes": usdz.stat().st_size, "images": images,
                         "distinct_images": distinct})
    source_bytes = (sum(f.stat().st_size for f in SHOE.parent.iterdir() if f.is_file())
                    if SHOE.is_file() else None)
    print(f"{'product':18s} {'configuration':13s} {'GLB s':>6s} {'GLB MB':>7s} {'USDZ s':>7s} "
          f"{'USDZ MB':>8s} {'images':>6s} {'distinct':>8s}")
    for r in rows:
        print(f"{r['product']:18s} {r['configuration']:13s} {r['glb_s']:6.2f} "
              f"{r['glb_bytes'] / 1e6:7.2f} {r['usdz_s']:7.2f} {r['usdz_bytes'] / 1e6:8.2f} "
              f"{r['images']:6d} {r['distinct_images']:8d}")
    if source_bytes:
        print(f"shoe source files: {source_bytes / 1e6:.2f} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": platform.machine(), "rounds": args.rounds,
                                    "shoe_source_bytes": source_bytes, "rows": rows}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
