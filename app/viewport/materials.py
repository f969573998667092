"""The scene's ResolvedMaterial on a vtkProperty (PBR), for catalog and model-file materials.

VTK's rasteriser has no transmission; a transmissive material is drawn as partly transparent
(opacity reduced by ``opacity_loss`` * transmission) with its reflections of the
environment added in full, which reads as glass; the colour it gives what is seen through it
is a second actor's (glass_tint).
Alpha MASK is drawn opaque with the fragments below the cutoff discarded (a shader
replacement); a single-sided see-through material (MASK or BLEND) has its back faces culled.
VTK draws every texture of an actor through one set of texture coordinates: the base colour
texture's UV set and transform (see ``uv_mapping``); a texture mapped otherwise gets its own
coordinates through a shader replacement. VTK has no texture for the coat's strength
and roughness or the specular reflectance: KHR_materials_clearcoat's and
KHR_materials_specular's textures are bound as textures of their own and multiply the
uniforms in the PBR shader (a replacement).
The shader replacements are material_shaders'; the textures come from vtk_textures.
"""

from __future__ import annotations

import math

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor, vtkTexture

from app.assets.mesh import MeshData
from app.assets.refs import tangent_frame_texcoord, transformed_uv
from app.scene.description import ResolvedMaterial, TextureMapping
from app.scene.material_looks import (
    back_faces_culled,
    metal_stops_light,
    specular_ior,
    specular_tint,
    tinted_by_volume,
    unlit_as_emission,
    uses_specular,
)
from app.scene.thin_film import THIN_FILM_GLSL
from app.viewport import screen_reflections
from app.viewport.material_shaders import (
    ALPHA_CUTOFF,
    ANISOTROPY_LINES,
    ANISOTROPY_ROTATION,
    ANISOTROPY_STRENGTH,
    BASE_F0,
    COAT_LINES,
    COAT_ROUGHNESS,
    COAT_STRENGTH,
    DOMINANT_DIRECTION,
    DOMINANT_REFLECTION,
    GEOMETRY_NORMAL,
    KEPT_OPACITY,
    REFLECTIONS_OVER_TRANSMISSION,
    SPECULAR,
    SPECULAR_TINT,
    TRANSMISSION,
    add_slot_coordinates,
    alpha_test,
    lookup_coordinates,
    mirrored_uvs_turn_the_bitangent,
    reflections_stay_above_the_surface,
    set_uniforms,
    sheen_albedo_glsl,
    sheen_light,
    sheen_uniforms,
    thin_film_f0,
    thin_film_uniforms,
)
from app.viewport.polydata import (
    TCOORDS,
    set_point_array,
    tangents_across_normals,
    tangents_from_uv_set,
    vtk_tcoords,
)
from app.viewport.vtk_textures import SAMPLERS, TextureCache

# A transmissive material's opacity falls by this times its transmission: what is left is its
# own lit colour, a haze that stands for the light a rough surface scatters. Smooth glass
# scatters none (only its reflections, added in full, and the tint of glass_tint colour it):
# its opacity falls further, to CLEAR_GLASS_OPACITY_LOSS at roughness 0.
TRANSMISSION_OPACITY_LOSS = 0.8
CLEAR_GLASS_OPACITY_LOSS = 0.95
HAZE_ROUGHNESS = 0.3  # from this roughness on, the full haze
GLTF_CLEARCOAT_IOR = 1.5


def _reset_property(actor: vtkActor) -> None:
    prop = actor.GetProperty()
    prop.RemoveAllTextures()
    prop.SetInterpolationToPBR()
    prop.SetEmissiveFactor(0.0, 0.0, 0.0)
    prop.SetCoatStrength(0.0)
    prop.SetAnisotropy(0.0)
    prop.SetOcclusionStrength(1.0)
    prop.SetNormalScale(1.0)
    prop.SetCoatNormalScale(1.0)
    prop.BackfaceCullingOff()
    actor.ForceOpaqueOff()
    shaders = actor.GetShaderProperty()
    if shaders.GetNumberOfShaderReplacements():  # clearing none would still rebuild the shader
        shaders.ClearAllShaderReplacements()
        actor.GetMapper().RemoveAllVertexAttributeMappings()
    actor.GetMapper().ScalarVisibilityOff()


