"""Scene materials -> Mitsuba BSDF dictionaries (principled BSDF, normal maps, opacity masks).

What the path tracer cannot express is replaced by the nearest thing it can, and each such
replacement is recorded in ``approximations`` (and logged) so a render can say what it changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from app.assets.mesh import MeshData, TextureImage
from app.assets.refs import tangent_frame_texcoord
from app.photoreal import prepared_textures
from app.photoreal.dielectric_layer import DIELECTRIC_LAYER
from app.photoreal.lambert_diffuse import lambert_diffuse
from app.photoreal.material_inputs import (
    CLEAR_ROUGHNESS,
    CLEAR_TRANSMISSION,
    MAX_IOR,
    MIN_IOR,
    SHEET_ROUGHNESS,
    MaterialInputs,
    SlotTexture,
    linear_rgb,
    metal_drawn,
    metal_reached,
    nearest_resized,
    refraction_blur,
    scaled_normal_map,
    sheet_ior,
    specular_layered,
    volume_absorption,
)
from app.photoreal.material_lobes import add_extension_lobes, glossy_ior, unlit_bsdf
from app.photoreal.normal_maps import VALID_NORMAL_MAP
from app.photoreal.prepared_textures import PreparedTextures
from app.photoreal.rough_glass import rough_glass
from app.photoreal.shape_look import ShapeLook
from app.photoreal.sheen_layer import SHEEN_LAYER
from app.photoreal.tangent_frames import along_tangents
from app.photoreal.texture_inputs import TextureInputs
from app.photoreal.textures import times_vertex_colour
from app.scene.description import Decal, ResolvedMaterial, TextureRef
from app.scene.material_looks import (
    metal_stops_light,
    refracts_as_solid,
    specular_tint,
    tinted_by_volume,
    unlit_as_emission,
)
from app.scene.thin_film import film_outside_ior, film_thickness

log = logging.getLogger(__name__)

SPECULAR_TEXTURES = ("specular", "specular_color")


class MaterialTranslator:
    """Builds BSDF dictionaries for one Mitsuba module ``mi``; the bitmaps made from textures
    are kept in ``prepared`` (by default the process's, kept between stills)."""

    def __init__(self, mi, load_texture: Callable[[TextureRef], TextureImage],
                 prepared: PreparedTextures | None = None):
        self.mi = mi
        self._load_texture = load_texture
        self.approximations: list[str] = []
        self.textures = TextureInputs(
            mi, prepared if prepared is not None else prepared_textures.PREPARED,
            self._approximate)

    # sources ---------------------------------------------------------------------------------

    def for_material(self, material: ResolvedMaterial, mesh: MeshData) -> ShapeLook:
        """The BSDF of ``material`` on ``mesh`` (its UV sets and vertex colours)."""
        material = metal_stops_light(material)
        solid = refracts_as_solid(material, mesh)  # an open one is named by the loader
        absorption = volume_absorption(material) if solid else None
        material = unlit_as_emission(material)
        if absorption is None:  # a thin wall: its volume as a tint (as in the live view)
            material = tinted_by_volume(material)
        uv_sets = mesh.uv_sets
        slots = {n: s for n, s in material.slots().items()
                 if uv_sets.get(s.texcoord) is not None
                 and (n != "clearcoat_normal" or material.clearcoat > 0)}
        extension_slots = {n: s for n, s in material.extension_slots().items()
                           if uv_sets.get(s.texcoord) is not None}
        # the shape carries the set of the tangent frame as its coordinates (Mitsuba's frame
        # follows them); a texture on the other reads it from a mesh attribute
        # (TextureInputs.on_shape)
        shape_texcoord = tangent_frame_texcoord({**slots, **extension_slots})

        def load(name: str) -> SlotTexture | None:
            slot = slots.get(name)
            return None if slot is None else SlotTexture(self._load_texture(slot.texture),
                                                      slot.mapping)

        base = load("base_color")
        emissive_texture = load("emissive")
        emissive = material.emissive
        if emissive_texture is not None and not any(emissive):
            emissive = (1.0, 1.0, 1.0)  # a texture with no factor glows as it is (live view)
        r, g, b = material.base_color
        inputs = MaterialInputs(
            material=material, base_color=(r, g, b),
            opacity=material.opacity if material.uses_alpha else 1.0,
            alpha_cutoff=material.alpha_cutoff if material.alpha_mode == "MASK" else None,
            emissive=emissive, base_color_texture=base, orm_texture=load("orm"),
            normal_texture=load("normal"), emissive_texture=emissive_texture,
            coat_normal_texture=load("clearcoat_normal"),
            extension_textures={name: SlotTexture(self._load_texture(slot.texture), slot.mapping)
                                for name, slot in extension_slots.items()},
            vertex_colours=bool(material.vertex_colors and mesh.colors is not None
                                and len(mesh.colors)),
            mapped=uv_sets.get(shape_texcoord) is not None)
        if inputs.orm_texture is not None and material.transmission > 0 and material.metallic > 0:
            inputs = replace(inputs, metal_reached=metal_reached(
                uv_sets.get(slots["orm"].texcoord), mesh.faces, inputs.orm_texture.pixels,
                slots["orm"].transform))
        with self.textures.on_shape(shape_texcoord):
            look = self.look(inputs, solid=solid)
        look.absorption = absorption
        look.vertex_colours = inputs.vertex_colours
        look.texcoord = shape_texcoord
        look.lights_scene = look.emission is not None and not material.unlit
        return look

    def for_decal(self, decal: Decal) -> dict:
        """The decal as a blended layer: its coverage is the opacity of a principled BSDF."""
        orm = np.asarray(decal.orm, dtype=np.float32) / 255.0
        bitmap = self.textures.bitmap
        principled = {
            "type": "principled",
            "base_color": bitmap(("decal-base", decal.key), linear_rgb(decal.base_color)),
            "roughness": bitmap(("decal-rough", decal.key),
                                np.clip(orm[..., 1:2] * decal.roughness, 0.0, 1.0)),
            "metallic": bitmap(("decal-metal", decal.key),
                               np.clip(orm[..., 2:3] * decal.metallic, 0.0, 1.0)),
        }
        bsdf = {"type": VALID_NORMAL_MAP,
                "normalmap": bitmap(("decal-normal", decal.key, decal.normal_scale),
                                    scaled_normal_map(decal.normal_map, decal.normal_scale)),
                "bsdf": lambert_diffuse(principled)}
        coverage = np.asarray(decal.base_color, dtype=np.float32)[..., 3:4] / 255.0
        return {"type": "mask",
                "opacity": bitmap(("decal-alpha", decal.key), coverage),
                "bsdf": {"type": "twosided", "bsdf": bsdf}}

    # the principled BSDF ---------------------------------------------------------------------

    def look(self, m: MaterialInputs, *, solid: bool = False) -> ShapeLook:
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
        layered_specular = specular_layered(m) or opaque_film
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
            "base_color": (times_vertex_colour(self.textures.base_colour(m)) if m.vertex_colours
                           else self.textures.base_colour(m)),
            "metallic": float(np.clip(mat.metallic, 0.0, 1.0)),
            "eta": ior,
        }
        principled["roughness"], anisotropic = self.textures.roughness(m)
        if anisotropic is not None:
            principled["anisotropic"] = anisotropic
        if m.orm_texture is not None:
            orm = m.orm_texture

            def channel(index: int) -> np.ndarray:
                return np.asarray(orm.pixels[..., index:index + 1], dtype=np.float32) / 255.0

            principled["metallic"] = self.textures.bitmap(
                ("metal", orm.key, mat.metallic),
                lambda: np.clip(channel(2) * mat.metallic, 0.0, 1.0), orm.mapping)
        layered_sheen = any(mat.sheen_color) and mat.transmission <= 0 and not mat.unlit
        add_extension_lobes(principled, mat, self._approximate, layered_sheen=layered_sheen)
        self.textures.sheen_textures(principled, m)
        if mat.transmission > 0:
            # thin-walled: crystals and windows are often single sheets, not closed solids
            # (glTF: a transmissive material without thickness)
            principled["type"] = "principled" if solid else "principledthin"
            metal = principled.pop("metallic")  # glTF's metal lies over the glass (below)
            principled["spec_trans"] = self.textures.factor(
                m, "transmission", mat.transmission, channel=0)
            if mat.clearcoat > 0:
                self._approximate(m.name, "clear coat dropped on a transmissive material")
        bsdf: dict = (unlit_bsdf() if mat.unlit else principled if mat.transmission > 0
                      else lambert_diffuse(principled))
        if (mat.transmission > 0 and not mat.unlit and "anisotropic" not in principled
                and (m.orm_texture is not None or mat.roughness > SHEET_ROUGHNESS)):
            bsdf = rough_glass(self.mi, principled)
        # along the UVs' smoothed tangents, or without UVs the live view's frame about the
        # normal (app.scene.uv_frames); a direction texture needs UVs to be placed
        along_tangent = "anisotropic" in principled and not mat.unlit
        if along_tangent:
            bsdf = along_tangents(bsdf, mat.anisotropy_rotation,
                                  self.textures.direction(m) if m.mapped else None)
        if opaque_film:
            bsdf = self._iridescent(m, principled)
        elif layered_specular:
            bsdf = self._specular(m, bsdf, principled)
        if layered_sheen:
            bsdf = {"type": SHEEN_LAYER, "bsdf": bsdf,
                    "sheen_color": self.textures.sheen_colour(m),
                    "sheen_roughness": self.textures.factor(m, "sheen_roughness",
                                                            mat.sheen_roughness, channel=3)}
        if m.normal_texture is not None:
            bsdf = {"type": VALID_NORMAL_MAP, "bsdf": bsdf,
                    "normalmap": self.textures.normal_map("normal", m.normal_texture,
                                                          mat.normal_scale)}
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
        opacity = self.textures.opacity(m)
        if opacity is not None:
            bsdf = {"type": "mask", "opacity": opacity, "bsdf": bsdf}
        # glTF's metal over the glass: the same material made opaque, blended in by the metal
        metal_look = (self.look(replace(m, material=replace(mat, transmission=0.0))).bsdf
                      if mat.transmission > 0 and not mat.unlit and metal_drawn(m) else None)
        if metal_look is not None:
            bsdf = _metal_over(metal, bsdf, metal_look)
        clear = (mat.transmission >= CLEAR_TRANSMISSION
                 and mat.roughness * refraction_blur(mat.ior) <= CLEAR_ROUGHNESS)
        guide_opacity = (self.textures.rough_share(m) if not clear and not mat.unlit
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
        return ShapeLook(bsdf, self.textures.emission(m), see_through=clear, sheet=sheet,
                         transmits=mat.transmission > 0 and not mat.unlit,
                         along_tangent=along_tangent, guide_opacity=guide_opacity)

    def _clear_sheet(self, m: MaterialInputs, principled: dict) -> dict:
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

    def _coat(self, m: MaterialInputs, base: dict) -> dict:
        """The clear coat over ``base``: on the geometry's normal (not the base's normal map),
        or on the coat's own normal map."""
        mat = m.material
        coat = {"type": DIELECTRIC_LAYER, "bsdf": base,
                "weight": self.textures.factor(m, "clearcoat", mat.clearcoat, channel=0),
                "roughness": self.textures.factor(
                    m, "clearcoat_roughness", mat.clearcoat_roughness, channel=1)}
        if m.coat_normal_texture is not None:
            coat["normalmap"] = self.textures.normal_map("coat-normal", m.coat_normal_texture,
                                                         mat.clearcoat_normal_scale)
        return coat

    def _film(self, m: MaterialInputs) -> dict:
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

            thickness = self.textures.bitmap(("film-thickness", texture.key, low, high),
                                             nanometres, texture.mapping)
        coat = mat.clearcoat if mat.transmission <= 0 else 0.0  # no coat on glass (noted)
        return {"film_ior": float(mat.iridescence_ior), "film_thickness": thickness,
                "film_outside_ior": film_outside_ior(coat),
                "film_weight": self.textures.factor(m, "iridescence", mat.iridescence,
                                                    channel=0)}

    def _iridescent(self, m: MaterialInputs, principled: dict) -> dict:
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

    def _film_over_glass(self, m: MaterialInputs, glass: dict, principled: dict) -> dict:
        """A transmissive material's thin film over its ``glass`` (which reflects by itself):
        what the film reflects beyond the glass's Fresnel, the glass giving way by it."""
        f0 = [float(c) * float(m.material.specular) for c in specular_tint(m.material)]
        return {"type": DIELECTRIC_LAYER, "bsdf": glass, "weight": 1.0,
                "roughness": principled["roughness"], "f0": {"type": "rgb", "value": f0},
                "film_over_nested": True, **self._film(m)}

    def _specular(self, m: MaterialInputs, base: dict, principled: dict, *,
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
        mapping = (colour or factor).mapping if (colour or factor) else None
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
                alpha = nearest_resized(alpha, np.asarray(colour.pixels).shape[:2])
            strength = alpha * np.float32(mat.specular)
        f0 = tint if colour is None else linear_rgb(colour.pixels) * tint
        f0 = np.minimum(f0, 1.0) * strength
        key = (colour.key if colour else None, factor.key if factor else None,
               tuple(float(t) for t in tint), float(mat.specular),
               colour is not None and factor is not None and colour.mapping == factor.mapping)
        return {"type": DIELECTRIC_LAYER, "bsdf": base,
                "roughness": principled["roughness"],
                "weight": self.textures.not_metal(m, principled) if weight is None else weight,
                "f0": (self.textures.bitmap(("specular-f0", *key), f0, mapping) if np.ndim(f0) == 3
                       else {"type": "rgb", "value": [float(c) for c in f0]}),
                "f90": (self.textures.bitmap(("specular-f90", *key), strength, mapping)
                        if np.ndim(strength) == 3 else float(np.clip(strength, 0.0, 1.0)))}

    def _approximate(self, name: str, what: str) -> None:
        note = f"material '{name}': {what}"
        if note not in self.approximations:
            self.approximations.append(note)
            log.warning("photoreal approximation: %s", note)


def _metal_over(metal, glass: dict, opaque: dict) -> dict:
    """glTF's metal over a transmissive material's ``glass``: where ``metal`` (the metallic
    factor times the ORM texture's blue) is 1 the surface is ``opaque`` (the same material
    made opaque: its metal, from either side), where 0 the glass; the shares of the two as
    glTF's mix of the metal and the dielectric gives them."""
    return {"type": "blendbsdf", "weight": metal, "bsdf_0": glass, "bsdf_1": opaque}
