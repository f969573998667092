"""The colour glass gives what is seen through it, in the live view.

VTK blends a transmissive part over what lies behind it by its opacity (materials.py), which
adds its own colour but leaves what is behind untinted: deep blue glass over a white backdrop
came out pale blue where the still (and a photograph) shows the backdrop blue. Before such a
part is drawn, a second actor of the same mesh multiplies what is behind it by the colour one
surface of the material passes on (its base colour and, for a volume, the share of the
attenuation one wall accounts for), with OpenGL's blend factors (zero, source colour) set
around its draw. With a transparent background the least channel it passes becomes
transparency, as in the still. What the surface reflects it does not pass on: the colour is
weighed by one less its Fresnel reflectance at the fragment (Schlick's, from its F0, rising
towards one less its roughness edge-on, as a rough surface's reflection of the studio does),
so glass seen edge-on lets little of what is behind through and its rims show dark, as in the
still and in a photograph. Clear glass is tinted too: without it a clear glass head over a
white studio was drawn as no more than its highlights, where the still shows its rims and
folds. Where the mesh knows how thick it is at each vertex (a closed
glass, ``MeshData.thickness``) the volume's share is worked out per fragment from that, so a
thin wall stays pale over a deep-coloured foot, as in the still. A glass with a thickness
whose mesh is closed (``refracts_as_solid``) is a solid that light crosses by two surfaces,
each of which passes the square root of its base colour (as the still's principled BSDF does
at each), so the two together pass the base colour once; a thin glass passes its base colour
at each surface."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from app.assets.thickness import absorbs_in_its_volume
from app.scene.description import ResolvedMaterial
from app.scene.material_looks import (
    metal_stops_light,
    reflectance_at_normal,
    volume_tint,
)
from app.viewport.material_shaders import ALPHA_CUTOFF, set_uniforms
from app.viewport.polydata import set_point_array
from app.viewport.vtk_textures import SAMPLERS

GL_ZERO, GL_ONE = 0, 1
GL_SRC_COLOR = 0x0300
GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA = 0x0302, 0x0303
THICKNESS = "thickness"  # the point array of the thickness at each vertex


def transmitted_colour(material: ResolvedMaterial, *, per_vertex: bool = False
                       ) -> tuple[float, float, float] | None:
    """The linear colour the tint of ``material`` starts from, before its base colour
    texture: the base colour factor, times the volume's tint unless that is worked out
    ``per_vertex`` (the tint shader takes a solid's square root per surface); None for an
    opaque (metal throughout included) or unlit material."""
    if metal_stops_light(material).transmission <= 0 or material.unlit:
        return None
    tint = (1.0, 1.0, 1.0) if per_vertex else volume_tint(material)
    colour = tuple(float(min(max(b * t, 0.0), 1.0))
                   for b, t in zip(material.base_color[:3], tint, strict=True))
    return colour  # type: ignore[return-value]


def drawn_thickness(material: ResolvedMaterial, thickness: np.ndarray | None,
                    vertex_count: int) -> np.ndarray | None:
    """The thickness per vertex the tint of ``material`` is worked out from: the mesh's own
    (``thickness``), where the material has a volume and it fits the mesh; else None."""
    if thickness is None or not absorbs_in_its_volume(material) or len(thickness) != vertex_count:
        return None
    return thickness


# VTK's PBR shader has the base colour (times its texture, made linear) as ``albedo``, and
# the opacity uniform times the texture's alpha as ``opacity``
_TINT = ("  gl_FragData[0] = vec4(clamp(albedo, 0.0, 1.0),"
         " 1.0 - clamp(min(min(albedo.r, albedo.g), albedo.b), 0.0, 1.0));")


REFLECTANCE = "reflectanceUniform"  # the glass's reflectance head on (F0)
ATTENUATION_COLOUR = "attenuationColourUniform"  # glTF's attenuation colour, kept above 0
ATTENUATION_SHARE = "attenuationShareUniform"  # half of one over the attenuation distance


def _tint_shader(masked: bool, solid: bool, volume: bool) -> str:
    """The tint, with the fragments a ``masked`` material's cutoff (``ALPHA_CUTOFF``) cuts
    away discarded, the square root of the colour for a ``solid`` (one of the two surfaces
    light crosses it by), the ``volume``'s attenuation over the thickness at each fragment
    (the square root of what it lets through that thickness, likewise), and less what the
    surface reflects at the fragment's angle to the viewer (VTK's ``NdV``) for its
    reflectance head on (``REFLECTANCE``), at its ``roughness`` there (the factor times the
    ORM texture's green, as VTK's shader has it). The factors are the actor's uniforms
    (``_tint_uniforms``), so that glasses that differ only in them share one shader."""
    lines = ["  albedo = sqrt(max(albedo, vec3(0.0)));"] if solid else []
    lines.append(f"  albedo *= 1.0 - ({REFLECTANCE} + (max(1.0 - roughness, {REFLECTANCE}) - "
                 f"{REFLECTANCE}) * pow(1.0 - NdV, 5.0));")
    if masked:
        lines.append(f"  if (opacity < {ALPHA_CUTOFF}) {{ discard; }}")
    if volume:
        lines.append(f"  albedo *= pow({ATTENUATION_COLOUR}, vec3(max({THICKNESS}VS, 0.0) * "
                     f"{ATTENUATION_SHARE}));")
    return "\n".join([*lines, _TINT])


def _tint_uniforms(material: ResolvedMaterial, masked: bool, volume: bool
                   ) -> dict[str, float | tuple[float, ...]]:
    """The factors ``_tint_shader`` reads, of ``material``."""
    values: dict[str, float | tuple[float, ...]] = {
        REFLECTANCE: float(reflectance_at_normal(material))}
    if masked:
        values[ALPHA_CUTOFF] = float(material.alpha_cutoff)
    if volume:
        values[ATTENUATION_COLOUR] = tuple(min(max(float(c), 1e-6), 1.0)
                                           for c in material.attenuation_color)
        values[ATTENUATION_SHARE] = 0.5 / float(material.attenuation_distance)
    return values


_VERTEX_DEC = f"//VTK::Clip::Dec\nin float {THICKNESS}MC;\nout float {THICKNESS}VS;"
_VERTEX_IMPL = f"//VTK::Clip::Impl\n  {THICKNESS}VS = {THICKNESS}MC;"
_FRAGMENT_DEC = f"//VTK::Clip::Dec\nin float {THICKNESS}VS;"


def tint_actor(source: vtkActor, material: ResolvedMaterial, colour: tuple[float, float, float],
               state: Callable[[], object], thickness: np.ndarray | None = None, *,
               solid: bool = False) -> vtkActor:
    """An actor drawing ``source``'s mesh (its input, transform and visibility) that
    multiplies the colour behind it by ``colour`` times ``source``'s base colour texture
    (and by the volume's share over ``thickness``, per vertex, if given; each of a
    ``solid``'s two surfaces by its square root), where ``material``'s alpha MASK keeps the
    surface; ``state()`` gives the render window's
    vtkOpenGLState, whose blend factors are set around its draw and put back after."""
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(source.GetMapper().GetInput())
    mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    actor.PickableOff()
    actor.ForceTranslucentOn()
    actor.SetUserMatrix(source.GetUserMatrix())
    actor.SetVisibility(source.GetVisibility())
    actor.GetProperty().SetInterpolationToPBR()
    set_tint(actor, source, material, colour, thickness, solid=solid)

    before = [GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA]

    def multiply(_caller, _event) -> None:
        state().GetBlendFuncState(before)  # what the other translucent parts are drawn with
        state().vtkglBlendFuncSeparate(GL_ZERO, GL_SRC_COLOR, GL_ONE, GL_ONE_MINUS_SRC_ALPHA)

    def blend(_caller, _event) -> None:
        state().vtkglBlendFuncSeparate(*before)

    # the mapper binds its shader program just before it draws, and reports its progress done
    # just after
    mapper.AddObserver(vtkCommand.UpdateShaderEvent, multiply)
    mapper.AddObserver(vtkCommand.ProgressEvent, blend)
    return actor


def set_tint(actor: vtkActor, source: vtkActor, material: ResolvedMaterial,
             colour: tuple[float, float, float], thickness: np.ndarray | None = None, *,
             solid: bool = False) -> None:
    """``colour``, ``source``'s base colour texture (if it has one), ``material``'s alpha
    MASK and its volume over ``thickness`` per vertex (if given) on the tint ``actor``; a
    ``solid`` (``refracts_as_solid``) passes the colour once by its two surfaces."""
    prop = actor.GetProperty()
    prop.SetColor(*colour)
    prop.SetRoughness(material.roughness)  # the reflection taken out is the glass's own
    prop.SetBackfaceCulling(source.GetProperty().GetBackfaceCulling())  # a single side
    masked = material.alpha_mode == "MASK"
    prop.SetOpacity(material.opacity if masked else 1.0)
    shaders = actor.GetShaderProperty()
    shaders.ClearAllShaderReplacements()
    mapper = actor.GetMapper()
    mapper.RemoveAllVertexAttributeMappings()
    if thickness is not None:
        set_point_array(actor, THICKNESS, np.asarray(thickness, dtype=np.float32),
                        tcoords=False)
        mapper.MapDataArrayToVertexAttribute(f"{THICKNESS}MC", THICKNESS, 0, -1)
        shaders.AddVertexShaderReplacement("//VTK::Clip::Dec", True, _VERTEX_DEC, False)
        shaders.AddVertexShaderReplacement("//VTK::Clip::Impl", True, _VERTEX_IMPL, False)
        shaders.AddFragmentShaderReplacement("//VTK::Clip::Dec", True, _FRAGMENT_DEC, False)
    volume = thickness is not None
    set_uniforms(actor, _tint_uniforms(material, masked, volume))
    shaders.AddFragmentShaderReplacement(
        "//VTK::Light::Impl", True, "//VTK::Light::Impl\n" + _tint_shader(masked, solid, volume),
        False)
    prop.RemoveAllTextures()
    texture = source.GetProperty().GetTexture(SAMPLERS["base_color"])
    if texture is not None:
        prop.SetBaseColorTexture(texture)
    orm = source.GetProperty().GetTexture(SAMPLERS["orm"])
    if orm is not None:  # its roughness, as the glass's reflection has it
        prop.SetORMTexture(orm)

