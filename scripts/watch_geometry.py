"""Mesh pieces of the sample wristwatch (scripts/author_watch.py), in mm.

A piece is a dict of vertices ``v``, faces ``f``, per-vertex ``uv`` and hint normals ``h`` (the
direction each face should face); ``finish`` winds the faces along the hints and splits normals
at creases. Turned profiles, swept sections and extruded outlines are built here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_authoring import crease_normals, join_parts, unit  # noqa: E402

CREASE_DEG = 35.0
UV_UNIT = 40.0  # mm per UV unit on planar, strap and bracelet parts


def make_piece(verts, faces, uv, hints) -> dict:
    return {"v": np.asarray(verts, float), "f": np.asarray(faces, np.int64),
            "uv": np.asarray(uv, float), "h": np.asarray(hints, float)}


def join_pieces(pieces: list[dict]) -> dict:
    verts, faces, uv, hints = join_parts([(p["v"], p["f"], p["uv"], p["h"]) for p in pieces])
    return {"v": verts, "f": faces, "uv": uv, "h": hints}


def finish(piece: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drop degenerate faces, wind each face along its hint, split normals at creases."""
    v, f, uv, h = piece["v"], piece["f"], piece["uv"], piece["h"]
    tri = v[f]
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    area = np.linalg.norm(cross, axis=1)
    keep = area > 1e-10
    f, cross, area = f[keep], cross[keep], area[keep]
    flip = np.einsum("ij,ij->i", cross, h[f].sum(axis=1)) < 0
    f[flip] = f[flip][:, ::-1]
    cross[flip] *= -1
    fn = cross / area[:, None]
    _, pos_id = np.unique(np.round(v, 5), axis=0, return_inverse=True)
    normals = crease_normals(pos_id[f.ravel()], fn, fn * area[:, None], CREASE_DEG)
    key = np.column_stack([f.ravel(), np.round(normals, 4)])
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    corner_vertex = f.ravel()[first]
    return (v[corner_vertex], inverse.reshape(-1, 3), normals[first], uv[corner_vertex])


def rounded_polyline(corners, radii, step: float = 0.35, turn_deg: float = 8.0) -> np.ndarray:
    """Points of a polyline whose corners are rounded with the given radii (0: sharp)."""
    c = [np.asarray(p, float) for p in corners]
    pts = [c[0]]
    for i in range(1, len(c)):
        r = radii[i] if i < len(c) - 1 else 0.0
        if r > 0:
            d_in, d_out = unit(c[i] - c[i - 1]), unit(c[i + 1] - c[i])
            turn = np.arctan2(d_in[0] * d_out[1] - d_in[1] * d_out[0], d_in @ d_out)
            t1 = c[i] - d_in * r * np.tan(abs(turn) / 2)
            pts += _line(pts[-1], t1, step)
            left = np.array([-d_in[1], d_in[0]])
            centre = t1 + np.sign(turn) * r * left
            n = max(2, int(np.ceil(max(abs(turn) / np.radians(turn_deg), r * abs(turn) / step))))
            for k in range(1, n + 1):
                a = turn * k / n
                ca, sa = np.cos(a), np.sin(a)
                d = t1 - centre
                pts.append(centre + np.array([ca * d[0] - sa * d[1], sa * d[0] + ca * d[1]]))
        else:
            pts += _line(pts[-1], c[i], step)
    return np.array(pts)


def _line(a, b, step):
    n = max(1, int(np.ceil(np.linalg.norm(b - a) / step)))
    return [a + (b - a) * k / n for k in range(1, n + 1)]


def lathe(profile: np.ndarray, segments: int, uv: str = "cylindrical", radial=None) -> dict:
    """Revolve (r, y) points about +Y; the solid lies left of the profile's direction.
    ``radial(theta, y) -> dr`` adds relief (the crown's flutes). uv: cylindrical or planar."""
    d = np.diff(profile, axis=0)
    seg_n = unit(np.column_stack([d[:, 1], -d[:, 0]]))
    pt_n = unit(np.vstack([seg_n[:1], seg_n[:-1] + seg_n[1:], seg_n[-1:]]))
    theta = 2 * np.pi * np.arange(segments + 1) / segments
    r = profile[:, 0:1] + (radial(theta[None, :], profile[:, 1:2]) if radial else 0.0)
    r = np.where(profile[:, 0:1] < 1e-9, 0.0, np.broadcast_to(r, (len(profile), segments + 1)))
    y = np.broadcast_to(profile[:, 1:2], r.shape)
    verts = np.stack([r * np.cos(theta), y, -r * np.sin(theta)], axis=-1).reshape(-1, 3)
    hints = np.stack([pt_n[:, 0:1] * np.cos(theta), np.broadcast_to(pt_n[:, 1:2], r.shape),
                      -pt_n[:, 0:1] * np.sin(theta)], axis=-1).reshape(-1, 3)
    s = np.r_[0.0, np.cumsum(np.linalg.norm(d, axis=1))]
    if uv == "planar":
        uvs = np.column_stack([verts[:, 0] / UV_UNIT + 0.5, -verts[:, 2] / UV_UNIT + 0.5])
    else:
        turns = max(1, round(2 * np.pi * profile[:, 0].max() / UV_UNIT))
        unit_mm = 2 * np.pi * profile[:, 0].max() / turns
        uu = np.broadcast_to(theta / (2 * np.pi) * turns, r.shape)
        uvs = np.stack([uu, np.broadcast_to(s[:, None] / unit_mm, r.shape)], -1).reshape(-1, 2)
    w = segments + 1
    i, j = np.meshgrid(np.arange(len(profile) - 1), np.arange(segments), indexing="ij")
    a, b = (i * w + j).ravel(), (i * w + j + 1).ravel()
    faces = np.vstack([np.column_stack([a, b, b + w]), np.column_stack([a, b + w, a + w])])
    return make_piece(verts, faces, uvs, hints)


