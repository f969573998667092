"""Load and first-frame time at 1280x720 off-screen, and peak memory, per sample product and
external model, and per heavy model made here (a designer's 8k textures, a dense CAD export, a
Blender PLY of mixed faces, a CAD assembly of 8,000 placed bolts, one of 3,000 bolts with a
material each, 240 materials that differ in their factors); the AR budget (triangles,
texture size) of each sample product.

Each case runs in a fresh process so that caches and memory do not carry over. The heavy models
are written once into bench/results/generated/.

    .venv/bin/python bench/first_frame.py [--out bench/results/first_frame.json] [--only NAME]
"""

from __future__ import annotations

import argparse
import base64
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
GENERATED = REPO / "bench" / "results" / "generated"
HEAVY = {  # name: (file in GENERATED, the function that writes it)
    "3 textures 7900 px (made)": ("textures_7900/quad.gltf", "write_large_textures"),
    "sphere STL 327,680 tris (made)": ("sphere.stl", "write_dense_stl"),
    "PLY 500,000 quads and triangles (made)": ("mixed_faces.ply", "write_mixed_ply"),
    "assembly of 8,000 placed bolts (made)": ("assembly/bolts.gltf", "write_assembly"),
    "3,000 bolts, a material each (made)": ("parts/bolts.gltf", "write_parts_assembly"),
    "240 materials of different factors (made)": ("materials/spheres.gltf",
                                                  "write_many_materials"),
}
CASES.update({name: None for name in HEAVY})


def embedded_buffer(*arrays) -> dict:
    """glTF's buffers, bufferViews and accessors for numpy ``arrays`` (float32 rows of 2 or 3,
    or uint16/uint32 indices), one after another in one base64 buffer, accessor ``i`` reading
    ``arrays[i]``; a float accessor of 3 has the min and max glTF asks of POSITION."""
    import numpy as np

    components = {np.dtype(np.float32): 5126, np.dtype(np.uint16): 5123,
                  np.dtype(np.uint32): 5125}
    views, accessors, offset = [], [], 0
    for index, array in enumerate(arrays):
        views.append({"buffer": 0, "byteOffset": offset, "byteLength": array.nbytes})
        accessor = {"bufferView": index, "componentType": components[array.dtype],
                    "count": len(array),
                    "type": "SCALAR" if array.ndim == 1 else f"VEC{array.shape[1]}"}
        if array.ndim == 2 and array.shape[1] == 3:
            accessor.update(min=array.min(axis=0).tolist(), max=array.max(axis=0).tolist())
        accessors.append(accessor)
        offset += array.nbytes
    blob = b"".join(array.tobytes() for array in arrays)
    return {"buffers": [{"byteLength": len(blob), "uri": "data:application/octet-stream;base64,"
                         + base64.b64encode(blob).decode()}],
            "bufferViews": views, "accessors": accessors}


def write_large_textures(path: Path, side: int = 7900) -> None:
    """A quad whose base colour, metal-roughness and normal textures are ``side`` pixels a
    side (62 megapixels each at 7900)."""
    import numpy as np
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    ramp = np.linspace(0, 255, side, dtype=np.float32)
    for name, channels in (("base", (ramp, ramp[::-1], 128)), ("orm", (255, ramp, 0)),
                           ("normal", (128, 128, 255))):
        pixels = np.empty((side, side, 3), np.uint8)
        for c, value in enumerate(channels):
            pixels[..., c] = value if np.ndim(value) == 0 else value[None, :]
        Image.fromarray(pixels).save(path.parent / f"{name}.png", compress_level=1)
    quad = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], np.float32)
    uv = np.array([[0, 1], [1, 1], [1, 0], [0, 0]], np.float32)
    indices = np.array([0, 1, 2, 0, 2, 3], np.uint16)
    header = {
        "asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_0": 1},
                                    "indices": 2, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0},
                                                "metallicRoughnessTexture": {"index": 1}},
                       "normalTexture": {"index": 2}}],
        "textures": [{"source": i} for i in range(3)],
        "images": [{"uri": f"{n}.png"} for n in ("base", "orm", "normal")],
        **embedded_buffer(quad, uv, indices),
    }
    path.write_text(json.dumps(header))


