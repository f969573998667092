"""A ResolvedMaterial as the still's BSDF builder reads it: its textures loaded (only those the
shape's texture coordinates map), the limits that decide how glass is drawn, and the pixel
conversions the BSDF's inputs share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from app.assets.mesh import TextureImage
from app.assets.refs import transformed_uv
from app.assets.textures import linear_from_srgb_bytes, pixels_digest
from app.assets.thickness import absorbs_in_its_volume
from app.scene.description import ResolvedMaterial, TextureMapping
from app.scene.material_looks import head_on_reflectance, uses_specular

MIN_IOR = 1.01
MAX_IOR = 3.0
CLEAR_TRANSMISSION = 0.5  # at least this transmissive and at most this rough: clear glass
CLEAR_ROUGHNESS = 0.3
# the index at which the roughness decides alone whether glass is clear; nearer 1 its
# microfacets bend the light they pass less (at 1 not at all: a rough glass of air shows what
# lies behind it sharp), so it is clear up to a higher roughness
CLEAR_IOR = 1.5
SHEET_ROUGHNESS = 0.05  # at most this rough, thin glass lets light straight through (a sheet)
ABSORBING_AT_MOST = 0.9999  # of a channel kept over the attenuation distance (see below)


def sheet_ior(ior: float) -> float:
    """The index of a thin sheet whose two faces together reflect head on what glTF's single
    interface of index ``ior`` does (a slab reflects 2R / (1 + R) of its faces' R)."""
    f0 = head_on_reflectance(ior)
    root = math.sqrt(f0 / (2.0 - f0))
    return (1.0 + root) / (1.0 - root)


def volume_absorption(m: ResolvedMaterial) -> tuple[float, float, float] | None:
    """Absorption per unit length (model units) of a transmissive material with a volume:
    -ln(attenuation colour) / attenuation distance (Beer-Lambert, as glTF defines it); None
    for a thin or clear one. A colour that keeps all of one channel keeps 0.9999 of it
    (Mitsuba's spectral MIS lost half the light of a medium with a channel that absorbs
    nothing)."""
    if not absorbs_in_its_volume(m):
        return None
    return tuple(float(-math.log(min(max(c, 1e-6), ABSORBING_AT_MOST)) / m.attenuation_distance)
                 for c in m.attenuation_color)  # type: ignore[return-value]


@dataclass(frozen=True)
class SlotTexture:
    """A slot's pixels as loaded, and how they map (sampler and transform)."""

    image: TextureImage
    mapping: TextureMapping

    @property
    def pixels(self) -> np.ndarray:
        return self.image.pixels

    @cached_property
    def key(self) -> tuple[str, str]:
        """What names the texture in a prepared bitmap's key: its source and pixels."""
        return self.image.source, pixels_digest(self.image.pixels)


@dataclass(frozen=True)
class MaterialInputs:
    """A ResolvedMaterial as the BSDF builder reads it: alpha rules applied, textures loaded
    (only those the shape's texture coordinates can map)."""

    material: ResolvedMaterial
    base_color: tuple[float, float, float]
    opacity: float
    alpha_cutoff: float | None
    emissive: tuple[float, float, float]
    base_color_texture: SlotTexture | None
    orm_texture: SlotTexture | None
    normal_texture: SlotTexture | None
    emissive_texture: SlotTexture | None
    coat_normal_texture: SlotTexture | None
    # the extension textures drawn (transmission, sheen_color, clearcoat, clearcoat_roughness)
    extension_textures: dict[str, SlotTexture] = field(default_factory=dict)
    vertex_colours: bool = False  # the mesh's colours multiply the base colour
    mapped: bool = False  # the mesh has the UV set the BSDF reads
    metal_reached: bool = True  # the mesh's UVs reach metal in the ORM texture (if it has one)

    @property
    def name(self) -> str:
        return self.material.id

    @property
    def texture_alpha(self) -> bool:
        return self.material.uses_alpha and self.base_color_texture is not None


def linear_rgb(pixels: np.ndarray) -> np.ndarray:
    """sRGB uint8 (H, W, C>=3) -> linear float32 (H, W, 3)."""
    return linear_from_srgb_bytes(np.asarray(pixels)[..., :3])


def scaled_normal_map(pixels: np.ndarray, scale: float) -> np.ndarray:
    """Tangent-space normal map (uint8, 0..255) with x and y scaled, renormalised, 0..1 float."""
    n = np.asarray(pixels)[..., :3].astype(np.float32) / 127.5 - 1.0
    n[..., :2] *= float(scale)
    n[..., 2] = np.maximum(n[..., 2], 1e-3)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    return ((n + 1.0) * 0.5).astype(np.float32)


def refraction_blur(ior: float) -> float:
    """How much of its roughness a glass of index ``ior`` blurs what is seen through it, as
    the share of a glass of ``CLEAR_IOR``'s: the bend a microfacet gives grows with the
    index's distance from 1 (an index further from 1 is counted as ``CLEAR_IOR``)."""
    return min(abs(float(ior) - 1.0) / (CLEAR_IOR - 1.0), 1.0)


def nearest_resized(pixels: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(H, W, C) pixels sampled to ``shape`` (nearest), so two maps of one UV space multiply."""
    if pixels.shape[:2] == tuple(shape):
        return pixels
    rows = (np.arange(shape[0]) + 0.5) * pixels.shape[0] / shape[0]
    cols = (np.arange(shape[1]) + 0.5) * pixels.shape[1] / shape[1]
    return pixels[rows.astype(int)[:, None], cols.astype(int)[None, :]]


def specular_layered(m: MaterialInputs) -> bool:
    """Whether KHR_materials_specular's reflection is drawn as a layer of its own: where the
    extension is in use on an opaque, lit, isotropic material (otherwise as the principled
    BSDF's IOR of equal reflectance, untinted, which is exact for the default)."""
    mat = m.material
    return (uses_specular(mat) and mat.transmission <= 0 and not mat.unlit
            and mat.anisotropy <= 0)


def metal_drawn(m: MaterialInputs) -> bool:
    """Whether ``m`` has metal anywhere: a metallic factor, and its ORM texture's blue (where
    it has one) not black wherever the mesh's UVs reach (glass of metallic factor 1 whose ORM
    carries roughness only, or metal only where the model's other parts map it, is glass)."""
    if m.material.metallic <= 0:
        return False
    return m.orm_texture is None or m.metal_reached


def metal_reached(uv: np.ndarray | None, faces: np.ndarray, pixels: np.ndarray,
                  transform, cells: int = 64) -> bool:
    """Whether an ORM texture's blue is above 0 anywhere a mesh's triangles may cover in UV
    space (glTF's: v down from the top row): each triangle's bounding box on a grid of
    ``cells`` by ``cells`` (more than the triangle covers, never less; the whole texture
    where the UVs leave 0..1)."""
    metal = np.asarray(pixels)[..., 2] > 0
    if not metal.any():
        return False
    if uv is None or not len(faces):
        return True
    corners = transformed_uv(uv, transform)[np.asarray(faces)]
    low, high = corners.min(axis=1), corners.max(axis=1)
    if not (np.isfinite(corners).all() and low.min() >= 0.0 and high.max() <= 1.0):
        return True
    rows, cols = min(cells, metal.shape[0]), min(cells, metal.shape[1])
    pooled = np.add.reduceat(np.add.reduceat(
        metal.astype(np.int32), np.arange(rows) * metal.shape[0] // rows, axis=0),
        np.arange(cols) * metal.shape[1] // cols, axis=1) > 0
    x0, x1 = (np.minimum((b[:, 0] * cols).astype(int), cols - 1) for b in (low, high))
    y0, y1 = (np.minimum((b[:, 1] * rows).astype(int), rows - 1) for b in (low, high))
    edges = np.zeros((rows + 1, cols + 1), np.int64)
    for y, x, sign in ((y0, x0, 1), (y0, x1 + 1, -1), (y1 + 1, x0, -1), (y1 + 1, x1 + 1, 1)):
        np.add.at(edges, (y, x), sign)
    covered = np.cumsum(np.cumsum(edges, axis=0), axis=1)[:rows, :cols] > 0
    return bool((covered & pooled).any())


def orm_drawn(m: MaterialInputs) -> bool:
    """Whether the ORM texture's roughness and metal are drawn (a transmissive or unlit
    material has no metal lobe)."""
    mat = m.material
    return m.orm_texture is not None and mat.transmission <= 0 and not mat.unlit
