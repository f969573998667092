"""Author the sample electric guitar: app/builtin/assets/models/guitar.glb.

Units are metres, Y up. The guitar stands upright as on a stand: neck up along +Y, its face
towards +Z, the string centre line on x = 0 and the lowest point (the tail strap pin) on y = 0.
It is right-handed: the bass side (thick string, tuner keys, upper horn) is at -x, the treble side
(knobs, switch, jack) at +x, so mirroring x gives the left-handed guitar.

Scale length 648 mm (nut to saddle line), body 33 mm thick, 22 frets, 6-in-line headstock.
Nodes: two bodies with their pickguards and strap pins (``*_offset``: offset double-cutaway,
``*_single``: single-cutaway), ``neck`` (with headstock), ``fretboard``, ``inlays``, ``nut``,
``frets``, ``strings``, ``bridge``, ``pickups``, ``controls``, ``tuners``, ``neck_plate``.

UVs: each body has a planar map over its front face, u = 0..1 left to right and v = 0..1
bottom to top across the body's bounding box (the back and the sides share the projection).
Other parts: planar in x/y (neck, fretboard, pickguards, plates) with the metres per unit in
the mesh extras. Normals are smooth where faces meet at less than 35 degrees, split otherwise.

Run: .venv/bin/python scripts/author_guitar.py [output.glb]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import trimesh
from shapely.geometry import Polygon

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guitar_geometry import (  # noqa: E402
    closed_curve,
    lathe,
    moved,
    ring_normals,
    rod,
    rounded_rect,
    slab,
    sweep_y,
)
from model_authoring import MM, author_main, join_parts, pbr_mesh, unit  # noqa: E402

SCALE = 648.0
BODY_BOTTOM = 10.0  # y of the body's tail; the tail strap pin reaches y = 0
SADDLE_Y = 160.0
NUT_Y = SADDLE_Y + SCALE
BODY_FRONT, BODY_BACK = 16.5, -16.5
GUARD_TOP = BODY_FRONT + 2.4
NECK_TOP = BODY_FRONT + 4.0  # neck wood under the fretboard
BOARD_TOP = NECK_TOP + 6.0  # along the centre line (the board is radiused)
BOARD_RADIUS = 241.0  # 9.5 inch
FRETS = 22
NECK_END_Y = NUT_Y - SCALE * (1 - 2 ** (-FRETS / 12)) - 8.0
NECK_PLATE_Y = 372.0  # the neck plate on the back, over the neck pocket (y 334..410)
HEADSTOCK_FACE = NECK_TOP - 1.0
HEADSTOCK_BACK = HEADSTOCK_FACE - 14.0
NUT_STRING_Z = BOARD_TOP + 1.9
SADDLE_STRING_Z = BODY_FRONT + 13.0
GAUGES_IN = [0.046, 0.036, 0.026, 0.017, 0.013, 0.010]  # bass (-x) to treble (+x)
SMOOTH_ANGLE = np.radians(35.0)

# Outlines (mm), counter-clockwise, as control points of a periodic spline.
OFFSET_BODY = [
    (0, 10), (80, 15), (135, 42), (161, 95), (164, 160), (150, 212), (128, 252),
    (123, 290), (134, 330), (148, 380), (150, 425), (140, 452), (122, 458), (106, 440),
    (92, 400), (74, 368), (52, 360), (37, 378), (31, 410), (0, 414), (-31, 410), (-38, 390),
    (-56, 378), (-78, 388), (-96, 420), (-108, 465), (-124, 492), (-146, 496), (-160, 472),
    (-158, 425), (-146, 375), (-139, 330), (-148, 270), (-164, 205), (-168, 140),
    (-156, 80), (-126, 36), (-75, 15),
]
SINGLE_BODY = [
    (0, 10), (84, 15), (138, 42), (162, 95), (164, 160), (151, 218), (130, 258),
    (127, 292), (137, 322), (128, 346), (98, 356), (64, 352), (40, 360), (31, 385),
    (31, 410), (0, 413), (-31, 410), (-62, 410), (-103, 398), (-134, 372), (-146, 332),
    (-139, 292), (-150, 252), (-165, 190), (-166, 130), (-152, 74), (-122, 34), (-72, 15),
]
OFFSET_GUARD = [
    (34, 396), (40, 366), (56, 352), (76, 362), (94, 392), (108, 336), (120, 282),
    (132, 220), (140, 150), (132, 96), (104, 72), (80, 86), (60, 136), (48, 170),
    (-10, 178), (-48, 178), (-76, 200), (-96, 248), (-112, 300), (-100, 360),
    (-64, 378), (-36, 404), (0, 408),
]
SINGLE_GUARD = [
    (34, 392), (40, 365), (56, 358), (58, 330), (46, 262), (-38, 256), (-62, 236),
    (-70, 196), (-92, 196), (-112, 250), (-120, 310), (-108, 362), (-70, 396),
    (-36, 408), (0, 408),
]
HEADSTOCK = [
    (-21, NUT_Y - 10), (21, NUT_Y - 10), (21.5, NUT_Y + 4), (30, NUT_Y + 40),
    (38, NUT_Y + 80), (40, NUT_Y + 115), (50, NUT_Y + 148), (54, NUT_Y + 172),
    (42, NUT_Y + 190), (14, NUT_Y + 188), (-14, NUT_Y + 180), (-30, NUT_Y + 168),
    (-31, NUT_Y + 120), (-29, NUT_Y + 60), (-25, NUT_Y + 25), (-21.5, NUT_Y + 4),
]
PICKUP_YS = (SADDLE_Y + 150.0, SADDLE_Y + 46.0)  # neck, bridge
KNOBS = [(96.0, 142.0), (118.0, 102.0)]
SWITCH = (84.0, 184.0)
JACK = (128.0, 58.0)
TUNER_POSTS = [(-19.0 + 2.2 * k, NUT_Y + 42.0 + 24.5 * k) for k in range(6)]


# ---- the guitar ------------------------------------------------------------------------------

def fret_y(n: float) -> float:
    return NUT_Y - SCALE * (1 - 2 ** (-n / 12))


def neck_width(y: float) -> float:
    """Width of neck and fretboard: 42 mm at the nut, 57 mm at the last fret."""
    t = (NUT_Y - y) / (NUT_Y - fret_y(FRETS))
    return 42.0 + 15.0 * min(max(t, 0.0), 1.05)


def board_z(x):
    return BOARD_TOP - (BOARD_RADIUS - np.sqrt(BOARD_RADIUS**2 - np.asarray(x) ** 2))


def string_x(k: int, y: float) -> float:
    """Centre of string k (0 = low E, bass side -x) at height y, between saddle and nut."""
    t = (y - SADDLE_Y) / SCALE
    return (-26.0 + 10.4 * k) * (1 - t) + (-17.5 + 7.0 * k) * t


def body_part(points, edge_radius: float):
    outline, normals = closed_curve(points, 360)
    return slab(outline, normals, BODY_BACK, BODY_FRONT, edge_radius, edge_radius, steps=8)


def guard_outline(points, body_points) -> tuple[np.ndarray, np.ndarray]:
    """The pickguard's outline: its own curve kept 5 mm inside the body's edge, corners rounded."""
    guard = Polygon(closed_curve(points, 400)[0])
    body = Polygon(closed_curve(body_points, 720)[0])
    shape = guard.intersection(body.buffer(-5.0)).buffer(-2.5).buffer(2.5)
    ring = shape.exterior
    pts = np.array([ring.interpolate(t, normalized=True).coords[0]
                    for t in np.linspace(0, 1, 300, endpoint=False)])
    if not ring.is_ccw:
        pts = pts[::-1]
    return pts, ring_normals(pts)


def guard_part(points, body_points):
    outline, normals = guard_outline(points, body_points)
    return slab(outline, normals, BODY_FRONT - 0.4, GUARD_TOP, 0.9, 0.0, steps=3)


PIN_PROFILE = [(0, -2.0), (6.0, -2.0), (6.0, 0.0), (6.0, 1.4), (3.8, 1.6), (3.6, 5.2),
               (7.0, 6.0), (7.2, 8.0), (5.5, 9.4), (0, 10.0)]


def strap_pins(points, horn_target):
    """The tail pin (its end on y = 0) and the pin on the upper bass horn or shoulder."""
    outline, normals = closed_curve(points, 720)
    b = int(np.argmin(np.where(outline[:, 1] < outline[:, 1].min() + 1.0,
                               np.abs(outline[:, 0]), np.inf)))
    if horn_target is None:
        i = int(np.argmax(np.where(outline[:, 0] < 0, outline[:, 1], -np.inf)))
    else:
        i = int(np.argmin(np.linalg.norm(outline - np.asarray(horn_target), axis=1)))
    reach = outline[b, 1] / 10.0
    tail = lathe([(r, h * reach) for r, h in PIN_PROFILE], (*outline[b], 0.0), (0, -1, 0), 32)
    horn = lathe(PIN_PROFILE, (*outline[i], 0.0), (*normals[i], 0.0), 32)
    return join_parts([tail, horn])


def neck_part():
    ys = np.concatenate([np.linspace(NECK_END_Y, NUT_Y, 60), [NUT_Y + 12.0]])
    sections = []
    for y in ys:
        w = neck_width(min(y, NUT_Y)) / 2
        depth = 15.0 + 2.5 * (NUT_Y - min(y, NUT_Y)) / (NUT_Y - NECK_END_Y)
        t = np.linspace(0, np.pi, 25)
        back = np.column_stack([w * np.cos(t), NECK_TOP - depth * np.sin(t) ** 0.8])
        top = np.column_stack([np.linspace(-w, w, 5)[1:-1], np.full(3, NECK_TOP)])
        sections.append(np.vstack([back, top])[::-1])
    neck = sweep_y(sections, ys)
    outline, normals = closed_curve(HEADSTOCK, 240)
    head = slab(outline, normals, HEADSTOCK_BACK, HEADSTOCK_FACE, 2.0, 3.0, steps=4)
    return join_parts([neck, head])


def fretboard_part():
    ys = np.linspace(NECK_END_Y, NUT_Y, 40)
    sections = []
    for y in ys:
        w = neck_width(y) / 2
        x = np.linspace(w, -w, 21)
        top = np.column_stack([x, board_z(x)])
        sections.append(np.vstack([top, [(-w, NECK_TOP - 0.2)], [(w, NECK_TOP - 0.2)]]))
    return sweep_y(sections, ys)


def fret_part(n: int):
    y0 = fret_y(n)
    w = neck_width(y0) / 2 - 0.4
    xs = np.linspace(-w, w, 24)
    t = np.linspace(0, np.pi, 9)
    sections = []
    for x in xs:
        z = float(board_z(x)) - 0.3
        arc = np.column_stack([1.25 * np.cos(t), z + 0.3 + 1.2 * np.sin(t)])
        sections.append(np.vstack([arc, [(-1.25, z), (1.25, z)]]))
    v, f = sweep_y(sections, xs)  # built along y, then turned so that it runs along x
    return np.column_stack([v[:, 1], y0 + v[:, 0], v[:, 2]]), f[:, ::-1]


def inlay_part():
    dots = []
    for n in (3, 5, 7, 9, 12, 15, 17, 19, 21):
        y = (fret_y(n - 1) + fret_y(n)) / 2
        for x in ((-11.0, 11.0) if n == 12 else (0.0,)):
            z = float(board_z(x))
            dots.append(lathe([(0, 0), (3.0, 0), (3.0, 0.6), (0, 0.6)], (x, y, z - 0.55),
                              (0, 0, 1), 24))
    return join_parts(dots)


def nut_part():
    outline, normals = rounded_rect(21.0, 2.6, 1.4, 4)
    v, f = slab(outline, normals, NECK_TOP - 0.2, NUT_STRING_Z + 0.4, 1.0, 0.0, steps=3)
    return moved((v, f), dy=NUT_Y + 1.6)


def strings_part():
    parts = []
    comp = [3.2, 2.6, 1.8, 1.4, 0.8, 0.2]
    for k, gauge in enumerate(GAUGES_IN):
        r = gauge * 25.4 / 2
        saddle = (string_x(k, SADDLE_Y), SADDLE_Y - comp[k], SADDLE_STRING_Z + r)
        anchor = (saddle[0], SADDLE_Y - 30.0, BODY_FRONT + 7.0)
        nut = (string_x(k, NUT_Y), NUT_Y + 1.6, NUT_STRING_Z + r)
        post = TUNER_POSTS[k]
        wind = (post[0] + 3.0 + r, post[1], HEADSTOCK_FACE + 6.0 - 0.6 * k)
        for a, b in ((anchor, saddle), (saddle, nut), (nut, wind)):
            parts.append(rod(a, b, r, 8))
        parts.append(lathe([(0, 0), (3.2 + 2 * r, 0), (3.2 + 2 * r, 3.0), (0, 3.0)],
                           (post[0], post[1], wind[2] - 1.5), (0, 0, 1), 16))
    return join_parts(parts)


def bridge_part():
    outline, normals = rounded_rect(40.0, 22.0, 5.0)
    plate = moved(slab(outline, normals, BODY_FRONT - 0.5, BODY_FRONT + 1.8, 0.8, 0.0, 3),
                  dy=SADDLE_Y - 14.0)
    outline, normals = rounded_rect(40.0, 2.0, 1.5, 4)
    wall = moved(slab(outline, normals, BODY_FRONT, BODY_FRONT + 11.0, 1.2, 0.0, 3),
                 dy=SADDLE_Y - 34.0)
    parts = [plate, wall]
    comp = [3.2, 2.6, 1.8, 1.4, 0.8, 0.2]
    for k in range(6):
        outline, normals = rounded_rect(4.7, 8.0, 2.8, 4)
        saddle = slab(outline, normals, BODY_FRONT + 1.0, SADDLE_STRING_Z, 2.2, 0.0, 4)
        parts.append(moved(saddle, dx=string_x(k, SADDLE_Y), dy=SADDLE_Y - comp[k] - 7.8))
    for x in (-34.0, 34.0):
        parts.append(lathe([(0, 0), (2.8, 0), (2.8, 0.6), (2.2, 1.5), (0, 1.8)],
                           (x, SADDLE_Y + 2.0, BODY_FRONT + 1.8), (0, 0, 1), 16))
    return join_parts(parts)


def pickups_part():
    parts = []
    outline, normals = rounded_rect(35.0, 19.0, 4.0)
    for y in PICKUP_YS:
        parts.append(moved(slab(outline, normals, BODY_FRONT, GUARD_TOP + 7.5, 2.5, 0.0, 5),
                           dy=y))
        for k in range(6):
            parts.append(lathe([(0, 0), (2.3, 0), (2.3, 0.5), (1.6, 0.9), (0, 1.0)],
                               (string_x(k, y), y + 7.0, GUARD_TOP + 7.3), (0, 0, 1), 16))
    return join_parts(parts)


def controls_part():
    parts = []
    knob = [(0, 0), (9.5, 0), (9.5, 12.5), (9.0, 14.6), (6.5, 16.0), (0, 16.4)]
    for x, y in KNOBS:
        parts.append(lathe(knob, (x, y, BODY_FRONT), (0, 0, 1), 40))
    x, y = SWITCH
    parts.append(lathe([(0, 0), (7.5, 0), (7.5, 3.8), (5.5, 4.2), (0, 4.2)],
                       (x, y, BODY_FRONT), (0, 0, 1), 32))
    lever_top = np.array([x, y - 5.0, BODY_FRONT + 15.0])
    parts.append(rod((x, y, BODY_FRONT + 3.0), lever_top, 1.4, 12))
    tip_axis = unit(lever_top - np.array([x, y, BODY_FRONT + 3.0]))
    parts.append(lathe([(0, 0), (2.4, 0.2), (3.4, 2.4), (3.4, 6.4), (2.6, 7.7), (0, 8.0)],
                       lever_top - 1.0 * tip_axis, tip_axis, 16))
    x, y = JACK
    parts.append(lathe([(0, 0), (13.0, 0), (13.0, 1.0), (12.0, 1.8), (0, 1.8)],
                       (x, y, BODY_FRONT - 0.3), (0, 0, 1), 40))
    parts.append(lathe([(4.8, 0), (7.0, 0), (7.0, 3.4), (4.8, 3.4), (4.8, 1.0), (3.2, 1.0),
                        (3.2, -2.0), (0, -2.0)], (x, y, BODY_FRONT + 1.5), (0, 0, 1), 6 * 6))
    return join_parts(parts)


def tuners_part():
    parts = []
    for x, y in TUNER_POSTS:
        parts.append(lathe([(0, 0), (5.0, 0), (5.0, 1.6), (4.0, 2.2), (3.0, 2.2), (3.0, 12.0),
                            (2.4, 12.6), (0, 12.6)], (x, y, HEADSTOCK_FACE - 0.3), (0, 0, 1), 24))
        outline, normals = rounded_rect(8.0, 6.5, 2.0, 4)
        housing = slab(outline, normals, HEADSTOCK_BACK - 9.0, HEADSTOCK_BACK + 0.5, 0.0, 1.5, 4)
        parts.append(moved(housing, dx=x - 4.0, dy=y))
        shaft_z = HEADSTOCK_BACK - 4.5
        parts.append(rod((x - 10.0, y, shaft_z), (-40.0, y, shaft_z), 1.6, 12))
        key = trimesh.creation.icosphere(subdivisions=3, radius=1.0)
        key.apply_scale([8.5, 7.5, 2.6])
        parts.append((key.vertices + [-47.0, y, shaft_z], key.faces))
    return join_parts(parts)


def neck_plate_part():
    outline, normals = rounded_rect(32.0, 25.5, 6.0)
    plate = moved(slab(outline, normals, BODY_BACK - 1.6, BODY_BACK + 0.2, 0.0, 1.0, 4),
                  dy=NECK_PLATE_Y)
    screws = [lathe([(0, 0), (4.2, 0), (4.0, 0.8), (2.6, 1.8), (0, 2.1)],
                    (sx, NECK_PLATE_Y + sy, BODY_BACK - 1.5), (0, 0, -1), 20)
              for sx in (-24.0, 24.0) for sy in (-17.5, 17.5)]
    return join_parts([plate, *screws])



# ---- parts, UVs, file ------------------------------------------------------------------------

# part node -> (geometry builder, linear base colour, metallic, roughness)
WOOD = ((0.69, 0.50, 0.27, 1.0), 0.0, 0.35)
ROSEWOOD = ((0.07, 0.02, 0.01, 1.0), 0.0, 0.5)
PAINT = ((0.60, 0.04, 0.03, 1.0), 0.0, 0.15)
PLASTIC = ((0.85, 0.85, 0.82, 1.0), 0.0, 0.3)
METAL = ((0.90, 0.91, 0.92, 1.0), 1.0, 0.08)


def _parts():
    return {
        "body_offset": (lambda: body_part(OFFSET_BODY, 9.0), PAINT),
        "pickguard_offset": (lambda: guard_part(OFFSET_GUARD, OFFSET_BODY), PLASTIC),
        "strap_pins_offset": (lambda: strap_pins(OFFSET_BODY, None), METAL),
        "body_single": (lambda: body_part(SINGLE_BODY, 3.5), PAINT),
        "pickguard_single": (lambda: guard_part(SINGLE_GUARD, SINGLE_BODY), PLASTIC),
        "strap_pins_single": (lambda: strap_pins(SINGLE_BODY, (-100.0, 400.0)), METAL),
        "neck": (neck_part, WOOD),
        "fretboard": (fretboard_part, ROSEWOOD),
        "inlays": (inlay_part, PLASTIC),
        "nut": (nut_part, PLASTIC),
        "frets": (lambda: join_parts([fret_part(n) for n in range(1, FRETS + 1)]), METAL),
        "strings": (strings_part, METAL),
        "bridge": (bridge_part, METAL),
        "pickups": (pickups_part, METAL),
        "controls": (controls_part, METAL),
        "tuners": (tuners_part, METAL),
        "neck_plate": (neck_plate_part, METAL),
    }


def planar_uv(verts_mm: np.ndarray, box=None) -> tuple[np.ndarray, dict]:
    """u, v from x, y: over ``box`` ((x0, y0), (x1, y1)) mapped to [0, 1], or 0.1 m per unit."""
    if box is None:
        lo = verts_mm[:, :2].min(axis=0)
        size = np.array([100.0, 100.0])
    else:
        lo, hi = np.asarray(box[0], float), np.asarray(box[1], float)
        size = hi - lo
    extras = {
        "uv_mapping": "planar, seen from +Z: u along +x, v along +y",
        "uv_u_metres_per_unit": round(float(size[0]) * MM, 6),
        "uv_v_metres_per_unit": round(float(size[1]) * MM, 6),
    }
    return (verts_mm[:, :2] - lo) / size, extras


def part_mesh(name: str, verts_mm, faces, look) -> trimesh.Trimesh:
    raw = trimesh.Trimesh(vertices=verts_mm, faces=faces, process=False)
    raw.merge_vertices()
    raw.update_faces(raw.nondegenerate_faces())
    raw.remove_unreferenced_vertices()
    shaded = trimesh.graph.smooth_shade(raw, angle=SMOOTH_ANGLE, facet_minarea=None)
    verts = np.asarray(shaded.vertices)
    box = None
    if name.startswith("body_"):
        outline = OFFSET_BODY if name == "body_offset" else SINGLE_BODY
        pts, _ = closed_curve(outline, 360)
        box = (pts.min(axis=0), pts.max(axis=0))
    uv, extras = planar_uv(verts, box)
    if box is not None:
        extras["uv_mapping"] = ("planar over the front face: u = 0..1 across the body's width "
                                "(left to right seen from the front), v = 0..1 bottom to top")
    normals = np.asarray(shaded.vertex_normals)
    return pbr_mesh(name, verts * MM, shaded.faces, normals, uv, look, extras)


def build_guitar() -> trimesh.Scene:
    scene = trimesh.Scene()
    for name, (build, look) in _parts().items():
        verts, faces = build()
        scene.add_geometry(part_mesh(name, verts, faces, look), node_name=name, geom_name=name)
    return scene


def main(argv: list[str]) -> int:
    return author_main(argv, "guitar", build_guitar, decimals=1)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
