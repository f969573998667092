"""PBR materials on vtkProperty: the scene's ResolvedMaterial or a model file's own material.

VTK's rasteriser has no transmission; a transmissive material is drawn as partly transparent
(opacity reduced by TRANSMISSION_OPACITY_LOSS * transmission), which reads as glass at a glance.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonCore import VTK_UNSIGNED_CHAR
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkRenderingCore import vtkActor, vtkTexture

from app.assets.mesh import MeshMaterial, TextureImage
from app.errors import AssetError
from app.scene.description import ResolvedMaterial, TextureRef
from app.viewport.polydata import TCOORDS, vtk_tcoords

TRANSMISSION_OPACITY_LOSS = 0.8
GLTF_CLEARCOAT_IOR = 1.5


def image_to_vtk_texture(pixels: np.ndarray, *, srgb: bool, source: str = "") -> vtkTexture:
    """uint8 (H, W[, C]) pixels, row 0 at the top -> a repeating, mip-mapped vtkTexture."""
    pixels = np.asarray(pixels)
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
    flat = np.ascontiguousarray(pixels[::-1]).reshape(-1, channels)
    array = numpy_to_vtk(flat, deep=True, array_type=VTK_UNSIGNED_CHAR)
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


class TextureCache:
    """vtkTextures made once per (image source, colour space, alpha kept)."""

    def __init__(self, load: Callable[[TextureRef], TextureImage]):
        self._load = load
        self._textures: dict[tuple[str, bool, bool], vtkTexture] = {}
        self._white: vtkTexture | None = None

    def for_ref(self, ref: TextureRef, *, keep_alpha: bool = True) -> vtkTexture:
        key = (ref.source, ref.srgb, keep_alpha)
        if key not in self._textures:
            self._textures[key] = self._make(self._load(ref), ref.srgb, keep_alpha)
        return self._textures[key]

    def for_image(self, image: TextureImage, *, srgb: bool, keep_alpha: bool = True) -> vtkTexture:
        key = (image.source, srgb, keep_alpha)
        if key not in self._textures:
            self._textures[key] = self._make(image, srgb, keep_alpha)
        return self._textures[key]

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
    prop.SetOcclusionStrength(1.0)
    prop.SetNormalScale(1.0)
    prop.BackfaceCullingOff()
    actor.GetMapper().ScalarVisibilityOff()


def _set_uv_scale(actor: vtkActor, base_uv: np.ndarray | None, scale: tuple[float, float]) -> None:
    if base_uv is None:
        return
    poly = actor.GetMapper().GetInput()
    tcoords = poly.GetPointData().GetTCoords()
    new = vtk_tcoords(base_uv, scale)
    current = vtk_to_numpy(tcoords) if tcoords is not None else None
    if current is not None and current.shape == new.shape and np.array_equal(current, new):
        return
    array = numpy_to_vtk(new, deep=True)
    array.SetName(TCOORDS)
    poly.GetPointData().SetTCoords(array)
    poly.Modified()


def apply_resolved_material(
    actor: vtkActor,
    material: ResolvedMaterial,
    textures: TextureCache,
    base_uv: np.ndarray | None,
) -> None:
    """Set the actor's PBR property from a scene material (colours already linear)."""
    _reset_property(actor)
    prop = actor.GetProperty()
    prop.SetColor(*material.base_color)
    prop.SetMetallic(material.metallic)
    prop.SetRoughness(material.roughness)
    prop.SetBaseIOR(material.ior)
    prop.SetOpacity(material.opacity * (1.0 - TRANSMISSION_OPACITY_LOSS * material.transmission))
    prop.SetCoatStrength(material.clearcoat)
    prop.SetCoatRoughness(material.clearcoat_roughness)
    prop.SetCoatIOR(GLTF_CLEARCOAT_IOR)
    prop.SetNormalScale(material.normal_scale)
    has_uv = base_uv is not None
    _set_uv_scale(actor, base_uv, material.uv_scale)
    if has_uv and material.base_color_texture is not None:
        prop.SetBaseColorTexture(
            textures.for_ref(material.base_color_texture, keep_alpha=material.opacity < 1.0)
        )
    if has_uv and material.orm_texture is not None:
        prop.SetORMTexture(textures.for_ref(material.orm_texture))
    if has_uv and material.normal_texture is not None:
        prop.SetNormalTexture(textures.for_ref(material.normal_texture))
    if has_uv and material.emissive_texture is not None:
        prop.SetEmissiveFactor(*(material.emissive if any(material.emissive) else (1, 1, 1)))
        prop.SetEmissiveTexture(textures.for_ref(material.emissive_texture))
    elif any(material.emissive):
        prop.SetEmissiveFactor(*material.emissive)
        prop.SetEmissiveTexture(textures.white())


def apply_model_material(
    actor: vtkActor,
    material: MeshMaterial,
    textures: TextureCache,
    base_uv: np.ndarray | None,
    has_vertex_colors: bool,
) -> None:
    """Set the actor's PBR property from the material the model file declares (glTF style)."""
    _reset_property(actor)
    prop = actor.GetProperty()
    r, g, b, a = material.base_color
    prop.SetColor(r, g, b)
    prop.SetMetallic(material.metallic)
    prop.SetRoughness(material.roughness)
    opacity = a if material.alpha_mode == "BLEND" else 1.0
    prop.SetOpacity(opacity * (1.0 - TRANSMISSION_OPACITY_LOSS * material.transmission))
    has_uv = base_uv is not None
    _set_uv_scale(actor, base_uv, (1.0, 1.0))
    if has_uv and material.base_color_texture is not None:
        keep_alpha = material.alpha_mode == "BLEND"
        prop.SetBaseColorTexture(
            textures.for_image(material.base_color_texture, srgb=True, keep_alpha=keep_alpha)
        )
    elif has_vertex_colors:
        actor.GetMapper().ScalarVisibilityOn()
    if has_uv and material.orm_texture is not None:
        prop.SetORMTexture(textures.for_image(material.orm_texture, srgb=False))
        prop.SetOcclusionStrength(1.0 if material.occlusion_in_orm else 0.0)
    if has_uv and material.normal_texture is not None:
        prop.SetNormalTexture(textures.for_image(material.normal_texture, srgb=False))
    if has_uv and material.emissive_texture is not None:
        prop.SetEmissiveFactor(*material.emissive)
        prop.SetEmissiveTexture(textures.for_image(material.emissive_texture, srgb=True))
    elif any(material.emissive):
        prop.SetEmissiveFactor(*material.emissive)
        prop.SetEmissiveTexture(textures.white())
