"""The pose a product rests in inside its AR files.

A product may ask (``ar: {rest: {face_up: [zone ids]}}``) for the first of its personalized zones
to face up when it lies on the floor or a table in AR: the zone's face turned to point to +Y and
its artwork's up turned to -Z, so that it reads from the front (a viewer at +Z looking down at it).
A watch with an engraved caseback then lies on its dial with the engraving in view.
"""

from __future__ import annotations

import numpy as np

from app.domain.product import Product
from app.personalize.decal_geometry import ProjectorFrame
from app.scene.description import SceneDescription

__all__ = ["facing_up_rotation", "rest_matrix"]

_MM = 0.001


def _rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation taking unit vector ``a`` to unit vector ``b`` (3x3)."""
    axis = np.cross(a, b)
    s, c = float(np.linalg.norm(axis)), float(np.dot(a, b))
    if s < 1e-9:
        if c > 0:
            return np.eye(3)
        # opposite: half a turn about any axis perpendicular to a
        helper = np.array([1.0, 0.0, 0.0]) if abs(a[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
        k = np.cross(a, helper)
        k /= np.linalg.norm(k)
        return 2.0 * np.outer(k, k) - np.eye(3)
    k = axis / s
    kx = np.array([[0.0, -k[2], k[1]], [k[2], 0.0, -k[0]], [-k[1], k[0], 0.0]])
    return np.eye(3) + s * kx + (1.0 - c) * (kx @ kx)


def facing_up_rotation(normal, text_up) -> np.ndarray:
    """The rotation (3x3) turning ``normal`` to +Y and then, about Y, ``text_up`` to -Z."""
    n = np.asarray(normal, dtype=float)
    n /= np.linalg.norm(n)
    tilt = _rotation_between(n, np.array([0.0, 1.0, 0.0]))
    up = tilt @ np.asarray(text_up, dtype=float)
    flat = np.array([up[0], 0.0, up[2]])
    if np.linalg.norm(flat) < 1e-9:
        return tilt
    flat /= np.linalg.norm(flat)
    return _rotation_between(flat, np.array([0.0, 0.0, -1.0])) @ tilt


def rest_matrix(product: Product, scene: SceneDescription) -> np.ndarray | None:
    """4x4 world transform of the rest pose ``product`` asks for in ``scene``, turning about the
    centre of the scene's bounds; None when it asks for none or none of its zones shows."""
    rest = product.ar.rest if product.ar is not None else None
    if rest is None:
        return None
    shown = {d.id: d for d in scene.decals}
    drawables = {d.id: d for d in scene.drawables}
    for zone_id in rest.face_up:
        decal = shown.get(zone_id)
        if decal is None or decal.drawable_id not in drawables:
            continue
        p = product.zone(zone_id).projector
        frame = ProjectorFrame.from_vectors(np.asarray(p.position) * _MM, p.direction, p.up)
        frame = frame.transformed(np.asarray(drawables[decal.drawable_id].transform))
        rotation = facing_up_rotation(-frame.direction, frame.up)
        centre = (np.asarray(scene.bounds[0], float) + np.asarray(scene.bounds[1], float)) / 2
        matrix = np.eye(4)
        matrix[:3, :3] = rotation
        matrix[:3, 3] = centre - rotation @ centre
        return matrix
    return None
