"""Decal geometry: the part of a surface a zone's projector covers, lifted off it, with UVs.

Planar mode projects a box along the projector's direction; wrap mode unrolls a round part
around its vertical axis so text keeps its width along the circumference. Triangles are clipped
exactly to the zone (Sutherland-Hodgman on every triangle at once), so a decal never spills out.
UVs follow glTF (u right, v down from the artwork's top row).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

import numpy as np

FACING_MIN = 0.1  # cosine between a triangle's normal and the projector's "towards" direction
OFFSET_FRACTION = 1e-4  # of the object's size: enough to avoid z-fighting, too small to see

__all__ = [
    "DecalGeometryCache",
    "DecalMesh",
    "ProjectorFrame",
    "decal_offset",
    "project_decal",
    "transformed_mesh",
]


@dataclass(frozen=True)
class ProjectorFrame:
    """An orthonormal frame at the zone's centre: text runs along ``right`` and ``up`` as seen
    by someone looking along ``direction``."""

    origin: np.ndarray  # (3,) metres
    right: np.ndarray
    up: np.ndarray
    direction: np.ndarray

    @classmethod
    def from_vectors(cls, origin, direction, up) -> ProjectorFrame:
        d = _unit(np.asarray(direction, dtype=float))
        u = np.asarray(up, dtype=float)
        right = _unit(np.cross(d, u))
        return cls(origin=np.asarray(origin, dtype=float), right=right,
                   up=np.cross(right, d), direction=d)

    def transformed(self, matrix: np.ndarray) -> ProjectorFrame:
        """The frame moved by ``matrix`` (4x4), right re-derived so text is never mirrored."""
        m = np.asarray(matrix, dtype=float)
        origin = m[:3, :3] @ self.origin + m[:3, 3]
        return ProjectorFrame.from_vectors(origin, m[:3, :3] @ self.direction,
                                           m[:3, :3] @ self.up)

    def key(self) -> tuple[float, ...]:
        return tuple(round(float(v), 9) for v in
                     np.concatenate([self.origin, self.direction, self.up]))


@dataclass(frozen=True)
class DecalMesh:
    vertices: np.ndarray  # (N, 3) float32, metres
    faces: np.ndarray  # (M, 3) int32
    normals: np.ndarray  # (N, 3) float32
    uv: np.ndarray  # (N, 2) float32, glTF convention
    # (N, 2) float32: the part's own texture coordinates at each vertex (None: it has none)
    part_uv: np.ndarray | None = None

    @property
    def is_empty(self) -> bool:
        return len(self.faces) == 0


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def decal_offset(vertices: np.ndarray) -> float:
    """How far a decal floats above its surface: a fraction of the object's size."""
    v = np.asarray(vertices, dtype=float)
    return float(np.linalg.norm(v.max(axis=0) - v.min(axis=0))) * OFFSET_FRACTION


def transformed_mesh(vertices, faces, normals, matrix) -> tuple[np.ndarray, ...]:
    """(vertices, faces, normals) moved by the 4x4 ``matrix``; a mirror keeps faces outward."""
    m = np.asarray(matrix, dtype=float)
    linear = m[:3, :3]
    v = np.asarray(vertices, dtype=float) @ linear.T + m[:3, 3]
    n = _unit(np.asarray(normals, dtype=float) @ np.linalg.inv(linear))
    f = np.asarray(faces)
    if np.linalg.det(linear) < 0:
        f = f[:, ::-1]
    return v, f, n


# clipping --------------------------------------------------------------------------------------


