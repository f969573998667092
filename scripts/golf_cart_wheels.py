"""The golf cart's two wheel sets (scripts/author_golf_cart.py): 14 in chrome ten-spoke rims on
low street tyres and 10 in six-spoke beadlock rims on knobby all-terrain tyres, each wheel built
about the X axis and placed four times by ``four_wheels``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.affinity import rotate as rotate_2d
from shapely.geometry import LineString, Polygon, box

sys.path.insert(0, str(Path(__file__).resolve().parent))
from golf_cart_geometry import (  # noqa: E402
    circle,
    lathe_x,
    prism,
    profile_path,
    rot_x,
    rounded,
    transformed,
)

FRONT_AXLE_Z, REAR_AXLE_Z, WHEEL_X = 0.80, -0.80, 0.49


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
