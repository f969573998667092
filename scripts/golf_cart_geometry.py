"""Mesh pieces of the sample golf cart (scripts/author_golf_cart.py), in metres.

A piece is (vertices, faces, uv per vertex or None for box-projected UVs); a part is a list of
pieces that ``finish`` turns into one mesh with crease-split normals. 2D outlines are shapely
polygons; slabs, prisms, turned profiles, tubes and rings are built from them and placed with
``transformed``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, box
from shapely.geometry.polygon import orient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_authoring import crease_normals, unit  # noqa: E402

CREASE_DEG = 35.0
WHEEL_SEGMENTS = 56
IDENTITY = np.eye(3)


# --- meshes: orientation, crease normals, UVs --------------------------------------------------


def oriented(verts: np.ndarray, faces: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """Each face wound so that its geometric normal agrees with the expected vertex normals."""
    tri = verts[faces]
    geometric = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    flip = np.einsum("ij,ij->i", geometric, normals[faces].sum(axis=1)) < 0
    faces = faces.copy()
    faces[flip] = faces[flip][:, ::-1]
    return faces


def box_uv(tri: np.ndarray) -> np.ndarray:
    """Per-corner UVs (metres) projected along each face's main axis."""
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    axis = np.argmax(np.abs(n), axis=1)
    sign = np.sign(n[np.arange(len(n)), axis])[:, None]
    x, y, z = tri[..., 0], tri[..., 1], tri[..., 2]
    uv = np.empty(tri.shape[:2] + (2,))
    for k, (u, v) in enumerate(((-z, y), (x, -z), (x, y))):
        m = axis == k
        uv[m, :, 0] = (u[m] * sign[m]) if k != 1 else u[m]
        uv[m, :, 1] = v[m] if k != 1 else v[m] * sign[m]
    return uv


def finish(pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]):
    """(verts, faces, uv-per-vertex or None) pieces -> one mesh with crease-split normals.

    Corners share a normal when they sit at the same position and their faces meet at less than
    CREASE_DEG; corners with equal position, normal and UV become one vertex."""
    verts = np.vstack([p[0] for p in pieces])
    offsets = np.cumsum([0] + [len(p[0]) for p in pieces[:-1]])
    faces = np.vstack([p[1] + o for p, o in zip(pieces, offsets, strict=True)])
    tri = verts[faces]
    corner_uv = np.concatenate(
        [p[2][p[1]] if p[2] is not None else box_uv(p[0][p[1]]) for p in pieces]
    )
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    keep = np.linalg.norm(fn, axis=1) > 1e-14
    faces, tri, fn, corner_uv = faces[keep], tri[keep], fn[keep], corner_uv[keep]
    _, pid = np.unique(np.round(verts, 7), axis=0, return_inverse=True)
    corner_n = crease_normals(pid[faces].ravel(), unit(fn), fn, CREASE_DEG)
    corner_p = tri.reshape(-1, 3)
    corner_uv = corner_uv.reshape(-1, 2)
    key = np.hstack([np.round(corner_p, 7), np.round(corner_n, 4), np.round(corner_uv, 6)])
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return corner_p[first], inverse.reshape(-1, 3), corner_n[first], corner_uv[first]


# --- 2D outlines -------------------------------------------------------------------------------


def rounded(poly: Polygon, convex: float, concave: float = 0.0, segs: int = 8) -> Polygon:
    if concave > 0:
        poly = poly.buffer(concave, quad_segs=segs).buffer(-concave, quad_segs=segs)
    return poly.buffer(-convex, quad_segs=segs).buffer(convex, quad_segs=segs)


def triangulate(poly: Polygon) -> tuple[np.ndarray, np.ndarray]:
    tris = shapely.constrained_delaunay_triangles(poly)
    coords = np.array([np.asarray(t.exterior.coords)[:3] for t in tris.geoms])
    pts, inverse = np.unique(np.round(coords.reshape(-1, 2), 10), axis=0, return_inverse=True)
    return pts, inverse.reshape(-1, 3)


