"""The colour glass gives what is seen through it, in the live view.

VTK blends a transmissive part over what lies behind it by its opacity (materials.py), which
adds its own colour but leaves what is behind untinted: deep blue glass over a white backdrop
came out pale blue where the still (and a photograph) shows the backdrop blue. Before such a
part is drawn, a second actor of the same mesh multiplies what is behind it by the colour one
surface of the material passes on (its base colour and, for a volume, the share of the
attenuation one wall accounts for), with OpenGL's blend factors (zero, source colour) set
around its draw. With a transparent background the least channel it passes becomes
transparency, as in the still."""

from __future__ import annotations

import math
from collections.abc import Callable

from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from app.scene.description import ResolvedMaterial
from app.scene.material_looks import volume_tint

GL_ZERO, GL_ONE = 0, 1
GL_SRC_COLOR = 0x0300
GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA = 0x0302, 0x0303
CLEAR = 0.999  # a colour passed on at least this much in every channel tints nothing
BASE_COLOUR_TEXTURE = "albedoTex"  # the name VTK gives a property's base colour texture


def transmitted_colour(material: ResolvedMaterial) -> tuple[float, float, float] | None:
    """The linear colour one surface of ``material`` multiplies the light through it by,
    before its base colour texture: the base colour factor and the square root of the
    volume's tint (a closed solid's light passes two surfaces); None for an opaque or unlit
    material, or a clear one without a base colour texture."""
    if material.transmission <= 0 or material.unlit:
        return None
    colour = tuple(float(min(max(b * math.sqrt(t), 0.0), 1.0))
                   for b, t in zip(material.base_color[:3], volume_tint(material), strict=True))
    if min(colour) >= CLEAR and material.base_color_texture is None:
        return None
    return colour  # type: ignore[return-value]


# VTK's PBR shader has the base colour (times its texture, made linear) as ``albedo``, and
# the opacity uniform times the texture's alpha as ``opacity``
_TINT = ("  gl_FragData[0] = vec4(clamp(albedo, 0.0, 1.0),"
         " 1.0 - clamp(min(min(albedo.r, albedo.g), albedo.b), 0.0, 1.0));")


def _tint_shader(cutoff: float | None) -> str:
    """The tint, with the fragments an alpha MASK of ``cutoff`` cuts away discarded."""
    if cutoff is None:
        return _TINT
    return f"  if (opacity < {float(cutoff):.6f}) {{ discard; }}\n" + _TINT


def tint_actor(source: vtkActor, material: ResolvedMaterial, colour: tuple[float, float, float],
               state: Callable[[], object]) -> vtkActor:
    """An actor drawing ``source``'s mesh (its input, transform and visibility) that
    multiplies the colour behind it by ``colour`` times ``source``'s base colour texture,
    where ``material``'s alpha MASK keeps the surface; ``state()`` gives the render window's
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
    set_tint(actor, source, material, colour)

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
             colour: tuple[float, float, float]) -> None:
    """``colour``, ``source``'s base colour texture (if it has one) and ``material``'s alpha
    MASK on the tint ``actor``."""
    prop = actor.GetProperty()
    prop.SetColor(*colour)
    prop.SetBackfaceCulling(source.GetProperty().GetBackfaceCulling())  # a single side
    masked = material.alpha_mode == "MASK"
    prop.SetOpacity(material.opacity if masked else 1.0)
    shaders = actor.GetShaderProperty()
    shaders.ClearAllShaderReplacements()
    shaders.AddFragmentShaderReplacement(
        "//VTK::Light::Impl", True,
        "//VTK::Light::Impl\n" + _tint_shader(material.alpha_cutoff if masked else None), False)
    prop.RemoveAllTextures()
    texture = source.GetProperty().GetTexture(BASE_COLOUR_TEXTURE)
    if texture is not None:
        prop.SetBaseColorTexture(texture)