def _clip(polys: np.ndarray, counts: np.ndarray, column: int, limit: float, sign: float):
    """Keep the part of each polygon where ``sign * (attr[column] - limit) <= 0``.

    ``polys`` is (P, K, A): up to K vertices of A attributes each (interpolated linearly);
    ``counts`` (P,) how many are used. Returns the clipped (P', K+1, A) and counts, polygons
    left with fewer than three vertices dropped.
    """
    p, k, _ = polys.shape
    slots = np.arange(k)
    valid = slots[None, :] < counts[:, None]
    dist = sign * (polys[:, :, column] - limit)
    inside = (dist <= 0) & valid
    nxt = np.where(slots[None, :] + 1 < counts[:, None], slots[None, :] + 1, 0)
    rows = np.arange(p)[:, None]
    nxt_poly = polys[rows, nxt]
    nxt_dist = dist[rows, nxt]
    nxt_inside = inside[rows, nxt]
    crossing = valid & (inside != nxt_inside)
    denom = dist - nxt_dist
    t = np.where(crossing, dist / np.where(denom != 0, denom, 1.0), 0.0)
    cut = polys + t[..., None] * (nxt_poly - polys)
    cut[:, :, column] = np.where(crossing, limit, cut[:, :, column])
    # each edge emits [its start if inside, the crossing point if it crosses]
    candidates = np.stack([polys, cut], axis=2).reshape(p, 2 * k, -1)
    keep = np.stack([inside, crossing], axis=2).reshape(p, 2 * k)
    new_counts = keep.sum(axis=1)
    order = np.argsort(~keep, axis=1, kind="stable")[:, : k + 1]
    out = candidates[rows, order]
    alive = new_counts >= 3
    return out[alive], new_counts[alive]


def _clip_all(polys, counts, bounds: list[tuple[int, float, float]]):
    for column, low, high in bounds:
        if len(polys) == 0:
            break
        polys, counts = _clip(polys, counts, column, high, 1.0)
        if len(polys) == 0:
            break
        polys, counts = _clip(polys, counts, column, low, -1.0)
    return polys, counts


def _fan(polys: np.ndarray, counts: np.ndarray):
    """Clipped polygons -> (vertices (N, A), triangles (M, 3)) as triangle fans."""
    k = polys.shape[1]
    slots = np.arange(k)
    used = slots[None, :] < counts[:, None]
    flat = polys[used]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    tri_per = counts - 2
    poly_of_tri = np.repeat(np.arange(len(counts)), tri_per)
    within = np.arange(tri_per.sum()) - np.repeat(np.cumsum(tri_per) - tri_per, tri_per)
    base = starts[poly_of_tri]
    faces = np.stack([base, base + within + 1, base + within + 2], axis=1)
    return flat, faces.astype(np.int32)


# projection ------------------------------------------------------------------------------------


def project_decal(
    vertices,
    faces,
    normals,
    frame: ProjectorFrame,
    *,
    width_m: float,
    height_m: float,
    depth_m: float,
    mode: Literal["planar", "wrap"] = "planar",
    offset_m: float | None = None,
    axis_point=None,
    part_uv=None,
) -> DecalMesh:
    """The decal of a ``width_m`` x ``height_m`` zone on the mesh, in the mesh's space.

    planar: the box around ``frame.origin`` (depth along the direction, centred on the origin);
    triangles facing the projector are clipped to it. wrap: around the axis along ``frame.up``
    through ``axis_point`` (default: the centre of the mesh's bounds); u is arc length at each
    vertex's own radius from the projector's side, v height; outward-facing triangles within
    ``depth_m`` of the origin's radius are clipped to the arc and height range. ``part_uv``
    (the mesh's texture coordinates, per vertex) are carried onto the decal's vertices.
    """
    v = np.asarray(vertices, dtype=float)
    f = np.asarray(faces, dtype=np.int64)
    n = _unit(np.asarray(normals, dtype=float))
    if offset_m is None:
        offset_m = decal_offset(v)
    if mode == "wrap":
        if axis_point is None:
            axis_point = (v.min(axis=0) + v.max(axis=0)) / 2
        coords, facing = _wrap_coordinates(v, n, f, frame, np.asarray(axis_point, float))
        radius0 = _radius(frame.origin - axis_point, frame.up)
        radial = (max(radius0 - depth_m / 2, 0.0), radius0 + depth_m / 2)
    elif mode == "planar":
        local = v - frame.origin
        coords = np.stack([local @ frame.right, local @ frame.up, local @ frame.direction], axis=1)
        facing = (n[f].mean(axis=1) @ -frame.direction) > FACING_MIN
        radial = (-depth_m / 2, depth_m / 2)
    else:
        raise ValueError(f"unknown projector mode {mode!r}")
    bounds = [(6, -width_m / 2, width_m / 2), (7, -height_m / 2, height_m / 2),
              (8, radial[0], radial[1])]
    tri_coords = coords[f]
    lo, hi = tri_coords.min(axis=1), tri_coords.max(axis=1)
    overlaps = facing.copy()
    for column, low, high in bounds:
        overlaps &= (hi[:, column - 6] >= low) & (lo[:, column - 6] <= high)
    f = f[overlaps]
    if len(f) == 0:
        return _empty()
    carried = [] if part_uv is None else [np.asarray(part_uv, dtype=float).reshape(len(v), 2)]
    attrs = np.concatenate([v, n, coords, *carried], axis=1)
    polys = attrs[f]
    counts = np.full(len(f), 3)
    polys, counts = _clip_all(polys, counts, bounds)
    if len(polys) == 0:
        return _empty()
    flat, tris = _fan(polys, counts)
    corners = flat[:, :3][tris]
    doubled_area = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0],
                                           corners[:, 2] - corners[:, 0]), axis=1)
    tris = tris[doubled_area > 1e-16]  # slivers left where a clip plane meets a vertex
    out_normals = _unit(flat[:, 3:6])
    out_vertices = flat[:, :3] + out_normals * offset_m
    uv = np.stack([flat[:, 6] / width_m + 0.5, 0.5 - flat[:, 7] / height_m], axis=1)
    return DecalMesh(vertices=out_vertices.astype(np.float32), faces=tris,
                     normals=out_normals.astype(np.float32), uv=uv.astype(np.float32),
                     part_uv=flat[:, 9:11].astype(np.float32) if carried else None)


