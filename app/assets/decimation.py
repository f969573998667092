"""Fewer triangles for a mesh (quadric decimation), keeping normals and UVs usable."""

from __future__ import annotations

import fast_simplification
import numpy as np
from scipy.spatial import cKDTree

__all__ = ["decimate"]


def decimate(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray,
             uv: np.ndarray | None, target_faces: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """(vertices, faces, normals, uv) with about ``target_faces`` triangles; each new vertex
    takes the normal and UV of the nearest original vertex. Unchanged when already small."""
    if target_faces >= len(faces) or len(faces) < 8:
        return vertices, faces, normals, uv
    reduction = 1.0 - target_faces / len(faces)
    new_vertices, new_faces = fast_simplification.simplify(
        np.asarray(vertices, np.float32), np.asarray(faces, np.int64), target_reduction=reduction)
    _, nearest = cKDTree(np.asarray(vertices, np.float64)).query(new_vertices)
    new_normals = np.asarray(normals, np.float32)[nearest]
    new_uv = None if uv is None else np.asarray(uv, np.float32)[nearest]
    return (new_vertices.astype(np.float32), new_faces.astype(np.uint32), new_normals, new_uv)
