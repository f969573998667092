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
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonCore import VTK_UNSIGNED_CHAR
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkRenderingCore import vtkActor, vtkTexture

from app.assets.mesh import MeshData, TextureImage
from app.assets.refs import TextureSampler, transformed_uv
from app.assets.textures import at_most_side, mean_colour
from app.errors import AssetError
from app.scene.description import ResolvedMaterial, TextureMapping, TextureRef, TextureSlot
from app.scene.material_looks import (
    back_faces_culled,
    metal_stops_light,
    specular_ior,
    specular_tint,
    tinted_by_volume,
    unlit_as_emission,
    uses_specular,
)
from app.scene.sheen import MIN_SHEEN_ROUGHNESS, charlie_albedo_table
from app.scene.thin_film import THIN_FILM_GLSL, film_outside_ior
from app.viewport import screen_reflections
from app.viewport.polydata import HANDEDNESS, TCOORDS, uv_handedness, vtk_tcoords

# A transmissive material's opacity falls by this times its transmission: what is left is its
# own lit colour, a haze that stands for the light a rough surface scatters. Smooth glass
# scatters none (only its reflections, added in full, and the tint of glass_tint colour it):
# its opacity falls further, to CLEAR_GLASS_OPACITY_LOSS at roughness 0.
# the live view draws a texture at most this many pixels a side (a 4k texture as it is; an 8k
# one at half: a fourth of the memory, and the mipmap the view would sample at any distance
# that shows the whole product)
LIVE_TEXTURE_SIDE = 4096
TRANSMISSION_OPACITY_LOSS = 0.8
CLEAR_GLASS_OPACITY_LOSS = 0.95
HAZE_ROUGHNESS = 0.3  # from this roughness on, the full haze
GLTF_CLEARCOAT_IOR = 1.5


def image_to_vtk_texture(pixels: np.ndarray, *, srgb: bool, source: str = "") -> vtkTexture:
    """uint8 (H, W[, C]) pixels, row 0 at the top -> a repeating, mip-mapped vtkTexture, at
    most ``LIVE_TEXTURE_SIDE`` pixels a side (``at_most_side``)."""
    pixels = at_most_side(np.asarray(pixels), LIVE_TEXTURE_SIDE)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 2, 3, 4) or pixels.dtype != np.uint8:
        raise AssetError(
            f"expected (H, W, 1-4) uint8 pixels, got {pixels.dtype} {pixels.shape}",
            file=source or None,
            field="pixels",
        )
    height, width, channels = pixels.shape
    image = vtkImageData()
    image.SetDimensions(width, height, 1)
    flat = np.ascontiguousarray(pixels[::-1]).reshape(-1, channels)  # a copy of its own
    array = numpy_to_vtk(flat, deep=False, array_type=VTK_UNSIGNED_CHAR)
    array.SetName("pixels")
    image.GetPointData().SetScalars(array)
    texture = vtkTexture()
    texture.SetInputData(image)
    texture.InterpolateOn()
    texture.MipmapOn()
    texture.RepeatOn()
    texture.SetColorModeToDirectScalars()
    texture.SetUseSRGBColorSpace(bool(srgb))
    return texture


def white_texture() -> vtkTexture:
    """1x1 white: VTK applies the emissive factor only through an emissive texture."""
    return image_to_vtk_texture(np.full((1, 1, 3), 255, np.uint8), srgb=True)


_WRAPS = {"REPEAT": vtkTexture.Repeat, "MIRRORED_REPEAT": vtkTexture.MirroredRepeat,
          "CLAMP_TO_EDGE": vtkTexture.ClampToEdge}
# the PBR fragment shader's texture look-ups, by ResolvedMaterial slot
SAMPLERS = {"base_color": "albedoTex", "orm": "materialTex", "normal": "normalTex",
             "emissive": "emissiveTex", "clearcoat_normal": "coatNormalTex",
             "clearcoat": "coatStrengthTex", "clearcoat_roughness": "coatRoughnessTex"}
SAMPLERS.update(specular="specularTex", specular_color="specularColorTex",
                 transmission="transmissionTex", anisotropy="anisotropyDirectionTex",
                 iridescence="iridescenceTex", iridescence_thickness="iridescenceThicknessTex",
                 sheen_color="sheenColorTex", sheen_roughness="sheenRoughnessTex")
