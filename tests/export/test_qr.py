"""QR codes decode back to exactly what was encoded."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from app.errors import AppError
from app.export.qr import qr_image, qr_terminal_text, write_qr

URL = "http://192.168.1.20:8765/s/Yq3v9_ZkT0fP-2sLwX8aQeR1uN4bH6cD/"


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_qr_image_decodes_to_the_url():
    image = qr_image(URL, scale=4, border=4)
    assert image.mode == "RGB"
    assert decoded(image) == [URL]
    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_png_and_svg_files(tmp_path):
    png = write_qr(URL, tmp_path / "share.png", scale=5)
    with Image.open(png) as image:
        assert decoded(image.convert("RGB")) == [URL]
    svg = write_qr(URL, tmp_path / "share.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["share.png", "share.svg"]


def test_terminal_text_has_one_character_row_per_two_modules():
    text = qr_terminal_text(URL)
    rows = text.strip("\n").splitlines()
    modules = qr_image(URL, scale=1, border=4).height
    assert len(rows) == (modules + 1) // 2
    assert "\u2580" in text or "\u2584" in text


def test_bad_requests_raise_app_errors(tmp_path):
    with pytest.raises(AppError, match="expected a .png or .svg"):
        write_qr(URL, tmp_path / "share.jpg")
    with pytest.raises(AppError, match="nothing to encode"):
        qr_image("")
    assert not list(tmp_path.iterdir())
