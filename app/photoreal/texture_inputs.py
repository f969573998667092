"""The still's BSDF inputs made of a material's textures and factors: Mitsuba bitmaps of its
base colour, roughness, anisotropy, opacity, glow, sheen and the extension factors, each kept in
the prepared textures under a key that names everything it is made of."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from app.assets.refs import DEFAULT_MAPPING
from app.photoreal.material_inputs import (
    CLEAR_ROUGHNESS,
    MaterialInputs,
    SlotTexture,
    linear_rgb,
    nearest_resized,
    orm_drawn,
    refraction_blur,
    scaled_normal_map,
)
from app.photoreal.multiple_scattering import multiple_scattering_gain
from app.photoreal.prepared_textures import PreparedTextures
from app.photoreal.textures import AXIS_WRAP, front_faces_only, read_at_uv_set
from app.scene.description import TextureMapping
from app.scene.material_looks import albedo_roughness, back_faces_culled, disney_anisotropy

_WRAPS = {"REPEAT": "repeat", "MIRRORED_REPEAT": "mirror", "CLAMP_TO_EDGE": "clamp"}


class TextureInputs:
    """Builds the BSDF's inputs for one Mitsuba module ``mi``: numbers, or bitmaps kept in
    ``prepared``; what cannot be drawn as glTF says is told to ``approximate`` (the material's
    name, what was done instead)."""

    def __init__(self, mi, prepared: PreparedTextures,
                 approximate: Callable[[str, str], None]):
        self.mi = mi
        self._prepared = prepared
        self._approximate = approximate
        self._shape_texcoord = 0

    @contextmanager
    def on_shape(self, texcoord: int) -> Iterator[None]:
        """Bitmaps made inside are for a shape whose texture coordinates are UV set
        ``texcoord``: one that reads another set reads it from the mesh's attribute of that
        set (``textures.uv_attribute``)."""
        before, self._shape_texcoord = self._shape_texcoord, texcoord
        try:
            yield
        finally:
            self._shape_texcoord = before

    def bitmap(self, key: tuple, pixels: np.ndarray | Callable[[], np.ndarray],
                mapping: TextureMapping | None = None) -> dict:
        """A bitmap texture of ``pixels`` (or what makes them, called where ``key`` is not
        prepared yet); ``key`` names all they are made of (textures by ``SlotTexture.key``).
        Read at the UV set, through the sampler and the transform of ``mapping``; without one,
        at the shape's own texture coordinates (a colour as a one-pixel bitmap, a decal)."""
        own_coordinates = mapping is None
        mapping = mapping or DEFAULT_MAPPING
        sampler = mapping.sampler
        texture = {"type": "bitmap", "bitmap": self._prepared.bitmap(self.mi, key, pixels),
                   "raw": True, "filter_type": "nearest" if sampler.nearest else "bilinear",
                   "wrap_mode": ("repeat" if sampler.per_axis
                                 else _WRAPS.get(sampler.wrap_s, "repeat"))}
        if sampler.per_axis:  # the transform (below) first, then each axis wrapped its way
            wrap_s, wrap_t = sampler.wrap_codes
            texture = {"type": AXIS_WRAP, "texture": texture, "wrap_s": wrap_s, "wrap_t": wrap_t}
        if not mapping.transform.is_identity:
            (a, b, c), (d, e, f) = mapping.transform.matrix()
            texture["to_uv"] = self.mi.ScalarTransform3f([[a, b, c], [d, e, f], [0, 0, 1]])
        if not own_coordinates and mapping.texcoord != self._shape_texcoord:
            texture = read_at_uv_set(texture, mapping.texcoord)
        return texture

    def not_metal(self, m: MaterialInputs, principled: dict):
        """1 - metallic, a number or the ORM texture's pixels as the principled BSDF's."""
        metallic = principled["metallic"]
        if not isinstance(metallic, dict):
            return 1.0 - float(metallic)
        def orm() -> np.ndarray:
            return np.asarray(m.orm_texture.pixels[..., 2:3], dtype=np.float32) / 255.0

        return self.bitmap(("not-metal", m.orm_texture.key, m.material.metallic),
                           lambda: np.clip(1.0 - orm() * m.material.metallic, 0.0, 1.0),
                           m.orm_texture.mapping)

    def normal_map(self, kind: str, texture: SlotTexture, scale: float) -> dict:
        """A tangent-space normal texture, its x and y scaled, as the bitmap the normal-map
        plugins read."""
        return self.bitmap((kind, texture.key, scale),
                           lambda: scaled_normal_map(texture.pixels, scale), texture.mapping)

    def roughness(self, m: MaterialInputs) -> tuple[object, object | None]:
        """The principled BSDF's roughness and, with anisotropy, its anisotropic (glTF's
        alphas, ``disney_anisotropy``): numbers, or bitmaps of the ORM texture's roughness and
        the anisotropy texture's strength (blue) per pixel."""
        mat = m.material
        orm = m.orm_texture
        strength = m.extension_textures.get("anisotropy") if mat.anisotropy > 0 else None
        if strength is not None and orm is not None and strength.mapping != orm.mapping:
            self._approximate(m.name, "anisotropy strength texture not drawn (it maps "
                                      "otherwise than the ORM texture; its direction is)")
            strength = None
        source = orm or strength
        if source is None:
            if mat.anisotropy > 0:
                return disney_anisotropy(mat.roughness, mat.anisotropy)
            return float(np.clip(mat.roughness, 0.0, 1.0)), None
        shape = np.asarray(source.pixels).shape[:2]

        def channel(texture: SlotTexture, index: int, factor: float) -> np.ndarray:
            pixels = nearest_resized(np.asarray(texture.pixels), shape)
            if pixels.ndim < 3 or pixels.shape[2] <= index:
                return np.full(shape + (1,), factor, np.float32)
            return pixels[..., index:index + 1].astype(np.float32) / 255.0 * factor

        def rough_anisotropic() -> tuple[np.ndarray, np.ndarray]:
            roughness = (np.full(shape + (1,), mat.roughness, np.float32) if orm is None
                         else np.clip(channel(orm, 1, mat.roughness), 0.0, 1.0))
            if mat.anisotropy <= 0:
                return roughness, np.zeros_like(roughness)
            stretch = (np.full(shape + (1,), mat.anisotropy, np.float32) if strength is None
                       else channel(strength, 2, mat.anisotropy))
            return disney_anisotropy(roughness, stretch)

        key = (orm and orm.key, strength and strength.key, mat.roughness, mat.anisotropy)
        roughness = self.bitmap(("rough", *key), lambda: rough_anisotropic()[0],
                                source.mapping)
        if mat.anisotropy <= 0:
            return roughness, None
        return roughness, self.bitmap(("anisotropic", *key), lambda: rough_anisotropic()[1],
                                      source.mapping)

    def direction(self, m: MaterialInputs) -> dict | None:
        """The anisotropy texture's direction in tangent space (RG, 0..1 for -1..1) as a
        bitmap, or None without one."""
        texture = m.extension_textures.get("anisotropy")
        if texture is None or m.material.anisotropy <= 0:
            return None

        def direction() -> np.ndarray:
            pixels = np.asarray(texture.pixels)
            rg = (pixels[..., :2].astype(np.float32) / 255.0 if pixels.ndim == 3
                  and pixels.shape[2] >= 2 else np.full(pixels.shape[:2] + (2,), (1.0, 0.5),
                                                        np.float32))
            return np.concatenate([rg, np.zeros(rg.shape[:2] + (1,), np.float32)], axis=2)

        return self.bitmap(("anisotropy-direction", texture.key), direction, texture.mapping)

    def factor(self, m: MaterialInputs, name: str, factor: float, *, channel: int):
        """``factor`` times one channel (0..3: R, G, B, A; linear) of the extension texture
        ``name`` as a bitmap, or the plain number without one."""
        texture = m.extension_textures.get(name)
        if texture is None:
            return float(np.clip(factor, 0.0, 1.0))

        def values() -> np.ndarray:
            pixels = np.asarray(texture.pixels)
            if pixels.shape[-1] <= channel:
                return np.full(pixels.shape[:2] + (1,), np.clip(factor, 0.0, 1.0), np.float32)
            picked = pixels[..., channel:channel + 1].astype(np.float32) / 255.0
            return np.clip(picked * float(factor), 0.0, 1.0)

        return self.bitmap((name, texture.key, float(factor), channel), values,
                           texture.mapping)

    def sheen_textures(self, principled: dict, m: MaterialInputs) -> None:
        """The sheen colour texture (per pixel: its strongest channel as the sheen, tinted
        toward the base colour as far as the sheen colour is coloured), on ``principled``."""
        mat = m.material
        sheen = m.extension_textures.get("sheen_color")
        if sheen is not None and "sheen" in principled:
            def colour() -> np.ndarray:
                return linear_rgb(sheen.pixels) * np.asarray(mat.sheen_color, dtype=np.float32)

            def strength() -> np.ndarray:
                return np.clip(colour().max(axis=-1, keepdims=True), 0.0, 1.0)

            def tint() -> np.ndarray:
                pixels = colour()
                strongest = np.maximum(pixels.max(axis=-1, keepdims=True), 1e-6)
                return np.clip(1.0 - pixels.min(axis=-1, keepdims=True) / strongest, 0.0, 1.0)

            key = (sheen.key, tuple(mat.sheen_color))
            principled["sheen"] = self.bitmap(("sheen", *key), strength, sheen.mapping)
            principled["sheen_tint"] = self.bitmap(("sheen-tint", *key), tint, sheen.mapping)

    def sheen_colour(self, m: MaterialInputs) -> dict:
        """The sheen colour (linear), times its texture where it has one."""
        colour = np.asarray(m.material.sheen_color, dtype=np.float32)
        sheen = m.extension_textures.get("sheen_color")
        if sheen is None:
            return self.bitmap(("sheen-colour", tuple(colour)), colour.reshape(1, 1, 3))
        return self.bitmap(("sheen-colour", sheen.key, tuple(colour)),
                           lambda: linear_rgb(sheen.pixels) * colour, sheen.mapping)

    def base_colour(self, m: MaterialInputs):
        """The base colour (metals with the light multiple scattering would give back)."""
        colour = np.clip(np.asarray(m.base_color, dtype=np.float32), 0.0, 1.0)
        mat, texture, orm = m.material, m.base_color_texture, m.orm_texture
        if texture is None and not orm_drawn(m):
            roughness, metallic = self._roughness_metallic(m)
            colour = colour * multiple_scattering_gain(colour, roughness, metallic)
            if colour.max() <= 1.0:
                return {"type": "rgb", "value": [float(c) for c in colour]}
            # past 1 (Mitsuba takes no such reflectance as a colour): a one-pixel texture
            return self.bitmap(("base", tuple(colour)), colour.reshape(1, 1, 3))

        def pixels() -> np.ndarray:
            roughness, metallic = self._roughness_metallic(m)
            if texture is None:  # a plain colour on a textured metal: the ORM's pixels
                drawn = np.broadcast_to(colour, roughness.shape[:2] + (3,))
            else:
                drawn = linear_rgb(texture.pixels) * colour
            return drawn * multiple_scattering_gain(drawn, roughness, metallic)

        key = ("base", tuple(colour), texture.key if texture else None,
               orm.key if orm_drawn(m) else None, float(mat.roughness),
               float(mat.anisotropy),
               (m.extension_textures["anisotropy"].key if "anisotropy" in m.extension_textures
                else None),
               0.0 if mat.transmission > 0 or mat.unlit else float(mat.metallic),
               texture is not None and orm is not None and texture.mapping == orm.mapping)
        return self.bitmap(key, pixels, texture.mapping if texture else orm.mapping)

    def _roughness_metallic(self, m: MaterialInputs):
        """Roughness and metallic as the BSDF gets them: numbers, or (H, W, 1) pixels of the
        ORM texture where it has one and it maps as the base colour texture does (sampled to
        its size; where they map differently, the ORM's mean)."""
        mat = m.material
        if not orm_drawn(m):
            metallic = 0.0 if mat.transmission > 0 or mat.unlit else mat.metallic
            return self._albedo_roughness(m, float(mat.roughness)), float(metallic)
        orm = np.asarray(m.orm_texture.pixels, dtype=np.float32)[..., :3] / 255.0
        roughness = self._albedo_roughness(m, orm[..., 1:2] * float(mat.roughness))
        metallic = orm[..., 2:3] * float(mat.metallic)
        base = m.base_color_texture
        if base is None:
            return roughness, metallic
        if base.mapping != m.orm_texture.mapping:
            return float(roughness.mean()), float(metallic.mean())
        shape = np.asarray(base.pixels).shape[:2]
        return nearest_resized(roughness, shape), nearest_resized(metallic, shape)

    @staticmethod
    def _albedo_roughness(m: MaterialInputs, roughness):
        """``roughness`` as the light its lobe loses goes: stretched by the material's
        anisotropy (by its strength texture's mean where it has one), a lobe loses more."""
        mat = m.material
        if mat.anisotropy <= 0 or mat.unlit:
            return roughness
        strength = float(mat.anisotropy)
        texture = m.extension_textures.get("anisotropy")
        if texture is not None:
            pixels = np.asarray(texture.pixels)
            if pixels.ndim == 3 and pixels.shape[2] > 2:
                strength *= float(pixels[..., 2].mean()) / 255.0
        equivalent = albedo_roughness(roughness, strength)
        return (equivalent.astype(np.float32) if isinstance(equivalent, np.ndarray)
                else equivalent)

    def _opacity_pixels(self, m: MaterialInputs) -> np.ndarray | float | None:
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

    def opacity(self, m: MaterialInputs):
        """The opacity of a see-through material (None: opaque); none on the back faces
        where ``back_faces_culled``."""
        opacity = self._opacity_pixels(m)
        if isinstance(opacity, np.ndarray):
            texture = m.base_color_texture
            drawn = self.bitmap(("alpha", texture.key, m.opacity, m.alpha_cutoff), opacity,
                                texture.mapping)
        elif opacity is not None:
            drawn = {"type": "rgb", "value": [opacity] * 3}
        else:
            return None
        return front_faces_only(drawn) if back_faces_culled(m.material) else drawn

    def emission(self, m: MaterialInputs) -> dict | None:
        """Emitted radiance as a texture dictionary, or None for a material that does not glow.

        The shape itself is no Mitsuba area emitter: the path integrator hides emitters the
        camera sees directly (``hide_emitters``, which keeps the environment out of the
        picture), and with them the whole shape, so a glowing product would vanish from the
        still. The glow the camera sees is the emission pass's; the light it sheds comes from a
        copy of the shape that only emits (``scene_build.glow_shape``). Where the material is
        see-through (alpha) it glows as much as it is there."""
        emissive = np.clip(np.asarray(m.emissive, dtype=np.float32), 0.0, None)
        if not emissive.any():
            return None
        opacity = self._opacity_pixels(m)
        mapping = None  # a constant glow: a one-pixel bitmap
        if m.emissive_texture is not None:
            pixels = linear_rgb(m.emissive_texture.pixels) * emissive
            source, mapping = m.emissive_texture.key, m.emissive_texture.mapping
            if isinstance(opacity, np.ndarray):
                if m.base_color_texture.mapping == mapping:
                    pixels = pixels * nearest_resized(opacity, pixels.shape[:2])
                else:
                    self._approximate(m.name, "emission not cut by the alpha of a base colour "
                                      "texture mapped otherwise")
        elif isinstance(opacity, np.ndarray):
            pixels, source = opacity * emissive, "alpha"
            mapping = m.base_color_texture.mapping
        else:  # a raw bitmap even when constant: an "rgb" colour may not exceed 1
            pixels, source = emissive.reshape(1, 1, 3), "constant"
        if isinstance(opacity, float):
            pixels = pixels * opacity
        if not pixels.any():
            return None
        base = m.base_color_texture
        cut_by = (base.key, base.mapping == mapping) if isinstance(opacity, np.ndarray) else None
        return self.bitmap(("emissive", source, cut_by, tuple(emissive), m.opacity,
                            m.alpha_cutoff), pixels, mapping)


    def rough_share(self, m: MaterialInputs) -> dict | None:
        """Where a glass's roughness texture makes it clear in places (smooth tiles in a rough
        pane), the share of each pixel that is rough: 1 where it is as rough as clear glass
        may not be (its roughness weighed by how much its index blurs, ``refraction_blur``),
        0 where it is clear, between over 0.1 of roughness; None without such a texture, or
        where none of it is clear."""
        mat, orm = m.material, m.orm_texture
        if orm is None:
            return None
        pixels = np.asarray(orm.pixels)
        if pixels.ndim < 3 or pixels.shape[2] < 2:
            return None
        scale = float(mat.roughness) * refraction_blur(mat.ior)
        if int(pixels[..., 1].min()) / 255.0 * scale > CLEAR_ROUGHNESS:
            return None

        def rough_share() -> np.ndarray:
            roughness = pixels[..., 1:2].astype(np.float32) / 255.0 * scale
            return np.clip((roughness - CLEAR_ROUGHNESS) / 0.1 + 0.5, 0.0, 1.0)

        return self.bitmap(("rough-share", orm.key, scale), rough_share,
                           orm.mapping)