# the extension textures VTK has no texture for, drawn by replacing the PBR shader's line that
# reads the uniform with one that multiplies it (glTF's channels: R coat strength, G coat
# roughness, A specular, RGB specular colour, which scale the dielectric F0)
_COAT_STRENGTH = "  float coatStrength = coatStrengthUniform;"
_COAT_ROUGHNESS = "  float coatRoughness = coatRoughnessUniform;"
_BASE_F0 = "  vec3 F0 = mix(vec3(baseF0Uniform), albedo, metallic);"
# VTK stretches the highlight by Disney's aspect (alpha r^2 / a along the tangent, r^2 * a
# across, a = sqrt(1 - 0.9 anisotropy): past alpha 1 for a rough surface); glTF's anisotropy
# widens the tangent's alpha towards 1 and keeps r^2 across it
_ANISOTROPY_LINES = {
    "  float at = max(r2 / aspect, 0.001);":
        "  float at = max(mix(r2, 1.0, anisotropy * anisotropy), 0.001);",
    "  float ab = max(r2 * aspect, 0.001);": "  float ab = max(r2, 0.001);",
}
# VTK's own anisotropy texture holds the strength and the rotation (a fraction of a turn that
# multiplies the uniform's); glTF's holds a direction in tangent space (RG, 0..1 for -1..1)
# turned further by the rotation, and the strength (B): read in place of the uniforms
_ANISOTROPY_STRENGTH = "  float anisotropy = anisotropyUniform;"
_ANISOTROPY_ROTATION = "  float anisotropyRotation = anisotropyRotationUniform;"
# VTK reads the environment's reflection along the mirror direction at every roughness. The
# light a rough surface reflects comes mostly from nearer its normal (the GGX lobe leans
# towards it as it widens), so it is read along Frostbite's dominant direction (Lagarde and
# de Rousiers, "Moving Frostbite to PBR", 2014): from the normal to the mirror direction by
# s (sqrt(s) + alpha), s = 1 - alpha; a mirror reads the mirror direction, alpha 1 the normal.
# Under the studio a sphere of rough metal (roughness 1) had come out 7/255 darker than in
# the still.
_DOMINANT_DIRECTION = """
vec3 dominantDirection(vec3 n, vec3 r, float alpha)
{
  float smoothness = 1.0 - alpha;
  return mix(n, r, smoothness * (sqrt(smoothness) + alpha));
}
"""
_DOMINANT_REFLECTION = {
    "  vec3 worldReflect = normalize(envMatrix*reflect(-V, N));":
        "  vec3 worldReflect = normalize(envMatrix * dominantDirection(N, reflect(-V, N), "
        "roughness * roughness));",
}
# VTK reads the environment's reflection of an anisotropic surface once, along a normal bent
# towards the stretch, as sharp as the surface is across it: a mirror that glTF widens along
# its tangent showed sharp bands of the studio where a path tracer draws streaks. It is read
# instead at ANISOTROPY_TAPS microfacet normals tilted along the tangent, at evenly spaced
# quantiles of GGX's slopes for the alpha the stretch adds (sqrt(at^2 - ab^2)); each is
# blurred to the spacing of the taps, so that they merge into one streak, and read along the
# dominant direction of its blur (as _DOMINANT_REFLECTION); one whose reflection points into
# the surface is dark (masked), as in the path tracer.
ANISOTROPY_TAPS = 12
_ANISOTROPY_LINES[
    "  vec3 prefilteredSpecularColor = textureLod(prefilterTex, worldReflect, "
    "roughness * prefilterMaxLevel).rgb;"] = f"""\
  vec3 prefilteredSpecularColor = vec3(0.0);
  float stretch = sqrt(max(at * at - ab * ab, 0.0));
  float tapAlpha = min(max(ab, 2.0 * stretch / {ANISOTROPY_TAPS}.0), 1.0);
  float tapLevel = sqrt(tapAlpha) * prefilterMaxLevel;
  for (int tap = 0; tap < {ANISOTROPY_TAPS}; tap++) {{
    float quantile = 2.0 * (float(tap) + 0.5) / {ANISOTROPY_TAPS}.0 - 1.0;
    float slope = stretch * quantile / sqrt(1.0 - quantile * quantile);
    vec3 tapReflect = reflect(-V, normalize(N + slope * tangentVC));
    prefilteredSpecularColor += step(0.0, dot(tapReflect, N)) *
      textureLod(prefilterTex, normalize(envMatrix * dominantDirection(N, tapReflect, tapAlpha)),
                 tapLevel).rgb;
  }}
  prefilteredSpecularColor /= {ANISOTROPY_TAPS}.0;"""