def sweep(path: np.ndarray, lateral: np.ndarray, up: np.ndarray, rings: np.ndarray,
          closed: bool = False) -> dict:
    """Sweep convex sections ``rings`` (m, k, 2: (lateral, up) offsets) along ``path`` (m, 3);
    capped unless ``closed``. u runs around the section, v along the path (UV_UNIT mm/unit)."""
    m, k = rings.shape[:2]
    ring = np.concatenate([rings, rings[:, :1]], axis=1)
    centre = rings.mean(axis=1, keepdims=True)
    verts = path[:, None] + ring[..., :1] * lateral[:, None] + ring[..., 1:] * up[:, None]
    rel = ring - centre
    hints = rel[..., :1] * lateral[:, None] + rel[..., 1:] * up[:, None]
    u = np.c_[np.zeros(m), np.cumsum(np.linalg.norm(np.diff(ring, axis=1), axis=2), axis=1)]
    s = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    uv = np.stack([u, np.broadcast_to(s[:, None], u.shape)], -1).reshape(-1, 2) / UV_UNIT
    w = k + 1
    rows = m if closed else m - 1
    i, j = np.meshgrid(np.arange(rows), np.arange(k), indexing="ij")
    a, b = (i * w + j).ravel(), (i * w + j + 1).ravel()
    c, d = ((i + 1) % m * w + j + 1).ravel(), ((i + 1) % m * w + j).ravel()
    pieces = [make_piece(verts.reshape(-1, 3), np.vstack([np.column_stack([a, b, c]),
                                                      np.column_stack([a, c, d])]),
                     uv, hints.reshape(-1, 3))]
    if not closed:
        tangent = unit(np.gradient(path, axis=0))
        for end, sign in ((0, -1.0), (m - 1, 1.0)):
            rim = np.vstack([verts[end, :k], verts[end, :k].mean(axis=0)])
            fan = np.array([(k, q, (q + 1) % k) for q in range(k)])
            flat = np.vstack([rings[end], centre[end]]) / UV_UNIT
            pieces.append(make_piece(rim, fan, flat, np.tile(sign * tangent[end], (k + 1, 1))))
    return join_pieces(pieces)


def extrude(polygon: Polygon, origin, p_axis, q_axis, h_axis, h0: float, h1: float) -> dict:
    """A prism of ``polygon`` (p, q coordinates) from h0 to h1 along h_axis; planar caps, walls
    with u along the outline."""
    polygon = orient(polygon, 1.0)
    o, P, Q, H = (np.asarray(x, float) for x in (origin, p_axis, q_axis, h_axis))

    def to3d(pq, h):
        return o + pq[:, :1] * P + pq[:, 1:2] * Q + np.asarray(h)[..., None] * H

    tris = np.array([t.exterior.coords[:3] for t in
                     shapely.constrained_delaunay_triangles(polygon).geoms])
    pq = tris.reshape(-1, 2)
    cap_f = np.arange(len(pq)).reshape(-1, 3)
    pieces = [make_piece(to3d(pq, np.full(len(pq), h)), cap_f, pq / UV_UNIT,
                     np.tile(H * sign, (len(pq), 1))) for h, sign in ((h0, -1.0), (h1, 1.0))]
    for ring in [polygon.exterior, *polygon.interiors]:
        pts = np.asarray(ring.coords)
        edge = np.diff(pts, axis=0)
        out = unit(np.column_stack([edge[:, 1], -edge[:, 0]]))
        if ring is not polygon.exterior:
            out = -out
        pt_n = unit(np.vstack([out[-1:] + out[:1], out[:-1] + out[1:]]))
        pt_n = np.vstack([pt_n, pt_n[:1]])
        n = len(pts)
        wall_v = np.vstack([to3d(pts, np.full(n, h0)), to3d(pts, np.full(n, h1))])
        hint3 = pt_n[:, :1] * P + pt_n[:, 1:] * Q
        s = np.r_[0.0, np.cumsum(np.linalg.norm(edge, axis=1))]
        wall_uv = np.vstack([np.column_stack([s, np.full(n, h0)]),
                             np.column_stack([s, np.full(n, h1)])]) / UV_UNIT
        a = np.arange(n - 1)
        faces = np.vstack([np.column_stack([a, a + 1, a + 1 + n]),
                           np.column_stack([a, a + 1 + n, a + n])])
        pieces.append(make_piece(wall_v, faces, wall_uv, np.vstack([hint3, hint3])))
    return join_pieces(pieces)
