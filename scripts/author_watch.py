"""Author the sample wristwatch: app/builtin/assets/models/watch.glb.

Units are metres, Y up. The watch lies as in a shop's flat lay: case dial up and centred on the Y
axis, the caseback resting on y=0, 12 o'clock towards -Z, the crown at 3 o'clock (+X), the short
strap half (buckle) along -Z and the long half (holes) along +Z, each curving gently down to the
ground. Case 40 mm across and 11 mm thick, lugs 48 mm tip to tip, 20 mm between the lugs.
The hands show 10:10:35.

Nodes: ``case`` (middle case, bezel and lugs), ``caseback``, ``crown``, ``crystal``, ``dial``
(with its rehaut), ``indices`` (applied markers and the date frame), ``lume``, ``date_disc``,
``date_digits``, ``hour_hand``, ``minute_hand``, ``seconds_hand``; the leather strap
``strap_leather``, ``stitching``, ``strap_holes``, ``buckle``; the link bracelet ``bracelet`` and
``clasp``. The links' tops crown across the bracelet and round off towards each link's ends, as
polished links do, so that neighbouring links mirror different parts of a studio (flat links
all mirrored the same part, and a gold bracelet read as yellow plastic).

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
import trimesh
from shapely.geometry import LineString, Point, Polygon

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_authoring import MM, author_main, pbr_mesh, unit  # noqa: E402
from watch_geometry import (  # noqa: E402
    UV_UNIT,
    extrude,
    finish,
    join_pieces,
    lathe,
    make_piece,
    rounded_polyline,
    sweep,
)

HOUR, MINUTE, SECOND = 10, 10, 35

DIAL_Y = 6.4
CRYSTAL_EDGE_R = 17.1
LUG_INNER_X = 10.0
STRAP_START_Z = 16.5
STRAP_SHORT, STRAP_LONG = 82.0, 124.0  # path lengths from the start inside the case, mm


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
    return join_pieces([lathe(profile, 160), *lugs])


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
    return join_pieces(indices), join_pieces(lume)


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
    return disc, join_pieces(digits)


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
        "seconds_hand": join_pieces([_flat(seconds, second_deg, 7.85, 8.0),
                               _flat(cap, 0, 6.95, 8.1)]),
        "hand_lume": join_pieces([_flat(_box(-0.45, 0.45, 2.0, 7.6), hour_deg, 7.2, 7.25),
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
    tangent = unit(np.gradient(points, axis=0))
    lateral = np.tile([sign, 0.0, 0.0], (len(z), 1))
    return points, lateral, np.cross(tangent, lateral)


def _resample(s_all, path, lateral, up, s_new):
    def at(a):
        return np.column_stack([np.interp(s_new, s_all, a[:, i]) for i in range(3)])
    return at(path), at(lateral), unit(at(up))


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


def crowned(section: np.ndarray, crown_at, split: int = 6) -> np.ndarray:
    """``section`` (a convex (a, b) polygon standing on b = its lowest b) with its flat top
    split in ``split``, each point lowered by ``crown_at(a)`` times its height over the
    section's (so the top follows the crown and the base stays): a polished link's top curves,
    and neighbouring links mirror different parts of the room."""
    top = section[:, 1].max()
    closed = np.vstack([section, section[:1]])
    points = []
    for start, end in zip(closed[:-1], closed[1:], strict=True):
        count = split if min(start[1], end[1]) >= top - 1e-9 else 1
        points.extend(start + (end - start) * t for t in np.arange(count) / count)
    points = np.array(points)
    base = points[:, 1].min()
    points[:, 1] -= crown_at(points[:, 0]) * (points[:, 1] - base) / (top - base)
    return points


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
            holes.append(make_piece(verts, fan, np.vstack([uv, [0, 0]]), np.tile(u, (21, 1))))
        pieces["strap_holes"] = join_pieces(holes)
    pieces["stitching"] = join_pieces(dashes)
    return pieces


def buckle_piece(sign: float) -> dict:
    """Tang buckle lying flat beyond the end of the short strap half."""
    s, path, _, _ = strap_path(sign, STRAP_SHORT)
    z_end = abs(path[-1, 2])
    near, far, half = z_end + 1.4, z_end + 16.4, 10.6
    corners = [(0, near), (half, near), (half, far), (-half, far), (-half, near), (0, near)]
    loop = rounded_polyline(corners, [0, 2.0, 7.0, 7.0, 2.0, 0], step=0.5)[:-1]
    loop3 = np.column_stack([loop[:, 0], np.full(len(loop), 1.0), sign * loop[:, 1]])
    tangent = unit(np.roll(loop3, -1, axis=0) - np.roll(loop3, 1, axis=0))
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
    return join_pieces([frame, prong])


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
        # the links' tops crown across the bracelet (an arc 0.9 mm lower at its edges) and
        # round off towards each link's ends (0.35 mm)
        ends = 0.35 * ((ss - s0 - 3.0) / 3.0) ** 2
        for a0, a1, corner in ((-3.4, 3.4, 1.3), (3.8, None, 0.8), (None, -3.8, 0.8)):
            rings = np.array([crowned(
                rounded_rect(a0 if a0 is not None else -wi / 2,
                             a1 if a1 is not None else wi / 2, 0.0, 3.4, corner, 4),
                lambda a, wi=wi, e=e: 0.9 * (2.0 * a / wi) ** 2 + e)
                for wi, e in zip(w, ends, strict=True)])
            links.append(sweep(p, lat, u, rings))
    pieces = {"bracelet": join_pieces(links)}
    if not long:
        ss = np.linspace(starts[-1] + 6.6, length, 40)
        p, lat, u = _resample(s, path, lateral, up, ss)
        tip = np.clip((ss - (length - 6.0)) / 6.0, 0.0, 0.95)
        w = 18.0 * np.sqrt(1.0 - tip**2)
        rings = np.array([crowned(rounded_rect(-wi / 2, wi / 2, 0.0, 3.9, 1.5),
                                  lambda a, wi=wi: 0.6 * (2.0 * a / wi) ** 2) for wi in w])
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
        "lume": (join_pieces([marker_lume, hands["hand_lume"]]), "lume"),
        "date_disc": (disc, "white"),
        "date_digits": (digits, "black"),
        "hour_hand": (hands["hour_hand"], "metal"),
        "minute_hand": (hands["minute_hand"], "metal"),
        "seconds_hand": (hands["seconds_hand"], "metal"),
    }
    short, long = leather_half(-1.0, False), leather_half(1.0, True)
    looks = {"strap_leather": "leather", "stitching": "thread", "strap_holes": "black"}
    for name, look in looks.items():
        parts[name] = (join_pieces([h[name] for h in (short, long) if name in h]), look)
    parts["buckle"] = (buckle_piece(-1.0), "metal")
    short, long = bracelet_half(-1.0, False), bracelet_half(1.0, True)
    parts["bracelet"] = (join_pieces([short["bracelet"], long["bracelet"]]), "metal")
    parts["clasp"] = (short["clasp"], "metal")
    return parts


def _mesh(name: str, piece: dict, look: str) -> trimesh.Trimesh:
    verts, faces, normals, uv = finish(piece)
    extras = {"uv_metres_per_unit": UV_UNIT * MM, "uv_mapping": UV_MAPPING[look]
              if name not in UV_BY_NODE else UV_BY_NODE[name]}
    return pbr_mesh(name, verts * MM, faces, normals, uv, LOOKS[look], extras)


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


def main(argv: list[str]) -> int:
    return author_main(argv, "watch", build_watch)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
