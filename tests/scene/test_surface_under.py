"""Where each texel of a decal lies on its part: the part's texture coordinates there, and the
part's tangent frame in the decal's (so the part's normals can go into the decal's map)."""

from __future__ import annotations

import numpy as np
import pytest

from app.assets.refs import TextureSampler
from app.personalize.decal_geometry import DecalMesh
from app.scene.surface_under import sample, surface_under

SQUARE = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], np.float32)
FACES = np.array([[0, 1, 2], [0, 2, 3]], np.int32)
DECAL_UV = np.stack([SQUARE[:, 0], 1.0 - SQUARE[:, 1]], axis=1)  # u along x, v down (y up)


def square(part_uv) -> DecalMesh:
    return DecalMesh(vertices=SQUARE, faces=FACES, normals=np.tile([0, 0, 1], (4, 1)),
                     uv=DECAL_UV, part_uv=None if part_uv is None else np.asarray(part_uv))


def test_each_texel_gets_the_part_s_coordinates_under_its_centre():
    under = surface_under(square(DECAL_UV * 0.5 + 0.25), (8, 4))
    assert under.covered.all()
    rows, cols = np.indices((4, 8))
    expected = np.stack([(cols + 0.5) / 8 * 0.5 + 0.25, (rows + 0.5) / 4 * 0.5 + 0.25], axis=-1)
    np.testing.assert_allclose(under.uv, expected, atol=1e-6)
    np.testing.assert_allclose(under.frame, np.broadcast_to(np.eye(2), (4, 8, 2, 2)),
                               atol=1e-6)


def test_a_part_mapped_crosswise_turns_its_normals_into_the_decal_s_frame():
    # the part's u runs up the square (y), its v along x: its +X is the decal's +Y, its +Y
    # (against v) the decal's -X
    crosswise = np.stack([SQUARE[:, 1], SQUARE[:, 0]], axis=1)
    frame = surface_under(square(crosswise), (4, 4)).frame[1, 1]
    np.testing.assert_allclose(frame @ [1.0, 0.0], [0.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(frame @ [0.0, 1.0], [-1.0, 0.0], atol=1e-6)


def test_no_surface_without_the_part_s_coordinates():
    assert surface_under(square(None), (4, 4)) is None


def test_only_texels_under_a_triangle_are_covered():
    half = DecalMesh(vertices=SQUARE, faces=FACES[:1], normals=np.tile([0, 0, 1], (4, 1)),
                     uv=DECAL_UV, part_uv=DECAL_UV)
    covered = surface_under(half, (8, 8)).covered
    rows, cols = np.indices((8, 8))
    # triangle (0,0)-(1,0)-(1,1): below the diagonal in the square, above it in the image
    assert covered[rows > 7 - cols].all() and not covered[rows < 7 - cols].any()


def test_textures_are_read_between_their_pixels_with_their_wrap_modes():
    pixels = np.array([[[0], [100]], [[200], [40]]], np.uint8)  # 2 x 2
    centres = np.array([[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]])
    assert sample(pixels, centres)[:, 0] == pytest.approx([0, 100, 200, 40])
    assert sample(pixels, [[0.5, 0.25]])[0, 0] == pytest.approx(50)  # half way along a row
    assert sample(pixels, [[1.25, 0.25]])[0, 0] == pytest.approx(0)  # repeats
    clamped = TextureSampler(wrap_s="CLAMP_TO_EDGE", wrap_t="CLAMP_TO_EDGE")
    assert sample(pixels, [[1.25, 0.25]], sampler=clamped)[0, 0] == pytest.approx(100)


def test_coordinates_that_are_no_numbers_leave_their_texels_uncovered():
    bad = DECAL_UV.copy()
    bad[1] = (np.nan, np.inf)  # a corner of the first triangle only
    under = surface_under(square(bad), (8, 8))
    rows, cols = np.indices((8, 8))
    assert not under.covered[rows > 7 - cols].any()  # the first triangle's texels
    assert under.covered[rows < 7 - cols].all()  # the other triangle is read as before
    assert np.isfinite(under.uv).all() and np.isfinite(under.frame).all()


def test_texels_are_decoded_before_they_are_blended():
    pixels = np.array([[[0], [255]]], np.uint8)  # black and white, side by side

    def linear(texels):
        return (texels.astype(np.float32) / 255) ** 2.2

    between = sample(pixels, [[0.5, 0.5]], decode=linear)[0, 0]
    assert between == pytest.approx(0.5)  # half the light, not half the byte value decoded