def densified_ring(ring: np.ndarray, step: float, cuts: np.ndarray) -> np.ndarray:
    """A closed ring with points every ``step`` and where it crosses u = each of ``cuts``."""
    out = []
    for a, b in zip(ring, np.roll(ring, -1, axis=0), strict=True):
        ts = list(np.linspace(0.0, 1.0, max(1, int(np.ceil(np.linalg.norm(b - a) / step))) + 1))
        if abs(b[0] - a[0]) > 1e-12:
            ts += [t for t in (cuts - a[0]) / (b[0] - a[0]) if 1e-9 < t < 1 - 1e-9]
        out += [a + (b - a) * t for t in sorted(ts)[:-1]]
    return np.array(out)


def circle(cx: float, cy: float, r: float, segs: int = 14) -> Polygon:
    return Point(cx, cy).buffer(r, quad_segs=segs)


# --- solids ------------------------------------------------------------------------------------


def rounded_slab(profile: Polygon, half: float, radius: float, steps: int = 6,
                 strip: float | None = None, step: float = 0.04):
    """``profile`` (u, v) extruded over w in [-half, half] with every edge rounded by ``radius``.
    Local coordinates (u, v, w); UVs in metres: caps (u, v), the band (outline length, across).
    ``strip``: the caps are cut every ``strip`` along u (for later bending along u)."""
    inner = orient(profile.buffer(-radius, quad_segs=8), 1.0)
    lo, hi = inner.bounds[0], inner.bounds[2]
    cuts = (np.arange(np.floor(lo / strip) + 1, np.ceil(hi / strip)) * strip if strip
            else np.zeros(0))
    ring = densified_ring(np.asarray(inner.exterior.coords)[:-1], step, cuts)
    t = unit(unit(np.roll(ring, -1, 0) - ring) + unit(ring - np.roll(ring, 1, 0)))
    n2 = np.column_stack([t[:, 1], -t[:, 0]])
    core = half - radius
    th = np.linspace(0, np.pi / 2, steps + 1)
    flat = np.array([-core, core])
    off = np.concatenate([np.cos(th[::-1]) * radius, np.full(len(flat) - 2, radius),
                          np.cos(th) * radius])
    w = np.concatenate([-core - np.sin(th[::-1]) * radius, flat[1:-1], core + np.sin(th) * radius])
    nn = np.concatenate([np.cos(th[::-1]), np.ones(len(flat) - 2), np.cos(th)])
    nw = np.concatenate([-np.sin(th[::-1]), np.zeros(len(flat) - 2), np.sin(th)])
    ring_c = np.vstack([ring, ring[:1]])
    n2_c = np.vstack([n2, n2[:1]])
    s = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(ring_c, axis=0), axis=1))])
    across = np.concatenate([[0], np.cumsum(np.hypot(np.diff(off), np.diff(w)))])
    uvp = ring_c[:, None, :] + off[None, :, None] * n2_c[:, None, :]
    verts = np.concatenate([uvp, np.broadcast_to(w[None, :, None], uvp.shape[:2] + (1,))], axis=2)
    normals = np.concatenate([nn[None, :, None] * n2_c[:, None, :],
                              np.broadcast_to(nw[None, :, None], uvp.shape[:2] + (1,))], axis=2)
    uv = np.stack(np.meshgrid(s, across, indexing="ij"), axis=-1)
    rows, cols = verts.shape[:2]
    i, k = np.meshgrid(np.arange(rows - 1), np.arange(cols - 1), indexing="ij")
    a, b = (i * cols + k).ravel(), ((i + 1) * cols + k).ravel()
    faces = np.vstack([np.column_stack([a, b, b + 1]), np.column_stack([a, b + 1, a + 1])])
    verts, normals, uv = verts.reshape(-1, 3), normals.reshape(-1, 3), uv.reshape(-1, 2)
    pieces = [(verts, oriented(verts, faces, normals), uv)]
    cap = Polygon(ring)
    edges = np.concatenate([[lo - 1.0], cuts, [hi + 1.0]])
    for u0, u1 in zip(edges[:-1], edges[1:], strict=True):
        part = cap.intersection(box(u0, -1e3, u1, 1e3))
        for poly in getattr(part, "geoms", [part]):
            if not isinstance(poly, Polygon) or poly.area < 1e-12:
                continue
            pts, f = triangulate(poly)
            for side in (-1.0, 1.0):
                v3 = np.column_stack([pts, np.full(len(pts), side * half)])
                nrm = np.tile([0.0, 0.0, side], (len(pts), 1))
                pieces.append((v3, oriented(v3, f, nrm), pts * [side, 1.0]))
    return pieces


