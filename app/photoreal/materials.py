"""Scene materials -> Mitsuba BSDF dictionaries (principled BSDF, normal maps, opacity masks).

What the path tracer cannot express is replaced by the nearest thing it can, and each such
replacement is recorded in ``approximations`` (and logged) so a render can say what it changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.assets.mesh import MeshMaterial, TextureImage
from app.photoreal.tonemap import srgb_to_linear
from app.scene.description import Decal, ResolvedMaterial, TextureRef

log = logging.getLogger(__name__)

MIN_IOR = 1.01
MAX_IOR = 3.0
CLEAR_TRANSMISSION = 0.5  # at least this transmissive and at most this rough: clear glass
CLEAR_ROUGHNESS = 0.3


@dataclass(frozen=True)
class PbrInputs:
    """A glTF-style metallic-roughness material, from either source, with loaded textures."""

    name: str
    base_color: tuple[float, float, float]
    opacity: float = 1.0
    metallic: float = 0.0
    roughness: float = 0.5
    emissive: tuple[float, float, float] = (0.0, 0.0, 0.0)
    clearcoat: float = 0.0
    clearcoat_roughness: float = 0.03
    transmission: float = 0.0
    ior: float = 1.5
    normal_scale: float = 1.0
    uv_scale: tuple[float, float] = (1.0, 1.0)
    base_color_texture: TextureImage | None = None
    texture_alpha: bool = False
    alpha_cutoff: float | None = None  # alpha MASK: opaque where alpha >= this, else cut away
    orm_texture: TextureImage | None = None
    normal_texture: TextureImage | None = None
    emissive_texture: TextureImage | None = None


@dataclass
class ShapeLook:
    """What a shape is made of: its BSDF dictionary and, for glowing materials, the texture of
    the radiance it emits (drawn where the camera sees it; see ``render``'s emission pass)."""

    bsdf: dict
    emission: dict | None = None
    see_through: bool = False  # clear glass: the denoiser is guided by what lies behind it


def linear_rgb(pixels: np.ndarray) -> np.ndarray:
    """sRGB uint8 (H, W, C>=3) -> linear float32 (H, W, 3)."""
    return srgb_to_linear(np.asarray(pixels)[..., :3] / 255.0).astype(np.float32)


def scaled_normal_map(pixels: np.ndarray, scale: float) -> np.ndarray:
    """Tangent-space normal map (uint8, 0..255) with x and y scaled, renormalised, 0..1 float."""
    n = np.asarray(pixels)[..., :3].astype(np.float32) / 127.5 - 1.0
    n[..., :2] *= float(scale)
    n[..., 2] = np.maximum(n[..., 2], 1e-3)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    return ((n + 1.0) * 0.5).astype(np.float32)


class MaterialTranslator:
    """Builds BSDF dictionaries for one Mitsuba module ``mi``; textures are converted once."""

    def __init__(self, mi, load_texture: Callable[[TextureRef], TextureImage]):
        self.mi = mi
        self._load_texture = load_texture
        self._bitmaps: dict[tuple, object] = {}
        self.approximations: list[str] = []

    # sources ---------------------------------------------------------------------------------

    def for_resolved(self, material: ResolvedMaterial, has_uv: bool) -> ShapeLook:
        def load(ref: TextureRef | None) -> TextureImage | None:
            return self._load_texture(ref) if (ref is not None and has_uv) else None

        base = load(material.base_color_texture)
        emissive_texture = load(material.emissive_texture)
        emissive = material.emissive
        if emissive_texture is not None and not any(emissive):
            emissive = (1.0, 1.0, 1.0)  # a catalog material's texture glows as it is (live view)
        inputs = PbrInputs(
            name=material.id, base_color=material.base_color, opacity=material.opacity,
            metallic=material.metallic, roughness=material.roughness,
            emissive=emissive, clearcoat=material.clearcoat,
            clearcoat_roughness=material.clearcoat_roughness,
            transmission=material.transmission, ior=material.ior,
            normal_scale=material.normal_scale, uv_scale=material.uv_scale,
            base_color_texture=base,
            texture_alpha=base is not None and material.opacity < 1.0,
            orm_texture=load(material.orm_texture), normal_texture=load(material.normal_texture),
            emissive_texture=emissive_texture)
        return self.look(inputs)

    def for_model(self, material: MeshMaterial, has_uv: bool, colors: np.ndarray | None
                  ) -> ShapeLook:
        r, g, b, a = material.base_color
        blend = material.alpha_mode == "BLEND"
        mask = material.alpha_mode == "MASK"
        base_texture = material.base_color_texture if has_uv else None
        if base_texture is None and colors is not None and len(colors):
            mean = srgb_to_linear(np.asarray(colors, dtype=float)[:, :3].mean(axis=0) / 255.0)
            r, g, b = (float(r * mean[0]), float(g * mean[1]), float(b * mean[2]))
            self._approximate(material.name, "vertex colours drawn as their mean colour")
        inputs = PbrInputs(
            name=material.name or "model material", base_color=(r, g, b),
            opacity=a if (blend or mask) else 1.0, metallic=material.metallic,
            roughness=material.roughness, emissive=material.emissive,
            transmission=material.transmission, base_color_texture=base_texture,
            texture_alpha=(blend or mask) and base_texture is not None,
            alpha_cutoff=float(material.alpha_cutoff) if mask else None,
            orm_texture=material.orm_texture if has_uv else None,
            normal_texture=material.normal_texture if has_uv else None,
            emissive_texture=material.emissive_texture if has_uv else None)
        return self.look(inputs)

    def for_decal(self, decal: Decal) -> dict:
        """The decal as a blended layer: its coverage is the opacity of a principled BSDF."""
        orm = np.asarray(decal.orm, dtype=np.float32) / 255.0
        principled = {
            "type": "principled",
            "base_color": self._bitmap(("decal-base", decal.key), linear_rgb(decal.base_color)),
            "roughness": self._bitmap(("decal-rough", decal.key),
                                      np.clip(orm[..., 1:2] * decal.roughness, 0.0, 1.0)),
            "metallic": self._bitmap(("decal-metal", decal.key),
                                     np.clip(orm[..., 2:3] * decal.metallic, 0.0, 1.0)),
        }
        bsdf = {"type": "normalmap",
                "normalmap": self._bitmap(("decal-normal", decal.key, decal.normal_scale),
                                          scaled_normal_map(decal.normal_map,
                                                            decal.normal_scale)),
                "bsdf": principled}
        coverage = np.asarray(decal.base_color, dtype=np.float32)[..., 3:4] / 255.0
        return {"type": "mask",
                "opacity": self._bitmap(("decal-alpha", decal.key), coverage),
                "bsdf": {"type": "twosided", "bsdf": bsdf}}

    # the principled BSDF ---------------------------------------------------------------------

    def look(self, m: PbrInputs) -> ShapeLook:
        ior = float(m.ior)
        if not MIN_IOR <= ior <= MAX_IOR:
            ior = min(max(ior, MIN_IOR), MAX_IOR)
            self._approximate(m.name, f"index of refraction {m.ior} clamped to {ior}")
        principled: dict = {
            "type": "principled",
            "base_color": self._colour_input(m),
            "roughness": float(np.clip(m.roughness, 0.0, 1.0)),
            "metallic": float(np.clip(m.metallic, 0.0, 1.0)),
            "eta": ior,
        }
        if m.orm_texture is not None:
            orm = np.asarray(m.orm_texture.pixels, dtype=np.float32)[..., :3] / 255.0
            principled["roughness"] = self._bitmap(
                ("rough", m.orm_texture.source, m.roughness),
                np.clip(orm[..., 1:2] * m.roughness, 0.0, 1.0), m.uv_scale)
            principled["metallic"] = self._bitmap(
                ("metal", m.orm_texture.source, m.metallic),
                np.clip(orm[..., 2:3] * m.metallic, 0.0, 1.0), m.uv_scale)
        if m.clearcoat > 0:
            principled["clearcoat"] = float(np.clip(m.clearcoat, 0.0, 1.0))
            principled["clearcoat_gloss"] = float(np.clip(1.0 - m.clearcoat_roughness, 0, 1))
        if m.transmission > 0:
            # thin-walled: crystals and windows are often single sheets, not closed solids
            principled["type"] = "principledthin"
            if m.metallic > 0 or m.orm_texture is not None:
                self._approximate(m.name, "metallic dropped on a transmissive material")
            principled.pop("metallic")
            principled["spec_trans"] = float(np.clip(m.transmission, 0.0, 1.0))
            if "clearcoat" in principled:
                del principled["clearcoat"], principled["clearcoat_gloss"]
                self._approximate(m.name, "clear coat dropped on a transmissive material")
        bsdf: dict = principled
        if m.normal_texture is not None:
            bsdf = {"type": "normalmap", "bsdf": bsdf, "normalmap": self._bitmap(
                ("normal", m.normal_texture.source, m.normal_scale),
                scaled_normal_map(m.normal_texture.pixels, m.normal_scale), m.uv_scale)}
        if m.transmission <= 0:
            bsdf = {"type": "twosided", "bsdf": bsdf}
        opacity = self._opacity_input(m)
        if opacity is not None:
            bsdf = {"type": "mask", "opacity": opacity, "bsdf": bsdf}
        clear = m.transmission >= CLEAR_TRANSMISSION and m.roughness <= CLEAR_ROUGHNESS
        return ShapeLook(bsdf, self._emission(m), see_through=clear)

    def _colour_input(self, m: PbrInputs):
        colour = np.clip(np.asarray(m.base_color, dtype=np.float32), 0.0, 1.0)
        if m.base_color_texture is None:
            return {"type": "rgb", "value": [float(c) for c in colour]}
        pixels = linear_rgb(m.base_color_texture.pixels) * colour
        return self._bitmap(("base", m.base_color_texture.source, tuple(colour)), pixels,
                            m.uv_scale)

    def _opacity_pixels(self, m: PbrInputs) -> np.ndarray | float | None:
        """Opacity as (H, W, 1) pixels from the base colour texture's alpha, a constant, or None
        for an opaque material; alpha MASK thresholded at its cutoff."""
        cutoff = m.alpha_cutoff
        if m.texture_alpha and m.base_color_texture is not None:
            pixels = np.asarray(m.base_color_texture.pixels)
            if pixels.ndim == 3 and pixels.shape[2] == 4:
                alpha = pixels[..., 3:4].astype(np.float32) / 255.0 * float(m.opacity)
                return (alpha >= cutoff).astype(np.float32) if cutoff is not None else alpha
        opacity = float(np.clip(m.opacity, 0.0, 1.0))
        if cutoff is not None:
            opacity = 1.0 if opacity >= cutoff else 0.0
        return opacity if opacity < 1.0 else None

    def _opacity_input(self, m: PbrInputs):
        opacity = self._opacity_pixels(m)
        if isinstance(opacity, np.ndarray):
            source = m.base_color_texture.source if m.base_color_texture else m.name
            return self._bitmap(("alpha", source, m.opacity, m.alpha_cutoff), opacity,
                                m.uv_scale)
        if opacity is not None:
            return {"type": "rgb", "value": [opacity] * 3}
        return None

    def _emission(self, m: PbrInputs) -> dict | None:
        """Emitted radiance as a texture dictionary, or None for a material that does not glow.

        Not a Mitsuba area emitter: the path integrator hides emitters the camera sees directly
        (``hide_emitters``, which keeps the environment out of the picture), and with them the
        whole shape, so a glowing product would vanish from the still. Where the material is
        see-through (alpha) it glows as much as it is there."""
        emissive = np.clip(np.asarray(m.emissive, dtype=np.float32), 0.0, None)
        if not emissive.any():
            return None
        opacity = self._opacity_pixels(m)
        if m.emissive_texture is not None:
            pixels = linear_rgb(m.emissive_texture.pixels) * emissive
            source = m.emissive_texture.source
            if isinstance(opacity, np.ndarray):
                pixels = pixels * _resized(opacity, pixels.shape[:2])
        elif isinstance(opacity, np.ndarray):
            pixels, source = opacity * emissive, "alpha"
        else:  # a raw bitmap even when constant: an "rgb" colour may not exceed 1
            pixels, source = emissive.reshape(1, 1, 3), "constant"
        if isinstance(opacity, float):
            pixels = pixels * opacity
        if not pixels.any():
            return None
        return self._bitmap(("emissive", source, tuple(emissive), m.name,
                             m.opacity, m.alpha_cutoff), pixels, m.uv_scale)

    # helpers ---------------------------------------------------------------------------------

    def _bitmap(self, key: tuple, pixels: np.ndarray, uv_scale=(1.0, 1.0)) -> dict:
        if key not in self._bitmaps:
            array = np.ascontiguousarray(pixels, dtype=np.float32)
            self._bitmaps[key] = self.mi.Bitmap(array)
        texture = {"type": "bitmap", "bitmap": self._bitmaps[key], "raw": True,
                   "filter_type": "bilinear", "wrap_mode": "repeat"}
        if tuple(uv_scale) != (1.0, 1.0):
            texture["to_uv"] = self.mi.ScalarTransform4f().scale(
                [float(uv_scale[0]), float(uv_scale[1]), 1.0])
        return texture

    def _approximate(self, name: str, what: str) -> None:
        note = f"material '{name}': {what}"
        if note not in self.approximations:
            self.approximations.append(note)
            log.warning("photoreal approximation: %s", note)


def _resized(pixels: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(H, W, C) pixels sampled to ``shape`` (nearest), so two maps of one UV space multiply."""
    if pixels.shape[:2] == tuple(shape):
        return pixels
    rows = (np.arange(shape[0]) + 0.5) * pixels.shape[0] / shape[0]
    cols = (np.arange(shape[1]) + 0.5) * pixels.shape[1] / shape[1]
    return pixels[rows.astype(int)[:, None], cols.astype(int)[None, :]]
