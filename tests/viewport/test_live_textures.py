"""The live view's textures: at most LIVE_TEXTURE_SIDE pixels a side."""

from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy

from app.viewport.vtk_textures import LIVE_TEXTURE_SIDE, image_to_vtk_texture


def _image_of(texture) -> tuple[tuple[int, int, int], np.ndarray]:
    image = texture.GetInput()
    return image.GetDimensions(), vtk_to_numpy(image.GetPointData().GetScalars())


def test_an_8k_texture_is_drawn_at_half_its_size_with_its_colours():
    pixels = np.zeros((2 * LIVE_TEXTURE_SIDE, 300, 3), np.uint8)
    pixels[: LIVE_TEXTURE_SIDE] = (200, 30, 10)  # its top half red, bottom half black
    (width, height, _), scalars = _image_of(image_to_vtk_texture(pixels, srgb=True))
    assert (width, height) == (150, LIVE_TEXTURE_SIDE)
    rows = scalars.reshape(height, width, 3)[::-1]  # VTK's first row is the image's last
    assert (rows[0] == (200, 30, 10)).all() and (rows[-1] == 0).all()


def test_a_4k_texture_is_drawn_as_it_is():
    pixels = np.random.default_rng(2).integers(0, 256, (LIVE_TEXTURE_SIDE, 64, 4), np.uint8)
    (width, height, _), scalars = _image_of(image_to_vtk_texture(pixels, srgb=False))
    assert (width, height) == (64, LIVE_TEXTURE_SIDE)
    assert np.array_equal(scalars.reshape(height, width, 4)[::-1], pixels)


def test_textures_of_one_image_share_its_pixels_and_samplings_vtk_cannot_tell_apart():
    """A file whose textures sample one large image in every way glTF's samplers can held a
    copy of its pixels for each; VTK wraps both axes alike, so samplers that wrap each axis its
    own way are one texture to it."""
    from vtkmodules.vtkRenderingCore import vtkTexture

    from app.assets.mesh import TextureImage
    from app.assets.refs import TextureSampler
    from app.scene.description import TextureRef
    from app.viewport.vtk_textures import TextureCache

    loads = []

    def load(ref):
        loads.append(ref.source)
        return TextureImage(np.full((8, 8, 4), 90, np.uint8), ref.source)

    cache = TextureCache(load)
    colour, data = TextureRef("big.png", srgb=True), TextureRef("big.png", srgb=False)
    repeat_mirror = cache.for_ref(colour, sampler=TextureSampler("REPEAT", "MIRRORED_REPEAT"))
    clamp_repeat = cache.for_ref(colour, sampler=TextureSampler("CLAMP_TO_EDGE", "REPEAT"))
    assert repeat_mirror is clamp_repeat  # both repeat in VTK, wrapped in the shader
    clamped = cache.for_ref(colour, sampler=TextureSampler("CLAMP_TO_EDGE", "CLAMP_TO_EDGE"))
    nearest = cache.for_ref(data, sampler=TextureSampler(nearest=True, mipmaps=False))
    assert len({id(t) for t in (repeat_mirror, clamped, nearest)}) == 3
    assert clamped.GetWrap() == vtkTexture.ClampToEdge and not nearest.GetInterpolate()
    assert not nearest.GetUseSRGBColorSpace() and clamped.GetUseSRGBColorSpace()
    images = {t.GetInput() for t in (repeat_mirror, clamped, nearest)}
    assert len(images) == 1  # one copy of the pixels
    assert loads == ["big.png"]
    opaque = cache.for_ref(colour, keep_alpha=False)
    assert opaque.GetInput().GetPointData().GetScalars().GetNumberOfComponents() == 3