def prism(poly: Polygon, depth: float):
    """``poly`` (u, v) extruded from w=0 to w=depth with sharp edges; UVs by box projection."""
    poly = orient(poly, 1.0)
    pts, f = triangulate(poly)
    pieces = []
    for w, sign in ((0.0, -1.0), (depth, 1.0)):
        v3 = np.column_stack([pts, np.full(len(pts), w)])
        pieces.append((v3, oriented(v3, f, np.tile([0, 0, sign], (len(pts), 1))), None))
    for ring in [poly.exterior, *poly.interiors]:
        c = np.asarray(ring.coords)
        p, q = c[:-1], c[1:]
        n = len(p)
        v3 = np.vstack([np.column_stack([p, np.zeros(n)]), np.column_stack([q, np.zeros(n)]),
                        np.column_stack([q, np.full(n, depth)]),
                        np.column_stack([p, np.full(n, depth)])])
        idx = np.arange(n)
        faces = np.vstack([np.column_stack([idx, idx + n, idx + 2 * n]),
                           np.column_stack([idx, idx + 2 * n, idx + 3 * n])])
        d = q - p
        out = np.tile(np.column_stack([d[:, 1], -d[:, 0], np.zeros(n)]), (4, 1))
        pieces.append((v3, oriented(v3, faces, out), None))
    return pieces


def profile_path(corners, radii, step: float = 0.015, turn: float = np.radians(15)):
    """A polyline through ``corners`` (r, a) with the inner corners filleted by ``radii``."""
    c = [np.asarray(p, float) for p in corners]
    pts = [c[0]]
    for i in range(1, len(c)):
        if i < len(c) - 1 and radii[i] > 0:
            d_in, d_out = unit(c[i] - c[i - 1]), unit(c[i + 1] - c[i])
            ang = np.arctan2(d_in[0] * d_out[1] - d_in[1] * d_out[0], d_in @ d_out)
            t_len = radii[i] * np.tan(abs(ang) / 2)
            t1 = c[i] - d_in * t_len
            pts += _line(pts[-1], t1, step)
            left = np.array([-d_in[1], d_in[0]])
            centre = t1 + np.sign(ang) * radii[i] * left
            n = max(2, int(np.ceil(abs(ang) / turn)))
            for k in range(1, n + 1):
                a = ang * k / n
                cs, sn = np.cos(a), np.sin(a)
                v = t1 - centre
                pts.append(centre + np.array([cs * v[0] - sn * v[1], sn * v[0] + cs * v[1]]))
        else:
            pts += _line(pts[-1], c[i], step)
            pts.append(c[i])
    return np.array(pts)


def _line(a, b, step):
    n = max(1, int(np.ceil(np.linalg.norm(b - a) / step)))
    return [a + (b - a) * k / n for k in range(1, n)]


def lathe_x(profile: np.ndarray, segments: int = WHEEL_SEGMENTS):
    """Revolve a profile (r, a) about the X axis (x = a). The outside is on the right of the
    profile's direction of travel. UVs: u around (metres at the largest radius), v along."""
    r, a = profile[:, 0], profile[:, 1]
    d = np.gradient(profile, axis=0)
    n_ra = unit(np.column_stack([d[:, 1], -d[:, 0]]))
    ang = 2 * np.pi * np.arange(segments + 1) / segments
    cos, sin = np.cos(ang)[None, :], np.sin(ang)[None, :]
    verts = np.stack([np.broadcast_to(a[:, None], (len(r), segments + 1)), r[:, None] * cos,
                      r[:, None] * sin], axis=-1)
    normals = np.stack([np.broadcast_to(n_ra[:, 1:2], (len(r), segments + 1)),
                        n_ra[:, 0:1] * cos, n_ra[:, 0:1] * sin], axis=-1)
    s = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(profile, axis=0), axis=1))])
    uv = np.stack(np.meshgrid(s, ang * r.max(), indexing="ij")[::-1], axis=-1)
    cols = segments + 1
    i, k = np.meshgrid(np.arange(len(r) - 1), np.arange(segments), indexing="ij")
    a0, b0 = (i * cols + k).ravel(), ((i + 1) * cols + k).ravel()
    faces = np.vstack([np.column_stack([a0, b0, b0 + 1]), np.column_stack([a0, b0 + 1, a0 + 1])])
    verts, normals = verts.reshape(-1, 3), normals.reshape(-1, 3)
    return [(verts, oriented(verts, faces, normals), uv.reshape(-1, 2))]


