"""Author the sample golf cart: assets/models/golf_cart.glb.

Units are metres, Y up, the cart rests on its tyres on y=0, centred on the Y axis, its front
facing +Z; the driver sits on the +X side. About 2.44 m long, 1.2 m wide, 1.8 m tall to the roof.
One node per part: ``cowl`` (front body with wheel arches), ``rear_body`` (seat pod, rear fenders
and deck), ``chassis`` (floorboard and frame rails), ``floor_mat``, ``dashboard``,
``steering_column``, ``steering_wheel``, ``seat_bench``, ``seat_back``, ``roof``, ``roof_struts``
(four struts and the mirror arms), ``bumpers``, ``headlights`` (lenses), the trim pieces
``side_trim``, ``bumper_trim``, ``mirror_caps`` and ``headlight_bezels``, and two wheel sets,
each four wheels in one node: ``rims_street`` and ``tyres_street`` (14 in chrome ten-spoke rims on
low street tyres, 0.50 m across), ``rims_offroad`` and ``tyres_offroad`` (10 in six-spoke
beadlock rims on knobby all-terrain tyres, 0.56 m across).

Normals: vertices are split where neighbouring faces meet at more than CREASE_DEG, and smooth
elsewhere. UVs are in metres on every part (one UV unit = 1 m on the surface, recorded in each
mesh's extras): flat faces are projected along their main axis, rounded slabs run u along their
outline and v across it, turned parts run u around the axis (at the largest radius) and v along
the profile.

Run: .venv/bin/python scripts/author_golf_cart.py [output.glb]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import shapely
import trimesh
from shapely.affinity import rotate as rotate_2d
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.polygon import orient
from trimesh.visual.material import PBRMaterial
from trimesh.visual.texture import TextureVisuals

CREASE_DEG = 35.0
WHEEL_SEGMENTS = 56
HALF_WIDTH = 0.58  # body, metres
FRONT_AXLE_Z, REAR_AXLE_Z, WHEEL_X = 0.80, -0.80, 0.49
ARCH_Y, ARCH_RADIUS = 0.26, 0.32
BODY_EDGE = 0.035  # radius of the body's rounded edges
SEAT_Y = 0.70  # top of the seat pod
LIFT = 0.12  # the lift kit's offset, used only by the product file

IDENTITY = np.eye(3)


def unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n < 1e-12, 1.0, n)


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
    fu = unit(fn)
    _, pid = np.unique(np.round(verts, 7), axis=0, return_inverse=True)
    cv = pid[faces].ravel()
    cf = np.repeat(np.arange(len(faces)), 3)
    order = np.argsort(cv, kind="stable")
    sv = cv[order]
    starts = np.searchsorted(sv, sv, "left")
    deg = np.searchsorted(sv, sv, "right") - starts
    i_rep = np.repeat(np.arange(len(sv)), deg)
    j = np.repeat(starts, deg) + np.arange(deg.sum()) - np.repeat(np.cumsum(deg) - deg, deg)
    fi, fj = cf[order][i_rep], cf[order][j]
    ok = np.einsum("ij,ij->i", fu[fi], fu[fj]) > np.cos(np.radians(CREASE_DEG))
    acc = np.zeros((len(sv), 3))
    np.add.at(acc, i_rep[ok], fn[fj[ok]])
    corner_n = np.empty_like(acc)
    corner_n[order] = unit(acc)
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


def cowl_taper(z: np.ndarray) -> np.ndarray:
    t = np.clip((z - 0.82) / 0.38, 0.0, 1.0)
    return 1.0 - 0.20 * t * t


def tapered(pieces):
    return [(np.column_stack([v[:, 0] * cowl_taper(v[:, 2]), v[:, 1], v[:, 2]]), f, uv)
            for v, f, uv in pieces]


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


# --- the cart ----------------------------------------------------------------------------------


def arches(*zs) -> Polygon:
    return shapely.union_all([circle(z, ARCH_Y, ARCH_RADIUS) for z in zs])


def cowl():
    side = Polygon([(0.50, 0.20), (0.50, 0.77), (0.80, 0.755), (1.02, 0.69), (1.14, 0.60),
                    (1.175, 0.46), (1.16, 0.22)])
    side = rounded(side.difference(arches(FRONT_AXLE_Z)), 0.05, 0.03)
    return tapered(transformed(rounded_slab(side, HALF_WIDTH, BODY_EDGE, strip=0.04), SIDE))


def rear_body():
    side = Polygon([(-0.17, 0.22), (-0.17, SEAT_Y), (-1.13, SEAT_Y), (-1.175, 0.58),
                    (-1.16, 0.22)])
    side = rounded(side.difference(arches(REAR_AXLE_Z)), 0.05, 0.03)
    return transformed(rounded_slab(side, HALF_WIDTH, BODY_EDGE), SIDE)


def chassis():
    floor = transformed(prism(box(-0.55, -0.17, 0.55, 0.50), 0.07), PLAN, (0, 0.27, 0))
    rails = []
    for x in (-0.32, 0.32):
        rails += transformed(prism(box(x - 0.04, 0.20, x + 0.04, 0.28), 2.0), FRONT,
                             (0, 0, -1.0))
    return floor + rails


def floor_mat():
    mat = transformed(prism(rounded(box(-0.50, -0.15, 0.50, 0.48), 0.03), 0.008), PLAN,
                      (0, 0.34, 0))
    for z in np.arange(-0.10, 0.45, 0.05):
        mat += transformed(prism(box(-0.46, z - 0.008, 0.46, z + 0.008), 0.006), PLAN,
                           (0, 0.347, 0))
    return mat


def dashboard():
    side = rounded(Polygon([(0.53, 0.50), (0.53, 0.83), (0.46, 0.845), (0.37, 0.76),
                            (0.40, 0.56)]), 0.03)
    return transformed(rounded_slab(side, 0.53, 0.02), SIDE)


STEER_BASE = np.array([0.27, 0.72, 0.40])
STEER_TOP = np.array([0.27, 1.04, 0.20])


def steering_column():
    return tube(STEER_BASE, STEER_TOP, 0.025)


def _steering_frame() -> np.ndarray:
    axis = unit(STEER_TOP - STEER_BASE)  # the wheel's plane is perpendicular to this
    x = np.array([1.0, 0.0, 0.0])
    y = np.cross(axis, x)
    return np.column_stack([x, y, axis])


def steering_wheel():
    frame = _steering_frame()
    top = STEER_TOP + 0.03 * frame[:, 2]
    pieces = transformed(torus(0.175, 0.016), frame, top)
    hub = transformed(rounded_slab(circle(0, 0, 0.05, 8), 0.025, 0.012), frame, top)
    spokes = []
    for deg in (0, 180, 270):
        d = frame @ np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg)), 0])
        spokes += tube(top + 0.04 * d, top + 0.165 * d - 0.004 * frame[:, 2], 0.013, 12)
    return pieces + hub + spokes


SEAT_TILT = 12.0  # degrees the seat back leans back
SEAT_BACK_BASE = np.array([0.0, SEAT_Y + 0.12, -0.62])


def seat_bench():
    plan = rounded(box(-0.53, -0.62, 0.53, -0.13), 0.06)
    return transformed(rounded_slab(plan, 0.055, 0.045), PLAN, (0, SEAT_Y + 0.052, 0))


def seat_back():
    front = rounded(box(-0.52, 0.0, 0.52, 0.44), 0.09)
    return transformed(rounded_slab(front, 0.05, 0.04), rot_x(-SEAT_TILT), SEAT_BACK_BASE)


ROOF_Y = 1.75


def roof():
    plan = rounded(box(-0.60, -1.12, 0.60, 0.66), 0.14)
    pieces = rounded_slab(plan, 0.025, 0.02, steps=5, strip=0.06)
    crowned = []
    for v, f, uv in pieces:
        v = v.copy()
        v[:, 2] += 0.03 * (1 - (v[:, 0] / 0.6) ** 2)  # local w is up
        crowned.append((v, f, uv))
    return transformed(crowned, PLAN, (0, ROOF_Y + 0.025, 0))


STRUTS = [((0.50, 0.75, 0.56), (0.50, ROOF_Y + 0.01, 0.44)),
          ((0.53, SEAT_Y - 0.02, -0.98), (0.53, ROOF_Y + 0.01, -0.98))]
MIRROR_Y = 1.12


def _strut_point(y: float) -> np.ndarray:
    (x0, y0, z0), (x1, y1, z1) = STRUTS[0]
    t = (y - y0) / (y1 - y0)
    return np.array([x0, y, z0 + t * (z1 - z0)])


def roof_struts():
    pieces = []
    for sx in (-1, 1):
        for p0, p1 in STRUTS:
            pieces += tube((sx * p0[0], *p0[1:]), (sx * p1[0], *p1[1:]), 0.022, 16)
        base = _strut_point(MIRROR_Y) * [sx, 1, 1]
        pieces += tube(base, base + [sx * 0.08, 0.02, 0.0], 0.009, 10)
        for p0, _ in STRUTS:  # bases
            pieces += transformed(rounded_slab(circle(0, 0, 0.04, 6), 0.012, 0.006), PLAN,
                                  (sx * p0[0], p0[1], p0[2]))
    return pieces


def mirror_caps():
    pieces = []
    for sx in (-1, 1):
        tip = _strut_point(MIRROR_Y) * [sx, 1, 1] + [sx * 0.12, 0.025, 0.0]
        shell = rounded(box(-0.07, -0.045, 0.07, 0.045), 0.035)
        pieces += transformed(rounded_slab(shell, 0.02, 0.014), FRONT, tip)
    return pieces


def bumpers():
    front = rounded(Polygon([(1.13, 0.25), (1.13, 0.39), (1.205, 0.38), (1.225, 0.30),
                             (1.205, 0.25)]), 0.025)
    rear = rounded(box(-1.225, 0.24, -1.13, 0.37), 0.03)
    out = tapered(transformed(rounded_slab(front, 0.53, 0.03, strip=0.04), SIDE))
    return out + transformed(rounded_slab(rear, 0.56, 0.03), SIDE)


def bumper_trim():
    strip = rounded(box(1.21, 0.305, 1.235, 0.325), 0.009)
    rear = rounded(box(-1.235, 0.295, -1.21, 0.315), 0.009)
    return (tapered(transformed(rounded_slab(strip, 0.50, 0.008, steps=4, strip=0.05), SIDE))
            + transformed(rounded_slab(rear, 0.53, 0.008, steps=4), SIDE))


def side_trim():
    pieces = []
    for sx in (-1, 1):
        for z0, z1, y in ((0.56, 0.95, 0.64), (-1.09, -0.21, 0.645)):
            piece = rounded_slab(rounded(box(z0, y - 0.012, z1, y + 0.012), 0.011), 0.008,
                                 0.007, steps=4, strip=0.05 if z0 > 0 else None)
            piece = transformed(piece, SIDE, (sx * (HALF_WIDTH + 0.002), 0, 0))
            pieces += tapered(piece) if z0 > 0 else piece
    return pieces


HEADLIGHT_X, HEADLIGHT_Y = 0.33, 0.50


def headlight_frames(cowl_pieces):
    """(centre, outward normal) of each headlight on the cowl's nose."""
    out = []
    for sx in (-1, 1):
        hit, normal = first_hit(cowl_pieces, (sx * HEADLIGHT_X, HEADLIGHT_Y, 2.0), (0, 0, -1))
        out.append((hit, normal))
    return out


