"""What the sample-model authoring scripts (scripts/author_*.py) share: vector and mesh helpers,
smooth normals split at creases, the PBR part mesh with its UV extras, the part summary and the
command line that writes a GLB atomically.

Each script builds a ``trimesh.Scene`` of named parts and hands it to ``author_main``:

    def main(argv):
        return author_main(argv, "mug", build_mug)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import trimesh
from trimesh.visual.material import PBRMaterial
from trimesh.visual.texture import TextureVisuals

MM = 0.001
REPO_ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = REPO_ROOT / "app" / "builtin" / "assets" / "models"

# (linear base colour RGBA, metallic, roughness): the default look of a part in the GLB
Look = tuple[tuple[float, float, float, float], float, float]


def unit(v: np.ndarray) -> np.ndarray:
    """``v`` scaled to unit length along its last axis; (near) zero vectors are left as they are."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n < 1e-12, 1.0, n)


def join_parts(parts: Sequence[tuple]) -> tuple[np.ndarray, ...]:
    """(vertices, faces, *per-vertex arrays) parts -> one such tuple, face indices shifted."""
    offset, faces = 0, []
    for part in parts:
        faces.append(np.asarray(part[1]) + offset)
        offset += len(part[0])
    columns = list(zip(*parts, strict=True))
    return (np.vstack(columns[0]), np.vstack(faces), *(np.vstack(c) for c in columns[2:]))


def crease_normals(corner_pos: np.ndarray, face_unit: np.ndarray, face_weight: np.ndarray,
                   crease_deg: float) -> np.ndarray:
    """Unit normal of every face corner (in ``faces.ravel()`` order).

    Corners share a normal when they sit at the same welded position (``corner_pos``, an id per
    corner) and their faces meet at less than ``crease_deg``: the sum of ``face_weight`` (one
    vector per face, e.g. the area-weighted face normal) over those faces."""
    corner_face = np.repeat(np.arange(len(face_unit)), 3)
    order = np.argsort(corner_pos, kind="stable")
    sorted_pos = corner_pos[order]
    starts = np.flatnonzero(np.r_[True, sorted_pos[1:] != sorted_pos[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    group_of = np.repeat(np.arange(len(starts)), sizes)
    rep = sizes[group_of]
    i_idx = np.repeat(order, rep)
    within = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
    j_idx = order[np.repeat(starts[group_of], rep) + within]
    fi, fj = corner_face[i_idx], corner_face[j_idx]
    ok = np.einsum("ij,ij->i", face_unit[fi], face_unit[fj]) > np.cos(np.radians(crease_deg))
    normals = np.zeros((len(corner_face), 3))
    np.add.at(normals, i_idx[ok], face_weight[fj[ok]])
    return unit(normals)


def outward(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """``faces`` and ``normals`` turned outwards where the part is closed solids: each closed
    piece's faces wound alike and outwards (trimesh's repair), each vertex normal turned to
    the side its faces now face. Open pieces are left as they are."""
    solid = trimesh.Trimesh(vertices=vertices, faces=faces, process=False)
    solid.merge_vertices()
    pieces = trimesh.graph.connected_components(solid.face_adjacency, nodes=np.arange(
        len(solid.faces)), min_len=1)
    turned = np.asarray(faces).copy()
    for piece in pieces:
        part = trimesh.Trimesh(vertices=solid.vertices, faces=solid.faces[piece], process=False)
        if not part.is_watertight:
            continue
        trimesh.repair.fix_normals(part)
        before = solid.face_normals[piece]
        after = part.face_normals
        flip = np.einsum("ij,ij->i", before, after) < 0
        turned[piece[flip]] = turned[piece[flip]][:, ::-1]
    corner = np.asarray(vertices)[turned]
    face_normal = np.cross(corner[:, 1] - corner[:, 0], corner[:, 2] - corner[:, 0])
    around = np.zeros((len(vertices), 3))
    for k in range(3):
        np.add.at(around, turned[:, k], face_normal)
    sign = np.where(np.einsum("ij,ij->i", normals, around) < 0, -1.0, 1.0)
    return turned, normals * sign[:, None]


def pbr_mesh(name: str, vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray,
             uv: np.ndarray, look: Look, extras: dict | None = None) -> trimesh.Trimesh:
    """A part with its own metallic-roughness material (blended where the colour's alpha is
    below 1), the given vertex normals and UVs, and ``extras`` (UV scale notes) as metadata."""
    colour, metallic, roughness = look
    material = PBRMaterial(name=name, baseColorFactor=colour, metallicFactor=metallic,
                           roughnessFactor=roughness, doubleSided=False,
                           alphaMode="BLEND" if colour[3] < 1.0 else None)
    faces, normals = outward(vertices, faces, normals)
    mesh = trimesh.Trimesh(vertices=vertices, faces=faces, process=False,
                           visual=TextureVisuals(uv=uv, material=material))
    mesh.vertex_normals = normals
    mesh.metadata = dict(extras or {})
    return mesh


def summary(scene: trimesh.Scene, product: str, metres_per_unit: float = MM,
            unit_name: str = "mm", decimals: int = 2) -> str:
    """One line per part (triangles, bounds) and one for the whole model, in ``unit_name``."""
    width = max(len(name) for name in [*scene.geometry, f"whole {product}"]) + 1
    field = f"{decimals + 5}.{decimals}f"
    lines = []
    for name, mesh in scene.geometry.items():
        lo, hi = mesh.bounds / metres_per_unit
        lines.append(f"{name:{width}s} {len(mesh.faces):7d} triangles  "
                     f"x {lo[0]:{field}}..{hi[0]:{field}}  y {lo[1]:{field}}..{hi[1]:{field}}  "
                     f"z {lo[2]:{field}}..{hi[2]:{field}} {unit_name}")
    lo, hi = scene.bounds / metres_per_unit
    total = sum(len(m.faces) for m in scene.geometry.values())
    size = hi - lo
    lines.append(f"{'whole ' + product:{width}s} {total:7d} triangles  size {size[0]:.{decimals}f}"
                 f" x {size[1]:.{decimals}f} x {size[2]:.{decimals}f} {unit_name} (x, y, z), "
                 f"lowest y {lo[1]:.{decimals}f}")
    return "\n".join(lines)


def write_glb(scene: trimesh.Scene, out: Path) -> int:
    """Write ``scene`` as GLB with its normals through a temporary file in the same folder;
    returns the number of bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    data = trimesh.exchange.gltf.export_glb(scene, include_normals=True)
    tmp = out.with_suffix(".glb.tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(data)


def author_main(argv: list[str], product: str, build: Callable[[], trimesh.Scene],
                **summary_options) -> int:
    """``script [output.glb]``: build the scene, write it (by default to
    app/builtin/assets/models/<product>.glb) and print the part summary."""
    out = Path(argv[1]) if len(argv) > 1 else MODELS_DIR / f"{product}.glb"
    scene = build()
    size = write_glb(scene, out)
    print(f"wrote {out} ({size} bytes)")
    print(summary(scene, product.replace("_", " "), **summary_options))
    return 0
