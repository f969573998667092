"""The view that turns a personalization zone to face the viewer: looking along the zone's
projection direction at its centre, its text upright, the zone filling part of the frame with
the product around it."""

from __future__ import annotations

import math

import numpy as np

from app.domain.product import Product
from app.errors import ConfigurationError
from app.personalize.decal_geometry import ProjectorFrame
from app.scene.decals import MM
from app.scene.description import Camera, SceneDescription
from app.scene.framing import DEFAULT_FOV_DEG

ZONE_FILL = 0.45  # the zone's box spans this part of the frame in its limiting direction


def zone_camera(product: Product, zone_id: str, scene: SceneDescription, aspect: float,
                *, fov_deg: float = DEFAULT_FOV_DEG) -> Camera:
    """A camera facing zone ``zone_id`` of ``product`` as ``scene`` places its part.

    ConfigurationError naming the zone when the product has no such zone."""
    try:
        zone = product.zone(zone_id)
    except KeyError:
        raise ConfigurationError(f"unknown zone '{zone_id}'", field="zone") from None
    projector = zone.projector
    frame = ProjectorFrame.from_vectors(np.asarray(projector.position, dtype=float) * MM,
                                        projector.direction, projector.up)
    placed = next((d for d in scene.drawables if d.part == zone.part), None)
    if placed is not None:
        frame = frame.transformed(np.asarray(placed.transform, dtype=float))
    tan_half = math.tan(math.radians(fov_deg) / 2.0)
    if aspect < 1:  # the field of view spans the shorter side, as both renderers draw it
        tan_half /= aspect
    half_height = max(projector.height_mm, projector.width_mm / max(aspect, 1e-6)) * MM / 2
    distance = half_height / (ZONE_FILL * tan_half)
    position = frame.origin - frame.direction * distance
    return Camera(id=f"zone:{zone.id}", label=zone.label,
                  position=tuple(float(v) for v in position),
                  target=tuple(float(v) for v in frame.origin),
                  up=tuple(float(v) for v in frame.up), fov_deg=fov_deg)