# VTK weighs the coat's reflection of the environment by its Fresnel twice: once in the split
# sum's scale and bias, once more in Fc (a coat head on reflects 0.04 * 0.04 instead of 0.04),
# and dims a lamp's reflection in the base by (1 - Fc) squared; glTF weighs the coat's
# reflection by its strength alone and dims the base by (1 - Fc) once (line -> glTF's, every
# one; VTK's dimming of the environment's light in the base comes after it is summed, and
# does nothing)
_COAT_LINES = {
    "  vec3 iblSpecularClearCoat = prefilteredSpecularCoatColor * "
    "(coatF0 * coatBrdf.r + coatBrdf.g) * Fc;":
        "  vec3 iblSpecularClearCoat = prefilteredSpecularCoatColor * "
        "(coatF0 * coatBrdf.r + coatBrdf.g) * coatStrength;",
    "  specular *= (1.0 - Fc) * (1.0 - Fc);": "  specular *= (1.0 - Fc);",
}
# the normal a part's reflections of the other parts are followed about (screen_reflections):
# the surface's own where a normal texture bends N, for a reflection that meets a part or
# misses it by the texture's grain would speckle
_GEOMETRY_NORMAL = "normalize(tbn[2])"


def with_sampler(texture: vtkTexture, sampler: TextureSampler) -> vtkTexture:
    """``texture`` set to sample as ``sampler`` says. VTK wraps both axes alike: a sampler
    that wraps each its own way repeats, and the fragment shader wraps its coordinates
    (``_AXIS_WRAP``)."""
    texture.SetWrap(vtkTexture.Repeat if sampler.per_axis
                    else _WRAPS.get(sampler.wrap_s, vtkTexture.Repeat))
    texture.SetInterpolate(not sampler.nearest)
    texture.SetMipmap(sampler.mipmaps)
    return texture


class TextureCache:
    """vtkTextures made once per (image source, colour space, alpha kept, sampler)."""

    def __init__(self, load: Callable[[TextureRef], TextureImage]):
        self._load = load
        self._textures: dict[tuple, vtkTexture] = {}
        self._means: dict[str, tuple[float, float, float]] = {}
        self._white: vtkTexture | None = None

    def for_ref(self, ref: TextureRef, *, keep_alpha: bool = True,
                sampler: TextureSampler | None = None) -> vtkTexture:
        sampler = sampler or TextureSampler()
        key = (ref.source, ref.srgb, keep_alpha, sampler)
        if key not in self._textures:
            texture = self._make(self._load(ref), ref.srgb, keep_alpha)
            self._textures[key] = with_sampler(texture, sampler)
        return self._textures[key]

    def mean_colour(self, ref: TextureRef) -> tuple[float, float, float]:
        """The image's mean colour, linear (an sRGB image's pixels made linear first), for what
        is drawn as one colour."""
        if ref.source not in self._means:
            self._means[ref.source] = mean_colour(self._load(ref), srgb=ref.srgb)
        return self._means[ref.source]

    def white(self) -> vtkTexture:
        if self._white is None:
            self._white = white_texture()
        return self._white

    @staticmethod
    def _make(image: TextureImage, srgb: bool, keep_alpha: bool) -> vtkTexture:
        pixels = np.asarray(image.pixels)
        if not keep_alpha and pixels.ndim == 3 and pixels.shape[2] == 4:
            pixels = pixels[..., :3]
        return image_to_vtk_texture(pixels, srgb=srgb, source=image.source)


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


def _mesh_uv(mesh: MeshData, texcoord: int) -> np.ndarray | None:
    return {0: mesh.uv, 1: mesh.uv1}.get(texcoord)


def set_point_array(actor: vtkActor, name: str, values: np.ndarray, *, tcoords: bool) -> None:
    """``values`` as the point array ``name`` (or the texture coordinates) of ``actor``'s
    input, replaced only when they differ from what it holds."""
    poly = actor.GetMapper().GetInput()
    data = poly.GetPointData()
    current = data.GetTCoords() if tcoords else data.GetArray(name)
    if current is not None:
        old = vtk_to_numpy(current)
        if old.shape == values.shape and np.array_equal(old, values):
            return
    array = numpy_to_vtk(np.ascontiguousarray(values), deep=True)
    array.SetName(name)
    if tcoords:
        data.SetTCoords(array)
    else:
        data.AddArray(array)
    poly.Modified()