def _disc_frame(normal: np.ndarray) -> np.ndarray:
    z = unit(normal)
    x = unit(np.cross([0.0, 1.0, 0.0], z))
    return np.column_stack([x, np.cross(z, x), z])


def headlights(frames):
    lens = profile_path([(0.052, -0.01), (0.052, 0.008), (0.0, 0.012)], [0, 0.004, 0])
    pieces = []
    for hit, normal in frames:
        local = lathe_x(lens, 32)
        swap = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], float)  # lathe axis x -> local z
        pieces += transformed(local, _disc_frame(normal) @ swap, hit)
    return pieces


def headlight_bezels(frames):
    ring = profile_path([(0.074, -0.01), (0.074, 0.004), (0.064, 0.016), (0.050, 0.012),
                         (0.050, -0.01)], [0, 0.004, 0.006, 0.004, 0])
    pieces = []
    swap = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], float)
    for hit, normal in frames:
        pieces += transformed(lathe_x(ring, 40), _disc_frame(normal) @ swap, hit)
    return pieces


# --- wheels ------------------------------------------------------------------------------------


def street_tyre():
    w, big, bead = 0.215 / 2, 0.25, 0.183
    grooves = []
    for c in (-0.045, 0.0, 0.045):
        grooves += [(big, c - 0.007), (big - 0.008, c - 0.005), (big - 0.008, c + 0.005),
                    (big, c + 0.007)]
    corners = ([(bead, -w + 0.012), (bead + 0.012, -w), (big - 0.03, -w - 0.004),
                (big, -w + 0.02)] + grooves + [(big, w - 0.02), (big - 0.03, w + 0.004),
                                              (bead + 0.012, w), (bead, w - 0.012)])
    radii = [0, 0.006, 0.03, 0.018] + [0.0] * len(grooves) + [0.018, 0.03, 0.006, 0]
    return lathe_x(profile_path(corners, radii))