def _drawn_slots(material: ResolvedMaterial) -> dict:
    """The texture slots the live view draws: the core ones and the extension textures in
    use."""
    return {**material.slots(), **material.extension_slots()}


def uv_mapping(material: ResolvedMaterial) -> TextureMapping | None:
    """The UV set and transform the actor's texture coordinates follow: the base colour
    texture's, else the first texture's (None without textures)."""
    slots = _drawn_slots(material)
    if not slots:
        return None
    return next(iter(slots.values())).mapping


def _kept_at_fragment(texture: str = "1.0") -> str:
    """GLSL: the opacity a transmissive material keeps at the fragment, from the roughness
    VTK's shader has there (``roughness``: the factor times the metallic-roughness texture),
    as ``opacity_loss`` gives it, and from its transmission there (the factor, the uniform
    ``TRANSMISSION``, times ``texture``, the transmission texture's look-up) where it is no
    metal (``metallic``, the factor times the ORM's blue): smooth glass whose roughness factor
    is 1 and whose texture makes it smooth keeps no haze, and where the transmission texture
    is black or the metal whole, the surface is opaque."""
    extra = CLEAR_GLASS_OPACITY_LOSS - TRANSMISSION_OPACITY_LOSS
    return (f"(1.0 - ({TRANSMISSION_OPACITY_LOSS:.6g} + {extra:.6g} * (1.0 - clamp(roughness / "
            f"{HAZE_ROUGHNESS:.6g}, 0.0, 1.0))) * {TRANSMISSION}"
            f" * {texture} * (1.0 - metallic))")


def opacity_loss(roughness: float) -> float:
    """How much of a fully transmissive material's opacity goes at ``roughness``."""
    smooth = 1.0 - min(max(roughness / HAZE_ROUGHNESS, 0.0), 1.0)
    extra = CLEAR_GLASS_OPACITY_LOSS - TRANSMISSION_OPACITY_LOSS
    return TRANSMISSION_OPACITY_LOSS + extra * smooth


def live_view_material(material: ResolvedMaterial) -> ResolvedMaterial:
    """What the rasteriser draws for ``material``: an unlit one glowing in its base colour, a
    transmissive one of metal throughout opaque, the volume's attenuation as a tint (sheen is
    added in the shader, ``sheen_light``)."""
    return tinted_by_volume(unlit_as_emission(metal_stops_light(material)))