def tube(p0, p1, radius: float, segments: int = 20):
    """A round tube from p0 to p1 (open ends; they sit inside other parts)."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    axis = unit(p1 - p0)
    side = unit(np.cross(axis, [0.0, 0.0, 1.0] if abs(axis[2]) < 0.9 else [1.0, 0.0, 0.0]))
    up = np.cross(axis, side)
    ang = 2 * np.pi * np.arange(segments + 1) / segments
    ring = np.cos(ang)[:, None] * side + np.sin(ang)[:, None] * up
    verts = np.vstack([p0 + radius * ring, p1 + radius * ring])
    normals = np.vstack([ring, ring])
    n = segments + 1
    k = np.arange(segments)
    faces = np.vstack([np.column_stack([k, k + n, k + n + 1]),
                       np.column_stack([k, k + n + 1, k + 1])])
    length = np.linalg.norm(p1 - p0)
    uv = np.vstack([np.column_stack([ang * radius, np.zeros(n)]),
                    np.column_stack([ang * radius, np.full(n, length)])])
    return [(verts, oriented(verts, faces, normals), uv)]


def torus(major: float, minor: float, segments: int = 72, sides: int = 16):
    """A ring about the local Z axis in the XY plane."""
    u = 2 * np.pi * np.arange(segments + 1) / segments
    v = 2 * np.pi * np.arange(sides + 1) / sides
    uu, vv = np.meshgrid(u, v, indexing="ij")
    centre = np.stack([major * np.cos(uu), major * np.sin(uu), np.zeros_like(uu)], axis=-1)
    normal = np.stack([np.cos(vv) * np.cos(uu), np.cos(vv) * np.sin(uu), np.sin(vv)], axis=-1)
    verts = (centre + minor * normal).reshape(-1, 3)
    normals = normal.reshape(-1, 3)
    cols = sides + 1
    i, k = np.meshgrid(np.arange(segments), np.arange(sides), indexing="ij")
    a, b = (i * cols + k).ravel(), ((i + 1) * cols + k).ravel()
    faces = np.vstack([np.column_stack([a, b, b + 1]), np.column_stack([a, b + 1, a + 1])])
    uv = np.stack([uu * major, vv * minor], axis=-1).reshape(-1, 2)
    return [(verts, oriented(verts, faces, normals), uv)]


def transformed(pieces, matrix=IDENTITY, offset=(0.0, 0.0, 0.0)):
    """Pieces mapped by x' = matrix @ x + offset (windings kept outward for mirrors)."""
    m, o = np.asarray(matrix, float), np.asarray(offset, float)
    out = []
    for v, f, uv in pieces:
        out.append((v @ m.T + o, f[:, ::-1] if np.linalg.det(m) < 0 else f, uv))
    return out


def rot_x(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_z(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


# (u, v, w) -> world for slabs: a side profile (z, y) extruded across x; a plan (x, z) extruded up.
SIDE = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]], float)
PLAN = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], float)
FRONT = np.eye(3)  # a front profile (x, y) extruded along z



def first_hit(pieces, origin, direction) -> tuple[np.ndarray, np.ndarray]:
    """Where a ray first meets the pieces, and the face normal there."""
    v = np.vstack([p[0] for p in pieces])
    offs = np.cumsum([0] + [len(p[0]) for p in pieces[:-1]])
    tri = v[np.vstack([p[1] + o for p, o in zip(pieces, offs, strict=True)])]
    o, d = np.asarray(origin, float), unit(np.asarray(direction, float))
    e1, e2 = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    p = np.cross(d, e2)
    det = np.einsum("ij,ij->i", e1, p)
    ok = np.abs(det) > 1e-14
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    s = o - tri[:, 0]
    bu = np.einsum("ij,ij->i", s, p) * inv
    q = np.cross(s, e1)
    bv = (q @ d) * inv
    t = np.einsum("ij,ij->i", e2, q) * inv
    hit = ok & (bu >= 0) & (bv >= 0) & (bu + bv <= 1) & (t > 0)
    k = np.flatnonzero(hit)[np.argmin(t[hit])]
    n = unit(np.cross(e1[k], e2[k]))
    return o + t[k] * d, n if n @ d < 0 else -n
