"""Author the sample ceramic mug: app/builtin/assets/models/mug.glb.

Units are metres, Y up, the mug rests on y=0 centred on the Y axis and its handle points +X.
Nodes: ``body`` (outer wall, rounded lip, foot ring and recessed base), ``inside`` (inner wall and
floor), ``handle_classic`` (round D loop) and ``handle_angular`` (squared-off D, flat section).

UV layout of ``body`` (also stored in the mesh extras): cylindrical. u = angle around Y, 0 at +X
(the seam hides under the handle), 0.25 facing -Z, 0.5 facing -X, 0.75 facing +Z (the front), so a
texture reads left to right seen from outside. v = arc length up the outer profile, 0 where the
foot meets the table and 1 at the top of the lip; on the wall v * 95 mm stays within 3 mm of the
height. One u unit is the circumference at the widest point (about 0.252 m) and one v unit is the
profile length (about 0.099 m); textures that must not stretch use uv_scale in that ratio.
The underside and the inner half of the lip carry the same texture mirrored.

Run: .venv/bin/python scripts/author_mug.py [output.glb]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import trimesh

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_authoring import MM, author_main, join_parts, pbr_mesh, unit  # noqa: E402

WALL = 3.5  # mm
RING_SEGMENTS = 96  # around the Y axis
MAX_STEP = 2.5  # mm between profile samples on straight runs
MAX_TURN = np.radians(9.0)  # on curves

# Outer profile (r, y) in mm from the base centre outwards, with the fillet radius at each corner:
# recessed base, foot ring, heel, gently bellied wall (a large-radius arc), then the lip.
OUTER_CORNERS = [
    (0.0, 2.5),
    (28.0, 2.5),
    (29.2, 0.0),
    (33.5, 0.0),
    (38.4, 4.5),
    (40.5, 48.0),
    (39.7, 93.25),
]
OUTER_RADII = [0.0, 1.0, 1.2, 1.5, 5.0, 900.0, 0.0]
FLOOR_Y = 8.5  # inner floor height, mm
FLOOR_FILLET = 7.0
HANDLE_TOP_Y, HANDLE_BOTTOM_Y = 79.0, 25.0  # centre line of the handle where it meets the wall
HANDLE_EMBED = 2.2  # mm the handle ends reach into the wall

CERAMIC_WHITE = (0.888, 0.863, 0.815, 1.0)  # linear; sRGB #f2efe9


def _right(d: np.ndarray) -> np.ndarray:
    """The right-hand perpendicular of a 2D direction: the outward normal along the profile."""
    return np.array([d[1], -d[0]])


def _rotate(v: np.ndarray, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def _line(a: np.ndarray, b: np.ndarray) -> tuple[list, list]:
    n = max(1, int(np.ceil(np.linalg.norm(b - a) / MAX_STEP)))
    normal = _right(unit(b - a))
    pts = [a + (b - a) * k / n for k in range(1, n + 1)]
    return pts, [normal] * len(pts)


def _arc(start: np.ndarray, d_start: np.ndarray, radius: float, turn: float) -> tuple[list, list]:
    """Points after ``start`` on an arc leaving it along ``d_start``; turn > 0 turns left."""
    left = np.array([-d_start[1], d_start[0]])
    centre = start + np.sign(turn) * radius * left
    n = max(1, int(np.ceil(max(abs(turn) / MAX_TURN, radius * abs(turn) / MAX_STEP))))
    pts, normals = [], []
    for k in range(1, n + 1):
        a = turn * k / n
        pts.append(centre + _rotate(start - centre, a))
        normals.append(_right(_rotate(d_start, a)))
    return pts, normals


def filleted_profile(corners, radii) -> tuple[np.ndarray, np.ndarray]:
    """Sample a polyline whose inner corners are rounded with the given radii (0 keeps the corner
    sharp: the point is repeated with the normal of each side). Returns points and unit normals."""
    c = [np.asarray(p, dtype=float) for p in corners]
    pts, normals = [c[0]], [_right(unit(c[1] - c[0]))]
    for i in range(1, len(c)):
        d_in = unit(c[i] - c[i - 1])
        last = i == len(c) - 1
        if last or radii[i] == 0.0:
            seg_pts, seg_normals = _line(pts[-1], c[i])
            pts += seg_pts
            normals += seg_normals
            if not last:
                pts.append(c[i])
                normals.append(_right(unit(c[i + 1] - c[i])))
            continue
        d_out = unit(c[i + 1] - c[i])
        turn = np.arctan2(d_in[0] * d_out[1] - d_in[1] * d_out[0], float(d_in @ d_out))
        tangent_len = radii[i] * np.tan(abs(turn) / 2.0)
        t1 = c[i] - d_in * tangent_len
        seg_pts, seg_normals = _line(pts[-1], t1)
        pts += seg_pts
        normals += seg_normals
        seg_pts, seg_normals = _arc(t1, d_in, radii[i], turn)
        pts += seg_pts
        normals += seg_normals
    return np.array(pts), unit(np.array(normals))


def _offset_line(a, b, distance):
    n = _right(unit(np.asarray(b, float) - np.asarray(a, float)))
    return np.asarray(a, float) - distance * n, np.asarray(b, float) - distance * n


def _intersect(p1, p2, q1, q2) -> np.ndarray:
    d1, d2 = p2 - p1, q2 - q1
    t = np.linalg.solve(np.column_stack([d1, -d2]), q1 - p1)[0]
    return p1 + t * d1


def mug_profiles() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(points, normals) of the outer profile (base centre -> over the lip) and of the inner profile
    (lip -> floor centre), in mm. The inner wall is the outer wall offset by WALL."""
    outer_pts, outer_n = filleted_profile(OUTER_CORNERS, OUTER_RADII)
    top = np.asarray(OUTER_CORNERS[-1])
    d_top = unit(top - np.asarray(OUTER_CORNERS[-2]))
    lip_pts, lip_n = _arc(top, d_top, WALL / 2.0, np.pi)
    outer_pts = np.vstack([outer_pts, lip_pts])
    outer_n = np.vstack([outer_n, lip_n])

    e, f, g = (np.asarray(p) for p in OUTER_CORNERS[-3:])
    ef_in = _offset_line(e, f, WALL)
    fg_in = _offset_line(f, g, WALL)
    f_in = _intersect(*ef_in, *fg_in)
    floor_corner = _intersect(*ef_in, np.array([0.0, FLOOR_Y]), np.array([1.0, FLOOR_Y]))
    inner_corners = [lip_pts[-1], f_in, floor_corner, (0.0, FLOOR_Y)]
    inner_radii = [0.0, OUTER_RADII[-2] - WALL, FLOOR_FILLET, 0.0]
    inner_pts, inner_n = filleted_profile(inner_corners, inner_radii)
    return (outer_pts, outer_n), (inner_pts, inner_n)


