"""GLSL for VTK's PBR shader where it draws a glTF material otherwise than glTF says, and the
functions that add it to an actor as shader replacements.

Lines of VTK's fragment shader, each with the line that replaces it: the clear coat's
weighting (``COAT_LINES``), glTF's anisotropy (``ANISOTROPY_LINES``), the environment read
along the dominant direction (``DOMINANT_REFLECTION``), the extension textures that multiply a
uniform (``COAT_STRENGTH``, ``COAT_ROUGHNESS``, ``BASE_F0``, ``ANISOTROPY_STRENGTH``,
``ANISOTROPY_ROTATION``). GLSL built by what a material has: the thin film's F0
(``thin_film_f0``), the sheen (``sheen_light``), the alpha test (``alpha_test``), reflections
over transmission (``REFLECTIONS_OVER_TRANSMISSION``); the material's factors are not written
into it but are the actor's uniforms (``set_uniforms``), so that parts whose factors differ
share a shader. Replacements added to an actor: texture coordinates of a
slot's own and per-axis wrapping (``add_slot_coordinates``), the bitangent turned on mirrored
UVs (``mirrored_uvs_turn_the_bitangent``), a normal map's reflections kept above the surface
(``reflections_stay_above_the_surface``). ``materials.apply_material`` chooses which a
material needs.
"""

from __future__ import annotations

import functools

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor

from app.assets.mesh import MeshData
from app.scene.description import ResolvedMaterial, TextureSlot
from app.scene.sheen import MIN_SHEEN_ROUGHNESS, fibre_albedo_table
from app.scene.thin_film import film_outside_ior
from app.viewport.polydata import (
    HANDEDNESS,
    set_point_array,
    tangents_from_uv_set,
    uv_handedness,
)
from app.viewport.vtk_textures import SAMPLERS