# a texture's coordinates wrapped along each axis its own way (TextureSampler.wrap_codes; a
# clamped or mirrored axis kept half a texel inside, so the filter stays in the image)
_AXIS_WRAP = """float axisWrap1(float x, int mode, float half_texel) {
  if (mode == 0) { return x; }
  if (mode == 1) { float p = x - 2.0 * floor(0.5 * x); x = p > 1.0 ? 2.0 - p : p; }
  return clamp(x, half_texel, 1.0 - half_texel);
}
vec2 axisWrap(vec2 uv, int s, int t, vec2 size) {
  return vec2(axisWrap1(uv.x, s, 0.5 / size.x), axisWrap1(uv.y, t, 0.5 / size.y));
}"""


def _coordinates(slot_name: str, slot: TextureSlot, own: bool) -> str:
    """The fragment shader's expression of the coordinates a slot's look-up reads: the
    actor's or its own (``_slot_coordinates``), wrapped per axis where its sampler says so."""
    uv = f"uv_{slot_name}VS" if own else "tcoordVCVSOutput"
    if not slot.sampler.per_axis:
        return uv
    wrap_s, wrap_t = slot.sampler.wrap_codes
    return f"axisWrap({uv}, {wrap_s}, {wrap_t}, vec2(textureSize({SAMPLERS[slot_name]}, 0)))"


def _slot_coordinates(actor: vtkActor, slots: dict[str, TextureSlot],
                      coordinates: dict[str, np.ndarray]) -> None:
    """Texture coordinates of their own for some slots (point arrays passed to the fragment
    shader, where each slot's look-up reads its own instead of the actor's coordinates), and
    the look-ups of slots whose samplers wrap each axis their own way."""
    vs_dec, vs_impl, fs_dec = ["//VTK::TCoord::Dec"], ["//VTK::TCoord::Impl"], [
        "//VTK::TCoord::Dec"]
    shaders = actor.GetShaderProperty()
    for slot_name, uv in coordinates.items():
        array, attribute, varying = f"uv_{slot_name}", f"uv_{slot_name}MC", f"uv_{slot_name}VS"
        set_point_array(actor, array, uv, tcoords=False)
        actor.GetMapper().MapDataArrayToVertexAttribute(attribute, array, 0, -1)
        vs_dec += [f"in vec2 {attribute};", f"out vec2 {varying};"]
        vs_impl.append(f"  {varying} = {attribute};")
        fs_dec.append(f"in vec2 {varying};")
    wrapped = [name for name, slot in slots.items() if slot.sampler.per_axis]
    if wrapped:
        fs_dec.append(_AXIS_WRAP)
    for slot_name in {*coordinates, *wrapped}:
        sampler = SAMPLERS[slot_name]
        uv = _coordinates(slot_name, slots[slot_name], slot_name in coordinates)
        shaders.AddFragmentShaderReplacement(
            f"texture({sampler}, tcoordVCVSOutput)", False, f"texture({sampler}, {uv})", True)
    if coordinates:
        shaders.AddVertexShaderReplacement("//VTK::TCoord::Dec", True, "\n".join(vs_dec), False)
        shaders.AddVertexShaderReplacement("//VTK::TCoord::Impl", True, "\n".join(vs_impl),
                                           False)
    if coordinates or wrapped:
        shaders.AddFragmentShaderReplacement("//VTK::TCoord::Dec", True, "\n".join(fs_dec),
                                             False)


_BITANGENT = "  vec3 bitangentVC = cross(normalVCVSOutput, tangentVC);"