def offroad_tyre():
    w, big, bead = 0.27 / 2, 0.262, 0.135
    corners = [(bead, -w + 0.015), (bead + 0.015, -w), (big - 0.05, -w - 0.006),
               (big, -w + 0.03), (big, w - 0.03), (big - 0.05, w + 0.006), (bead + 0.015, w),
               (bead, w - 0.015)]
    pieces = lathe_x(profile_path(corners, [0, 0.008, 0.05, 0.03, 0.03, 0.05, 0.008, 0]))
    count = 22
    for k in range(count):
        phi = 360.0 * k / count
        for row, (a0, a1, half_t) in enumerate(((-0.132, -0.062, 0.018), (0.062, 0.132, 0.018),
                                                 (-0.034, 0.034, 0.014))):
            lug = rounded(box(a0, -half_t, a1, half_t), 0.004, segs=2)
            off = phi + (180.0 / count if row == 1 else 90.0 / count if row == 2 else 0.0)
            knob = transformed(prism(lug, 0.02), np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]]),
                               (0, big - 0.006, 0))
            pieces += transformed(knob, rot_x(off))
    return pieces


def _rim_face(radius: float, spokes: int, hub_r: float, spoke_half: float, window_r: float,
              corner: float) -> Polygon:
    ring = circle(0, 0, window_r).difference(circle(0, 0, hub_r))
    arms = shapely.union_all([
        rotate_2d(LineString([(0, 0), (radius, 0)]), 360.0 * k / spokes, origin=(0, 0))
        .buffer(spoke_half, cap_style="flat") for k in range(spokes)])
    windows = rounded(ring.difference(arms), corner, segs=4)
    return circle(0, 0, radius).difference(windows).difference(circle(0, 0, 0.026))


