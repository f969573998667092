"""Author the sample golf cart: app/builtin/assets/models/golf_cart.glb.

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
from shapely.geometry import Polygon, box

sys.path.insert(0, str(Path(__file__).resolve().parent))
from golf_cart_geometry import (  # noqa: E402
    FRONT,
    PLAN,
    SIDE,
    circle,
    finish,
    first_hit,
    lathe_x,
    prism,
    profile_path,
    rot_x,
    rounded,
    rounded_slab,
    torus,
    transformed,
    tube,
)
from golf_cart_wheels import (  # noqa: E402
    FRONT_AXLE_Z,
    REAR_AXLE_Z,
    WHEEL_X,
    four_wheels,
    offroad_rim,
    offroad_tyre,
    street_rim,
    street_tyre,
    tyre_radius,
)
from model_authoring import author_main, pbr_mesh, unit  # noqa: E402

HALF_WIDTH = 0.58  # body, metres
ARCH_Y, ARCH_RADIUS = 0.26, 0.32
BODY_EDGE = 0.035  # radius of the body's rounded edges
SEAT_Y = 0.70  # top of the seat pod
LIFT = 0.12  # the lift kit's offset, used only by the product file


def cowl_taper(z: np.ndarray) -> np.ndarray:
    t = np.clip((z - 0.82) / 0.38, 0.0, 1.0)
    return 1.0 - 0.20 * t * t


def tapered(pieces):
    return [(np.column_stack([v[:, 0] * cowl_taper(v[:, 2]), v[:, 1], v[:, 2]]), f, uv)
            for v, f, uv in pieces]


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


UV_EXTRAS = {"uv_mapping": "metres on the surface (see scripts/author_golf_cart.py)",
             "uv_metres_per_unit": 1.0}


def build_cart() -> trimesh.Scene:
    scene = trimesh.Scene()
    for name, (pieces, colour, metallic, roughness) in build_parts().items():
        verts, faces, normals, uv = finish(pieces)
        mesh = pbr_mesh(name, verts, faces, normals, uv, (SRGB[colour], metallic, roughness),
                        UV_EXTRAS)
        scene.add_geometry(mesh, node_name=name, geom_name=name)
    return scene


def main(argv: list[str]) -> int:
    return author_main(argv, "golf_cart", build_cart, metres_per_unit=1.0, unit_name="m",
                       decimals=3)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
