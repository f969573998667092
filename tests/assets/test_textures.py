import numpy as np
import pytest
from PIL import Image

from app.assets.textures import at_most_side, load_texture, pixels_digest
from app.errors import AssetError

from .conftest import CORNER_BLUE, CORNER_RED
from .test_bad_input import png_header_only


def test_rgb_texture_rows_start_at_the_top(corner_png):
    texture = load_texture(corner_png)
    assert texture.pixels.shape == (8, 8, 3) and texture.pixels.dtype == np.uint8
    assert tuple(texture.pixels[0, 0]) == CORNER_RED
    assert tuple(texture.pixels[-1, 0]) == CORNER_BLUE
    assert texture.source == str(corner_png)
    assert not texture.pixels.flags.writeable


def test_alpha_is_kept_and_palette_and_grey_become_rgb(tmp_path):
    rgba = np.zeros((2, 3, 4), np.uint8)
    rgba[..., 3] = 128
    Image.fromarray(rgba).save(tmp_path / "a.png")
    assert load_texture(tmp_path / "a.png").pixels.shape == (2, 3, 4)
    assert load_texture(tmp_path / "a.png").pixels[0, 0, 3] == 128
    Image.new("L", (4, 2), 77).save(tmp_path / "g.png")
    grey = load_texture(tmp_path / "g.png").pixels
    assert grey.shape == (2, 4, 3) and (grey == 77).all()


def test_missing_texture(tmp_path):
    with pytest.raises(AssetError, match="texture file not found") as caught:
        load_texture(tmp_path / "x.png")
    assert caught.value.file == str(tmp_path / "x.png")


def test_not_an_image(tmp_path):
    (tmp_path / "x.png").write_text("not a png")
    with pytest.raises(AssetError, match="not an image"):
        load_texture(tmp_path / "x.png")


def test_truncated_image(tmp_path):
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (64, 64, 3), np.uint8)).save(
        tmp_path / "full.png"
    )
    data = (tmp_path / "full.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(AssetError, match="damaged or truncated") as caught:
        load_texture(tmp_path / "cut.png")
    assert caught.value.file == str(tmp_path / "cut.png")


def test_limit_is_per_call(corner_png):
    with pytest.raises(AssetError, match="limit for textures is 63 pixels"):
        load_texture(corner_png, max_pixels=63)
    assert load_texture(corner_png, max_pixels=64).pixels.shape == (8, 8, 3)


def test_pillow_bomb_becomes_asset_error_and_pillow_is_untouched(tmp_path):
    before = Image.MAX_IMAGE_PIXELS
    bomb = png_header_only(tmp_path / "bomb.png", 20000, 20000)
    with pytest.raises(AssetError, match="decompression bomb"):
        load_texture(bomb, max_pixels=10**12)
    with pytest.raises(AssetError, match="decompression bomb"):
        load_texture(png_header_only(tmp_path / "big.png", 9000, 9000))
    assert Image.MAX_IMAGE_PIXELS == before


def test_srgb_bytes_become_linear_as_the_srgb_curve_says():
    from app.assets.textures import linear_from_srgb_bytes
    from app.domain.colour import srgb_to_linear

    every = np.arange(256, dtype=np.uint8).reshape(16, 16)
    expected = np.array([srgb_to_linear(v / 255.0) for v in range(256)]).reshape(16, 16)
    got = linear_from_srgb_bytes(every)
    assert got.dtype == np.float32 and got.shape == (16, 16)
    assert np.allclose(got, expected, atol=1e-6)


def test_a_texture_s_mean_colour_is_the_mean_of_its_linear_pixels():
    from app.assets.mesh import TextureImage
    from app.assets.textures import mean_colour
    from app.domain.colour import srgb_to_linear

    pixels = np.zeros((2, 2, 4), np.uint8)
    pixels[0] = (255, 0, 128, 10)  # alpha is no colour
    pixels[1] = (0, 0, 128, 255)
    half, mid = 0.5, srgb_to_linear(128 / 255)
    assert mean_colour(TextureImage(pixels, "t"), srgb=True) == pytest.approx((half, 0.0, mid))
    assert mean_colour(TextureImage(pixels, "t"), srgb=False) == pytest.approx(
        (half, 0.0, 128 / 255))
    grey = TextureImage(np.full((2, 2), 51, np.uint8), "g")
    assert mean_colour(grey, srgb=True) == pytest.approx((srgb_to_linear(0.2),) * 3)


def test_pixels_digest_names_the_pixels_not_the_array():
    pixels = np.zeros((4, 5, 3), np.uint8)
    digest = pixels_digest(pixels)
    assert pixels_digest(pixels.copy()) == digest  # the same pixels, another array
    edited = pixels.copy()
    edited[3, 4, 2] = 1
    assert pixels_digest(edited) != digest
    assert pixels_digest(pixels.reshape(5, 4, 3)) != digest  # same bytes, other shape
    assert pixels_digest(pixels.astype(np.float32)) != digest


def test_pixels_digest_is_not_kept_for_an_array_that_is_gone():
    digests = set()
    for value in range(20):  # freed arrays' addresses are handed out again
        pixels = np.full((8, 8, 3), value, np.uint8)
        pixels.setflags(write=False)  # as a loaded texture's: its digest is kept while it lives
        digests.add(pixels_digest(pixels))
        del pixels
    assert len(digests) == 20


def test_pixels_digest_of_an_array_that_can_change_follows_it():
    pixels = np.zeros((4, 4, 3), np.uint8)
    before = pixels_digest(pixels)
    pixels[0, 0, 0] = 9
    assert pixels_digest(pixels) != before


@pytest.mark.parametrize(("pixels", "expected"), [
    (np.full((4, 4), 40000, np.uint16), 156),  # a 16-bit grey PNG at 61 %: was white (255)
    (np.full((4, 4), 0.5, np.float32), 128),  # a float grey at 0.5: was black (0)
])
def test_greys_of_more_than_eight_bits_are_scaled_not_clipped(tmp_path, pixels, expected):
    path = tmp_path / ("grey.png" if pixels.dtype == np.uint16 else "grey.tif")
    Image.fromarray(pixels).save(path)
    texture = load_texture(path)
    assert texture.pixels.shape == (4, 4, 3)
    assert abs(int(texture.pixels[0, 0, 0]) - expected) <= 1


@pytest.mark.parametrize("shape", [(9000, 5000), (9000, 5000, 1), (8200, 30, 2),
                                   (8200, 8200, 3), (100, 16384, 4)])
def test_a_texture_past_a_side_is_halved_until_it_fits(shape):
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, shape, dtype=np.uint8)
    smaller = at_most_side(pixels, 4096)
    assert max(smaller.shape[:2]) <= 4096 and smaller.dtype == np.uint8
    assert smaller.shape[2:] == pixels.shape[2:]
    factor = 2 if max(pixels.shape[:2]) <= 8192 else 4
    assert smaller.shape[:2] == tuple(-(-n // factor) for n in pixels.shape[:2])
    # each pixel the mean of the block it stands for, every channel alike (within rounding)
    block = pixels[:factor, :factor].reshape(factor * factor, -1).mean(axis=0)
    assert np.allclose(smaller[0, 0].reshape(-1), block, atol=1)


def test_a_texture_within_the_side_is_left_as_it_is():
    pixels = np.zeros((4096, 1000, 3), np.uint8)
    assert at_most_side(pixels, 4096) is pixels