def _oriented(vertices, faces, normals) -> np.ndarray:
    """Faces wound so that their geometric normals agree with the vertex normals."""
    tri = vertices[faces]
    geometric = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    agree = np.einsum("ij,ij->i", geometric, normals[faces].mean(axis=1))
    return faces if np.sum(agree > 0) >= np.sum(agree < 0) else faces[:, ::-1]


def lathe(points, normals, v_coords) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Revolve a profile (r, y) about Y. Returns vertices, faces, normals, uv. Profile points on
    the axis become poles with one triangle per segment; zero-length steps (sharp corners) get no
    faces."""
    n_seg = RING_SEGMENTS
    u = np.arange(n_seg + 1) / n_seg
    angle = 2.0 * np.pi * u
    cos, sin = np.cos(angle), -np.sin(angle)  # u grows left to right seen from outside
    r, y = points[:, 0:1], points[:, 1:2]
    nr, ny = normals[:, 0:1], normals[:, 1:2]
    grid = (len(points), n_seg + 1)
    verts = np.stack([r * cos, np.broadcast_to(y, grid), r * sin], axis=-1).reshape(-1, 3)
    norms = np.stack([nr * cos, np.broadcast_to(ny, grid), nr * sin], axis=-1).reshape(-1, 3)
    uu = np.broadcast_to(u, (len(points), n_seg + 1)).copy()
    on_axis = points[:, 0] < 1e-9
    uu[on_axis, :] = (np.arange(n_seg + 1) + 0.5) / n_seg
    uu = np.minimum(uu, 1.0)
    uv = np.stack([uu, np.broadcast_to(v_coords[:, None], uu.shape)], axis=-1).reshape(-1, 2)

    def idx(i, j):
        return i * (n_seg + 1) + j

    faces = []
    for i in range(len(points) - 1):
        if np.linalg.norm(points[i + 1] - points[i]) < 1e-9:
            continue
        for j in range(n_seg):
            a, b, c, d = idx(i, j), idx(i, j + 1), idx(i + 1, j + 1), idx(i + 1, j)
            if not on_axis[i]:
                faces.append((a, b, c))
            if not on_axis[i + 1]:
                faces.append((a, c, d))
    faces = np.array(faces, dtype=np.int64)
    return verts, _oriented(verts, faces, norms), norms, uv


def body_v(points: np.ndarray) -> tuple[np.ndarray, float]:
    """v for the outer profile (see module doc) and the profile length it spans (mm)."""
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    on_floor = np.flatnonzero(points[:, 1] < 1e-9)
    s0 = s[on_floor[-1]]
    s1 = s[int(np.argmax(points[:, 1]))]
    length = s1 - s0
    v = (s - s0) / length
    v = np.where(v < 0.0, -v, v)
    v = np.where(v > 1.0, 2.0 - v, v)
    return v, length


def ellipse_section(half_in_plane: float, half_z: float, count: int = 40):
    phi = 2.0 * np.pi * np.arange(count) / count
    pts = np.column_stack([half_in_plane * np.cos(phi), half_z * np.sin(phi)])
    normals = unit(np.column_stack([half_z * np.cos(phi), half_in_plane * np.sin(phi)]))
    return pts, normals


def rounded_rect_section(
    half_in_plane: float, half_z: float, corner: float, per_side: int = 4, per_corner: int = 6
):
    """A closed rounded rectangle, counter-clockwise, as points and outward normals."""
    pts, normals = [], []
    cx, cz = half_in_plane - corner, half_z - corner
    centres = [(cx, cz), (-cx, cz), (-cx, -cz), (cx, -cz)]
    for k, centre in enumerate(centres):
        for m in range(per_corner + 1):
            a = np.pi / 2.0 * (k + m / per_corner)
            n = np.array([np.cos(a), np.sin(a)])
            pts.append(np.asarray(centre) + corner * n)
            normals.append(n)
        nxt = np.asarray(centres[(k + 1) % 4])
        a_end = np.pi / 2.0 * (k + 1)
        n = np.array([np.cos(a_end), np.sin(a_end)])
        start = np.asarray(centre) + corner * n
        end = nxt + corner * n
        for m in range(1, per_side):
            pts.append(start + (end - start) * m / per_side)
            normals.append(n)
    return np.array(pts), np.array(normals)


def d_loop_path(
    wall_x_top: float, wall_x_bottom: float, reach: float, squareness: float, count: int = 160
) -> np.ndarray:
    """A D-shaped handle centre line in the XY plane (mm), a superellipse half from the upper
    attachment out to ``reach`` beyond the wall and back, leaving the wall horizontally."""
    t = np.linspace(np.pi / 2.0, -np.pi / 2.0, 4001)
    e = 2.0 / squareness
    yc = (HANDLE_TOP_Y + HANDLE_BOTTOM_Y) / 2.0
    half_h = (HANDLE_TOP_Y - HANDLE_BOTTOM_Y) / 2.0
    frac = (np.sin(t) + 1.0) / 2.0  # 1 at the top end, 0 at the bottom end
    x0 = wall_x_bottom + (wall_x_top - wall_x_bottom) * frac - HANDLE_EMBED
    dense = np.column_stack(
        [
            x0 + reach * np.abs(np.cos(t)) ** e,
            yc + half_h * np.sign(np.sin(t)) * np.abs(np.sin(t)) ** e,
        ]
    )
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(dense, axis=0), axis=1))])
    target = np.linspace(0.0, s[-1], count)
    return np.column_stack([np.interp(target, s, dense[:, 0]), np.interp(target, s, dense[:, 1])])


def sweep(path: np.ndarray, section: np.ndarray, section_normals: np.ndarray):
    """Sweep a closed 2D section (in-plane offset, z) along a planar XY path, with flat end caps.
    Returns vertices, faces, normals, uv (u along the path, v around the section)."""
    tangent = unit(np.gradient(path, axis=0))
    in_plane = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    k = len(section)
    ring = np.vstack([section, section[:1]])
    ring_n = np.vstack([section_normals, section_normals[:1]])
    m = len(path)
    xy = path[:, None, :] + in_plane[:, None, :] * ring[None, :, 0:1]
    verts = np.concatenate([xy, np.broadcast_to(ring[None, :, 1:2], (m, k + 1, 1))], axis=-1)
    nxy = in_plane[:, None, :] * ring_n[None, :, 0:1]
    norms = np.concatenate([nxy, np.broadcast_to(ring_n[None, :, 1:2], (m, k + 1, 1))], axis=-1)
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
    uv = np.stack(np.meshgrid(s / s[-1], np.arange(k + 1) / k, indexing="ij"), axis=-1)
    verts, norms, uv = verts.reshape(-1, 3), norms.reshape(-1, 3), uv.reshape(-1, 2)
    faces = []
    for i in range(m - 1):
        for j in range(k):
            a, b = i * (k + 1) + j, i * (k + 1) + j + 1
            c, d = b + k + 1, a + k + 1
            faces += [(a, b, c), (a, c, d)]
    faces = _oriented(verts, np.array(faces, dtype=np.int64), norms)
    parts = [(verts, faces, norms, uv)]
    for end, outward in ((0, -tangent[0]), (m - 1, tangent[-1])):
        rim = verts[end * (k + 1) : end * (k + 1) + k]
        cap_v = np.vstack([rim, rim.mean(axis=0)])
        cap_n = np.broadcast_to(np.append(outward, 0.0), cap_v.shape).copy()
        cap_uv = np.vstack([(section - section.min(0)) / np.ptp(section, axis=0), [0.5, 0.5]])
        cap_f = np.array([(k, j, (j + 1) % k) for j in range(k)], dtype=np.int64)
        parts.append((cap_v, _oriented(cap_v, cap_f, cap_n), cap_n, cap_uv))
    return join_parts(parts)


def _outer_radius_at(outer: np.ndarray, y: float) -> float:
    wall = outer[(outer[:, 1] > 10.0) & (outer[:, 1] < 93.0)]
    return float(np.interp(y, wall[:, 1], wall[:, 0]))


def build_mug() -> trimesh.Scene:
    (outer, outer_n), (inner, inner_n) = mug_profiles()
    v_body, profile_length = body_v(outer)
    s_in = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(inner, axis=0), axis=1))])
    v_inside = 1.0 - s_in / s_in[-1]
    r_max = float(outer[:, 0].max())
    body_extras = {
        "uv_mapping": "cylindrical: u = angle about +Y from +X (0.75 faces +Z), "
        "v = arc length up the outer profile from the foot to the lip top",
        "uv_u_metres_per_unit": round(2.0 * np.pi * r_max * MM, 6),
        "uv_v_metres_per_unit": round(profile_length * MM, 6),
    }
    parts = {
        "body": (*lathe(outer, outer_n, v_body), CERAMIC_WHITE, 0.08, body_extras),
        "inside": (*lathe(inner, inner_n, v_inside), CERAMIC_WHITE, 0.08, None),
    }
    x_top = _outer_radius_at(outer, HANDLE_TOP_Y)
    x_bottom = _outer_radius_at(outer, HANDLE_BOTTOM_Y)
    classic = sweep(
        d_loop_path(x_top, x_bottom, reach=27.0, squareness=2.3), *ellipse_section(4.6, 6.5)
    )
    angular = sweep(
        d_loop_path(x_top, x_bottom, reach=25.0, squareness=9.0),
        *rounded_rect_section(2.6, 7.0, 1.3),
    )
    parts["handle_classic"] = (*classic, CERAMIC_WHITE, 0.08, None)
    parts["handle_angular"] = (*angular, CERAMIC_WHITE, 0.08, None)

    scene = trimesh.Scene()
    for name, (verts, faces, normals, uv, color, roughness, extras) in parts.items():
        mesh = pbr_mesh(name, verts * MM, faces, unit(normals), uv, (color, 0.0, roughness), extras)
        scene.add_geometry(mesh, node_name=name, geom_name=name)
    return scene


def main(argv: list[str]) -> int:
    return author_main(argv, "mug", build_mug)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
