"""Mesh pieces of the sample guitar (scripts/author_guitar.py): outlines, rounded slabs,
turned parts and lofts, each as (vertices, faces) in mm, normals left to the part mesh."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import shapely
from scipy.interpolate import splev, splprep
from shapely.geometry import Polygon

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_authoring import join_parts, unit  # noqa: E402


def ring_normals(pts: np.ndarray) -> np.ndarray:
    """Outward normals of a counter-clockwise closed ring of points."""
    tangent = unit(np.roll(pts, -1, axis=0) - np.roll(pts, 1, axis=0))
    return np.column_stack([tangent[:, 1], -tangent[:, 0]])


def closed_curve(points, count: int) -> tuple[np.ndarray, np.ndarray]:
    """A periodic spline through ``points`` resampled at equal arc length: points, outward
    normals (counter-clockwise curve)."""
    p = np.asarray(points, dtype=float)
    tck, _ = splprep([p[:, 0], p[:, 1]], s=0.0, per=1)
    dense = np.column_stack(splev(np.linspace(0, 1, 4000, endpoint=False), tck))
    closed = np.vstack([dense, dense[:1]])
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(closed, axis=0), axis=1))])
    t = np.linspace(0, s[-1], count, endpoint=False)
    pts = np.column_stack([np.interp(t, s, closed[:, 0]), np.interp(t, s, closed[:, 1])])
    if Polygon(pts).exterior.is_ccw is False:
        pts = pts[::-1]
    return pts, ring_normals(pts)


def rounded_rect(half_x: float, half_y: float, corner: float, per_corner: int = 8):
    pts = []
    for k, (cx, cy) in enumerate([(1, 1), (-1, 1), (-1, -1), (1, -1)]):
        for m in range(per_corner + 1):
            a = np.pi / 2 * (k + m / per_corner)
            pts.append((cx * (half_x - corner) + corner * np.cos(a),
                        cy * (half_y - corner) + corner * np.sin(a)))
    pts = np.array(pts)
    return pts, ring_normals(pts)


def cap(ring_xy: np.ndarray, z: float, offset: int, up: bool):
    """Triangles filling a simple polygon (indices into the ring starting at ``offset``)."""
    index = {(round(x, 6), round(y, 6)): i for i, (x, y) in enumerate(ring_xy)}
    faces = []
    for tri in shapely.constrained_delaunay_triangles(Polygon(ring_xy)).geoms:
        c = np.array(tri.exterior.coords)[:3]
        f = [index[(round(x, 6), round(y, 6))] for x, y in c]
        e1, e2 = c[1] - c[0], c[2] - c[0]
        area = e1[0] * e2[1] - e1[1] * e2[0]
        faces.append(f if (area > 0) == up else f[::-1])
    return np.array(faces) + offset


def slab(outline, normals, z0: float, z1: float, r_top: float, r_bottom: float, steps: int = 6):
    """An outline extruded from z0 to z1 with its top and bottom edges rounded over."""
    rings = []
    for k in range(steps + 1 if r_top > 0 else 1):  # top roundover, from the face to the side
        a = np.pi / 2 * k / steps
        rings.append((r_top * (1 - np.sin(a)), z1 - r_top * (1 - np.cos(a))))
    for k in range(steps + 1 if r_bottom > 0 else 1):  # bottom roundover, side to face
        a = np.pi / 2 * k / steps
        rings.append((r_bottom * (1 - np.cos(a)), z0 + r_bottom * (1 - np.sin(a))))
    n = len(outline)
    verts = np.vstack([np.column_stack([outline - inset * normals, np.full(n, z)])
                       for inset, z in rings])
    faces = []
    for i in range(len(rings) - 1):
        for j in range(n):
            a, b = i * n + j, i * n + (j + 1) % n
            faces += [(a, b, b + n), (a, b + n, a + n)]
    faces = np.array(faces)
    top = cap(verts[:n, :2], z1, 0, True)
    bottom = cap(verts[-n:, :2], z0, len(verts) - n, False)
    return verts, np.vstack([faces, top, bottom])


def lathe(profile, origin, axis, segments: int = 32):
    """Revolve a profile (r, h) about ``axis`` through ``origin``; r = 0 ends close the shape."""
    prof = np.asarray(profile, dtype=float)
    axis = unit(np.asarray(axis, dtype=float))
    helper = np.array([1.0, 0, 0]) if abs(axis[0]) < 0.9 else np.array([0, 1.0, 0])
    e1 = unit(np.cross(axis, helper))
    e2 = np.cross(axis, e1)
    ang = 2 * np.pi * np.arange(segments) / segments
    ring = np.cos(ang)[:, None] * e1 + np.sin(ang)[:, None] * e2
    verts = (np.asarray(origin, float) + prof[:, 0, None, None] * ring[None]
             + prof[:, 1, None, None] * axis).reshape(-1, 3)
    faces = []
    for i in range(len(prof) - 1):
        for j in range(segments):
            a, b = i * segments + j, i * segments + (j + 1) % segments
            if prof[i, 0] > 1e-9:
                faces.append((a, b, b + segments))
            if prof[i + 1, 0] > 1e-9:
                faces.append((a, b + segments, a + segments))
    return _outward(verts, np.array(faces), np.asarray(origin, float), axis, prof)


def _outward(verts, faces, origin, axis, prof):
    """Orient lathe faces away from the axis (or along it on flat discs)."""
    tri = verts[faces]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    centre = tri.mean(axis=1) - origin
    radial = centre - np.outer(centre @ axis, axis)
    h = centre @ axis
    lo, hi = prof[:, 1].min(), prof[:, 1].max()
    disc = np.linalg.norm(np.cross(normal, axis), axis=1) < 1e-6 * np.linalg.norm(normal, axis=1)
    want = np.where(disc[:, None], np.outer(np.sign(h - (lo + hi) / 2), axis), radial)
    flip = np.einsum("ij,ij->i", normal, want) < 0
    faces = faces.copy()
    faces[flip] = faces[flip][:, ::-1]
    return verts, faces


def rod(p0, p1, radius: float, segments: int = 8):
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    length = np.linalg.norm(p1 - p0)
    return lathe([(0, 0), (radius, 0), (radius, length), (0, length)], p0, p1 - p0, segments)


def sweep_y(sections, ys):
    """Loft closed sections (lists of (x, z), same count) placed at heights ``ys``; ends capped
    with fans. Faces are oriented outward from each section's centroid."""
    m = len(sections[0])
    verts = np.vstack([np.column_stack([s[:, 0], np.full(m, y), s[:, 1]])
                       for s, y in zip(sections, ys, strict=True)])
    faces = []
    for i in range(len(ys) - 1):
        for j in range(m):
            a, b = i * m + j, i * m + (j + 1) % m
            faces += [(a, b, b + m), (a, b + m, a + m)]
    faces = np.array(faces)
    centres = np.array([[s[:, 0].mean(), y, s[:, 1].mean()] for s, y in zip(sections, ys,
                                                                              strict=True)])
    tri = verts[faces]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    ring = faces[:, 0] // m
    outward = tri.mean(axis=1) - centres[ring]
    outward[:, 1] = 0
    flip = np.einsum("ij,ij->i", normal, outward) < 0
    faces[flip] = faces[flip][:, ::-1]
    parts = [(verts, faces)]
    for i, sign in ((0, -1.0), (len(ys) - 1, 1.0)):
        ring_v = verts[i * m:(i + 1) * m]
        cv = np.vstack([ring_v, ring_v.mean(axis=0)])
        cf = np.array([(m, j, (j + 1) % m) for j in range(m)])
        t = cv[cf]
        nrm = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
        cf[nrm[:, 1] * sign < 0] = cf[nrm[:, 1] * sign < 0][:, ::-1]
        parts.append((cv, cf))
    return join_parts(parts)


def moved(part, dx=0.0, dy=0.0, dz=0.0):
    v, f = part
    return v + np.array([dx, dy, dz]), f