def _radius(offset: np.ndarray, axis: np.ndarray) -> float:
    return float(np.linalg.norm(offset - (offset @ axis) * axis))


def _wrap_coordinates(v, n, f, frame: ProjectorFrame, axis_point: np.ndarray):
    """(arc, height, radius) per vertex, and which triangles face outward and lie within half
    a turn (a triangle across the back seam would interpolate the angle the wrong way)."""
    axis = frame.up
    toward = -frame.direction - (-frame.direction @ axis) * axis
    if np.linalg.norm(toward) < 1e-9:
        raise ValueError("a wrap projector's direction must not run along its up axis")
    e0 = _unit(toward)
    e1 = np.cross(axis, e0)
    rel = v - axis_point
    height = (v - frame.origin) @ axis
    x0, x1 = rel @ e0, rel @ e1
    radius = np.hypot(x0, x1)
    angle = np.arctan2(x1, x0)
    coords = np.stack([radius * angle, height, radius], axis=1)
    tri_angle = angle[f]
    within = (tri_angle.max(axis=1) - tri_angle.min(axis=1)) < np.pi
    outward = rel[f].mean(axis=1)
    outward = _unit(outward - (outward @ axis)[:, None] * axis)
    facing = np.einsum("ij,ij->i", n[f].mean(axis=1), outward) > FACING_MIN
    return coords, facing & within


def _empty() -> DecalMesh:
    return DecalMesh(vertices=np.zeros((0, 3), np.float32), faces=np.zeros((0, 3), np.int32),
                     normals=np.zeros((0, 3), np.float32), uv=np.zeros((0, 2), np.float32))


class DecalGeometryCache:
    """Built decal geometry by (mesh, projector, transform) key: a text change reuses it.

    ``get`` returns ``(serial, value)``; the serial is new whenever the value was built anew,
    so equal serials mean the very same geometry.
    """

    def __init__(self, max_entries: int = 64):
        self.max_entries = max_entries
        self.builds = 0
        self._entries: dict[Hashable, tuple[int, object]] = {}

    def get(self, key: Hashable, build) -> tuple[int, object]:
        entry = self._entries.get(key)
        if entry is None:
            self.builds += 1
            entry = (self.builds, build())
            if len(self._entries) >= self.max_entries:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = entry
        return entry

    def __len__(self) -> int:
        return len(self._entries)