# Where a normal map tilts the normal so far that the mirror direction points into the part,
# the reflection's normal is bent back towards the surface's own (Cycles'
# ensure_valid_reflection, as app.photoreal.normal_maps does for the still): VTK lit such
# fragments by a grazing Fresnel reflection of the whole studio, so steep reliefs shone. The
# diffuse light keeps the map's own normal, as in Cycles and the still.
_VALID_REFLECTION = """
vec3 validReflectionNormal(vec3 ng, vec3 i, vec3 n)
{
  vec3 r = 2.0 * dot(n, i) * n - i;
  float threshold = min(0.9 * dot(ng, i), 0.01);
  vec3 x = n - dot(n, ng) * ng;
  if (dot(ng, r) >= threshold || dot(x, x) < 1e-12) { return n; }
  x = normalize(x);
  float ix = dot(i, x);
  float iz = dot(i, ng);
  float a = ix * ix + iz * iz;
  float b = sqrt(max(ix * ix * (a - threshold * threshold), 0.0));
  float c = iz * threshold + a;
  float z1 = 0.5 / a * (b + c);
  float z2 = 0.5 / a * (c - b);
  bool valid1 = z1 > 1e-5 && z1 <= 1.0 + 1e-5;
  bool valid2 = z2 > 1e-5 && z2 <= 1.0 + 1e-5;
  if (!valid1 && !valid2) { return ng; }
  float n1x = sqrt(max(1.0 - z1, 0.0));
  float n1z = sqrt(max(z1, 0.0));
  float n2x = sqrt(max(1.0 - z2, 0.0));
  float n2z = sqrt(max(z2, 0.0));
  float r1 = 2.0 * (n1x * ix + n1z * iz) * n1z - iz;
  float r2 = 2.0 * (n2x * ix + n2z * iz) * n2z - iz;
  bool firstOfBoth = (r1 >= 1e-5 && r2 >= 1e-5) ? r1 < r2 : r1 > r2;
  bool first = (valid1 && valid2) ? firstOfBoth : valid1;
  return first ? n1x * x + n1z * ng : n2x * x + n2z * ng;
}
"""
_VALID_REFLECTION_LINES = {
    "  normalVCVSOutput = normalize(tbn * normalTS);":
        "  vec3 geometricNormalVC = normalVCVSOutput;\n"
        "  normalVCVSOutput = normalize(tbn * normalTS);",
    "  vec3 N = normalVCVSOutput;":
        "  vec3 N = validReflectionNormal(geometricNormalVC, normalize(-vertexVC.xyz), "
        "normalVCVSOutput);",
    "  vec3 rotN = envMatrix * N;": "  vec3 rotN = envMatrix * normalVCVSOutput;",
    "  vec3 irradiance = texture(irradianceTex, envMatrix*N).rgb;":
        "  vec3 irradiance = texture(irradianceTex, envMatrix*normalVCVSOutput).rgb;",
}


def _reflections_stay_above_the_surface(actor: vtkActor) -> str:
    """The normal map's reflection normal bent as ``_VALID_REFLECTION`` says; returns that
    function, for ``apply_material`` to declare with the shader's others (a second
    replacement of the same tag would undo the first)."""
    shaders = actor.GetShaderProperty()
    for line, bent in _VALID_REFLECTION_LINES.items():
        shaders.AddFragmentShaderReplacement(line, False, bent, False)
    return _VALID_REFLECTION


def _mirrored_uvs_turn_the_bitangent(actor: vtkActor, mesh: MeshData) -> None:
    """VTK's normal map takes the bitangent as cross(normal, tangent); glTF's turns it by the
    UVs' handedness (tangent.w), so a normal map on mirrored UVs draws its bumps as dents.
    The mesh's per-vertex handedness (``polydata.uv_handedness``, worked out once per part,
    whose mesh stays) is passed to the fragment shader and multiplies it."""
    if mesh.uv is None:
        return
    if actor.GetMapper().GetInput().GetPointData().GetArray(HANDEDNESS) is None:
        set_point_array(actor, HANDEDNESS, uv_handedness(mesh), tcoords=False)
    actor.GetMapper().MapDataArrayToVertexAttribute("handednessMC", HANDEDNESS, 0, -1)
    shaders = actor.GetShaderProperty()
    shaders.AddVertexShaderReplacement(
        "//VTK::Normal::Dec", True,
        "//VTK::Normal::Dec\nin float handednessMC;\nout float handednessVS;", False)
    shaders.AddVertexShaderReplacement(
        "//VTK::Normal::Impl", True, "//VTK::Normal::Impl\n  handednessVS = handednessMC;",
        False)
    shaders.AddFragmentShaderReplacement(
        "//VTK::Normal::Dec", True, "//VTK::Normal::Dec\nin float handednessVS;", False)
    shaders.AddFragmentShaderReplacement(
        _BITANGENT, False, "  vec3 bitangentVC = (handednessVS < 0.0 ? -1.0 : 1.0) * "
        "cross(normalVCVSOutput, tangentVC);", True)


