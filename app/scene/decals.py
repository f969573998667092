"""Personalization zones with a value -> the scene's decals (world-space mesh + technique maps)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np

from app.assets.mesh import TextureImage
from app.assets.store import AssetStore
from app.assets.textures import linear_from_srgb_bytes, linear_to_srgb_values, mean_colour
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
from app.scene.surface_under import SurfaceUnder, sample, surface_under

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
        # the part's texture coordinates go along where every mesh of it has them
        part_uv = (np.concatenate([m.uv for m in meshes])
                   if all(m.uv is not None for m in meshes) else None)
        p = zone.projector
        frame = zone_frame(zone, drawables[0].transform)
        decal = project_decal(v, f, n, frame, width_m=p.width_mm * MM,
                              height_m=p.height_mm * MM, depth_m=p.depth_mm * MM, mode=p.mode,
                              offset_m=decal_offset(v), part_uv=part_uv)
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


def surface_maps(material: ResolvedMaterial, textures: tuple, under: SurfaceUnder | None,
                 fallback: tuple[float, float, float]
                 ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(colours, normals) of the part's own surface under a decal's texels (``under``), from
    its base colour texture and normal map (``textures``, each None where the part has none
    on its first UV set): the texture there times its factor (sRGB 0..1; ``fallback``
    where no triangle lies), and the normal map's normals turned into the decal's frame."""
    if under is None or not under.covered.any():
        return None, None
    colours = normals = None
    base, normal_map = textures
    if base is not None:
        slot = material.base_color_texture
        linear = sample(np.asarray(base.pixels)[..., :3], under.uv, decode=linear_from_srgb_bytes,
                        sampler=slot.mapping.sampler, transform=slot.mapping.transform)
        colours = np.where(under.covered[..., None],
                           linear_to_srgb_values(linear * np.asarray(material.base_color,
                                                                     np.float32)),
                           np.asarray(fallback, np.float32))
    if normal_map is not None:
        slot = material.normal_texture
        read = sample(np.asarray(normal_map.pixels)[..., :3], under.uv,
                      sampler=slot.mapping.sampler, transform=slot.mapping.transform) / 127.5 - 1
        slope = read[..., :2] * np.float32(material.normal_scale)
        turned = np.einsum("hwij,hwj->hwi", under.frame, slope)
        normals = np.concatenate([turned, np.maximum(read[..., 2:3], 1e-3)], axis=-1)
        normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
        normals[~under.covered] = (0.0, 0.0, 1.0)
    return colours, normals


def _first_set_texture(slot, assets: AssetStore) -> TextureImage | None:
    """The slot's texture where it reads the part's first UV set; None when there is no such
    texture or it cannot be read (the part reports its own missing texture)."""
    if slot is None or slot.mapping.texcoord != 0:
        return None
    try:
        return assets.texture(slot.texture)
    except AppError:
        return None


def _surface_under_decal(material: ResolvedMaterial, assets: AssetStore, mesh: DecalMesh,
                         geometry_key: str, size: tuple[int, int],
                         fallback: tuple[float, float, float],
                         cache: DecalGeometryCache) -> dict:
    """The part's surface under a decal of ``size`` as ``technique_look``'s surface maps, made
    once per geometry, size and texture (a keystroke changes none of them)."""
    textures = (_first_set_texture(material.base_color_texture, assets),
                _first_set_texture(material.normal_texture, assets))
    key = ("surface under", geometry_key, size, material.base_color, material.normal_scale,
           material.base_color_texture, material.normal_texture,
           tuple(id(t) for t in textures))

    def build():  # kept small: sRGB bytes and half floats (the textures keep their ids)
        colours, normals = surface_maps(material, textures, surface_under(mesh, size),
                                        fallback)
        return textures, (
            None if colours is None else np.rint(colours * 255).astype(np.uint8),
            None if normals is None else normals.astype(np.float16))

    _, (_, (colours, normals)) = cache.get(key, build)
    return {"surface_rgb": None if colours is None else colours / np.float32(255),
            "surface_normals": normals}


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
        under_maps = {}
        if own:  # the part's own surface: its colour, and its texture and grain where known
            height, width = artwork.rgba.shape[:2]
            under_maps = {"surface_colour": surface, **_surface_under_decal(
                material, assets, mesh, geometry_key, (width, height), surface, cache)}
        look = technique_look(technique, artwork.rgba, surface_metallic=material.metallic,
                              surface_roughness=material.roughness, ink=ink,
                              px_per_mm=px_per_mm, **under_maps)
        key = _digest(geometry_key, artwork.key, technique.value,
                      (surface, material.metallic, material.roughness, material.base_color,
                       material.base_color_texture, material.normal_texture,
                       material.normal_scale) if own else None, ink, on_part[0].id)
        decals.append(Decal(
            id=zone.id, drawable_id=on_part[0].id, technique=technique.value, key=key,
            geometry_key=geometry_key, vertices=mesh.vertices, faces=mesh.faces,
            normals=mesh.normals, uv=mesh.uv, base_color=look.base_color,
            normal_map=look.normal, orm=look.orm, metallic=look.metallic,
            roughness=look.roughness, normal_scale=look.normal_scale))
    return tuple(decals)
