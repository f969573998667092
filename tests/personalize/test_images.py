import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from app.errors import ConfigurationError
from app.personalize.images import load_upload, place_image

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def save(image, path, fmt, **kw):
    image.save(path, format=fmt, **kw)
    return path


def stripes(width, height, colours):
    """Vertical stripes of equal width, left to right."""
    a = np.zeros((height, width, 3), np.uint8)
    for i, c in enumerate(colours):
        a[:, i * width // len(colours): (i + 1) * width // len(colours)] = c
    return Image.fromarray(a)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def test_png_jpeg_and_webp_load_as_rgba(tmp_path):
    picture = stripes(30, 20, [RED, BLUE])
    for fmt in ("PNG", "JPEG", "WEBP"):
        upload = load_upload(save(picture, tmp_path / f"p.{fmt.lower()}", fmt, quality=95))
        assert upload.format == fmt
        assert upload.rgba.shape == (20, 30, 4)
        assert upload.rgba.dtype == np.uint8
        assert not upload.has_transparency
        assert np.abs(upload.rgba[10, 3, :3].astype(int) - RED).max() < 40
        assert np.abs(upload.rgba[10, 26, :3].astype(int) - BLUE).max() < 40


def test_format_is_recognised_by_content_not_name(tmp_path):
    upload = load_upload(save(stripes(8, 8, [RED]), tmp_path / "photo.jpg", "PNG"))
    assert upload.format == "PNG"


def test_exif_orientation_is_applied(tmp_path):
    picture = stripes(40, 20, [RED, BLUE])  # red left, blue right
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90 degrees clockwise
    path = save(picture, tmp_path / "phone.jpg", "JPEG", exif=exif, quality=95)
    upload = load_upload(path)
    assert (upload.width, upload.height) == (20, 40)
    assert np.abs(upload.rgba[5, 10, :3].astype(int) - RED).max() < 40  # red now on top
    assert np.abs(upload.rgba[35, 10, :3].astype(int) - BLUE).max() < 40


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_transparency_is_kept(tmp_path, fmt):
    a = np.zeros((10, 10, 4), np.uint8)
    a[..., 0] = 200
    a[:, 5:, 3] = 255
    a[:, :5, 3] = 64
    upload = load_upload(save(Image.fromarray(a, "RGBA"), tmp_path / "a.img", fmt,
                              lossless=True))
    assert upload.has_transparency
    assert upload.rgba[3, 2, 3] == 64 and upload.rgba[3, 8, 3] == 255


def test_palette_transparency_and_16_bit_grey_are_converted(tmp_path):
    p = Image.new("P", (4, 4), 1)
    p.putpalette([0, 0, 0, 255, 255, 0] + [0] * 762)
    p.putpixel((0, 0), 0)
    upload = load_upload(save(p, tmp_path / "p.png", "PNG", transparency=0))
    assert upload.rgba[0, 0, 3] == 0
    assert tuple(upload.rgba[2, 2]) == (255, 255, 0, 255)
    grey = Image.fromarray(np.full((4, 4), 65535 // 2, np.uint16))
    upload = load_upload(save(grey, tmp_path / "g.png", "PNG"))
    assert abs(int(upload.rgba[1, 1, 0]) - 127) <= 1
    cmyk = Image.new("CMYK", (4, 4), (0, 255, 255, 0))
    upload = load_upload(save(cmyk, tmp_path / "c.jpg", "JPEG", quality=95))
    assert upload.rgba[1, 1, 0] > 200 and upload.rgba[1, 1, 1] < 60


def expect_refusal(path, words, **limits):
    with pytest.raises(ConfigurationError) as caught:
        load_upload(path, **limits)
    assert str(path) in str(caught.value)
    assert words in str(caught.value)


def test_missing_and_empty_files_are_refused(tmp_path):
    expect_refusal(tmp_path / "nothing.png", "does not exist")
    (tmp_path / "empty.png").write_bytes(b"")
    expect_refusal(tmp_path / "empty.png", "empty")


def test_not_an_image_and_other_formats_are_refused(tmp_path):
    (tmp_path / "notes.png").write_text("hello, not a picture")
    expect_refusal(tmp_path / "notes.png", "not a picture")
    expect_refusal(save(stripes(8, 8, [RED]), tmp_path / "anim.png", "GIF"), "GIF pictures")
    expect_refusal(save(stripes(8, 8, [RED]), tmp_path / "b.webp", "BMP"), "BMP pictures")


def test_truncated_files_are_refused(tmp_path):
    noisy = Image.fromarray(np.random.default_rng(1).integers(0, 255, (64, 64, 3), np.uint8))
    for fmt in ("PNG", "JPEG", "WEBP"):
        full = save(noisy, tmp_path / f"full.{fmt}", fmt).read_bytes()
        cut = tmp_path / f"cut.{fmt}"
        cut.write_bytes(full[: len(full) // 2])
        expect_refusal(cut, "damaged or incomplete")


def test_too_many_bytes_is_refused(tmp_path):
    path = save(stripes(64, 64, [RED]), tmp_path / "p.png", "PNG")
    expect_refusal(path, "pictures can be at most", max_bytes=50)


def test_too_many_pixels_is_refused_before_decoding(tmp_path):
    path = save(stripes(300, 200, [RED]), tmp_path / "p.png", "PNG")
    expect_refusal(path, "300 x 200 pixels", max_pixels=50_000)


def test_decompression_bomb_header_is_refused(tmp_path):
    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)  # 3.6 gigapixels, RGB
    data = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + png_chunk(b"IEND", b""))
    path = tmp_path / "bomb.png"
    path.write_bytes(data)
    with pytest.raises(ConfigurationError) as caught:
        load_upload(path)
    assert "bomb.png" in str(caught.value)
    assert "pixels" in str(caught.value)


@pytest.fixture
def three_stripes(tmp_path):
    """200 x 100 pixels: red, green, blue thirds."""
    return load_upload(save(stripes(201, 100, [RED, GREEN, BLUE]), tmp_path / "s.png", "PNG"))


def opaque(rgba):
    return rgba[..., 3] > 127


def green_share(row):
    return float(np.mean((row[:, 1] > 127) & (row[:, 0] < 128)))


def test_fit_shows_all_of_the_picture_letterboxed(three_stripes):
    placed = place_image(three_stripes, 50, 50, "fit", 2.0)
    assert placed.rgba.shape == (100, 100, 4)
    rows = np.nonzero(opaque(placed.rgba).all(axis=1))[0]
    assert (rows[0], rows[-1] + 1) == (25, 75)
    assert not opaque(placed.rgba)[:24].any() and not opaque(placed.rgba)[76:].any()
    assert green_share(placed.rgba[50]) == pytest.approx(1 / 3, abs=0.03)


def test_fill_stretches_the_picture_over_the_zone(three_stripes):
    placed = place_image(three_stripes, 50, 50, "fill", 2.0)
    assert opaque(placed.rgba).all()
    assert green_share(placed.rgba[10]) == pytest.approx(1 / 3, abs=0.03)
    assert green_share(placed.rgba[90]) == pytest.approx(1 / 3, abs=0.03)


def test_crop_covers_the_zone_and_cuts_the_sides(three_stripes):
    placed = place_image(three_stripes, 50, 50, "crop", 2.0)
    assert opaque(placed.rgba).all()
    # the middle half of the picture's width is shown: 1/6 red, 2/3 green, 1/6 blue
    assert green_share(placed.rgba[50]) == pytest.approx(2 / 3, abs=0.03)
    assert placed.rgba[50, 2, 0] > 200 and placed.rgba[50, 97, 2] > 200


def test_low_resolution_warning_below_150_ppi(tmp_path):
    sharp = load_upload(save(stripes(300, 300, [RED]), tmp_path / "a.png", "PNG"))
    placed = place_image(sharp, 50.8, 50.8, "fit", 4.0)  # 2 inches: exactly 150 ppi
    assert placed.effective_ppi == pytest.approx(150.0)
    assert placed.warnings == []
    small = load_upload(save(stripes(200, 100, [RED]), tmp_path / "b.png", "PNG"))
    placed = place_image(small, 50.8, 50.8, "crop", 4.0)  # 100 px over 2 inches
    assert placed.effective_ppi == pytest.approx(50.0)
    assert len(placed.warnings) == 1
    assert "50 pixels per inch" in placed.warnings[0]
    assert "600 x 300 pixels" in placed.warnings[0]