def _dished(pieces, depth: float, radius: float):
    """Push a face's outer edge back along -a (the face's centre stands proud)."""
    out = []
    for v, f, uv in pieces:
        v = v.copy()
        r = np.hypot(v[:, 1], v[:, 2])
        v[:, 0] -= depth * (r / radius) ** 1.5
        out.append((v, f, uv))
    return out


def _lug_nuts(count: int, pcd: float, a: float):
    hexagon = Polygon([(0.011 * np.cos(t), 0.011 * np.sin(t))
                       for t in np.radians(np.arange(0, 360, 60))])
    pieces = []
    for k in range(count):
        t = 2 * np.pi * k / count
        pieces += transformed(prism(hexagon, 0.014), np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]]),
                              (a, pcd * np.cos(t), pcd * np.sin(t)))
    return pieces


def _face_frame():
    return np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]], float)  # (u, v, w) -> (w, u, v)


def street_rim():
    barrel = profile_path([(0.186, 0.090), (0.193, 0.096), (0.193, 0.104), (0.176, 0.108),
                           (0.168, 0.094), (0.168, -0.100)], [0, 0.003, 0.003, 0.003, 0.004, 0])
    face = _rim_face(0.171, 10, 0.058, 0.0115, 0.150, 0.006)
    pieces = lathe_x(barrel)
    pieces += _dished(transformed(prism(face, 0.016), _face_frame(), (0.058, 0, 0)), 0.035, 0.17)
    cap = profile_path([(0.034, 0.055), (0.034, 0.066), (0.03, 0.082), (0.0, 0.086)],
                       [0, 0.003, 0.012, 0])
    pieces += lathe_x(cap, 32)
    return pieces + _lug_nuts(5, 0.045, 0.062)