def apply_material(actor: vtkActor, material: ResolvedMaterial, textures: TextureCache,
                   mesh: MeshData) -> str:
    """Set the actor's PBR property from a scene material (colours already linear); returns
    the GLSL normal its reflections of the other parts are followed about
    (``ScreenCopy.reflect``)."""
    _reset_property(actor)
    material = live_view_material(material)
    prop = actor.GetProperty()
    prop.SetColor(*material.base_color)
    prop.SetMetallic(material.metallic)
    prop.SetRoughness(material.roughness)
    prop.SetBaseIOR(specular_ior(material))
    prop.SetAnisotropy(material.anisotropy)
    # VTK turns the anisotropy direction by a fraction of a whole turn
    prop.SetAnisotropyRotation((material.anisotropy_rotation / (2.0 * math.pi)) % 1.0)
    opacity = material.opacity if material.uses_alpha else 1.0
    if back_faces_culled(material):
        prop.BackfaceCullingOn()
    # glTF's metal lies over the glass: a metallic factor lets less through (with an ORM
    # texture, only where its blue says so, per fragment below: the factor alone then makes
    # no part of the actor opaque)
    metal = 0.0 if material.orm_texture is not None else min(max(material.metallic, 0.0), 1.0)
    kept = 1.0 - opacity_loss(material.roughness) * material.transmission * (1.0 - metal)
    prop.SetOpacity(opacity * kept)
    prop.SetCoatStrength(material.clearcoat)
    prop.SetCoatRoughness(material.clearcoat_roughness)
    prop.SetCoatIOR(GLTF_CLEARCOAT_IOR)
    prop.SetNormalScale(material.normal_scale)
    mapping = uv_mapping(material)
    actor_uv = None if mapping is None else mesh.uv_sets.get(mapping.texcoord)
    slots = {}
    own: dict[str, np.ndarray] = {}
    if actor_uv is not None:
        set_point_array(actor, TCOORDS, vtk_tcoords(transformed_uv(actor_uv, mapping.transform)),
                        tcoords=True)
        for name, slot in _drawn_slots(material).items():
            if slot.mapping.texcoord == mapping.texcoord and slot.transform == mapping.transform:
                slots[name] = slot
                continue
            uv = mesh.uv_sets.get(slot.texcoord)
            if uv is not None:
                own[name] = vtk_tcoords(transformed_uv(uv, slot.transform))
                slots[name] = slot
        add_slot_coordinates(actor, slots, own)
    elif any(material.emissive) and mesh.uv is None and mesh.uv1 is None:
        # the emissive factor reaches the shader only through a (white) emissive texture
        set_point_array(actor, TCOORDS, np.zeros((len(mesh.vertices), 2), np.float32),
                        tcoords=True)

    def texture(name: str, **options) -> vtkTexture:
        slot = slots[name]
        return textures.for_ref(slot.texture, sampler=slot.sampler, **options)

    if "base_color" in slots:
        prop.SetBaseColorTexture(texture("base_color", keep_alpha=material.uses_alpha))
    if material.vertex_colors and mesh.colors is not None:
        actor.GetMapper().ScalarVisibilityOn()  # glTF: they multiply the base colour (texture)
    if "orm" in slots:
        prop.SetORMTexture(texture("orm"))
        prop.SetOcclusionStrength(1.0 if material.occlusion_in_orm else 0.0)
    functions = DOMINANT_DIRECTION  # GLSL functions the shader declares
    # the tangents (normal maps, anisotropy) follow the set of the still's tangent frame
    tangents_from_uv_set(actor, mesh, tangent_frame_texcoord(
        {n: s for n, s in slots.items() if n != "clearcoat_normal" or material.clearcoat > 0}))
    if "normal" in slots:
        prop.SetNormalTexture(texture("normal"))
        mirrored_uvs_turn_the_bitangent(actor, mesh, slots["normal"].texcoord)
        functions += reflections_stay_above_the_surface(actor)
    if "clearcoat_normal" in slots and material.clearcoat > 0:
        prop.SetCoatNormalTexture(texture("clearcoat_normal"))
        prop.SetCoatNormalScale(material.clearcoat_normal_scale)

    def lookup(name: str, channels: str) -> str:
        prop.SetTexture(SAMPLERS[name], texture(name))
        uv = lookup_coordinates(name, slots[name], name in own)  # see add_slot_coordinates
        return f"texture({SAMPLERS[name]}, {uv}).{channels}"

    uniforms: dict[str, float | tuple[float, ...]] = {}  # the factors the GLSL reads
    after_lighting = []  # GLSL run after VTK's lighting, in one replacement (a second
    if any(material.sheen_color):  # replacement of the same tag would undo the first)
        functions += sheen_albedo_glsl()
        uniforms.update(sheen_uniforms(material))
        after_lighting.append(sheen_light({
            name: lookup(name, channels) for name, channels in
            (("sheen_color", "rgb"), ("sheen_roughness", "a")) if name in slots}))
    kept_here = None
    if material.transmission > 0:
        uniforms[TRANSMISSION] = float(material.transmission)
        kept_here = _kept_at_fragment(lookup("transmission", "r")
                                      if "transmission" in slots else "1.0")
    if material.alpha_mode == "MASK":
        if kept >= 1.0:
            actor.ForceOpaqueOn()
        uniforms.update({ALPHA_CUTOFF: float(material.alpha_cutoff), KEPT_OPACITY: kept})
        after_lighting.append(alpha_test(kept_here))
    elif material.transmission > 0:
        uniforms[KEPT_OPACITY] = kept
        after_lighting.append(f"  gl_FragData[0].a *= {kept_here} / {KEPT_OPACITY};")
        after_lighting.append(REFLECTIONS_OVER_TRANSMISSION)
    if after_lighting:
        actor.GetShaderProperty().AddFragmentShaderReplacement(
            "//VTK::Light::Impl", True, "\n".join(["//VTK::Light::Impl", *after_lighting]),
            False)

    lines = dict(COAT_LINES) if material.clearcoat > 0 else {}
    lines.update(DOMINANT_REFLECTION)
    if material.anisotropy > 0:
        tangents_across_normals(actor, mesh)  # a mesh without UVs: the still's frame
        lines.update(ANISOTROPY_LINES)
    if "anisotropy" in slots:
        sample = lookup("anisotropy", "rgb")
        lines[ANISOTROPY_STRENGTH] = (f"  vec3 anisotropySample = {sample};\n"
                                       "  float anisotropy = anisotropyUniform * "
                                       "anisotropySample.b;")
        lines[ANISOTROPY_ROTATION] = (
            "  vec2 anisotropyDirection = anisotropySample.rg * 2.0 - 1.0;\n"
            "  if (dot(anisotropyDirection, anisotropyDirection) < 1e-8) "
            "{ anisotropyDirection = vec2(1.0, 0.0); }\n"
            "  float anisotropyRotation = anisotropyRotationUniform + "
            "atan(anisotropyDirection.y, anisotropyDirection.x) / (2.0 * PI);")
    if "clearcoat" in slots:
        lines[COAT_STRENGTH] = ("  float coatStrength = coatStrengthUniform * "
                                 f"{lookup('clearcoat', 'r')};")
    if "clearcoat_roughness" in slots:
        lines[COAT_ROUGHNESS] = ("  float coatRoughness = coatRoughnessUniform * "
                                  f"{lookup('clearcoat_roughness', 'g')};")
    dielectric_f0 = "vec3(baseF0Uniform)"
    if uses_specular(material) or material.clearcoat > 0:
        # glTF's F0: the specular colour (VTK's base IOR gives only its brightness) times its
        # texture, at most 1, times the specular factor and texture; under a coat VTK takes
        # the base's F0 against the coat's index (none for 1.5 on 1.5), glTF against air
        uniforms.update({SPECULAR_TINT: specular_tint(material),
                         SPECULAR: float(material.specular)})
        tint = SPECULAR_TINT
        if "specular_color" in slots:
            tint = f"{tint} * {lookup('specular_color', 'rgb')}"
        strength = SPECULAR
        if "specular" in slots:
            strength = f"{strength} * {lookup('specular', 'a')}"
        dielectric_f0 = f"min({tint}, vec3(1.0)) * {strength}"
        lines[BASE_F0] = f"  vec3 F0 = mix({dielectric_f0}, albedo, metallic);"
    if material.iridescence > 0:
        functions += THIN_FILM_GLSL
        uniforms.update(thin_film_uniforms(material))
        lines[BASE_F0] = thin_film_f0(dielectric_f0, {
            name: lookup(name, channel) for name, channel in
            (("iridescence", "r"), ("iridescence_thickness", "g")) if name in slots})
    set_uniforms(actor, uniforms)
    for line, textured in lines.items():  # after VTK's own replacements, which write them
        actor.GetShaderProperty().AddFragmentShaderReplacement(line, False, textured, True)
    functions += screen_reflections.DECLARATIONS
    actor.GetShaderProperty().AddFragmentShaderReplacement(
        "//VTK::Define::Dec", False, "//VTK::Define::Dec" + functions, False)
    if "emissive" in slots:
        prop.SetEmissiveFactor(*(material.emissive if any(material.emissive) else (1, 1, 1)))
        prop.SetEmissiveTexture(texture("emissive"))
    elif any(material.emissive):
        prop.SetEmissiveFactor(*material.emissive)
        prop.SetEmissiveTexture(textures.white())
    return GEOMETRY_NORMAL if "normal" in slots else "N"
