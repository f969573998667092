"""Handles that name an asset without holding it: what the scene asks the assets layer for."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GeometryRef:
    """Which mesh to draw: a model file (absolute path) loaded with given units and up axis, and
    the node or mesh name inside it. The assets layer turns it into ``MeshData``."""

    model: str
    node: str
    units: str = "m"
    up: str = "y"


@dataclass(frozen=True)
class TextureRef:
    """A texture file or an image embedded in a model (``"<model path>#<key>"``)."""

    source: str
    srgb: bool


WRAP_MODES = ("REPEAT", "MIRRORED_REPEAT", "CLAMP_TO_EDGE")


@dataclass(frozen=True)
class TextureSampler:
    """How a texture is sampled, in glTF's terms: wrap per axis, and filtering."""

    wrap_s: str = "REPEAT"  # one of WRAP_MODES
    wrap_t: str = "REPEAT"
    nearest: bool = False  # magnified texels drawn as blocks instead of interpolated
    mipmaps: bool = True  # minified through mipmaps

    @property
    def per_axis(self) -> bool:
        """Whether it wraps each axis its own way (the renderers' samplers wrap both alike,
        so the coordinates are wrapped before the look-up)."""
        return self.wrap_s != self.wrap_t

    @property
    def wrap_codes(self) -> tuple[int, int]:
        """(s, t) wrap modes as their places in WRAP_MODES (0 repeat, 1 mirror, 2 clamp), as
        the renderers' per-axis wrapping reads them."""
        return WRAP_MODES.index(self.wrap_s), WRAP_MODES.index(self.wrap_t)


@dataclass(frozen=True)
class TextureTransform:
    """KHR_texture_transform in glTF UV space (v = 0 at the top of the image):
    ``uv' = T(offset) * R(rotation) * S(scale) * uv``, rotation in radians."""

    offset: tuple[float, float] = (0.0, 0.0)
    rotation: float = 0.0
    scale: tuple[float, float] = (1.0, 1.0)

    @property
    def is_identity(self) -> bool:
        return self == IDENTITY_TRANSFORM

    def matrix(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """The 2x3 matrix taking (u, v, 1) to the transformed (u, v)."""
        c, s = math.cos(self.rotation), math.sin(self.rotation)
        sx, sy = self.scale
        ox, oy = self.offset
        return ((c * sx, s * sy, ox), (-s * sx, c * sy, oy))


IDENTITY_TRANSFORM = TextureTransform()


@dataclass(frozen=True)
class TextureMapping:
    """Which UV set a material's texture reads, through which sampler and transform."""

    texcoord: int = 0  # 0: TEXCOORD_0 (MeshData.uv), 1: TEXCOORD_1 (MeshData.uv1)
    sampler: TextureSampler = TextureSampler()
    transform: TextureTransform = IDENTITY_TRANSFORM


DEFAULT_MAPPING = TextureMapping()


@dataclass(frozen=True)
class TextureSlot:
    """A texture as a material uses it: the image and how it maps onto the surface."""

    texture: TextureRef
    mapping: TextureMapping = DEFAULT_MAPPING

    @property
    def texcoord(self) -> int:
        return self.mapping.texcoord

    @property
    def sampler(self) -> TextureSampler:
        return self.mapping.sampler

    @property
    def transform(self) -> TextureTransform:
        return self.mapping.transform


TANGENT_FRAME_SLOTS = ("normal", "clearcoat_normal", "anisotropy")


def tangent_frame_texcoord(slots: Mapping[str, TextureSlot]) -> int:
    """The UV set whose directions make the surface's tangent frame, in which normal maps
    and anisotropy are read, among the textures ``slots`` (slot name: slot) a surface draws:
    glTF's is the normal texture's set (without one, the clear coat's normal texture's, then
    the anisotropy texture's: the first of ``TANGENT_FRAME_SLOTS``); else the set most of the
    textures read (the first slot's on a tie), else the first."""
    for name in TANGENT_FRAME_SLOTS:
        if name in slots:
            return slots[name].texcoord
    sets = [slot.texcoord for slot in slots.values()]
    return max(dict.fromkeys(sets), key=sets.count) if sets else 0


def transformed_uv(uv, transform: TextureTransform):
    """(N, 2) glTF UVs through ``transform`` (float32 out)."""
    uv = np.asarray(uv, dtype=np.float64)
    if transform.is_identity:
        return uv.astype(np.float32)
    m = np.asarray(transform.matrix(), dtype=np.float64)
    return (uv @ m[:, :2].T + m[:, 2]).astype(np.float32)
