"""Load and first-frame time at 1280x720 off-screen, and peak memory, per sample product and
external model; the AR budget (triangles, texture size) of each sample product.

Each case runs in a fresh process so that caches and memory do not carry over.

    .venv/bin/python bench/first_frame.py [--out bench/results/first_frame.json] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"  # the built-in project folder
EXTERNAL = REPO.parent / "shared" / "testdata" / "external"
SIZE = (1280, 720)

PRODUCTS = ("mug", "guitar", "golf_cart", "watch")
CASES = {
    **{f"{product} (product)": None for product in PRODUCTS},
    "Avocado": "Avocado/glTF/Avocado.gltf",
    "WaterBottle": "WaterBottle/glTF/WaterBottle.gltf",
    "MaterialsVariantsShoe": "MaterialsVariantsShoe/glTF/MaterialsVariantsShoe.gltf",
    "GlassHurricaneCandleHolder": "GlassHurricaneCandleHolder/glTF-Binary/"
                                  "GlassHurricaneCandleHolder.glb",
    "fuze.obj": "FuzeBottle_OBJ_PLY/fuze.obj",
    "fuze.ply": "FuzeBottle_OBJ_PLY/fuze.ply",
    "featuretype.STL": "FeatureType_STL/featuretype.STL",
    "teapot.stl": "FeatureType_STL/teapot.stl",
    "plate_8in_col.obj": "TRI_Plate8in_OBJ/plate_8in_col.obj",
}


def run_case(name: str) -> dict:
    """Measure one case in this process."""
    sys.path.insert(0, str(REPO))
    from app.assets.store import AssetStore
    from app.domain.configuration import default_configuration
    from app.project import open_project
    from app.scene.environment import studio_environment
    from app.scene.model_scene import model_scene
    from app.scene.resolve import resolve_scene
    from app.viewport.still import render_still

    start = time.perf_counter()
    budget = {}
    if CASES[name] is None:
        project = open_project(PROJECT)
        product = project.catalog.product(name.split(" ")[0])
        scene = resolve_scene(product, default_configuration(product), project.scene_context())
        store = project.assets
        triangles = sum(len(store.mesh(d.geometry).faces) for d in scene.drawables if d.visible)
        budget = product_budget(project, product, scene)
    else:
        path = EXTERNAL / CASES[name]
        store = AssetStore(allowed_roots=[path.parent])
        scene = model_scene(path, store, studio_environment(PROJECT), aspect=SIZE[0] / SIZE[1])
        triangles = sum(len(store.mesh(d.geometry).faces) for d in scene.drawables)
    loaded = time.perf_counter()
    image = render_still(scene, store, size=SIZE, supersample=1)
    rendered = time.perf_counter()
    assert image.size == SIZE
    return {
        "case": name,
        **budget,
        "triangles": triangles,
        "load_s": round(loaded - start, 3),
        "first_frame_s": round(rendered - loaded, 3),
        "total_s": round(rendered - start, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def product_budget(project, product, scene) -> dict:
    """AR budgets: triangles of every part of the model (all options), and the largest texture
    any material of the product may use."""
    from PIL import Image

    all_triangles = sum(len(project.assets.mesh(d.geometry).faces) for d in scene.drawables)
    material_ids = {p.material for p in product.parts}
    material_ids |= {g.material for g in product.options if g.material}
    material_ids |= {c.material for g in product.options for c in g.choices if c.material}
    largest = 0
    for material_id in material_ids:
        material = project.catalog.materials[material_id]
        folder = Path(material.source).parent
        for texture in material.textures.model_dump().values():
            if texture:
                with Image.open(folder / texture) as image:
                    largest = max(largest, *image.size)
    return {"all_parts_triangles": all_triangles, "largest_texture_px": largest}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" /
                        "first_frame.json")
    parser.add_argument("--only", choices=sorted(CASES))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_case(args.one)))
        return 0
    rows = []
    for name in [args.only] if args.only else list(CASES):
        done = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True,
                              text=True, cwd=REPO)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            rows.append({"case": name, "error": done.stderr.strip().splitlines()[-1]})
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    header = f"{'case':30} {'triangles':>9} {'load s':>7} {'frame s':>8} {'total s':>8} " \
             f"{'peak MB':>8}"
    print(f"first frame at {SIZE[0]}x{SIZE[1]}, off-screen, {platform.processor() or 'cpu'}, "
          f"{os.cpu_count()} cores")
    print(header)
    print("-" * len(header))
    for r in rows:
        if "error" in r:
            print(f"{r['case']:30} error: {r['error']}")
            continue
        print(f"{r['case']:30} {r['triangles']:>9} {r['load_s']:>7.2f} {r['first_frame_s']:>8.2f}"
              f" {r['total_s']:>8.2f} {r['peak_rss_mb']:>8.0f}")
    print()
    print("AR budget of each product (limits: 150,000 triangles, 2048 px textures)")
    print(f"{'product':30} {'visible tris':>12} {'all parts':>10} {'texture px':>10}")
    for r in rows:
        if "all_parts_triangles" in r:
            within = r["all_parts_triangles"] < 150_000 and r["largest_texture_px"] <= 2048
            print(f"{r['case']:30} {r['triangles']:>12} {r['all_parts_triangles']:>10} "
                  f"{r['largest_texture_px']:>10}  {'within' if within else 'OVER'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"size": SIZE, "cores": os.cpu_count(), "results": rows},
                                   indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0 if all("error" not in r for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