def offroad_rim():
    barrel = profile_path([(0.131, 0.095), (0.140, 0.102), (0.140, 0.112), (0.120, 0.114),
                           (0.118, 0.100), (0.118, -0.130)], [0, 0.003, 0.003, 0.003, 0.004, 0])
    face = _rim_face(0.121, 6, 0.05, 0.022, 0.100, 0.012)
    pieces = lathe_x(barrel)
    pieces += _dished(transformed(prism(face, 0.018), _face_frame(), (0.080, 0, 0)), 0.02, 0.12)
    ring = circle(0, 0, 0.142).difference(circle(0, 0, 0.116))
    pieces += transformed(prism(ring, 0.010), _face_frame(), (0.112, 0, 0))
    bolt = Polygon([(0.006 * np.cos(t), 0.006 * np.sin(t))
                    for t in np.radians(np.arange(0, 360, 60))])
    for k in range(16):
        t = 2 * np.pi * (k + 0.5) / 16
        pieces += transformed(prism(bolt, 0.007), _face_frame(),
                              (0.121, 0.129 * np.cos(t), 0.129 * np.sin(t)))
    cap = profile_path([(0.036, 0.075), (0.036, 0.088), (0.032, 0.100), (0.0, 0.104)],
                       [0, 0.003, 0.012, 0])
    pieces += lathe_x(cap, 32)
    return pieces + _lug_nuts(4, 0.040, 0.098)


def tyre_radius(pieces) -> float:
    """The largest distance from the axle: the wheel centre's height when resting on y=0."""
    return max(float(np.hypot(v[:, 1], v[:, 2]).max()) for v, _, _ in pieces)


def four_wheels(pieces, radius: float, track_x: float = WHEEL_X):
    out = []
    for sx in (-1, 1):
        for z in (FRONT_AXLE_Z, REAR_AXLE_Z):
            out += transformed(pieces, np.diag([sx, 1.0, 1.0]), (sx * track_x, radius, z))
    return out


# --- assembly ----------------------------------------------------------------------------------

SRGB = {  # default colours of the glTF materials (linear); the product file's materials rule
    "paint": (0.90, 0.90, 0.88, 1.0), "black": (0.02, 0.02, 0.02, 1.0),
    "chrome": (0.92, 0.92, 0.93, 1.0), "vinyl": (0.78, 0.70, 0.58, 1.0),
    "lens": (0.95, 0.95, 0.95, 1.0),
}


