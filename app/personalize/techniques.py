"""How each decoration technique looks: artwork coverage -> PBR maps for the decal.

Every map has the artwork's size. ``base_color`` is sRGB RGBA (alpha = where the decoration is);
``normal`` is a tangent-space normal map (OpenGL/glTF convention: +X right, +Y towards the
image's top row), ``orm`` holds occlusion, roughness and metallic per pixel (glTF packing),
all linear. The scalar factors multiply the maps, as glTF does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.domain.product import Technique

GOLD = (0.83, 0.69, 0.22)  # sRGB 0..1: hot-foil gold when no ink is chosen
ENGRAVE_DARKEN = 0.42  # the groove's colour, relative to the surface's
ENGRAVE_ROUGHNESS = 0.85  # the cut's floor, at least (a rougher part stays as rough)
ENGRAVE_FLOOR_DEPTH = 0.8  # of the bevelled depth (0-1): shallower is wall, deeper floor
FOIL_ROUGHNESS = 0.22
RELIEF_PX = 3  # bevel width (pixels) of engraved edges, and the least of embossed ones
RELIEF_SLOPE = 0.9  # the bevels' steepness (rise over run): about 42 degrees
# an embossing's shoulder, in millimetres on the part: leather and vinyl pressed up round a
# logo rise over a millimetre or two, which also keeps the relief a few pixels wide on screen
# when a large zone (a seat back) is seen whole
EMBOSS_SHOULDER_MM = 1.5
# embroidery, in millimetres on the part (so it reads the same at any artwork density): the
# satin threads' spacing, drawn coarser than real thread so that the ridges still show from a
# zone's own camera, and how far in from its edge the padded stitching rises to full height
STITCH_PERIOD_MM = 1.6
EMBROIDERY_PUFF_MM = 1.2

__all__ = ["DecalLook", "GOLD", "height_normals", "technique_look"]


@dataclass(frozen=True, eq=False)
class DecalLook:
    technique: Technique
    base_color: np.ndarray  # (H, W, 4) uint8, sRGB, alpha = coverage
    normal: np.ndarray  # (H, W, 3) uint8, tangent space
    orm: np.ndarray  # (H, W, 3) uint8: occlusion, roughness, metallic
    metallic: float = 1.0  # factors on the ORM map
    roughness: float = 1.0
    normal_scale: float = 1.0


def _box_blur(image: np.ndarray, radius: int) -> np.ndarray:
    """Separable box blur of a 2-D float array (edges clamped)."""
    if radius < 1:
        return image
    out = image
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius + 1, radius)
        c = np.cumsum(np.pad(out, pad, mode="edge"), axis=axis)
        size = 2 * radius + 1
        if axis == 0:
            out = (c[size:] - c[:-size]) / size
        else:
            out = (c[:, size:] - c[:, :-size]) / size
    return out


def height_normals(height: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """A height field (H, W), row 0 at the top, -> uint8 tangent-space normals.

    Higher values are raised: at the left edge of a raised shape the normal leans left (-X).
    """
    h = np.asarray(height, dtype=np.float32) * np.float32(strength)
    d_row, d_col = np.gradient(h)
    half = np.float32(127.5) / np.sqrt(d_row * d_row + d_col * d_col + np.float32(1.0))
    out = np.empty(h.shape + (3,), np.uint8)  # (n * 0.5 + 0.5) * 255, n = (-dc, dr, 1) / |.|
    for channel, component in enumerate((-d_col, d_row, np.float32(1.0))):
        out[..., channel] = np.rint(component * half + np.float32(127.5))
    return out


def with_grain(relief: np.ndarray, grain: np.ndarray) -> np.ndarray:
    """A relief's uint8 normal map with the surface's own normals (``grain``, (H, W, 3) unit
    vectors in the same frame) laid over it (whiteout blending: the slopes add)."""
    n = relief.astype(np.float32) / np.float32(127.5) - np.float32(1.0)
    g = np.asarray(grain, dtype=np.float32)
    if g.shape != n.shape:
        raise ValueError(f"expected the surface's normals at {n.shape}, got {g.shape}")
    out = np.empty_like(n)
    out[..., :2] = n[..., :2] + g[..., :2]
    out[..., 2] = n[..., 2] * g[..., 2]
    out /= np.maximum(np.linalg.norm(out, axis=-1, keepdims=True), np.float32(1e-6))
    return np.rint(out * np.float32(127.5) + np.float32(127.5)).astype(np.uint8)


def _ramp_strength(radius: int) -> float:
    """The height scale at which a step box-blurred by ``radius`` rises at RELIEF_SLOPE."""
    return RELIEF_SLOPE * (2 * radius + 1)


def _flat_normals() -> np.ndarray:
    """A map that is the same everywhere is one pixel: the texture stretches over the decal."""
    return np.array([[[128, 128, 255]]], np.uint8)


def _orm(occlusion, roughness, metallic) -> np.ndarray:
    """(H, W, 3) uint8 where any of the three is a map, else (1, 1, 3)."""
    maps = [np.asarray(c, dtype=np.float32) for c in (occlusion, roughness, metallic)]
    shape = np.broadcast_shapes(*(m.shape for m in maps)) or (1, 1)
    out = np.empty((*shape, 3), np.uint8)
    for i, m in enumerate(maps):
        out[..., i] = np.round(np.clip(m, 0, 1) * 255)
    return out


def _rgba(rgb, alpha: np.ndarray) -> np.ndarray:
    """Colour (sRGB 0..1, a triple or an (H, W, 3) array) + coverage -> (H, W, 4) uint8."""
    out = np.empty((*alpha.shape, 4), np.uint8)
    out[..., :3] = np.rint(np.clip(np.asarray(rgb, dtype=np.float32), 0, 1) * np.float32(255))
    out[..., 3] = np.rint(np.clip(alpha, 0, 1) * np.float32(255))
    return out


def technique_look(
    technique: Technique | str,
    artwork_rgba: np.ndarray,
    *,
    surface_colour: tuple[float, float, float] = (0.8, 0.8, 0.8),
    surface_metallic: float = 0.0,
    surface_roughness: float = 0.5,
    ink: tuple[float, float, float] | None = None,
    px_per_mm: float = 8.0,
    surface_rgb: np.ndarray | None = None,
    surface_normals: np.ndarray | None = None,
) -> DecalLook:
    """The look of ``technique`` applied with ``artwork_rgba`` (H, W, 4 uint8) at
    ``px_per_mm`` artwork pixels per millimetre of the part.

    ``surface_colour`` (sRGB 0..1), ``surface_metallic`` and ``surface_roughness`` are the
    part's material: an engraving is a cut into it (the same metal or not, its floor darker
    and rougher, its walls in the normal map), an embossing the part's material raised. No ink
    colours either (``Technique.takes_ink``). ``ink`` (sRGB 0..1) colours foil (gold when
    absent), a smooth metal; print and embroidery take the artwork's own colours.

    Where the part's surface under the decal is known texel by texel (its texture there:
    ``surface_rgb``, (H, W, 3) sRGB 0..1, instead of the one ``surface_colour``; its normal
    map's normals turned into the decal's frame: ``surface_normals``, (H, W, 3) unit vectors),
    an engraving cuts into that colour and an embossing raises it, grain and all (a cut's floor
    has its grain cut away).
    """
    technique = Technique(technique)
    rgba = np.asarray(artwork_rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"expected (H, W, 4) uint8 artwork, got {rgba.dtype} {rgba.shape}")
    shape = rgba.shape[:2]
    if technique is Technique.print:  # the artwork as it is: no float maps to make
        return DecalLook(technique, rgba.copy(), _flat_normals(), _orm(1.0, 0.45, 0.0))
    alpha = rgba[..., 3].astype(np.float32) / 255.0
    surface = np.asarray(surface_colour if surface_rgb is None else surface_rgb,
                         dtype=np.float32)
    if surface.ndim == 3 and surface.shape[:2] != shape:
        raise ValueError(f"expected the surface's colours at {shape}, got {surface.shape}")

    if technique is Technique.engrave:
        # 0 outside, 1 on the cut's floor, in between on its walls: the cut darkens as it
        # deepens; the walls keep the part's finish (so they catch the light along each
        # stroke), the floor is rough
        depth = _box_blur(alpha, RELIEF_PX // 2 + 1)
        floor = np.clip((depth - ENGRAVE_FLOOR_DEPTH) / (1.0 - ENGRAVE_FLOOR_DEPTH), 0.0, 1.0)
        occlusion = 1.0 - 0.35 * depth
        rough = max(ENGRAVE_ROUGHNESS, surface_roughness)
        colour = surface * (1.0 - (1.0 - ENGRAVE_DARKEN) * depth)[..., None]
        return DecalLook(technique, _rgba(colour, alpha),
                         height_normals(-depth, strength=_ramp_strength(RELIEF_PX // 2 + 1)),
                         _orm(occlusion, surface_roughness + (rough - surface_roughness) * floor,
                              surface_metallic))
    if technique is Technique.emboss:
        radius = max(RELIEF_PX // 2 + 1, round(EMBOSS_SHOULDER_MM * px_per_mm / 2))
        raised = _box_blur(alpha, radius)
        relief = height_normals(raised, strength=_ramp_strength(radius))
        if surface_normals is not None:
            relief = with_grain(relief, surface_normals)
        return DecalLook(technique, _rgba(surface, alpha), relief,
                         _orm(1.0, surface_roughness, surface_metallic))
    if technique is Technique.foil:
        colour = np.asarray(ink if ink is not None else GOLD, dtype=np.float32)
        raised = _box_blur(alpha, 1)
        return DecalLook(technique, _rgba(colour, alpha), height_normals(raised, strength=1.0),
                         _orm(1.0, FOIL_ROUGHNESS, 1.0))
    # embroider: diagonal satin threads in the thread colour, padded up off the surface; each
    # thread a rounded ridge (darker and shaded in the grooves between threads)
    artwork_rgb = rgba[..., :3].astype(np.float32) / 255.0
    rows, cols = np.indices(shape, dtype=np.float32)
    period = max(3.0, STITCH_PERIOD_MM * px_per_mm)
    ridge = np.sqrt(np.abs(np.sin((rows + cols) * (np.pi / period))))
    puff = _box_blur(alpha, max(1, round(EMBROIDERY_PUFF_MM * px_per_mm / 2)))
    height = puff * (0.75 + 0.25 * ridge)
    shade = 0.66 + 0.34 * ridge
    return DecalLook(technique, _rgba(artwork_rgb * shade[..., None], alpha),
                     height_normals(height, strength=0.7 * period / (0.25 * np.pi)),
                     _orm(0.75 + 0.25 * ridge, 0.9, 0.0))