def _thin_film_f0(material: ResolvedMaterial, dielectric_f0: str,
                  textures: dict[str, str]) -> str:
    """GLSL in place of VTK's F0 line for a material under a thin film (VTK has no thin film;
    as Khronos' viewer draws it): the film's reflectance along the view
    (``thinFilmReflectance``) over the dielectric's F0 and over the metal's colour, turned
    into the F0 whose Schlick Fresnel gives it there, and mixed into F0 by the iridescence
    (the factor times its texture's red, ``textures['iridescence']``). The film's thickness is
    its maximum, or from its minimum to its maximum by the thickness texture's green; under a
    clear coat the film lies under the coat's index (``film_outside_ior``)."""
    low, high = (float(t) for t in material.iridescence_thickness)
    thickness = (f"mix({low:.6g}, {high:.6g}, {textures['iridescence_thickness']})"
                 if "iridescence_thickness" in textures else f"{high:.6g}")
    weight = f"{float(material.iridescence):.6g}"
    if "iridescence" in textures:
        weight = f"{weight} * {textures['iridescence']}"
    ior = f"{float(material.iridescence_ior):.6g}"
    outside = f"{film_outside_ior(material.clearcoat):.6g}"
    return f"""\
  vec3 dielectricF0 = {dielectric_f0};
  vec3 F0 = mix(dielectricF0, albedo, metallic);
  float filmThickness = {thickness};
  vec3 filmReflectance = mix(
    thinFilmReflectance(NdV, filmThickness, {ior}, dielectricF0, {outside}),
    thinFilmReflectance(NdV, filmThickness, {ior}, albedo, {outside}), metallic);
  float filmGrazing = pow(1.0 - NdV, 5.0);
  vec3 filmF0 = clamp((filmReflectance - filmGrazing) / max(1.0 - filmGrazing, 1e-4), 0.0, 1.0);
  F0 = mix(F0, filmF0, clamp({weight}, 0.0, 1.0));"""


@functools.cache
def _sheen_albedo_glsl() -> str:
    """GLSL ``sheenAlbedo(roughness, cosView)``: the share of the light a white glTF sheen
    reflects towards a view (Charlie's directional albedo, the still's table
    ``charlie_albedo_table``, read between its entries); made once."""
    table = charlie_albedo_table()
    rows, columns = table.shape
    values = ", ".join(f"{v:.5f}" for v in table.ravel())
    low = MIN_SHEEN_ROUGHNESS
    return f"""
float sheenAlbedo(float roughness, float cosView)
{{
  const float albedos[{rows * columns}] = float[{rows * columns}]({values});
  float row = (clamp(roughness, {low:.6f}, 1.0) - {low:.6f}) / {1.0 - low:.6f} * {rows - 1}.0;
  float column = clamp(cosView, 0.0, 1.0) * {columns - 1}.0;
  int r = min(int(row), {rows - 2});
  int c = min(int(column), {columns - 2});
  float across = column - float(c);
  return mix(mix(albedos[r * {columns} + c], albedos[r * {columns} + c + 1], across),
             mix(albedos[(r + 1) * {columns} + c], albedos[(r + 1) * {columns} + c + 1], across),
             row - float(r));
}}
"""


def _sheen_light(material: ResolvedMaterial, textures: dict[str, str]) -> str:
    """glTF's sheen where VTK has no sheen lobe, after its lighting: the share of the light
    a sheen layer reflects towards the view (``_sheen_albedo_glsl`` at N.V and the sheen
    roughness) times the sheen colour, of the environment's light on the surface (its
    irradiance), over what VTK lit, which gives way by that share of the sheen's strongest
    channel. Towards the silhouette the albedo grows: velvet's pale rim. The sheen colour and
    roughness are the factors times their textures (``textures``: GLSL look-ups by slot)."""
    colour = "vec3({:.6f}, {:.6f}, {:.6f})".format(*(float(c) for c in material.sheen_color))
    if "sheen_color" in textures:
        colour = f"{colour} * {textures['sheen_color']}"
    roughness = f"{float(material.sheen_roughness):.6f}"
    if "sheen_roughness" in textures:
        roughness = f"{roughness} * {textures['sheen_roughness']}"
    return f"""\
  vec3 sheenColour = {colour};
  float sheenShare = sheenAlbedo({roughness}, NdV);
  float sheenStrongest = max(max(sheenColour.r, sheenColour.g), sheenColour.b);
  gl_FragData[0].rgb = gl_FragData[0].rgb * (1.0 - sheenStrongest * sheenShare)
    + irradiance * sheenColour * sheenShare;"""


