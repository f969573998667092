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