def write_dense_stl(path: Path) -> None:
    """A smooth sphere of 327,680 triangles as a binary STL (three vertices of its own per
    triangle, as a CAD export writes it)."""
    import trimesh

    path.parent.mkdir(parents=True, exist_ok=True)
    trimesh.creation.icosphere(subdivisions=7).export(path)


def write_mixed_ply(path: Path, faces: int = 500_000) -> None:
    """A binary PLY of a grid whose cells are quads and pairs of triangles by turns (faces of
    different sizes, as Blender's exporter writes a mesh of quads and triangles): ``faces``
    faces."""
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    cells = 2 * faces // 3  # a third of the cells quads, the rest two triangles each
    side = int(np.ceil(np.sqrt(cells))) + 1
    u, v = np.meshgrid(np.arange(side, dtype=np.float32), np.arange(side, dtype=np.float32))
    vertices = np.column_stack([u.ravel(), v.ravel(), np.zeros(side * side, np.float32)])
    corner = (np.arange(side - 1)[None, :] + side * np.arange(side - 1)[:, None]).ravel()
    corner = corner[:cells]
    cell = np.column_stack([corner, corner + 1, corner + side + 1, corner + side])
    quads, split = cell[0::2][:faces // 3], cell[1::2]
    quad_rows = np.zeros(len(quads), [("n", "u1"), ("i", "<i4", 4)])
    quad_rows["n"], quad_rows["i"] = 4, quads
    triangles = np.concatenate([split[:, [0, 1, 2]], split[:, [0, 2, 3]]])
    tri_rows = np.zeros(len(triangles), [("n", "u1"), ("i", "<i4", 3)])
    tri_rows["n"], tri_rows["i"] = 3, triangles
    header = ("ply\nformat binary_little_endian 1.0\n"
              f"element vertex {len(vertices)}\nproperty float x\nproperty float y\n"
              f"property float z\nelement face {len(quad_rows) + len(tri_rows)}\n"
              "property list uchar int vertex_indices\nend_header\n")
    path.write_bytes(header.encode() + vertices.astype("<f4").tobytes() + quad_rows.tobytes()
                     + tri_rows.tobytes())


def write_assembly(path: Path, count: int = 8000, materials: int = 3) -> None:
    """A glTF of ``count`` nodes each placing a bolt (a 16-sided cylinder, one mesh per
    material of ``materials``) on a grid, as a CAD export writes an assembly."""
    import numpy as np
    import trimesh

    path.parent.mkdir(parents=True, exist_ok=True)
    bolt = trimesh.creation.cylinder(radius=0.004, height=0.02, sections=16)
    positions = np.asarray(bolt.vertices, np.float32)
    indices = np.asarray(bolt.faces, np.uint32).ravel()
    side = int(np.ceil(np.sqrt(count)))
    header = {
        "asset": {"version": "2.0"}, "scene": 0,
        "scenes": [{"nodes": list(range(count))}],
        "nodes": [{"name": f"bolt{i}", "mesh": i % materials,
                   "translation": [0.012 * (i % side), 0.012 * (i // side), 0.0]}
                  for i in range(count)],
        "meshes": [{"name": f"bolt_{m}", "primitives": [
            {"attributes": {"POSITION": 0}, "indices": 1, "material": m}]}
            for m in range(materials)],
        "materials": [{"name": f"steel{m}", "pbrMetallicRoughness": {
            "baseColorFactor": [0.6 + 0.1 * (m % 4), 0.6, 0.6, 1.0], "metallicFactor": 1.0,
            "roughnessFactor": 0.3}} for m in range(materials)],
        **embedded_buffer(positions, indices),
    }
    path.write_text(json.dumps(header))


def write_parts_assembly(path: Path) -> None:
    """3,000 placed bolts, each of a material of its own (a CAD export that names a material
    per part): as many parts as nodes, none joined with another."""
    write_assembly(path, count=3000, materials=3000)


def write_many_materials(path: Path, count: int = 240) -> None:
    """A glTF of ``count`` spheres, each of a material of its own whose factors differ from
    every other's: by turns a glass of its own roughness, an alpha MASK of its own cutoff, a
    specular colour and a thin film of its own thickness (as a configurator's swatch board,
    or a model exported with a material per part)."""
    import numpy as np
    import trimesh

    path.parent.mkdir(parents=True, exist_ok=True)
    sphere = trimesh.creation.icosphere(subdivisions=2, radius=0.04)
    positions = np.asarray(sphere.vertices, np.float32)
    normals = np.asarray(sphere.vertex_normals, np.float32)
    indices = np.asarray(sphere.faces, np.uint32).ravel()
    side = int(np.ceil(np.sqrt(count)))

    def material(i: int) -> dict:
        t = (i + 1) / (count + 1)
        base = {"pbrMetallicRoughness": {"baseColorFactor": [0.8, 0.5, 0.3, 0.6],
                                         "metallicFactor": 0.0, "roughnessFactor": 0.4}}
        kind = i % 4
        if kind == 0:
            base["pbrMetallicRoughness"]["roughnessFactor"] = 0.3 * t
            base["extensions"] = {"KHR_materials_transmission": {"transmissionFactor": 1.0}}
        elif kind == 1:
            base.update(alphaMode="MASK", alphaCutoff=0.2 + 0.6 * t)
        elif kind == 2:
            base["extensions"] = {"KHR_materials_specular": {
                "specularFactor": 0.5 + 0.5 * t, "specularColorFactor": [1.0, t, 1.0 - t]}}
        else:
            base["extensions"] = {"KHR_materials_iridescence": {
                "iridescenceFactor": 1.0, "iridescenceThicknessMaximum": 200 + 600 * t}}
        return base

    header = {
        "asset": {"version": "2.0"}, "scene": 0,
        "extensionsUsed": ["KHR_materials_transmission", "KHR_materials_specular",
                           "KHR_materials_iridescence"],
        "scenes": [{"nodes": list(range(count))}],
        "nodes": [{"name": f"sphere{i}", "mesh": i,
                   "translation": [0.1 * (i % side), 0.1 * (i // side), 0.0]}
                  for i in range(count)],
        "meshes": [{"name": f"sphere_{i}", "primitives": [
            {"attributes": {"POSITION": 0, "NORMAL": 1}, "indices": 2, "material": i}]}
            for i in range(count)],
        "materials": [{"name": f"swatch{i}", **material(i)} for i in range(count)],
        **embedded_buffer(positions, normals, indices),
    }
    path.write_text(json.dumps(header))


def heavy_model(name: str) -> Path:
    """The heavy model ``name`` (written first if it is not there yet)."""
    file, writer = HEAVY[name]
    path = GENERATED / file
    if not path.is_file():
        globals()[writer](path)
    return path


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
    if name in HEAVY:
        path = GENERATED / HEAVY[name][0]  # written by main() before it is timed
        store = AssetStore(allowed_roots=[path.parent])
        scene = model_scene(path, store, studio_environment(PROJECT), aspect=SIZE[0] / SIZE[1])
        triangles = sum(len(store.mesh(d.geometry).faces) for d in scene.drawables)
    elif CASES[name] is None:
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
        if name in HEAVY:
            heavy_model(name)
        done = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True,
                              text=True, cwd=REPO)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            rows.append({"case": name, "error": done.stderr.strip().splitlines()[-1]})
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    header = f"{'case':40} {'triangles':>9} {'load s':>7} {'frame s':>8} {'total s':>8} " \
             f"{'peak MB':>8}"
    print(f"first frame at {SIZE[0]}x{SIZE[1]}, off-screen, {platform.processor() or 'cpu'}, "
          f"{os.cpu_count()} cores")
    print(header)
    print("-" * len(header))
    for r in rows:
        if "error" in r:
            print(f"{r['case']:40} error: {r['error']}")
            continue
        print(f"{r['case']:40} {r['triangles']:>9} {r['load_s']:>7.2f} {r['first_frame_s']:>8.2f}"
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
