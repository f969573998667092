"""The view that turns a personalization zone to face the viewer: looking along the zone's
projection direction at its centre, its text upright, the zone filling part of the frame with
the product around it."""

from __future__ import annotations

import numpy as np

from app.domain.product import Product
from app.errors import ConfigurationError
from app.scene.decals import MM, zone_frame
from app.scene.description import Camera, SceneDescription
from app.scene.framing import DEFAULT_FOV_DEG, half_view_tangents

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
    placed = next((d for d in scene.drawables if d.part == zone.part), None)
    frame = zone_frame(zone, placed.transform if placed is not None else np.eye(4))
    tan_horizontal, tan_vertical = half_view_tangents(fov_deg, aspect)
    distance = max(projector.width_mm / tan_horizontal,
                   projector.height_mm / tan_vertical) * MM / 2 / ZONE_FILL
    position = frame.origin - frame.direction * distance
    return Camera(id=f"zone:{zone.id}", label=zone.label,
                  position=tuple(float(v) for v in position),
                  target=tuple(float(v) for v in frame.origin),
                  up=tuple(float(v) for v in frame.up), fov_deg=fov_deg)
