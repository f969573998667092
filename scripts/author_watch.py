"""Author the sample wristwatch: assets/models/watch.glb.

Units are metres, Y up. The watch lies as in a shop's flat lay: case dial up and centred on the Y
axis, the caseback resting on y=0, 12 o'clock towards -Z, the crown at 3 o'clock (+X), the short
strap half (buckle) along -Z and the long half (holes) along +Z, each curving gently down to the
ground. Case 40 mm across and 11 mm thick, lugs 48 mm tip to tip, 20 mm between the lugs.
The hands show 10:10:35.

Nodes: ``case`` (middle case, bezel and lugs), ``caseback``, ``crown``, ``crystal``, ``dial``
(with its rehaut), ``indices`` (applied markers and the date frame), ``lume``, ``date_disc``,
``date_digits``, ``hour_hand``, ``minute_hand``, ``seconds_hand``; the leather strap
``strap_leather``, ``stitching``, ``strap_holes``, ``buckle``; the link bracelet ``bracelet`` and
``clasp``.

Normals are smooth where the surface turns by less than CREASE_DEG between faces and split at
sharper edges. UVs keep metres per UV unit roughly the same in u and v on each part (values in the
mesh extras): revolved parts are cylindrical (u around, v along the profile), flat parts (dial,
caseback, crystal, hands, markers) planar from above or below, strap and bracelet parts u across
and v along the strap.

Run: .venv/bin/python scripts/author_watch.py [output.glb]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import shapely
import trimesh
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.polygon import orient
from trimesh.visual.material import PBRMaterial
from trimesh.visual.texture import TextureVisuals

MM = 0.001
CREASE_DEG = 35.0
UV_UNIT = 40.0  # mm per UV unit on planar, strap and bracelet parts
HOUR, MINUTE, SECOND = 10, 10, 35

DIAL_Y = 6.4
CRYSTAL_EDGE_R = 17.1
LUG_INNER_X = 10.0
STRAP_START_Z = 16.5
STRAP_SHORT, STRAP_LONG = 82.0, 124.0  # path lengths from the start inside the case, mm


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


# --- pieces: (vertices mm, faces, uv, hint normals) -----------------------------------------------


def _piece(verts, faces, uv, hints) -> dict:
    return {"v": np.asarray(verts, float), "f": np.asarray(faces, np.int64),
            "uv": np.asarray(uv, float), "h": np.asarray(hints, float)}


def _join(pieces: list[dict]) -> dict:
    offset, faces = 0, []
    for p in pieces:
        faces.append(p["f"] + offset)
        offset += len(p["v"])
    return {"v": np.vstack([p["v"] for p in pieces]), "f": np.vstack(faces),
            "uv": np.vstack([p["uv"] for p in pieces]), "h": np.vstack([p["h"] for p in pieces])}


def _finish(piece: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
    # group face corners by welded position, average face normals within the crease angle
    _, pos_id = np.unique(np.round(v, 5), axis=0, return_inverse=True)
    corner_face = np.repeat(np.arange(len(f)), 3)
    corner_pos = pos_id[f.ravel()]
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
    ok = np.einsum("ij,ij->i", fn[fi], fn[fj]) > np.cos(np.radians(CREASE_DEG))
    normals = np.zeros((len(corner_face), 3))
    np.add.at(normals, i_idx[ok], fn[fj[ok]] * area[fj[ok], None])
    normals = _unit(normals)
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
            d_in, d_out = _unit(c[i] - c[i - 1]), _unit(c[i + 1] - c[i])
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
    seg_n = _unit(np.column_stack([d[:, 1], -d[:, 0]]))
    pt_n = _unit(np.vstack([seg_n[:1], seg_n[:-1] + seg_n[1:], seg_n[-1:]]))
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
    return _piece(verts, faces, uvs, hints)


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
    pieces = [_piece(verts.reshape(-1, 3), np.vstack([np.column_stack([a, b, c]),
                                                      np.column_stack([a, c, d])]),
                     uv, hints.reshape(-1, 3))]
    if not closed:
        tangent = _unit(np.gradient(path, axis=0))
        for end, sign in ((0, -1.0), (m - 1, 1.0)):
            rim = np.vstack([verts[end, :k], verts[end, :k].mean(axis=0)])
            fan = np.array([(k, q, (q + 1) % k) for q in range(k)])
            flat = np.vstack([rings[end], centre[end]]) / UV_UNIT
            pieces.append(_piece(rim, fan, flat, np.tile(sign * tangent[end], (k + 1, 1))))
    return _join(pieces)


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
    pieces = [_piece(to3d(pq, np.full(len(pq), h)), cap_f, pq / UV_UNIT,
                     np.tile(H * sign, (len(pq), 1))) for h, sign in ((h0, -1.0), (h1, 1.0))]
    for ring in [polygon.exterior, *polygon.interiors]:
        pts = np.asarray(ring.coords)
        edge = np.diff(pts, axis=0)
        out = _unit(np.column_stack([edge[:, 1], -edge[:, 0]]))
        if ring is not polygon.exterior:
            out = -out
        pt_n = _unit(np.vstack([out[-1:] + out[:1], out[:-1] + out[1:]]))
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
        pieces.append(_piece(wall_v, faces, wall_uv, np.vstack([hint3, hint3])))
    return _join(pieces)


# --- case, dial, crystal, crown -------------------------------------------------------------------


def case_piece() -> dict:
    profile = rounded_polyline(
        [(17.6, 1.4), (19.3, 1.6), (20.0, 2.6), (20.0, 7.1), (19.2, 8.4), (18.2, 9.35),
         (17.3, 9.45), (17.2, 9.0), (17.2, 8.2)],
        [0, 0.5, 1.0, 1.2, 1.0, 0.6, 0.2, 0, 0])
    lugs = []
    outline = rounded_polyline([(14, 3.0), (24.2, 3.4), (24.2, 5.7), (19, 7.9), (14, 8.6),
                                (14, 3.0)], [0, 1.0, 1.6, 10.0, 0, 0], step=0.3)
    lug = Polygon(outline[:-1])
    for side in (1.0, -1.0):
        for x0 in (LUG_INNER_X, -LUG_INNER_X - 2.5):
            lugs.append(extrude(lug, (x0, 0, 0), (0, 0, side), (0, 1, 0), (1, 0, 0), 0.0, 2.5))
    return _join([lathe(profile, 160), *lugs])


def caseback_piece() -> dict:
    profile = rounded_polyline([(0, 0), (14.0, 0), (16.6, 0.35), (18.3, 1.2), (18.3, 1.8),
                                (0, 1.8)], [0, 0, 2.0, 0.6, 0, 0], step=1.5)
    return lathe(profile, 128, uv="planar")


def crystal_piece() -> dict:
    sag, r = 1.1, CRYSTAL_EDGE_R
    radius = (r * r + sag * sag) / (2 * sag)
    phi = np.linspace(np.arcsin(r / radius), 0.0, 24)
    dome = np.column_stack([radius * np.sin(phi), 11.0 - radius + radius * np.cos(phi)])
    profile = np.vstack([rounded_polyline([(r, 8.3), (r, dome[0, 1])], [0, 0], 2.0), dome[1:]])
    return lathe(profile, 128, uv="planar")


def dial_piece() -> dict:
    profile = rounded_polyline([(17.15, 8.3), (16.0, DIAL_Y), (0, DIAL_Y)], [0, 0, 0], step=1.0)
    return lathe(profile, 128, uv="planar")


CROWN_Y, CROWN_X = 4.85, 19.4


def crown_piece() -> dict:
    profile = rounded_polyline([(0, 0), (1.5, 0), (1.5, 1.0), (2.7, 1.0), (2.8, 1.3), (2.8, 3.2),
                                (2.3, 3.7), (0, 3.7)], [0, 0, 0, 0.15, 0.2, 0.5, 0.4, 0],
                               step=0.3)

    def flutes(theta, y):
        return np.where((y > 1.4) & (y < 3.1), 0.12 * np.cos(20 * theta), 0.0)

    p = lathe(profile, 120, radial=flutes)
    swap = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], float)  # (x, y, z) -> (y, x, z)
    p["v"] = p["v"] @ swap + np.array([CROWN_X, CROWN_Y, 0.0])
    p["h"] = p["h"] @ swap
    return p


# --- dial furniture: markers, date, hands ---------------------------------------------------------


def _clock_axes(theta_deg: float):
    t = np.radians(theta_deg)
    return (np.cos(t), 0.0, np.sin(t)), (np.sin(t), 0.0, -np.cos(t))  # lateral, along (12 -> -Z)


def _box(a0, a1, b0, b1) -> Polygon:
    return Polygon([(a0, b0), (a1, b0), (a1, b1), (a0, b1)])


def _flat(polygon, theta_deg, y0, y1) -> dict:
    lat, along = _clock_axes(theta_deg)
    return extrude(polygon, (0, 0, 0), lat, along, (0, 1, 0), y0, y1)


DATE_BOX = (-1.3, 1.3, 11.0, 14.8)  # lateral and radial extent of the date window at 3 o'clock


def marker_pieces() -> tuple[dict, dict]:
    """(indices with the date frame, lume dots on them)."""
    top = DIAL_Y + 0.45
    indices, lume = [], []
    for hour in range(12):
        bars = [(-0.75,), (0.75,)] if hour == 0 else [(0.0,)]
        if hour == 3:
            frame = _box(-1.75, 1.75, 10.55, 15.25).difference(_box(*DATE_BOX))
            indices.append(_flat(frame, 90, DIAL_Y, DIAL_Y + 0.3))
            continue
        half = 0.42 if hour == 0 else 0.55
        for (a,) in bars:
            indices.append(_flat(_box(a - half, a + half, 12.4, 15.6), hour * 30, DIAL_Y, top))
            lume.append(_flat(_box(a - 0.22, a + 0.22, 12.8, 15.2), hour * 30, top, top + 0.05))
    return _join(indices), _join(lume)


def date_pieces() -> tuple[dict, dict]:
    """(the white date disc in the window, the digits '14')."""
    a0, a1, b0, b1 = DATE_BOX
    disc = _flat(_box(a0, a1, b0, b1), 90, DIAL_Y, DIAL_Y + 0.03)
    one = LineString([(-0.85, 0.45), (-0.5, 0.85), (-0.5, -0.85)])
    four = LineString([(0.75, -0.85), (0.75, 0.85), (0.0, -0.3), (1.05, -0.3)])
    glyphs = one.union(four).buffer(0.16, quad_segs=4, join_style="mitre")
    centre = (b0 + b1) / 2
    digits = [extrude(g, (centre, 0, 0), (1, 0, 0), (0, 0, -1), (0, 1, 0),
                      DIAL_Y + 0.03, DIAL_Y + 0.05) for g in getattr(glyphs, "geoms", [glyphs])]
    return disc, _join(digits)


def hand_pieces() -> dict[str, dict]:
    hour_deg = (HOUR % 12 + MINUTE / 60) * 30
    minute_deg = (MINUTE + SECOND / 60) * 6
    second_deg = SECOND * 6
    hour = Polygon([(-0.9, -2.2), (0.9, -2.2), (0.9, 7.6), (0, 9.6), (-0.9, 7.6)])
    hour = hour.union(Point(0, 0).buffer(1.6, quad_segs=12))
    minute = Polygon([(-0.62, -2.6), (0.62, -2.6), (0.62, 13.6), (0, 15.2), (-0.62, 13.6)])
    minute = minute.union(Point(0, 0).buffer(1.3, quad_segs=12))
    seconds = _box(-0.13, 0.13, -4.0, 15.6).union(Point(0, 0).buffer(0.85, quad_segs=12))
    seconds = seconds.union(Point(0, -3.4).buffer(0.65, quad_segs=10))
    cap = Point(0, 0).buffer(0.7, quad_segs=16)
    return {
        "hour_hand": _flat(hour, hour_deg, 6.95, 7.2),
        "minute_hand": _flat(minute, minute_deg, 7.4, 7.65),
        "seconds_hand": _join([_flat(seconds, second_deg, 7.85, 8.0),
                               _flat(cap, 0, 6.95, 8.1)]),
        "hand_lume": _join([_flat(_box(-0.45, 0.45, 2.0, 7.6), hour_deg, 7.2, 7.25),
                            _flat(_box(-0.3, 0.3, 2.6, 13.4), minute_deg, 7.65, 7.7)]),
    }


# --- strap and bracelet ---------------------------------------------------------------------------


def strap_path(sign: float, length: float, step: float = 1.0):
    """Bottom centre line of a strap half from inside the case outwards: level under the lugs,
    a smooth S-bend down to the ground, then flat. Returns s, points, lateral and up (m, 3)."""
    z = np.linspace(STRAP_START_Z, STRAP_START_Z + length * 1.2, 4000)
    x = np.clip((z - 24.0) / 22.0, 0.0, 1.0)
    y = 3.0 * (1.0 - (3 * x**2 - 2 * x**3))
    arc = np.r_[0.0, np.cumsum(np.hypot(np.diff(z), np.diff(y)))]
    s = np.linspace(0.0, length, int(np.ceil(length / step)) + 1)
    return s, *strap_frame(sign, np.interp(s, arc, z), np.interp(s, arc, y))


def strap_frame(sign: float, z: np.ndarray, y: np.ndarray):
    points = np.column_stack([np.zeros_like(z), y, sign * z])
    tangent = _unit(np.gradient(points, axis=0))
    lateral = np.tile([sign, 0.0, 0.0], (len(z), 1))
    return points, lateral, np.cross(tangent, lateral)


def _resample(s_all, path, lateral, up, s_new):
    def at(a):
        return np.column_stack([np.interp(s_new, s_all, a[:, i]) for i in range(3)])
    return at(path), at(lateral), _unit(at(up))


def rounded_rect(a0, a1, b0, b1, corner, per_corner: int = 5) -> np.ndarray:
    """Counter-clockwise rounded rectangle in (a, b)."""
    corner = min(corner, (a1 - a0) / 2 * 0.999, (b1 - b0) / 2 * 0.999)
    pts = []
    for k, (ca, cb) in enumerate([(a1 - corner, b0 + corner), (a1 - corner, b1 - corner),
                                  (a0 + corner, b1 - corner), (a0 + corner, b0 + corner)]):
        for m in range(per_corner + 1):
            t = np.pi / 2 * (k - 1 + m / per_corner)
            pts.append((ca + corner * np.cos(t), cb + corner * np.sin(t)))
    return np.array(pts)


def ellipse(ca, cb, ra, rb, count: int = 10) -> np.ndarray:
    t = 2 * np.pi * np.arange(count) / count
    return np.column_stack([ca + ra * np.cos(t), cb + rb * np.sin(t)])


def _taper(s, length, start, end):
    return start + (end - start) * np.clip((s - 8.0) / (length - 8.0), 0.0, 1.0)


def leather_half(sign: float, long: bool) -> dict[str, dict]:
    length = STRAP_LONG if long else STRAP_SHORT
    s, path, lateral, up = strap_path(sign, length)
    width = _taper(s, length, 20.0, 16.0 if long else 18.0)
    thick = _taper(s, length, 3.6, 2.6 if long else 3.0)
    if long:
        tip = np.clip((s - (length - 8.0)) / 8.0, 0.0, 0.97)
        width = width * np.sqrt(1.0 - tip**2)
    rings = np.array([rounded_rect(-w / 2, w / 2, 0.0, t, 0.45 * t)
                      for w, t in zip(width, thick, strict=True)])
    pieces = {"strap_leather": sweep(path, lateral, up, rings)}
    dashes, holes = [], []
    for s0 in np.arange(7.0, length - (11.0 if long else 3.0), 2.7):
        ss = np.linspace(s0, s0 + 1.7, 6)
        p, lat, u = _resample(s, path, lateral, up, ss)
        w, t = np.interp(ss, s, width), np.interp(ss, s, thick)
        scale = np.maximum(0.45, np.sin(np.linspace(0, np.pi, 6)))[:, None, None]
        for side in (1.0, -1.0):
            rel = ellipse(0.0, 0.0, 0.3, 0.17, 8)[None] * scale
            rings = rel + np.stack([side * (w / 2 - 1.35), t - 0.05], axis=1)[:, None, :]
            dashes.append(sweep(p, lat, u, rings))
    if long:
        for k in range(6):
            sh = length - 17.0 - 7.0 * k
            (p,), (lat,), (u,) = _resample(s, path, lateral, up, np.array([sh]))
            tangent = np.cross(lat, u)
            centre = p + u * (np.interp(sh, s, thick) + 0.03)
            t = 2 * np.pi * np.arange(20) / 20
            rim = centre + 0.9 * (np.cos(t)[:, None] * lat + np.sin(t)[:, None] * tangent)
            verts = np.vstack([rim, centre])
            fan = np.array([(20, q, (q + 1) % 20) for q in range(20)])
            uv = np.column_stack([np.cos(t), np.sin(t)]) * 0.9 / UV_UNIT
            holes.append(_piece(verts, fan, np.vstack([uv, [0, 0]]), np.tile(u, (21, 1))))
        pieces["strap_holes"] = _join(holes)
    pieces["stitching"] = _join(dashes)
    return pieces


def buckle_piece(sign: float) -> dict:
    """Tang buckle lying flat beyond the end of the short strap half."""
    s, path, _, _ = strap_path(sign, STRAP_SHORT)
    z_end = abs(path[-1, 2])
    near, far, half = z_end + 1.4, z_end + 16.4, 10.6
    corners = [(0, near), (half, near), (half, far), (-half, far), (-half, near), (0, near)]
    loop = rounded_polyline(corners, [0, 2.0, 7.0, 7.0, 2.0, 0], step=0.5)[:-1]
    loop3 = np.column_stack([loop[:, 0], np.full(len(loop), 1.0), sign * loop[:, 1]])
    tangent = _unit(np.roll(loop3, -1, axis=0) - np.roll(loop3, 1, axis=0))
    upward = np.tile([0.0, 1.0, 0.0], (len(loop), 1))
    outward = np.cross(tangent, upward)
    outward *= np.sign(np.einsum("ij,ij->i", outward, loop3 - loop3.mean(axis=0)))[:, None]
    section = rounded_rect(-0.9, 0.9, -1.0, 1.0, 0.75)
    frame = sweep(loop3, outward, upward, np.tile(section, (len(loop), 1, 1)), closed=True)
    zz = np.linspace(near, far + 0.6, 24)
    yy = np.interp(zz, [near, far], [1.0, 2.45])
    p, lat, u = strap_frame(sign, zz, yy)
    widths = np.interp(zz, [near, far - 2, far + 0.6], [1.6, 1.5, 1.1])
    prong = sweep(p, lat, u, np.array([rounded_rect(-w / 2, w / 2, -0.45, 0.45, 0.4)
                                       for w in widths]))
    return _join([frame, prong])


def bracelet_half(sign: float, long: bool) -> dict[str, dict]:
    length = STRAP_LONG if long else STRAP_SHORT
    links_end = length if long else length - 34.0
    s, path, lateral, up = strap_path(sign, length, step=0.5)
    width = _taper(s, length, 20.0, 16.0 if long else 18.0)
    links, starts = [], np.arange(0.0, links_end - 6.0 + 1e-6, 6.6)
    for s0 in starts:
        ss = np.linspace(s0, s0 + 6.0, 9)
        p, lat, u = _resample(s, path, lateral, up, ss)
        w = np.interp(ss, s, width)
        for a0, a1, corner in ((-3.4, 3.4, 1.3), (3.8, None, 0.8), (None, -3.8, 0.8)):
            rings = np.array([rounded_rect(a0 if a0 is not None else -wi / 2,
                                           a1 if a1 is not None else wi / 2, 0.0, 3.4, corner, 4)
                              for wi in w])
            links.append(sweep(p, lat, u, rings))
    pieces = {"bracelet": _join(links)}
    if not long:
        ss = np.linspace(starts[-1] + 6.6, length, 40)
        p, lat, u = _resample(s, path, lateral, up, ss)
        tip = np.clip((ss - (length - 6.0)) / 6.0, 0.0, 0.95)
        w = 18.0 * np.sqrt(1.0 - tip**2)
        rings = np.array([rounded_rect(-wi / 2, wi / 2, 0.0, 3.9, 1.5) for wi in w])
        pieces["clasp"] = sweep(p, lat, u, rings)
    return pieces


# --- the model ------------------------------------------------------------------------------------

# default look of each node in the GLB (linear base colour, metallic, roughness); the product file
# assigns the library materials
LOOKS = {
    "metal": ((0.63, 0.64, 0.66, 1.0), 1.0, 0.15),
    "glass": ((1.0, 1.0, 1.0, 0.25), 0.0, 0.02),
    "dial": ((0.7, 0.7, 0.69, 1.0), 0.0, 0.45),
    "lume": ((0.8, 0.82, 0.76, 1.0), 0.0, 0.5),
    "white": ((0.85, 0.85, 0.84, 1.0), 0.0, 0.45),
    "black": ((0.012, 0.012, 0.012, 1.0), 0.0, 0.8),
    "leather": ((0.19, 0.068, 0.023, 1.0), 0.0, 0.55),
    "thread": ((0.75, 0.7, 0.6, 1.0), 0.0, 0.7),
}


def watch_parts() -> dict[str, tuple[dict, str]]:
    indices, marker_lume = marker_pieces()
    disc, digits = date_pieces()
    hands = hand_pieces()
    parts = {
        "case": (case_piece(), "metal"),
        "caseback": (caseback_piece(), "metal"),
        "crown": (crown_piece(), "metal"),
        "crystal": (crystal_piece(), "glass"),
        "dial": (dial_piece(), "dial"),
        "indices": (indices, "metal"),
        "lume": (_join([marker_lume, hands["hand_lume"]]), "lume"),
        "date_disc": (disc, "white"),
        "date_digits": (digits, "black"),
        "hour_hand": (hands["hour_hand"], "metal"),
        "minute_hand": (hands["minute_hand"], "metal"),
        "seconds_hand": (hands["seconds_hand"], "metal"),
    }
    short, long = leather_half(-1.0, False), leather_half(1.0, True)
    looks = {"strap_leather": "leather", "stitching": "thread", "strap_holes": "black"}
    for name, look in looks.items():
        parts[name] = (_join([h[name] for h in (short, long) if name in h]), look)
    parts["buckle"] = (buckle_piece(-1.0), "metal")
    short, long = bracelet_half(-1.0, False), bracelet_half(1.0, True)
    parts["bracelet"] = (_join([short["bracelet"], long["bracelet"]]), "metal")
    parts["clasp"] = (short["clasp"], "metal")
    return parts


def _mesh(name: str, piece: dict, look: str) -> trimesh.Trimesh:
    verts, faces, normals, uv = _finish(piece)
    color, metallic, roughness = LOOKS[look]
    material = PBRMaterial(name=name, baseColorFactor=color, metallicFactor=metallic,
                           roughnessFactor=roughness, doubleSided=False,
                           alphaMode="BLEND" if color[3] < 1.0 else None)
    mesh = trimesh.Trimesh(vertices=verts * MM, faces=faces, process=False,
                           visual=TextureVisuals(uv=uv, material=material))
    mesh.vertex_normals = normals
    mesh.metadata = {"uv_metres_per_unit": UV_UNIT * MM, "uv_mapping": UV_MAPPING[look]
                     if name not in UV_BY_NODE else UV_BY_NODE[name]}
    return mesh


UV_MAPPING = {look: "planar, and u along the outline with v along the height on the sides"
              for look in LOOKS}
UV_BY_NODE = {
    "case": "cylindrical: u around +Y (one unit ~ 0.042 m), v along the profile at the same "
            "scale; lugs planar from the side",
    "caseback": "planar from below: u = x / 0.04 m + 0.5, v = -z / 0.04 m + 0.5",
    "crystal": "planar from above: u = x / 0.04 m + 0.5, v = -z / 0.04 m + 0.5",
    "dial": "planar from above: u = x / 0.04 m + 0.5, v = -z / 0.04 m + 0.5",
    "crown": "cylindrical about the crown's axis (+X)",
    "strap_leather": "u around the strap section, v along the strap, 0.04 m per unit",
    "bracelet": "u around each link's section, v along the bracelet, 0.04 m per unit",
    "clasp": "u around the section, v along the bracelet, 0.04 m per unit",
}


def build_watch() -> trimesh.Scene:
    scene = trimesh.Scene()
    for name, (piece, look) in watch_parts().items():
        scene.add_geometry(_mesh(name, piece, look), node_name=name, geom_name=name)
    return scene


def summary(scene: trimesh.Scene) -> str:
    lines = []
    for name, mesh in scene.geometry.items():
        lo, hi = mesh.bounds / MM
        lines.append(f"{name:14s} {len(mesh.faces):6d} triangles  x {lo[0]:7.2f}..{hi[0]:6.2f}  "
                     f"y {lo[1]:6.2f}..{hi[1]:6.2f}  z {lo[2]:7.2f}..{hi[2]:7.2f} mm")
    lo, hi = scene.bounds / MM
    total = sum(len(m.faces) for m in scene.geometry.values())
    lines.append(f"{'whole watch':14s} {total:6d} triangles  size {hi[0] - lo[0]:.1f} x "
                 f"{hi[1] - lo[1]:.1f} x {hi[2] - lo[2]:.1f} mm (x, y, z)")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    out = Path(argv[1]) if len(argv) > 1 else root / "assets" / "models" / "watch.glb"
    scene = build_watch()
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
