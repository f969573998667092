"""Whether a camera sees any of the product: a still that shows none of it is never written."""

from __future__ import annotations

import numpy as np

from app.scene.description import Camera, SceneDescription
from app.scene.framing import half_view_tangents, view_axes
from app.scene.geometry_source import GeometrySource


def product_in_view(scene: SceneDescription, source: GeometrySource, camera: Camera,
                    aspect: float) -> bool:
    """Whether any triangle of a visible drawable may fall inside ``camera``'s frame (one
    whose material is clear throughout, ``ResolvedMaterial.clear_throughout``, draws none).

    Conservative: a triangle counts unless all its corners lie beyond one side of the view
    frustum (behind the camera, or past the left, right, top or bottom edge). The field of view
    is vertical, except in portrait frames where it is horizontal (as the renderers use it).
    """
    position = np.asarray(camera.position, np.float64)
    right, up, forward = view_axes(camera)
    half_w, half_h = half_view_tangents(camera.fov_deg, aspect)
    for drawable in scene.drawables:
        if not drawable.visible or drawable.material.clear_throughout:
            continue
        mesh = source.mesh(drawable.geometry)
        m = np.asarray(drawable.transform, np.float64)
        world = np.asarray(mesh.vertices, np.float64) @ m[:3, :3].T + m[:3, 3] - position
        x, y, z = world @ right, world @ up, world @ forward
        outside = np.stack([z <= 0, x > half_w * z, x < -half_w * z,
                            y > half_h * z, y < -half_h * z], axis=1)  # (N, 5) per vertex
        corners = outside[np.asarray(mesh.faces)]  # (M, 3, 5)
        if (~corners.all(axis=1).any(axis=1)).any():
            return True
    return False