# Glass: what it mirrors of the environment is added in full over what lies behind it, not
# dimmed with its opacity. Blending draws opacity * colour + (1 - opacity) * behind, so the
# shader's image-based specular term is added once more, times (1 / opacity - 1); the
# tone-mapping pass draws into a float buffer, so the sum is kept past 1. Without it a clear
# crystal's reflections of the studio's softboxes were dimmed to almost nothing.
_REFLECTIONS_OVER_TRANSMISSION = (
    "  gl_FragData[0].rgb += iblSpecular * (1.0 / max(gl_FragData[0].a, 0.02) - 1.0);")


def _alpha_test(cutoff: float, kept: float = 1.0, kept_here: str | None = None) -> str:
    """Alpha MASK: the fragments whose alpha is below ``cutoff`` discarded, the rest drawn
    with opacity ``kept`` (opaque, or partly transparent for a transmissive material, whose
    opacity loss is taken out of the alpha before the test), or the fragment's own
    (``kept_here``, a GLSL expression)."""
    return (f"  if (gl_FragData[0].a / {float(kept):.6f} < {float(cutoff):.6f}) {{ discard; }}\n"
            f"  gl_FragData[0].a = {kept_here or f'{float(kept):.6f}'};")


def _kept_at_fragment(material: ResolvedMaterial, texture: str = "1.0") -> str:
    """GLSL: the opacity a transmissive ``material`` keeps at the fragment, from the roughness
    VTK's shader has there (``roughness``: the factor times the metallic-roughness texture),
    as ``opacity_loss`` gives it, and from its transmission there (the factor times
    ``texture``, the transmission texture's look-up) where it is no metal (``metallic``, the
    factor times the ORM's blue): smooth glass whose roughness factor is 1 and whose texture
    makes it smooth keeps no haze, and where the transmission texture is black or the metal
    whole, the surface is opaque."""
    extra = CLEAR_GLASS_OPACITY_LOSS - TRANSMISSION_OPACITY_LOSS
    return (f"(1.0 - ({TRANSMISSION_OPACITY_LOSS:.6g} + {extra:.6g} * (1.0 - clamp(roughness / "
            f"{HAZE_ROUGHNESS:.6g}, 0.0, 1.0))) * {float(material.transmission):.6g}"
            f" * {texture} * (1.0 - metallic))")


def opacity_loss(roughness: float) -> float:
    """How much of a fully transmissive material's opacity goes at ``roughness``."""
    smooth = 1.0 - min(max(roughness / HAZE_ROUGHNESS, 0.0), 1.0)
    extra = CLEAR_GLASS_OPACITY_LOSS - TRANSMISSION_OPACITY_LOSS
    return TRANSMISSION_OPACITY_LOSS + extra * smooth


