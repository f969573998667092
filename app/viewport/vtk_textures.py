"""Textures for the live view: images uploaded to VTK (vtkTexture) and cached per source.

``image_to_vtk_texture`` turns pixels into a repeating, mip-mapped vtkTexture of at most
``LIVE_TEXTURE_SIDE`` pixels a side; ``with_sampler`` sets it to sample as a glTF sampler says;
``TextureCache`` makes each one once per (image source, colour space, alpha kept, sampling as
VTK samples), those of one image sharing its pixels (``vtk_image``).
``SAMPLERS`` names the PBR fragment shader's texture look-up for each ResolvedMaterial slot.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import VTK_UNSIGNED_CHAR
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkRenderingCore import vtkTexture

from app.assets.mesh import TextureImage
from app.assets.refs import TextureSampler
from app.assets.textures import at_most_side, mean_colour
from app.errors import AssetError
from app.scene.description import TextureRef

# the live view draws a texture at most this many pixels a side (a 4k texture as it is; an 8k
# one at half: a fourth of the memory, and the mipmap the view would sample at any distance
# that shows the whole product)
LIVE_TEXTURE_SIDE = 4096


def image_to_vtk_texture(pixels: np.ndarray, *, srgb: bool, source: str = "") -> vtkTexture:
    """uint8 (H, W[, C]) pixels, row 0 at the top -> a repeating, mip-mapped vtkTexture, at
    most ``LIVE_TEXTURE_SIDE`` pixels a side (``at_most_side``)."""
    return texture_of(vtk_image(pixels, source=source), srgb=srgb)


def vtk_image(pixels: np.ndarray, *, source: str = "") -> vtkImageData:
    """uint8 (H, W[, C]) pixels, row 0 at the top, as the image a vtkTexture samples (a copy of
    its own, at most ``LIVE_TEXTURE_SIDE`` pixels a side): textures of one image that sample
    it in different ways share it."""
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
    return image


def texture_of(image: vtkImageData, *, srgb: bool) -> vtkTexture:
    """A repeating, mip-mapped vtkTexture of ``image``."""
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


def vtk_sampling(sampler: TextureSampler) -> tuple[int, bool, bool]:
    """(wrap, interpolate, mipmap): ``sampler`` as VTK samples. VTK wraps both axes alike: a
    sampler that wraps each its own way repeats, and the fragment shader wraps its coordinates
    (``material_shaders.add_slot_coordinates``)."""
    wrap = (vtkTexture.Repeat if sampler.per_axis
            else _WRAPS.get(sampler.wrap_s, vtkTexture.Repeat))
    return wrap, not sampler.nearest, sampler.mipmaps


def with_sampler(texture: vtkTexture, sampler: TextureSampler) -> vtkTexture:
    """``texture`` set to sample as ``sampler`` says (``vtk_sampling``)."""
    wrap, interpolate, mipmap = vtk_sampling(sampler)
    texture.SetWrap(wrap)
    texture.SetInterpolate(interpolate)
    texture.SetMipmap(mipmap)
    return texture


class TextureCache:
    """vtkTextures made once per (image source, colour space, alpha kept, sampling as VTK
    samples), those of one image and alpha sharing one copy of its pixels: a file whose
    textures sample one 8000-pixel image in every way glTF's samplers can held a copy of it for
    each."""

    def __init__(self, load: Callable[[TextureRef], TextureImage]):
        self._load = load
        self._textures: dict[tuple, vtkTexture] = {}
        self._images: dict[tuple[str, bool], vtkImageData] = {}
        self._means: dict[str, tuple[float, float, float]] = {}
        self._white: vtkTexture | None = None

    def for_ref(self, ref: TextureRef, *, keep_alpha: bool = True,
                sampler: TextureSampler | None = None) -> vtkTexture:
        sampler = sampler or TextureSampler()
        key = (ref.source, ref.srgb, keep_alpha, vtk_sampling(sampler))
        if key not in self._textures:
            if (ref.source, keep_alpha) not in self._images:
                self._images[ref.source, keep_alpha] = self._image(self._load(ref), keep_alpha)
            texture = texture_of(self._images[ref.source, keep_alpha], srgb=ref.srgb)
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
    def _image(image: TextureImage, keep_alpha: bool) -> vtkImageData:
        pixels = np.asarray(image.pixels)
        if not keep_alpha and pixels.ndim == 3 and pixels.shape[2] == 4:
            pixels = pixels[..., :3]
        return vtk_image(pixels, source=image.source)