# the extension textures VTK has no texture for, drawn by replacing the PBR shader's line that
# reads the uniform with one that multiplies it (glTF's channels: R coat strength, G coat
# roughness, A specular, RGB specular colour, which scale the dielectric F0)
COAT_STRENGTH = "  float coatStrength = coatStrengthUniform;"
COAT_ROUGHNESS = "  float coatRoughness = coatRoughnessUniform;"
BASE_F0 = "  vec3 F0 = mix(vec3(baseF0Uniform), albedo, metallic);"
# VTK stretches the highlight by Disney's aspect (alpha r^2 / a along the tangent, r^2 * a
# across, a = sqrt(1 - 0.9 anisotropy): past alpha 1 for a rough surface); glTF's anisotropy
# widens the tangent's alpha towards 1 and keeps r^2 across it
ANISOTROPY_LINES = {
    "  float at = max(r2 / aspect, 0.001);":
        "  float at = max(mix(r2, 1.0, anisotropy * anisotropy), 0.001);",
    "  float ab = max(r2 * aspect, 0.001);": "  float ab = max(r2, 0.001);",
}
# VTK's own anisotropy texture holds the strength and the rotation (a fraction of a turn that
# multiplies the uniform's); glTF's holds a direction in tangent space (RG, 0..1 for -1..1)
# turned further by the rotation, and the strength (B): read in place of the uniforms
ANISOTROPY_STRENGTH = "  float anisotropy = anisotropyUniform;"
ANISOTROPY_ROTATION = "  float anisotropyRotation = anisotropyRotationUniform;"
# VTK reads the environment's reflection along the mirror direction at every roughness. The
# light a rough surface reflects comes mostly from nearer its normal (the GGX lobe leans
# towards it as it widens), so it is read along Frostbite's dominant direction (Lagarde and
# de Rousiers, "Moving Frostbite to PBR", 2014): from the normal to the mirror direction by
# s (sqrt(s) + alpha), s = 1 - alpha; a mirror reads the mirror direction, alpha 1 the normal.
# Under the studio a sphere of rough metal (roughness 1) had come out 7/255 darker than in
# the still.
DOMINANT_DIRECTION = """
vec3 dominantDirection(vec3 n, vec3 r, float alpha)
{
  float smoothness = 1.0 - alpha;
  return mix(n, r, smoothness * (sqrt(smoothness) + alpha));
}
"""
DOMINANT_REFLECTION = {
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
# dominant direction of its blur (as DOMINANT_REFLECTION); one whose reflection points into
# the surface is dark (masked), as in the path tracer.
ANISOTROPY_TAPS = 12
ANISOTROPY_LINES[
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
COAT_LINES = {
    "  vec3 iblSpecularClearCoat = prefilteredSpecularCoatColor * "
    "(coatF0 * coatBrdf.r + coatBrdf.g) * Fc;":
        "  vec3 iblSpecularClearCoat = prefilteredSpecularCoatColor * "
        "(coatF0 * coatBrdf.r + coatBrdf.g) * coatStrength;",
    "  specular *= (1.0 - Fc) * (1.0 - Fc);": "  specular *= (1.0 - Fc);",
}
# the normal a part's reflections of the other parts are followed about (screen_reflections):
# the surface's own where a normal texture bends N, for a reflection that meets a part or
# misses it by the texture's grain would speckle
GEOMETRY_NORMAL = "normalize(tbn[2])"


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


def lookup_coordinates(slot_name: str, slot: TextureSlot, own: bool) -> str:
    """The fragment shader's expression of the coordinates a slot's look-up reads: the
    actor's or its own (``add_slot_coordinates``), wrapped per axis where its sampler says so."""
    uv = f"uv_{slot_name}VS" if own else "tcoordVCVSOutput"
    if not slot.sampler.per_axis:
        return uv
    wrap_s, wrap_t = slot.sampler.wrap_codes
    return f"axisWrap({uv}, {wrap_s}, {wrap_t}, vec2(textureSize({SAMPLERS[slot_name]}, 0)))"


def add_slot_coordinates(actor: vtkActor, slots: dict[str, TextureSlot],
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
        uv = lookup_coordinates(slot_name, slots[slot_name], slot_name in coordinates)
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


def reflections_stay_above_the_surface(actor: vtkActor) -> str:
    """The normal map's reflection normal bent as ``_VALID_REFLECTION`` says; returns that
    function, for ``materials.apply_material`` to declare with the shader's others (a second
    replacement of the same tag would undo the first)."""
    shaders = actor.GetShaderProperty()
    for line, bent in _VALID_REFLECTION_LINES.items():
        shaders.AddFragmentShaderReplacement(line, False, bent, False)
    return _VALID_REFLECTION


def mirrored_uvs_turn_the_bitangent(actor: vtkActor, mesh: MeshData, texcoord: int) -> None:
    """VTK's normal map takes the bitangent as cross(normal, tangent); glTF's turns it by the
    UVs' handedness (tangent.w), so a normal map on mirrored UVs draws its bumps as dents.
    The per-vertex handedness of the mesh's UV set ``texcoord``, the one its tangents were
    made from (``polydata.uv_handedness``, worked out once per part and set, whose mesh
    stays), is passed to the fragment shader and multiplies it."""
    if not tangents_from_uv_set(actor, mesh, texcoord):
        return
    if actor.GetMapper().GetInput().GetPointData().GetArray(HANDEDNESS) is None:
        set_point_array(actor, HANDEDNESS, uv_handedness(mesh, mesh.uv_sets[texcoord]),
                        tcoords=False)
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


def thin_film_uniforms(material: ResolvedMaterial) -> dict[str, float | tuple[float, ...]]:
    """``material``'s thin film, by the uniforms ``thin_film_f0`` reads."""
    return {FILM_THICKNESS: tuple(float(t) for t in material.iridescence_thickness),
            FILM_WEIGHT: float(material.iridescence), FILM_IOR: float(material.iridescence_ior),
            FILM_OUTSIDE_IOR: film_outside_ior(material.clearcoat)}


def thin_film_f0(dielectric_f0: str, textures: dict[str, str]) -> str:
    """GLSL in place of VTK's F0 line for a material under a thin film (VTK has no thin film;
    as Khronos' viewer draws it): the film's reflectance along the view
    (``thinFilmReflectance``) over the dielectric's F0 and over the metal's colour, turned
    into the F0 whose Schlick Fresnel gives it there, and mixed into F0 by the iridescence
    (the factor times its texture's red, ``textures['iridescence']``). The film's thickness is
    its maximum, or from its minimum to its maximum by the thickness texture's green; under a
    clear coat the film lies under the coat's index (``film_outside_ior``). The factors are
    the actor's uniforms (``thin_film_uniforms``)."""
    thickness = (f"mix({FILM_THICKNESS}.x, {FILM_THICKNESS}.y, "
                 f"{textures['iridescence_thickness']})"
                 if "iridescence_thickness" in textures else f"{FILM_THICKNESS}.y")
    weight = FILM_WEIGHT
    if "iridescence" in textures:
        weight = f"{weight} * {textures['iridescence']}"
    ior, outside = FILM_IOR, FILM_OUTSIDE_IOR
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
def sheen_albedo_glsl() -> str:
    """GLSL ``sheenAlbedo(roughness, cosView)``: the share of the light a white glTF sheen
    reflects towards a view (the fibre sheen's directional albedo, the still's, tabled by
    ``fibre_albedo_table`` and read between its entries); made once."""
    table = fibre_albedo_table()
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


# A material's factors reach its shader as the actor's uniforms (``set_uniforms``), not written
# into the code: each distinct literal made a shader of its own to compile (about 0.3 s each),
# so that a model of a hundred glasses of different roughness, or cutoffs, or specular colours,
# took half a minute longer to draw; parts whose factors differ now share one shader.
SHEEN_COLOUR, SHEEN_ROUGHNESS = "sheenColourUniform", "sheenRoughnessUniform"
TRANSMISSION = "transmissionUniform"  # glTF's transmission factor
KEPT_OPACITY = "keptOpacityUniform"  # the opacity a transmissive material keeps (materials)
ALPHA_CUTOFF = "alphaCutoffUniform"
SPECULAR_TINT, SPECULAR = "specularTintUniform", "specularUniform"  # KHR_materials_specular
FILM_THICKNESS = "filmThicknessUniform"  # (minimum, maximum) nm
FILM_WEIGHT, FILM_IOR = "iridescenceUniform", "filmIorUniform"
FILM_OUTSIDE_IOR = "filmOutsideIorUniform"


def set_uniforms(actor, values: dict[str, float | tuple[float, ...]]) -> None:
    """``values`` (a number, or 2 or 3 of them) as ``actor``'s fragment shader uniforms, in
    place of those it had: the set of names is part of the shader's code, their values not."""
    uniforms = actor.GetShaderProperty().GetFragmentCustomUniforms()
    if uniforms.GetNumberOfUniforms():
        uniforms.RemoveAllUniforms()
    for name, value in values.items():
        if isinstance(value, tuple | list):
            numbers = [float(v) for v in value]
            (uniforms.SetUniform2f if len(numbers) == 2 else uniforms.SetUniform3f)(name,
                                                                                    numbers)
        else:
            uniforms.SetUniformf(name, float(value))


def sheen_light(textures: dict[str, str]) -> str:
    """glTF's sheen where VTK has no sheen lobe, after its lighting: the share of the light
    a sheen layer reflects towards the view (``sheen_albedo_glsl`` at N.V and the sheen
    roughness) times the sheen colour, of the environment's light on the surface (its
    irradiance), over what VTK lit, which gives way by that share of the sheen's strongest
    channel. Towards the silhouette the albedo grows: velvet's rim. The sheen colour and
    roughness are the actor's uniforms ``SHEEN_COLOUR`` and ``SHEEN_ROUGHNESS``
    (``sheen_uniforms``) times their textures (``textures``: GLSL look-ups by slot): one
    shader for every sheen (300 velvets of their own colours took 98 s to draw with a shader
    each)."""
    colour = SHEEN_COLOUR
    if "sheen_color" in textures:
        colour = f"{colour} * {textures['sheen_color']}"
    roughness = SHEEN_ROUGHNESS
    if "sheen_roughness" in textures:
        roughness = f"{roughness} * {textures['sheen_roughness']}"
    return f"""\
  vec3 sheenColour = {colour};
  float sheenShare = sheenAlbedo({roughness}, NdV);
  float sheenStrongest = max(max(sheenColour.r, sheenColour.g), sheenColour.b);
  gl_FragData[0].rgb = gl_FragData[0].rgb * (1.0 - sheenStrongest * sheenShare)
    + irradiance * sheenColour * sheenShare;"""


def sheen_uniforms(material: ResolvedMaterial) -> dict[str, float | tuple[float, ...]]:
    """``material``'s sheen colour and roughness factors, by the uniforms ``sheen_light``
    reads."""
    return {SHEEN_COLOUR: tuple(float(c) for c in material.sheen_color),
            SHEEN_ROUGHNESS: float(material.sheen_roughness)}


# Glass: what it mirrors of the environment is added in full over what lies behind it, not
# dimmed with its opacity. Blending draws opacity * colour + (1 - opacity) * behind, so the
# shader's image-based specular term is added once more, times (1 / opacity - 1); the
# tone-mapping pass draws into a float buffer, so the sum is kept past 1. Without it a clear
# crystal's reflections of the studio's softboxes were dimmed to almost nothing.
REFLECTIONS_OVER_TRANSMISSION = (
    "  gl_FragData[0].rgb += iblSpecular * (1.0 / max(gl_FragData[0].a, 0.02) - 1.0);")


def alpha_test(kept_here: str | None = None) -> str:
    """Alpha MASK: the fragments whose alpha is below the cutoff (``ALPHA_CUTOFF``) discarded,
    the rest drawn with the opacity the material keeps (``KEPT_OPACITY``: opaque, or partly
    transparent for a transmissive material, whose opacity loss is taken out of the alpha
    before the test), or the fragment's own (``kept_here``, a GLSL expression)."""
    return (f"  if (gl_FragData[0].a / {KEPT_OPACITY} < {ALPHA_CUTOFF}) {{ discard; }}\n"
            f"  gl_FragData[0].a = {kept_here or KEPT_OPACITY};")