def live_view_material(material: ResolvedMaterial) -> ResolvedMaterial:
    """What the rasteriser draws for ``material``: an unlit one glowing in its base colour, a
    transmissive one of metal throughout opaque, the volume's attenuation as a tint (sheen is
    added in the shader, ``_sheen_light``)."""
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
    actor_uv = None if mapping is None else _mesh_uv(mesh, mapping.texcoord)
    slots = {}
    own: dict[str, np.ndarray] = {}
    if actor_uv is not None:
        set_point_array(actor, TCOORDS, vtk_tcoords(transformed_uv(actor_uv, mapping.transform)),
                        tcoords=True)
        for name, slot in _drawn_slots(material).items():
            if slot.mapping.texcoord == mapping.texcoord and slot.transform == mapping.transform:
                slots[name] = slot
                continue
            uv = _mesh_uv(mesh, slot.texcoord)
            if uv is not None:
                own[name] = vtk_tcoords(transformed_uv(uv, slot.transform))
                slots[name] = slot
        _slot_coordinates(actor, slots, own)
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
    functions = _DOMINANT_DIRECTION  # GLSL functions the shader declares
    if "normal" in slots:
        prop.SetNormalTexture(texture("normal"))
        _mirrored_uvs_turn_the_bitangent(actor, mesh)
        functions += _reflections_stay_above_the_surface(actor)
    if "clearcoat_normal" in slots and material.clearcoat > 0:
        prop.SetCoatNormalTexture(texture("clearcoat_normal"))
        prop.SetCoatNormalScale(material.clearcoat_normal_scale)

    def lookup(name: str, channels: str) -> str:
        prop.SetTexture(SAMPLERS[name], texture(name))
        uv = _coordinates(name, slots[name], name in own)  # see _slot_coordinates
        return f"texture({SAMPLERS[name]}, {uv}).{channels}"

    after_lighting = []  # GLSL run after VTK's lighting, in one replacement (a second
    if any(material.sheen_color):  # replacement of the same tag would undo the first)
        functions += _sheen_albedo_glsl()
        after_lighting.append(_sheen_light(material, {
            name: lookup(name, channels) for name, channels in
            (("sheen_color", "rgb"), ("sheen_roughness", "a")) if name in slots}))
    kept_here = None
    if material.transmission > 0:
        kept_here = _kept_at_fragment(material, lookup("transmission", "r")
                                      if "transmission" in slots else "1.0")
    if material.alpha_mode == "MASK":
        if kept >= 1.0:
            actor.ForceOpaqueOn()
        after_lighting.append(_alpha_test(material.alpha_cutoff, kept, kept_here))
    elif material.transmission > 0:
        after_lighting.append(f"  gl_FragData[0].a *= {kept_here} / {kept:.6f};")
        after_lighting.append(_REFLECTIONS_OVER_TRANSMISSION)
    if after_lighting:
        actor.GetShaderProperty().AddFragmentShaderReplacement(
            "//VTK::Light::Impl", True, "\n".join(["//VTK::Light::Impl", *after_lighting]),
            False)

    lines = dict(_COAT_LINES) if material.clearcoat > 0 else {}
    lines.update(_DOMINANT_REFLECTION)
    if material.anisotropy > 0:
        lines.update(_ANISOTROPY_LINES)
    if "anisotropy" in slots:
        sample = lookup("anisotropy", "rgb")
        lines[_ANISOTROPY_STRENGTH] = (f"  vec3 anisotropySample = {sample};\n"
                                       "  float anisotropy = anisotropyUniform * "
                                       "anisotropySample.b;")
        lines[_ANISOTROPY_ROTATION] = (
            "  vec2 anisotropyDirection = anisotropySample.rg * 2.0 - 1.0;\n"
            "  if (dot(anisotropyDirection, anisotropyDirection) < 1e-8) "
            "{ anisotropyDirection = vec2(1.0, 0.0); }\n"
            "  float anisotropyRotation = anisotropyRotationUniform + "
            "atan(anisotropyDirection.y, anisotropyDirection.x) / (2.0 * PI);")
    if "clearcoat" in slots:
        lines[_COAT_STRENGTH] = ("  float coatStrength = coatStrengthUniform * "
                                 f"{lookup('clearcoat', 'r')};")
    if "clearcoat_roughness" in slots:
        lines[_COAT_ROUGHNESS] = ("  float coatRoughness = coatRoughnessUniform * "
                                  f"{lookup('clearcoat_roughness', 'g')};")
    dielectric_f0 = "vec3(baseF0Uniform)"
    if uses_specular(material) or material.clearcoat > 0:
        # glTF's F0: the specular colour (VTK's base IOR gives only its brightness) times its
        # texture, at most 1, times the specular factor and texture; under a coat VTK takes
        # the base's F0 against the coat's index (none for 1.5 on 1.5), glTF against air
        tint = "vec3({:.6g}, {:.6g}, {:.6g})".format(*specular_tint(material))
        if "specular_color" in slots:
            tint = f"{tint} * {lookup('specular_color', 'rgb')}"
        strength = f"{material.specular:.6g}"
        if "specular" in slots:
            strength = f"{strength} * {lookup('specular', 'a')}"
        dielectric_f0 = f"min({tint}, vec3(1.0)) * {strength}"
        lines[_BASE_F0] = f"  vec3 F0 = mix({dielectric_f0}, albedo, metallic);"
    if material.iridescence > 0:
        functions += THIN_FILM_GLSL
        lines[_BASE_F0] = _thin_film_f0(material, dielectric_f0, {
            name: lookup(name, channel) for name, channel in
            (("iridescence", "r"), ("iridescence_thickness", "g")) if name in slots})
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
    return _GEOMETRY_NORMAL if "normal" in slots else "N"