def build_parts() -> dict[str, tuple[list, str, float, float]]:
    cowl_pieces = cowl()
    frames = headlight_frames(cowl_pieces)
    street, offroad = street_tyre(), offroad_tyre()
    r_street, r_offroad = tyre_radius(street), tyre_radius(offroad)
    x_offroad = WHEEL_X + 0.02
    return {
        "cowl": (cowl_pieces, "paint", 0.0, 0.3),
        "rear_body": (rear_body(), "paint", 0.0, 0.3),
        "chassis": (chassis(), "black", 0.5, 0.5),
        "floor_mat": (floor_mat(), "black", 0.0, 0.9),
        "dashboard": (dashboard(), "black", 0.0, 0.7),
        "steering_column": (steering_column(), "black", 0.5, 0.4),
        "steering_wheel": (steering_wheel(), "black", 0.0, 0.7),
        "seat_bench": (seat_bench(), "vinyl", 0.0, 0.4),
        "seat_back": (seat_back(), "vinyl", 0.0, 0.4),
        "roof": (roof(), "paint", 0.0, 0.3),
        "roof_struts": (roof_struts(), "black", 0.5, 0.4),
        "bumpers": (bumpers(), "black", 0.0, 0.8),
        "headlights": (headlights(frames), "lens", 0.0, 0.05),
        "side_trim": (side_trim(), "chrome", 1.0, 0.05),
        "bumper_trim": (bumper_trim(), "chrome", 1.0, 0.05),
        "mirror_caps": (mirror_caps(), "chrome", 1.0, 0.05),
        "headlight_bezels": (headlight_bezels(frames), "chrome", 1.0, 0.05),
        "rims_street": (four_wheels(street_rim(), r_street), "chrome", 1.0, 0.05),
        "tyres_street": (four_wheels(street, r_street), "black", 0.0, 0.85),
        "rims_offroad": (four_wheels(offroad_rim(), r_offroad, x_offroad), "black", 0.6, 0.4),
        "tyres_offroad": (four_wheels(offroad, r_offroad, x_offroad), "black", 0.0, 0.9),
    }


def build_cart() -> trimesh.Scene:
    scene = trimesh.Scene()
    for name, (pieces, colour, metallic, roughness) in build_parts().items():
        verts, faces, normals, uv = finish(pieces)
        material = PBRMaterial(name=name, baseColorFactor=SRGB[colour], metallicFactor=metallic,
                               roughnessFactor=roughness, doubleSided=False)
        mesh = trimesh.Trimesh(vertices=verts, faces=faces, process=False,
                               visual=TextureVisuals(uv=uv, material=material))
        mesh.vertex_normals = normals
        mesh.metadata = {"uv_mapping": "metres on the surface (see scripts/author_golf_cart.py)",
                         "uv_metres_per_unit": 1.0}
        scene.add_geometry(mesh, node_name=name, geom_name=name)
    return scene


def summary(scene: trimesh.Scene) -> str:
    lines = []
    for name, mesh in scene.geometry.items():
        lo, hi = mesh.bounds
        lines.append(f"{name:17s} {len(mesh.faces):7d} triangles  x {lo[0]:6.3f}..{hi[0]:6.3f}"
                     f"  y {lo[1]:6.3f}..{hi[1]:6.3f}  z {lo[2]:6.3f}..{hi[2]:6.3f} m")
    lo, hi = scene.bounds
    total = sum(len(m.faces) for m in scene.geometry.values())
    lines.append(f"whole cart: {total} triangles, size {hi[0] - lo[0]:.3f} x {hi[1] - lo[1]:.3f}"
                 f" x {hi[2] - lo[2]:.3f} m (x, y, z)")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    out = Path(argv[1]) if len(argv) > 1 else root / "assets" / "models" / "golf_cart.glb"
    scene = build_cart()
    out.parent.mkdir(parents=True, exist_ok=True)
    data = trimesh.exchange.gltf.export_glb(scene, include_normals=True)
    tmp = out.with_suffix(".glb.tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    print(f"wrote {out} ({len(data)} bytes)")
    print(summary(scene))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
