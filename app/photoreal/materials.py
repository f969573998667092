"""Scene materials -> Mitsuba BSDF dictionaries (principled BSDF, normal maps, opacity masks).

What the path tracer cannot express is replaced by the nearest thing it can, and each such
replacement is recorded in ``approximations`` (and logged) so a render can say what it changed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from app.assets.mesh import MeshData, TextureImage
from app.assets.refs import DEFAULT_MAPPING, transformed_uv
from app.assets.textures import linear_from_srgb_bytes, pixels_digest
from app.assets.thickness import absorbs_in_its_volume
from app.photoreal import prepared_textures
from app.photoreal.dielectric_layer import DIELECTRIC_LAYER
from app.photoreal.lambert_diffuse import lambert_diffuse
from app.photoreal.material_lobes import add_extension_lobes, glossy_ior, unlit_bsdf
from app.photoreal.normal_maps import VALID_NORMAL_MAP
from app.photoreal.prepared_textures import PreparedTextures
from app.photoreal.rough_glass import rough_glass
from app.photoreal.sheen_layer import SHEEN_LAYER
from app.photoreal.tangent_frames import along_tangents
from app.photoreal.textures import AXIS_WRAP, front_faces_only, times_vertex_colour
from app.scene.description import Decal, ResolvedMaterial, TextureMapping, TextureRef
from app.scene.material_looks import (
    albedo_roughness,
    back_faces_culled,
    disney_anisotropy,
    head_on_reflectance,
    metal_stops_light,
    refracts_as_solid,
    specular_tint,
    tinted_by_volume,
    unlit_as_emission,
    uses_specular,
)
from app.scene.thin_film import film_outside_ior, film_thickness

log = logging.getLogger(__name__)

MIN_IOR = 1.01
MAX_IOR = 3.0
CLEAR_TRANSMISSION = 0.5  # at least this transmissive and at most this rough: clear glass
CLEAR_ROUGHNESS = 0.3
# the index at which the roughness decides alone whether glass is clear; nearer 1 its
# microfacets bend the light they pass less (at 1 not at all: a rough glass of air shows what
# lies behind it sharp), so it is clear up to a higher roughness
CLEAR_IOR = 1.5
SHEET_ROUGHNESS = 0.05  # at most this rough, thin glass lets light straight through (a sheet)
SPECULAR_TEXTURES = ("specular", "specular_color")
_WRAPS = {"REPEAT": "repeat", "MIRRORED_REPEAT": "mirror", "CLAMP_TO_EDGE": "clamp"}
# Mitsuba's principled BSDF scatters once off the microfacets: a rough metal loses the light
# that bounces between them (Blender's Cycles keeps it: multiple-scattering GGX; the live view's
# split-sum tables come out near it too). The albedo it keeps, averaged over directions, for a
# white metal at each roughness 0, 0.1, ... 1 (GGX, alpha = roughness^2, Smith shadowing;
# tests/photoreal/test_rough_metals.py integrates it again); the lost light is given back by
# scaling the metal's colour c so that its albedo is c kept + c^2 kept (1 - kept) / (1 - c (1 -
# kept)): the light that leaves after each further bounce, each keeping c of it (Kulla and
# Conty's, and Fdez-Aguera's, which VTK's split sum uses), so a white metal keeps all of it
# and a dark one little. A part-metal surface shares its
# colour between the diffuse and the metal lobes: the scale is then what gives the sum of the
# two the light the metal lobe lost.
SINGLE_SCATTER_ALBEDO = (1.0, 0.9995, 0.9939, 0.9761, 0.9393, 0.8788, 0.7969, 0.6977, 0.5865,
                         0.4781, 0.3769)


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


def multiple_scattering_gain(colour, roughness, metallic):
    """The factor on a metal's ``colour`` (linear, any shape) that gives back the light its
    single-scattering BSDF loses at ``roughness``; for ``metallic`` below 1, on the sum of
    its diffuse and metal lobes (0: none)."""
    if np.ndim(metallic) == 0 and metallic <= 0.0:
        return np.float32(1.0)  # no metal lobe, nothing lost (and no pass over the pixels)
    kept = np.interp(np.clip(roughness, 0.0, 1.0), np.linspace(0.0, 1.0, 11),
                     SINGLE_SCATTER_ALBEDO).astype(np.float32)
    metallic = np.clip(np.asarray(metallic, dtype=np.float32), 0.0, 1.0)
    colour = np.clip(np.asarray(colour, dtype=np.float32), 0.0, 1.0)
    # the light that leaves after k > 1 bounces between microfacets, kept (1 - kept)^(k-1) c^k,
    # summed, over what the colour c gives the two lobes: (1 - m) c + m c kept
    bounced = colour * kept * (1.0 - kept) / (1.0 - colour * (1.0 - kept))
    return 1.0 + metallic * bounced / ((1.0 - metallic) + metallic * kept)


@dataclass(frozen=True)
class _Texture:
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
class _Inputs:
    """A ResolvedMaterial as the BSDF builder reads it: alpha rules applied, textures loaded
    (only those the shape's texture coordinates can map)."""

    material: ResolvedMaterial
    base_color: tuple[float, float, float]
    opacity: float
    alpha_cutoff: float | None
    emissive: tuple[float, float, float]
    base_color_texture: _Texture | None
    orm_texture: _Texture | None
    normal_texture: _Texture | None
    emissive_texture: _Texture | None
    coat_normal_texture: _Texture | None
    # the extension textures drawn (transmission, sheen_color, clearcoat, clearcoat_roughness)
    extension_textures: dict[str, _Texture] = field(default_factory=dict)
    vertex_colours: bool = False  # the mesh's colours multiply the base colour
    mapped: bool = False  # the mesh has the UV set the BSDF reads
    metal_reached: bool = True  # the mesh's UVs reach metal in the ORM texture (if it has one)

    @property
    def name(self) -> str:
        return self.material.id

    @property
    def texture_alpha(self) -> bool:
        return self.material.uses_alpha and self.base_color_texture is not None


@dataclass
class ShapeLook:
    """What a shape is made of: its BSDF dictionary and, for glowing materials, the texture of
    the radiance it emits (drawn where the camera sees it; see ``render``'s emission pass, and
    where ``lights_scene``, lighting what is around it)."""

    bsdf: dict
    emission: dict | None = None
    # an emissive material's glow lights the rest of the scene (an unlit one's does not: its
    # colour is only what the camera is shown)
    lights_scene: bool = False
    see_through: bool = False  # clear glass: the denoiser is guided by what lies behind it
    transmits: bool = False  # some light passes through (glass): the backdrop shows behind it
    # smooth thin glass as a clear sheet that shadow rays pass through (``volpath``), for where
    # the camera sees other parts through it (``as_sheet``)
    sheet: dict | None = None
    # a transmissive solid with a volume (glTF thickness > 0): the light it absorbs per unit
    # length inside it, in the model's units (RGB, per channel), for a medium in the shape
    absorption: tuple[float, float, float] | None = None
    vertex_colours: bool = False  # the base colour is multiplied by the mesh's colours
    texcoord: int = 0  # the UV set the BSDF's textures read (0: MeshData.uv, 1: uv1)
    emission_texcoord: int = 0  # the UV set the emitted radiance's texture reads
    along_tangent: bool = False  # shaded along the mesh's smoothed tangents (anisotropy)
    # glass clear in places (by its roughness texture): per pixel, 1 where the denoiser is
    # guided by the glass itself, 0 where by what lies behind it (as for an alpha cut)
    guide_opacity: dict | None = None

    @property
    def passes_light(self) -> bool:
        """Whether the BSDF drawn is the clear sheet (shadow rays pass it)."""
        return self.sheet is not None and self.bsdf is self.sheet

    def as_sheet(self) -> ShapeLook:
        return replace(self, bsdf=self.sheet)


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


class MaterialTranslator:
    """Builds BSDF dictionaries for one Mitsuba module ``mi``; the bitmaps made from textures
    are kept in ``prepared`` (by default the process's, kept between stills)."""

    def __init__(self, mi, load_texture: Callable[[TextureRef], TextureImage],
                 prepared: PreparedTextures | None = None):
        self.mi = mi
        self._load_texture = load_texture
        self._prepared = prepared if prepared is not None else prepared_textures.PREPARED
        self.approximations: list[str] = []

    # sources ---------------------------------------------------------------------------------

    def for_material(self, material: ResolvedMaterial, mesh: MeshData) -> ShapeLook:
        """The BSDF of ``material`` on ``mesh`` (its UV sets and vertex colours)."""
        material = metal_stops_light(material)
        solid = refracts_as_solid(material, mesh)  # an open one is named by the loader
        absorption = volume_absorption(material) if solid else None
        material = unlit_as_emission(material)
        if absorption is None:  # a thin wall: its volume as a tint (as in the live view)
            material = tinted_by_volume(material)
        uv_sets = {0: mesh.uv, 1: mesh.uv1}
        slots = {n: s for n, s in material.slots().items()
                 if uv_sets.get(s.texcoord) is not None
                 and (n != "clearcoat_normal" or material.clearcoat > 0)}
        extension_slots = {n: s for n, s in material.extension_slots().items()
                           if uv_sets.get(s.texcoord) is not None}
        shape_texcoord = next((s.texcoord for n, s in slots.items() if n != "emissive"),
                              next((s.texcoord for s in extension_slots.values()),
                                   slots["emissive"].texcoord if "emissive" in slots else 0))
        for name, slot in slots.items():
            if name != "emissive" and slot.texcoord != shape_texcoord:
                self._approximate(material.id, f"{name} texture drawn with UV set "
                                  f"{shape_texcoord} instead of {slot.texcoord}")
        for name, slot in list(extension_slots.items()):
            if slot.texcoord != shape_texcoord:  # a shape has one UV set for its BSDF
                self._approximate(material.id, f"{name} texture not drawn: it reads UV set "
                                  f"{slot.texcoord}, the other textures {shape_texcoord}")
                del extension_slots[name]

        def load(name: str) -> _Texture | None:
            slot = slots.get(name)
            return None if slot is None else _Texture(self._load_texture(slot.texture),
                                                      slot.mapping)

        base = load("base_color")
        emissive_texture = load("emissive")
        emissive = material.emissive
        if emissive_texture is not None and not any(emissive):
            emissive = (1.0, 1.0, 1.0)  # a texture with no factor glows as it is (live view)
        r, g, b = material.base_color
        inputs = _Inputs(
            material=material, base_color=(r, g, b),
            opacity=material.opacity if material.uses_alpha else 1.0,
            alpha_cutoff=material.alpha_cutoff if material.alpha_mode == "MASK" else None,
            emissive=emissive, base_color_texture=base, orm_texture=load("orm"),
            normal_texture=load("normal"), emissive_texture=emissive_texture,
            coat_normal_texture=load("clearcoat_normal"),
            extension_textures={name: _Texture(self._load_texture(slot.texture), slot.mapping)
                                for name, slot in extension_slots.items()},
            vertex_colours=bool(material.vertex_colors and mesh.colors is not None
                                and len(mesh.colors)),
            mapped=uv_sets.get(shape_texcoord) is not None)
        if inputs.orm_texture is not None and material.transmission > 0 and material.metallic > 0:
            inputs = replace(inputs, metal_reached=metal_reached(
                uv_sets.get(slots["orm"].texcoord), mesh.faces, inputs.orm_texture.pixels,
                slots["orm"].transform))
        look = self.look(inputs, solid=solid)
        look.absorption = absorption
        look.vertex_colours = inputs.vertex_colours
        look.texcoord = shape_texcoord
        look.emission_texcoord = (slots["emissive"].texcoord if "emissive" in slots
                                  else shape_texcoord)
        look.lights_scene = look.emission is not None and not material.unlit
        return look

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
        bsdf = {"type": VALID_NORMAL_MAP,
                "normalmap": self._bitmap(("decal-normal", decal.key, decal.normal_scale),
                                          scaled_normal_map(decal.normal_map,
                                                            decal.normal_scale)),
                "bsdf": lambert_diffuse(principled)}
        coverage = np.asarray(decal.base_color, dtype=np.float32)[..., 3:4] / 255.0
        return {"type": "mask",
                "opacity": self._bitmap(("decal-alpha", decal.key), coverage),
                "bsdf": {"type": "twosided", "bsdf": bsdf}}

    # the principled BSDF ---------------------------------------------------------------------

    def look(self, m: _Inputs, *, solid: bool = False) -> ShapeLook:
        """The BSDF of ``m``; a transmissive one thin-walled unless ``solid`` (light refracts
        into it and out again, through its medium)."""
        mat = m.material
        iridescent = mat.iridescence > 0 and not mat.unlit
        opaque_film = iridescent and mat.transmission <= 0
        if opaque_film and mat.anisotropy > 0:
            self._approximate(m.name, "thin film drawn on an isotropic reflection (its "
                                      "anisotropy left out)")
            mat = replace(mat, anisotropy=0.0)
            m = replace(m, material=mat)
        layered_specular = _specular_layered(m) or opaque_film
        if not layered_specular and any(n in m.extension_textures for n in SPECULAR_TEXTURES):
            self._approximate(m.name, "specular textures not drawn (their factors alone)")
        if layered_specular:
            ior = 1.0  # no dielectric reflection of its own: the layer draws it
        else:
            ior = glossy_ior(mat)
            if not MIN_IOR <= ior <= MAX_IOR and not mat.unlit:
                self._approximate(m.name, f"index of refraction {ior:.3g} clamped to "
                                  f"{min(max(ior, MIN_IOR), MAX_IOR)}")
            ior = min(max(ior, MIN_IOR), MAX_IOR)
        principled: dict = {
            "type": "principled",
            "base_color": (times_vertex_colour(self._colour_input(m)) if m.vertex_colours
                           else self._colour_input(m)),
            "metallic": float(np.clip(mat.metallic, 0.0, 1.0)),
            "eta": ior,
        }
        principled["roughness"], anisotropic = self._roughness(m)
        if anisotropic is not None:
            principled["anisotropic"] = anisotropic
        if m.orm_texture is not None:
            orm = m.orm_texture

            def channel(index: int) -> np.ndarray:
                return np.asarray(orm.pixels[..., index:index + 1], dtype=np.float32) / 255.0

            principled["metallic"] = self._bitmap(
                ("metal", orm.key, mat.metallic),
                lambda: np.clip(channel(2) * mat.metallic, 0.0, 1.0), orm.mapping)
        layered_sheen = any(mat.sheen_color) and mat.transmission <= 0 and not mat.unlit
        add_extension_lobes(principled, mat, self._approximate, layered_sheen=layered_sheen)
        self._extension_textures(principled, m)
        if mat.transmission > 0:
            # thin-walled: crystals and windows are often single sheets, not closed solids
            # (glTF: a transmissive material without thickness)
            principled["type"] = "principled" if solid else "principledthin"
            metal = principled.pop("metallic")  # glTF's metal lies over the glass (below)
            principled["spec_trans"] = self._factor_texture(
                m, "transmission", mat.transmission, channel=0)
            if mat.clearcoat > 0:
                self._approximate(m.name, "clear coat dropped on a transmissive material")
        bsdf: dict = (unlit_bsdf() if mat.unlit else principled if mat.transmission > 0
                      else lambert_diffuse(principled))
        if (mat.transmission > 0 and not mat.unlit and "anisotropic" not in principled
                and (m.orm_texture is not None or mat.roughness > SHEET_ROUGHNESS)):
            bsdf = rough_glass(self.mi, principled)
        # along the UVs' smoothed tangents (none without UVs: the frame Mitsuba gives)
        along_tangent = "anisotropic" in principled and not mat.unlit and m.mapped
        if along_tangent:
            bsdf = along_tangents(bsdf, mat.anisotropy_rotation, self._direction(m))
        elif "anisotropic" in principled and mat.anisotropy_rotation and not mat.unlit:
            self._approximate(m.name, "anisotropy drawn unrotated (the mesh has no UVs to "
                                      "give it a direction)")
        if opaque_film:
            bsdf = self._iridescent(m, principled)
        elif layered_specular:
            bsdf = self._specular(m, bsdf, principled)
        if layered_sheen:
            bsdf = {"type": SHEEN_LAYER, "bsdf": bsdf, "sheen_color": self._sheen_colour(m),
                    "sheen_roughness": self._factor_texture(m, "sheen_roughness",
                                                            mat.sheen_roughness, channel=3)}
        if m.normal_texture is not None:
            bsdf = {"type": VALID_NORMAL_MAP, "bsdf": bsdf,
                    "normalmap": self._normal_map("normal", m.normal_texture, mat.normal_scale)}
            if mat.transmission <= 0 and not mat.unlit:  # diffuse light on the map's normal
                bsdf["metallic"] = principled["metallic"]
        if mat.clearcoat > 0 and mat.transmission <= 0 and not mat.unlit:
            bsdf = self._coat(m, bsdf)
        if mat.transmission <= 0:
            bsdf = {"type": "twosided", "bsdf": bsdf}
            if not mat.unlit:  # the side seen decided by a normal that faces the viewer
                bsdf = {"type": VALID_NORMAL_MAP, "bsdf": bsdf}
        elif iridescent:
            bsdf = self._film_over_glass(m, bsdf, principled)
        opacity = self._opacity_input(m)
        if opacity is not None:
            bsdf = {"type": "mask", "opacity": opacity, "bsdf": bsdf}
        # glTF's metal over the glass: the same material made opaque, blended in by the metal
        metal_look = (self.look(replace(m, material=replace(mat, transmission=0.0))).bsdf
                      if mat.transmission > 0 and not mat.unlit and _metal_drawn(m) else None)
        if metal_look is not None:
            bsdf = _metal_over(metal, bsdf, metal_look)
        clear = (mat.transmission >= CLEAR_TRANSMISSION
                 and mat.roughness * _refraction_blur(mat.ior) <= CLEAR_ROUGHNESS)
        guide_opacity = (self._rough_share(m) if not clear and not mat.unlit
                         and mat.transmission >= CLEAR_TRANSMISSION else None)
        sheet = None
        if (mat.transmission > 0 and not solid and not mat.unlit and not layered_sheen
                and mat.roughness <= SHEET_ROUGHNESS and m.normal_texture is None
                and opacity is None):
            sheet = self._clear_sheet(m, principled)
            if iridescent:
                sheet = self._film_over_glass(m, sheet, principled)
            if metal_look is not None:
                sheet = _metal_over(metal, sheet, metal_look)
        return ShapeLook(bsdf, self._emission(m), see_through=clear, sheet=sheet,
                         transmits=mat.transmission > 0 and not mat.unlit,
                         along_tangent=along_tangent, guide_opacity=guide_opacity)

    def _rough_share(self, m: _Inputs) -> dict | None:
        """Where a glass's roughness texture makes it clear in places (smooth tiles in a rough
        pane), the share of each pixel that is rough: 1 where it is as rough as clear glass
        may not be (its roughness weighed by how much its index blurs, ``_refraction_blur``),
        0 where it is clear, between over 0.1 of roughness; None without such a texture, or
        where none of it is clear."""
        mat, orm = m.material, m.orm_texture
        if orm is None:
            return None
        pixels = np.asarray(orm.pixels)
        if pixels.ndim < 3 or pixels.shape[2] < 2:
            return None
        scale = float(mat.roughness) * _refraction_blur(mat.ior)
        if int(pixels[..., 1].min()) / 255.0 * scale > CLEAR_ROUGHNESS:
            return None

        def rough_share() -> np.ndarray:
            roughness = pixels[..., 1:2].astype(np.float32) / 255.0 * scale
            return np.clip((roughness - CLEAR_ROUGHNESS) / 0.1 + 0.5, 0.0, 1.0)

        return self._bitmap(("rough-share", orm.key, scale), rough_share,
                            orm.mapping)

    def _clear_sheet(self, m: _Inputs, principled: dict) -> dict:
        """A smooth, thin, transmissive material as a clear sheet: the transmitted share a
        thin dielectric (Mitsuba's ``thindielectric``: mirror reflection and light straight
        through, tinted by the base colour), the rest the opaque principled BSDF. ``volpath``
        then lets the light of the studio's lamps through to what lies behind (a watch's
        dial), which a refracting surface stops: behind such glass only the paths that
        happened to reach a lamp lit it, and the dial came out as noise. The render uses it
        where the camera sees other parts through the glass (``render``)."""
        opaque = {k: v for k, v in principled.items() if k != "spec_trans"}
        opaque["type"] = "principled"
        sheet = {"type": "thindielectric", "int_ior": sheet_ior(float(principled["eta"])),
                 "ext_ior": 1.0, "specular_transmittance": principled["base_color"]}
        # the opaque share seen from either side: from inside a closed shape, through the
        # clear share of its front, the back's opaque share is its colour, not black
        opaque = lambert_diffuse(opaque)
        return {"type": "blendbsdf", "weight": principled["spec_trans"],
                "bsdf_0": {"type": "twosided", "bsdf": opaque}, "bsdf_1": sheet}

    def _coat(self, m: _Inputs, base: dict) -> dict:
        """The clear coat over ``base``: on the geometry's normal (not the base's normal map),
        or on the coat's own normal map."""
        mat = m.material
        coat = {"type": DIELECTRIC_LAYER, "bsdf": base,
                "weight": self._factor_texture(m, "clearcoat", mat.clearcoat, channel=0),
                "roughness": self._factor_texture(
                    m, "clearcoat_roughness", mat.clearcoat_roughness, channel=1)}
        if m.coat_normal_texture is not None:
            coat["normalmap"] = self._normal_map("coat-normal", m.coat_normal_texture,
                                                 mat.clearcoat_normal_scale)
        return coat

    def _film(self, m: _Inputs) -> dict:
        """The ``dielectriclayer`` properties of ``m``'s thin film: its index, its thickness
        in nm (the maximum, or from the minimum to the maximum by the thickness texture's
        green), its strength (the factor times the iridescence texture's red) and the index
        over it (a clear coat's, ``film_outside_ior``)."""
        mat = m.material
        low, high = (float(t) for t in mat.iridescence_thickness)
        texture = m.extension_textures.get("iridescence_thickness")
        thickness: dict | float = high
        if texture is not None:
            def nanometres() -> np.ndarray:
                pixels = np.asarray(texture.pixels)
                green = pixels[..., 1:2] if pixels.shape[-1] > 1 else pixels[..., :1]
                return film_thickness((low, high), green.astype(np.float32) / 255.0).astype(
                    np.float32)

            thickness = self._bitmap(("film-thickness", texture.key, low, high), nanometres,
                                     texture.mapping)
        coat = mat.clearcoat if mat.transmission <= 0 else 0.0  # no coat on glass (noted)
        return {"film_ior": float(mat.iridescence_ior), "film_thickness": thickness,
                "film_outside_ior": film_outside_ior(coat),
                "film_weight": self._factor_texture(m, "iridescence", mat.iridescence,
                                                    channel=0)}

    def _iridescent(self, m: _Inputs, principled: dict) -> dict:
        """An opaque material under a thin film (KHR_materials_iridescence): glTF's Fresnel
        mixed with the film's, on the dielectric (the specular layer over the principled BSDF
        made no metal, its own reflection off) and on the metal (a layer whose F0 is the base
        colour, over black), blended by the metallic input."""
        film = self._film(m)
        dielectric = {**self._specular(m, lambert_diffuse({**principled, "metallic": 0.0}),
                                       principled, weight=1.0), **film}
        metallic = principled["metallic"]
        if not isinstance(metallic, dict) and metallic <= 0.0:
            return dielectric
        metal = {"type": DIELECTRIC_LAYER, "weight": 1.0, "roughness": principled["roughness"],
                 "bsdf": {"type": "diffuse", "reflectance": {"type": "rgb", "value": [0.0] * 3}},
                 "f0": principled["base_color"], **film}
        if not isinstance(metallic, dict) and metallic >= 1.0:
            return metal
        return {"type": "blendbsdf", "weight": metallic, "bsdf_0": dielectric, "bsdf_1": metal}

    def _film_over_glass(self, m: _Inputs, glass: dict, principled: dict) -> dict:
        """A transmissive material's thin film over its ``glass`` (which reflects by itself):
        what the film reflects beyond the glass's Fresnel, the glass giving way by it."""
        f0 = [float(c) * float(m.material.specular) for c in specular_tint(m.material)]
        return {"type": DIELECTRIC_LAYER, "bsdf": glass, "weight": 1.0,
                "roughness": principled["roughness"], "f0": {"type": "rgb", "value": f0},
                "film_over_nested": True, **self._film(m)}

    def _specular(self, m: _Inputs, base: dict, principled: dict, *,
                  weight: float | dict | None = None) -> dict:
        """KHR_materials_specular's dielectric reflection as a layer over ``base`` (the BSDF
        drawn of ``principled``, whose own reflection is off): F0 = min(F0 of the IOR * specular
        colour, 1) * specular and F90 = specular, each times its texture (colour: RGB, factor:
        A), at the principled BSDF's roughness, over the share that is no metal (or at
        ``weight``)."""
        mat = m.material
        tint = np.asarray(specular_tint(mat), dtype=np.float32)
        colour = m.extension_textures.get("specular_color")
        factor = m.extension_textures.get("specular")
        mapping = (colour or factor).mapping if (colour or factor) else DEFAULT_MAPPING
        strength: np.ndarray | float = float(mat.specular)
        if factor is not None:
            pixels = np.asarray(factor.pixels)
            alpha = (pixels[..., 3:4].astype(np.float32) / 255.0 if pixels.shape[-1] == 4
                     else np.ones(pixels.shape[:2] + (1,), np.float32))
            if colour is not None and colour.mapping != factor.mapping:
                self._approximate(m.name, "specular texture drawn as its mean (it maps "
                                  "otherwise than the specular colour texture)")
                alpha = np.float32(alpha.mean())
            elif colour is not None:
                alpha = _resized(alpha, np.asarray(colour.pixels).shape[:2])
            strength = alpha * np.float32(mat.specular)
        f0 = tint if colour is None else linear_rgb(colour.pixels) * tint
        f0 = np.minimum(f0, 1.0) * strength
        key = (colour.key if colour else None, factor.key if factor else None,
               tuple(float(t) for t in tint), float(mat.specular),
               colour is not None and factor is not None and colour.mapping == factor.mapping)
        return {"type": DIELECTRIC_LAYER, "bsdf": base,
                "roughness": principled["roughness"],
                "weight": self._not_metal(m, principled) if weight is None else weight,
                "f0": (self._bitmap(("specular-f0", *key), f0, mapping) if np.ndim(f0) == 3
                       else {"type": "rgb", "value": [float(c) for c in f0]}),
                "f90": (self._bitmap(("specular-f90", *key), strength, mapping)
                        if np.ndim(strength) == 3 else float(np.clip(strength, 0.0, 1.0)))}

    def _not_metal(self, m: _Inputs, principled: dict):
        """1 - metallic, a number or the ORM texture's pixels as the principled BSDF's."""
        metallic = principled["metallic"]
        if not isinstance(metallic, dict):
            return 1.0 - float(metallic)
        def orm() -> np.ndarray:
            return np.asarray(m.orm_texture.pixels[..., 2:3], dtype=np.float32) / 255.0

        return self._bitmap(("not-metal", m.orm_texture.key, m.material.metallic),
                            lambda: np.clip(1.0 - orm() * m.material.metallic, 0.0, 1.0),
                            m.orm_texture.mapping)

    def _normal_map(self, kind: str, texture: _Texture, scale: float) -> dict:
        """A tangent-space normal texture, its x and y scaled, as the bitmap the normal-map
        plugins read."""
        return self._bitmap((kind, texture.key, scale),
                            lambda: scaled_normal_map(texture.pixels, scale), texture.mapping)

    def _roughness(self, m: _Inputs) -> tuple[object, object | None]:
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

        def channel(texture: _Texture, index: int, factor: float) -> np.ndarray:
            pixels = _resampled(np.asarray(texture.pixels), shape)
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
        roughness = self._bitmap(("rough", *key), lambda: rough_anisotropic()[0],
                                 source.mapping)
        if mat.anisotropy <= 0:
            return roughness, None
        return roughness, self._bitmap(("anisotropic", *key), lambda: rough_anisotropic()[1],
                                       source.mapping)

    def _direction(self, m: _Inputs) -> dict | None:
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

        return self._bitmap(("anisotropy-direction", texture.key), direction, texture.mapping)

    def _factor_texture(self, m: _Inputs, name: str, factor: float, *, channel: int):
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

        return self._bitmap((name, texture.key, float(factor), channel), values,
                            texture.mapping)

    def _extension_textures(self, principled: dict, m: _Inputs) -> None:
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
            principled["sheen"] = self._bitmap(("sheen", *key), strength, sheen.mapping)
            principled["sheen_tint"] = self._bitmap(("sheen-tint", *key), tint, sheen.mapping)

    def _sheen_colour(self, m: _Inputs) -> dict:
        """The sheen colour (linear), times its texture where it has one."""
        colour = np.asarray(m.material.sheen_color, dtype=np.float32)
        sheen = m.extension_textures.get("sheen_color")
        if sheen is None:
            return self._bitmap(("sheen-colour", tuple(colour)), colour.reshape(1, 1, 3))
        return self._bitmap(("sheen-colour", sheen.key, tuple(colour)),
                            lambda: linear_rgb(sheen.pixels) * colour, sheen.mapping)

    def _colour_input(self, m: _Inputs):
        """The base colour (metals with the light multiple scattering would give back)."""
        colour = np.clip(np.asarray(m.base_color, dtype=np.float32), 0.0, 1.0)
        mat, texture, orm = m.material, m.base_color_texture, m.orm_texture
        if texture is None and not _orm_drawn(m):
            roughness, metallic = self._roughness_metallic(m)
            colour = colour * multiple_scattering_gain(colour, roughness, metallic)
            if colour.max() <= 1.0:
                return {"type": "rgb", "value": [float(c) for c in colour]}
            # past 1 (Mitsuba takes no such reflectance as a colour): a one-pixel texture
            return self._bitmap(("base", tuple(colour)), colour.reshape(1, 1, 3))

        def pixels() -> np.ndarray:
            roughness, metallic = self._roughness_metallic(m)
            if texture is None:  # a plain colour on a textured metal: the ORM's pixels
                drawn = np.broadcast_to(colour, roughness.shape[:2] + (3,))
            else:
                drawn = linear_rgb(texture.pixels) * colour
            return drawn * multiple_scattering_gain(drawn, roughness, metallic)

        key = ("base", tuple(colour), texture.key if texture else None,
               orm.key if _orm_drawn(m) else None, float(mat.roughness),
               float(mat.anisotropy),
               (m.extension_textures["anisotropy"].key if "anisotropy" in m.extension_textures
                else None),
               0.0 if mat.transmission > 0 or mat.unlit else float(mat.metallic),
               texture is not None and orm is not None and texture.mapping == orm.mapping)
        return self._bitmap(key, pixels, texture.mapping if texture else orm.mapping)

    def _roughness_metallic(self, m: _Inputs):
        """Roughness and metallic as the BSDF gets them: numbers, or (H, W, 1) pixels of the
        ORM texture where it has one and it maps as the base colour texture does (sampled to
        its size; where they map differently, the ORM's mean)."""
        mat = m.material
        if not _orm_drawn(m):
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
        return _resized(roughness, shape), _resized(metallic, shape)

    @staticmethod
    def _albedo_roughness(m: _Inputs, roughness):
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

    def _opacity_pixels(self, m: _Inputs) -> np.ndarray | float | None:
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

    def _opacity_input(self, m: _Inputs):
        """The opacity of a see-through material (None: opaque); none on the back faces
        where ``back_faces_culled``."""
        opacity = self._opacity_pixels(m)
        if isinstance(opacity, np.ndarray):
            texture = m.base_color_texture
            drawn = self._bitmap(("alpha", texture.key, m.opacity, m.alpha_cutoff), opacity,
                                 texture.mapping)
        elif opacity is not None:
            drawn = {"type": "rgb", "value": [opacity] * 3}
        else:
            return None
        return front_faces_only(drawn) if back_faces_culled(m.material) else drawn

    def _emission(self, m: _Inputs) -> dict | None:
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
        mapping = DEFAULT_MAPPING
        if m.emissive_texture is not None:
            pixels = linear_rgb(m.emissive_texture.pixels) * emissive
            source, mapping = m.emissive_texture.key, m.emissive_texture.mapping
            if isinstance(opacity, np.ndarray):
                if m.base_color_texture.mapping == mapping:
                    pixels = pixels * _resized(opacity, pixels.shape[:2])
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
        return self._bitmap(("emissive", source, cut_by, tuple(emissive), m.opacity,
                             m.alpha_cutoff), pixels, mapping)

    # helpers ---------------------------------------------------------------------------------

    def _bitmap(self, key: tuple, pixels: np.ndarray | Callable[[], np.ndarray],
                mapping: TextureMapping = DEFAULT_MAPPING) -> dict:
        """A bitmap texture of ``pixels`` (or what makes them, called where ``key`` is not
        prepared yet); ``key`` names all they are made of (textures by ``_Texture.key``)."""
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
        return texture

    def _approximate(self, name: str, what: str) -> None:
        note = f"material '{name}': {what}"
        if note not in self.approximations:
            self.approximations.append(note)
            log.warning("photoreal approximation: %s", note)


def _refraction_blur(ior: float) -> float:
    """How much of its roughness a glass of index ``ior`` blurs what is seen through it, as
    the share of a glass of ``CLEAR_IOR``'s: the bend a microfacet gives grows with the
    index's distance from 1 (an index further from 1 is counted as ``CLEAR_IOR``)."""
    return min(abs(float(ior) - 1.0) / (CLEAR_IOR - 1.0), 1.0)


def _resampled(pixels: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``pixels`` at ``shape`` (rows, columns), the nearest pixel of each."""
    if pixels.shape[:2] == tuple(shape):
        return pixels
    rows = ((np.arange(shape[0]) + 0.5) * pixels.shape[0] / shape[0]).astype(int)
    columns = ((np.arange(shape[1]) + 0.5) * pixels.shape[1] / shape[1]).astype(int)
    return pixels[rows[:, None], columns[None, :]]


def _specular_layered(m: _Inputs) -> bool:
    """Whether KHR_materials_specular's reflection is drawn as a layer of its own: where the
    extension is in use on an opaque, lit, isotropic material (otherwise as the principled
    BSDF's IOR of equal reflectance, untinted, which is exact for the default)."""
    mat = m.material
    return (uses_specular(mat) and mat.transmission <= 0 and not mat.unlit
            and mat.anisotropy <= 0)


def _metal_over(metal, glass: dict, opaque: dict) -> dict:
    """glTF's metal over a transmissive material's ``glass``: where ``metal`` (the metallic
    factor times the ORM texture's blue) is 1 the surface is ``opaque`` (the same material
    made opaque: its metal, from either side), where 0 the glass; the shares of the two as
    glTF's mix of the metal and the dielectric gives them."""
    return {"type": "blendbsdf", "weight": metal, "bsdf_0": glass, "bsdf_1": opaque}


def _metal_drawn(m: _Inputs) -> bool:
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


def _orm_drawn(m: _Inputs) -> bool:
    """Whether the ORM texture's roughness and metal are drawn (a transmissive or unlit
    material has no metal lobe)."""
    mat = m.material
    return m.orm_texture is not None and mat.transmission <= 0 and not mat.unlit


def _resized(pixels: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(H, W, C) pixels sampled to ``shape`` (nearest), so two maps of one UV space multiply."""
    if pixels.shape[:2] == tuple(shape):
        return pixels
    rows = (np.arange(shape[0]) + 0.5) * pixels.shape[0] / shape[0]
    cols = (np.arange(shape[1]) + 0.5) * pixels.shape[1] / shape[1]
    return pixels[rows.astype(int)[:, None], cols.astype(int)[None, :]]
