"""Vertex normals for a mesh whose file has none.

A model made in CAD or exported as STL has flat faces meeting at sharp edges and curved
surfaces tessellated into narrow faces; normals averaged over every face round a vertex smear
its flat faces into blotches. As Blender's auto smooth does, faces are smoothed together across
the edges where they meet at less than a crease angle and stay sharp across the others (a
vertex on a sharp edge is split, one copy per side). glTF asks for flat normals where a
primitive has none: the crease angle of a flat mesh is nearly zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import trimesh
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from app.assets.positions import position_groups

CREASE_DEGREES = 30.0  # faces meeting at more than this keep a sharp edge between them
FLAT_DEGREES = 0.5  # faces of one plane (within this) share their vertices' normals
SMOOTH_DEGREES = 180.0  # faces smoothed together across every edge they share


@dataclass(frozen=True)
class SplitNormals:
    faces: np.ndarray  # (M, 3) int64 into the new vertices
    # (N',) int64: the file vertex each vertex copies (the first N the file's own, in order)
    source: np.ndarray
    normals: np.ndarray  # (N', 3) float64, unit (zero where no face round it has an area)


def crease_normals(vertices: np.ndarray, faces: np.ndarray,
                   crease_degrees: float = CREASE_DEGREES, *, weld: bool = False
                   ) -> SplitNormals:
    """Area-weighted normals, smooth across edges whose faces meet at less than
    ``crease_degrees`` and sharp across the others; vertices are split where sharp edges
    meet, never merged or reordered (UVs and colours stay the file's, through ``source``).

    With ``weld``, for vertices that carry nothing but their position (a triangle soup, as an
    STL file is: three vertices of its own to every triangle), there is one vertex to each
    position on each smooth surface instead, in the order the file first has them: the same
    normals on a third or less of the vertices. A mesh none of whose vertices share a
    position is left as it is."""
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    corners = v[f]
    weighted = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    area = np.linalg.norm(weighted, axis=1)
    unit = weighted / np.where(area > 0, area, 1.0)[:, None]
    group = position_groups(v)
    by_position = group[f]
    # faces that share an edge (at the same positions) and meet at less than the crease
    pairs = trimesh.graph.face_adjacency(faces=by_position)
    if len(pairs):
        cosine = np.einsum("ij,ij->i", unit[pairs[:, 0]], unit[pairs[:, 1]])
        pairs = pairs[cosine >= np.cos(np.radians(max(crease_degrees, 1e-6)))]
    # the smooth surfaces: faces joined across such edges
    joined = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])),
                        shape=(len(f), len(f)))
    _, surface = connected_components(joined, directed=False)
    # one normal per position and smooth surface; one vertex per file vertex and surface
    per_face_surface = np.repeat(surface[:, None], 3, axis=1)
    _, first_corner, smooth_key = np.unique(
        by_position.ravel() * (len(f) + 1) + per_face_surface.ravel(),
        return_index=True, return_inverse=True)
    sums = np.zeros((smooth_key.max() + 1, 3))
    np.add.at(sums, smooth_key.reshape(-1), np.repeat(weighted, 3, axis=0))
    if weld and group.max(initial=-1) + 1 < len(v):  # some vertices share a position
        order = np.argsort(first_corner)  # the welded vertices in the order the file has them
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return SplitNormals(faces=rank[smooth_key.reshape(-1, 3)],
                            source=f.ravel()[first_corner[order]], normals=_unit(sums[order]))
    keys, first, row_of_corner = np.unique(f.ravel() * (len(f) + 1) + per_face_surface.ravel(),
                                           return_index=True, return_inverse=True)
    rows = np.stack([keys // (len(f) + 1), keys % (len(f) + 1)], axis=1)
    # a file vertex keeps its index for its first surface; its copies for others come after
    primary = np.ones(len(rows), bool)
    primary[1:] = rows[1:, 0] != rows[:-1, 0]
    index_of_row = np.where(primary, rows[:, 0], len(v) + np.cumsum(~primary) - 1)
    source = np.concatenate([np.arange(len(v)), rows[~primary, 0]])
    normals = np.zeros((len(source), 3))
    normals[index_of_row] = sums[smooth_key.reshape(-1)[first]]
    return SplitNormals(faces=index_of_row[row_of_corner.reshape(-1)].reshape(-1, 3),
                        source=source, normals=_unit(normals))


def _unit(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` made unit length; zero where they are zero."""
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.where(length > 0, vectors / np.where(length > 0, length, 1.0), 0.0)


def faces_turned_inwards(vertices: np.ndarray, faces: np.ndarray) -> bool:
    """Whether the mesh is a closed surface (every edge, at its positions, shared by two
    faces) some of whose faces turn inwards: two faces run an edge the same way (their
    windings disagree), or all agree and the signed volume is negative (inside out)."""
    v = np.asarray(vertices, dtype=np.float64)
    f = position_groups(v)[np.asarray(faces, dtype=np.int64).reshape(-1, 3)]
    f = f[(f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])]
    if not len(f):
        return False
    count = int(f.max()) + 1
    a = np.concatenate([f[:, 0], f[:, 1], f[:, 2]])
    b = np.concatenate([f[:, 1], f[:, 2], f[:, 0]])
    forward, backward = np.sort(a * count + b), np.sort(b * count + a)
    if (forward[1:] != forward[:-1]).all() and np.array_equal(forward, backward):
        # closed, every edge run both ways once: the faces agree; inside out if the volume
        # is negative
        corners = v[np.asarray(faces, dtype=np.int64).reshape(-1, 3)]
        volume = np.einsum("ij,ij->i", corners[:, 0],
                           np.cross(corners[:, 1], corners[:, 2])).sum() / 6.0
        return bool(volume < 0)
    # closed (each edge shared by exactly two faces) with faces that disagree, or open
    undirected = np.sort(np.minimum(a, b) * count + np.maximum(a, b))
    pairs = undirected[0::2], undirected[1::2]
    return bool(len(undirected) % 2 == 0 and np.array_equal(*pairs)
                and (pairs[0][1:] != pairs[0][:-1]).all())
