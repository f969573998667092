"""The light a glowing part sheds on what is around it, for a renderer that draws no area lights.

The photoreal still makes every glowing (emissive, lit) part an area light. The live view has
image-based lighting and point lights only, so each glowing part becomes one point light at its
centre that sends out the part's whole glow: a Lambertian surface of area A and radiance L
emits pi * L * A, which an isotropic point sends out at an intensity of L * A / 4 a steradian.
Up close a point's light would grow without bound; a sphere of the part's area sends at most
pi * L, so the light's falloff is 1 / (r^2 + d^2) for that sphere's radius r. It casts no
shadows (the material notes say so).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.assets.mesh import MeshData
from app.scene.description import Drawable, TextureRef

MIN_INTENSITY = 1e-6  # less than this in every channel: no light


@dataclass(frozen=True)
class GlowLight:
    """A point light standing in for a glowing part."""

    drawable_id: str
    position: tuple[float, float, float]  # world space
    intensity: tuple[float, float, float]  # linear RGB radiance x area / 4, per steradian
    radius: float  # of a sphere with the part's area: the falloff's near limit


def glow_light(drawable: Drawable, mesh: MeshData,
               texture_mean: Callable[[TextureRef], tuple[float, float, float]]
               ) -> GlowLight | None:
    """The point light of ``drawable`` drawn with ``mesh`` where its material glows and is lit
    (an unlit material only shows its colour), else None. ``texture_mean`` gives a texture's
    mean colour, linear: an emissive texture glows at its mean over the part."""
    material = drawable.material
    if not drawable.visible or material.unlit or not any(material.emissive):
        return None
    radiance = np.clip(np.asarray(material.emissive, dtype=float), 0.0, None)
    if material.emissive_texture is not None:
        radiance = radiance * np.asarray(texture_mean(material.emissive_texture.texture))
    if material.alpha_mode == "BLEND":
        radiance = radiance * float(np.clip(material.opacity, 0.0, 1.0))
    matrix = np.asarray(drawable.transform, dtype=float)
    vertices = np.asarray(mesh.vertices, dtype=float) @ matrix[:3, :3].T + matrix[:3, 3]
    corners = vertices[np.asarray(mesh.faces)]
    if len(corners) == 0:
        return None
    areas = 0.5 * np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0],
                                          corners[:, 2] - corners[:, 0]), axis=1)
    area = float(areas.sum())
    intensity = radiance * area / 4.0
    if area <= 0.0 or float(intensity.max()) < MIN_INTENSITY:
        return None
    centre = (corners.mean(axis=1) * areas[:, None]).sum(axis=0) / area
    return GlowLight(drawable.id, tuple(float(c) for c in centre),
                     tuple(float(c) for c in intensity), math.sqrt(area / (4.0 * math.pi)))
