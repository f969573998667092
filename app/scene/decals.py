"""Personalization zones with a value -> the scene's decals (world-space mesh + technique maps)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np

from app.assets.mesh import TextureImage
from app.assets.store import AssetStore
from app.assets.textures import mean_colour
from app.domain.colour import hex_to_srgb, linear_to_srgb
from app.domain.configuration import Configuration, ImageValue, TextValue
from app.domain.product import Product, Technique, Zone
from app.errors import AppError, ConfigurationError
from app.personalize.artwork import zone_artwork
from app.personalize.decal_geometry import (
    DecalGeometryCache,
    DecalMesh,
    ProjectorFrame,
    decal_offset,
    project_decal,
    transformed_mesh,
)
from app.personalize.fonts import FontLibrary
from app.personalize.picture_store import PictureStore
from app.personalize.techniques import technique_look
from app.scene.description import Decal, Drawable, ResolvedMaterial

MM = 0.001
PREVIEW_PX_PER_MM = 8.0
MAX_PREVIEW_SIDE_PX = 1024  # a large zone gets fewer pixels per mm on screen
# a small zone (a caseback, a ring) is seen close up, from its own camera: up to this density
# while its artwork stays within SMALL_ZONE_PIXELS (what a keystroke can make in a few ms)
SMALL_ZONE_PX_PER_MM = 16.0
SMALL_ZONE_PIXELS = 60_000


def preview_px_per_mm(zone: Zone) -> float:
    width, height = zone.projector.width_mm, zone.projector.height_mm
    usual = min(PREVIEW_PX_PER_MM, MAX_PREVIEW_SIDE_PX / max(width, height))
    return max(usual, min(SMALL_ZONE_PX_PER_MM, math.sqrt(SMALL_ZONE_PIXELS / (width * height))))


def _digest(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def zone_technique(zone: Zone, value: TextValue | ImageValue) -> Technique:
    return Technique(value.technique or zone.techniques[0])


def decal_geometry(zone: Zone, drawables: Sequence[Drawable], assets: AssetStore,
                   cache: DecalGeometryCache) -> tuple[str, DecalMesh]:
    """(geometry key, world-space decal mesh) of ``zone`` on the part drawn by ``drawables``.

    Computed in world space from the transformed part, with the projector moved along, so a
    mirrored part still gets readable text; cached per (meshes, projector, transform).
    """
    meshes = tuple(assets.mesh(d.geometry) for d in drawables)
    key = (zone.projector, tuple(d.geometry for d in drawables),
           tuple(d.transform for d in drawables), tuple(id(m) for m in meshes))

    def build():
        parts, offset = [], 0
        verts, faces, normals = [], [], []
        for d, mesh in zip(drawables, meshes, strict=True):
            v, f, n = transformed_mesh(mesh.vertices, mesh.faces, mesh.normals,
                                       np.asarray(d.transform))
            verts.append(v)
            faces.append(f + offset)
            normals.append(n)
            offset += len(v)
            parts.append(mesh)
        v, f, n = np.concatenate(verts), np.concatenate(faces), np.concatenate(normals)
        p = zone.projector
        frame = zone_frame(zone, drawables[0].transform)
        decal = project_decal(v, f, n, frame, width_m=p.width_mm * MM,
                              height_m=p.height_mm * MM, depth_m=p.depth_mm * MM, mode=p.mode,
                              offset_m=decal_offset(v))
        return tuple(parts), decal  # the meshes are kept so their ids stay theirs

    serial, (_, mesh) = cache.get(key, build)
    return f"{_digest(key[:3])}-{serial}", mesh


def zone_frame(zone: Zone, transform) -> ProjectorFrame:
    """The zone's projector frame in metres, moved as its part is by ``transform`` (4x4)."""
    p = zone.projector
    frame = ProjectorFrame.from_vectors(np.asarray(p.position, dtype=float) * MM, p.direction,
                                        p.up)
    return frame.transformed(np.asarray(transform, dtype=float))


_texture_means: dict[str, tuple[TextureImage, tuple[float, float, float]]] = {}


def surface_colour(material: ResolvedMaterial, assets: AssetStore) -> tuple[float, float, float]:
    """The part's colour (sRGB 0..1) as an engraving or an embossing shows it: its base colour
    factor times the mean (linear) of its base colour texture where it has one, so a cut into
    textured maple is maple, darker, not the factor's white. The texture as a whole: a decal has
    one colour of the part (what the texture holds under the zone is not looked up)."""
    linear = np.asarray(material.base_color, dtype=np.float64)
    slot = material.base_color_texture
    if slot is not None:
        try:
            texture = assets.texture(slot.texture)
        except AppError:  # the part reports its own missing texture
            texture = None
        if texture is not None:
            kept = _texture_means.get(texture.source)
            if kept is None or kept[0] is not texture:
                kept = _texture_means[texture.source] = (texture,
                                                         mean_colour(texture, srgb=True))
            linear = linear * np.asarray(kept[1])
    return tuple(linear_to_srgb(float(c)) for c in np.clip(linear, 0.0, 1.0))


def resolve_decals(product: Product, configuration: Configuration,
                   drawables: Sequence[Drawable], *, assets: AssetStore,
                   fonts: FontLibrary, cache: DecalGeometryCache,
                   pictures: PictureStore | None = None) -> tuple[Decal, ...]:
    """One decal per zone with a value whose part is shown; ConfigurationError (the customer's
    message) when a zone is unknown or its text or image cannot be made. Pictures come from
    ``pictures`` (None: the user's picture store)."""
    decals = []
    for zone_id, value in configuration.personalization.items():
        field = f"personalization.{zone_id}"
        try:
            zone = product.zone(zone_id)
        except KeyError:
            raise ConfigurationError(f"unknown personalization zone '{zone_id}'",
                                     field=field) from None
        on_part = [d for d in drawables if d.part == zone.part and d.visible]
        if not on_part:
            continue
        technique = zone_technique(zone, value)
        px_per_mm = preview_px_per_mm(zone)
        artwork = zone_artwork(zone, value, fonts, px_per_mm=px_per_mm, pictures=pictures)
        geometry_key, mesh = decal_geometry(zone, on_part, assets, cache)
        if mesh.is_empty:
            continue
        material = on_part[0].material
        own = not technique.takes_ink  # an engraving, an embossing: the part's own material
        surface = surface_colour(material, assets) if own else None  # (its texture's mean)
        ink = (hex_to_srgb(value.colour) if technique.takes_ink and isinstance(value, TextValue)
               and value.colour is not None else None)
        look = technique_look(technique, artwork.rgba, surface_metallic=material.metallic,
                              surface_roughness=material.roughness, ink=ink,
                              px_per_mm=px_per_mm, **({"surface_colour": surface} if own else {}))
        key = _digest(geometry_key, artwork.key, technique.value,
                      (surface, material.metallic, material.roughness) if own else None, ink,
                      on_part[0].id)
        decals.append(Decal(
            id=zone.id, drawable_id=on_part[0].id, technique=technique.value, key=key,
            geometry_key=geometry_key, vertices=mesh.vertices, faces=mesh.faces,
            normals=mesh.normals, uv=mesh.uv, base_color=look.base_color,
            normal_map=look.normal, orm=look.orm, metallic=look.metallic,
            roughness=look.roughness, normal_scale=look.normal_scale))
    return tuple(decals)
