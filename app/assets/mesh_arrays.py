"""A trimesh geometry's arrays as ``MeshData``: its faces and vertices checked, its UV sets
and vertex colours as the app holds them (glTF's v down from the top of the image, colours as
sRGB bytes), its normals (the file's, or creased), placed by a node's matrix.

UV convention: trimesh gives UVs with the origin at the bottom left (OpenGL; it flips glTF's v on
load). ``MeshData.uv`` follows glTF instead: v = 0 is the top row of the texture image, so the
value stored is ``1 - v`` of trimesh's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import trimesh

from app.assets.gltf_document import COLOR_ATTRIBUTE, UV_ATTRIBUTE
from app.assets.mesh import MeshData, MeshMaterial, frozen
from app.assets.normals import CREASE_DEGREES, FLAT_DEGREES, SplitNormals, crease_normals
from app.assets.textures import linear_to_srgb_values
from app.errors import AssetError


def _file_normals(geometry: trimesh.Trimesh) -> np.ndarray | None:
    """Vertex normals the file itself stored (trimesh keeps them in its cache), else None."""
    if "vertex_normals" not in geometry._cache:
        return None
    normals = np.asarray(geometry.vertex_normals, dtype=np.float64)
    return normals if normals.shape == geometry.vertices.shape else None


@dataclass(frozen=True)
class LocalArrays:
    """A geometry's arrays in its own space, before a node places it: made once for a mesh
    that nodes place many times (a bolt of an assembly)."""

    vertices: np.ndarray  # (N, 3) float64
    faces: np.ndarray  # (M, 3) int64
    normals: np.ndarray  # (N, 3) float64
    uv: np.ndarray | None
    uv1: np.ndarray | None
    colors: np.ndarray | None


def local_arrays(key: str, geometry: trimesh.Trimesh, label: str, *,
                 from_gltf: bool = False,
                 creased: dict[bytes, SplitNormals] | None = None,
                 crease_degrees: float | None = None) -> LocalArrays:
    """``geometry``'s arrays checked (``AssetError`` naming the mesh ``key``), with its UV sets,
    vertex colours and normals (the file's, or creased). Normals made here are kept in
    ``creased`` by the geometry's content: meshes that hold the same vertices and faces (a CAD
    export's bolts, one mesh per material, all reading the same accessors) are creased once.
    ``crease_degrees`` is the crease angle of a file that says how its faces are smoothed (an
    OBJ's smoothing groups); glTF's are flat, any other's auto smooth's by default."""
    where = f"mesh {key!r}"
    if len(geometry.faces) == 0:
        raise AssetError(f"{where} has no faces", file=label)
    if not np.isfinite(np.asarray(geometry.vertices)).all():
        raise AssetError(f"{where} has NaN or infinite vertex coordinates", file=label)
    faces = np.asarray(geometry.faces, dtype=np.int64)
    if faces.min() < 0 or faces.max() >= len(geometry.vertices):
        raise AssetError(f"{where} has face indices outside its vertex list", file=label)

    vertices = np.asarray(geometry.vertices, dtype=np.float64)
    uv = _gltf_uv(geometry, 0) if from_gltf else _uv(geometry)
    uv1 = _gltf_uv(geometry, 1) if from_gltf else None
    colors = _gltf_colors(geometry) if from_gltf else _vertex_colors(geometry)
    normals = _file_normals(geometry)
    if normals is None:  # glTF asks for flat normals; other formats get auto smooth's
        degrees = FLAT_DEGREES if from_gltf else (
            CREASE_DEGREES if crease_degrees is None else crease_degrees)
        weld = uv is None and uv1 is None and colors is None
        content = _content_key(vertices, faces, degrees, weld)
        split = None if creased is None else creased.get(content)
        if split is None:
            split = crease_normals(vertices, faces, degrees, weld=weld)
            if creased is not None:
                creased[content] = split
        faces, normals, vertices = split.faces, split.normals, vertices[split.source]
        uv, uv1, colors = (None if a is None else frozen(np.asarray(a)[split.source])
                           for a in (uv, uv1, colors))
    return LocalArrays(vertices, faces, normals, uv, uv1, colors)


def _content_key(vertices: np.ndarray, faces: np.ndarray, degrees: float, weld: bool
                 ) -> bytes:
    """A digest of the arrays creased normals are made of, and how they are made."""
    digest = hashlib.blake2b(digest_size=20)
    for array in (vertices, faces):
        digest.update(str(array.shape).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(f"{degrees!r} {weld}".encode())
    return digest.digest()


def placed_mesh(key: str, local: LocalArrays, matrix: np.ndarray,
                material: MeshMaterial) -> MeshData:
    """``local`` placed by a node's ``matrix``, as the mesh ``key`` drawn in ``material``."""
    linear = matrix[:3, :3]
    vertices = local.vertices @ linear.T + matrix[:3, 3]
    # a node scaled to nothing on an axis has no inverse; its triangles have no area anyway
    singular = abs(np.linalg.det(linear)) < 1e-300
    normals = local.normals @ (np.linalg.pinv(linear) if singular else np.linalg.inv(linear))
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = np.where(lengths > 1e-12, normals / np.maximum(lengths, 1e-12), [0.0, 1.0, 0.0])
    faces = local.faces[:, ::-1] if np.linalg.det(linear) < 0 else local.faces

    return MeshData(
        name=key,
        vertices=frozen(vertices.astype(np.float32)),
        faces=frozen(faces.astype(np.int32)),
        normals=frozen(normals.astype(np.float32)),
        uv=local.uv,
        uv1=local.uv1,
        colors=local.colors,
        material=material,
    )


def _uv(geometry: trimesh.Trimesh) -> np.ndarray | None:
    uv = getattr(geometry.visual, "uv", None)
    if uv is None or len(uv) != len(geometry.vertices):
        return None
    uv = np.asarray(uv, dtype=np.float64)
    if uv.ndim != 2 or uv.shape[1] < 1:
        return None
    v = uv[:, 1] if uv.shape[1] > 1 else np.zeros(len(uv))  # OBJ's "vt u": v is 0
    return frozen(np.column_stack([uv[:, 0], 1.0 - v]).astype(np.float32))


def _gltf_uv(geometry: trimesh.Trimesh, uv_set: int) -> np.ndarray | None:
    """TEXCOORD_<uv_set> as the glTF file stores it (see ``expose_attributes``); integers of a
    normalized accessor scaled to 0..1, those of another (KHR_mesh_quantization with a texture
    transform) kept as numbers."""
    for normalized in (False, True):
        name = UV_ATTRIBUTE.format(set=uv_set, normalized="_N" if normalized else "")
        uv = geometry.vertex_attributes.get(name)
        if uv is None:
            continue
        uv = np.asarray(uv)
        if uv.ndim != 2 or uv.shape[1] < 2 or len(uv) != len(geometry.vertices):
            return None
        if normalized and uv.dtype.kind in "iu":
            uv = np.maximum(uv / np.iinfo(uv.dtype).max, -1.0)
        return frozen(np.asarray(uv[:, :2], dtype=np.float32))
    return None


def _gltf_colors(geometry: trimesh.Trimesh) -> np.ndarray | None:
    """COLOR_0 as the glTF file stores it (see ``expose_attributes``): linear RGB or RGBA,
    floats or normalized integers of 8 or 16 bits, as (N, 4) sRGB bytes (the colours of the
    other formats and of textures; the alpha kept linear). None when it is no such array."""
    colors = geometry.vertex_attributes.get(COLOR_ATTRIBUTE)
    if colors is None:
        return None
    colors = np.asarray(colors)
    if colors.ndim != 2 or colors.shape[1] not in (3, 4) or len(colors) != len(
            geometry.vertices) or colors.dtype.kind not in "fu":
        return None
    if colors.dtype.kind == "u":
        values = colors / float(np.iinfo(colors.dtype).max)
    else:
        values = np.clip(np.nan_to_num(colors.astype(np.float64), nan=0.0), 0.0, 1.0)
    rgba = np.ones((len(values), 4), np.float64)
    rgba[:, :values.shape[1]] = values
    rgba[:, :3] = linear_to_srgb_values(rgba[:, :3])
    return frozen(np.round(rgba * 255.0).astype(np.uint8))


def _vertex_colors(geometry: trimesh.Trimesh) -> np.ndarray | None:
    visual = geometry.visual
    colors = None
    if getattr(visual, "kind", None) == "vertex":
        colors = visual.vertex_colors
    else:
        for attributes in (getattr(visual, "vertex_attributes", {}), geometry.vertex_attributes):
            if "color" in attributes:
                colors = attributes["color"]
                break
    if colors is None:
        return None
    colors = np.asarray(colors)
    if len(colors) != len(geometry.vertices):
        colors = _ply_colors_on_split_vertices(geometry, colors)
        if colors is None:
            return None
    if colors.dtype.kind == "f":
        colors = np.round(np.clip(colors, 0.0, 1.0) * 255.0)
    colors = colors.astype(np.uint8)
    if colors.shape[1] == 3:
        colors = np.column_stack([colors, np.full(len(colors), 255, np.uint8)])
    return frozen(colors[:, :4])


def _ply_colors_on_split_vertices(
    geometry: trimesh.Trimesh, colors: np.ndarray
) -> np.ndarray | None:
    """trimesh splits PLY vertices at per-face texture coordinates but keeps the colours of the
    file's vertices; map them through the faces (the file's corners and the mesh's line up)."""
    raw = (geometry.metadata.get("_ply_raw") or {}).get("face", {}).get("data")
    if raw is None or raw.dtype.names is None or "vertex_indices" not in raw.dtype.names:
        return None
    indices = raw["vertex_indices"]
    if indices.dtype.names is not None:
        indices = indices[indices.dtype.names[-1]]
    indices = np.asarray(indices)
    if indices.shape != geometry.faces.shape or indices.max() >= len(colors):
        return None
    mapped = np.zeros((len(geometry.vertices), colors.shape[1]), dtype=colors.dtype)
    mapped[np.asarray(geometry.faces).reshape(-1)] = colors[indices.reshape(-1)]
    return mapped
