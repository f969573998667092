"""Swatch pictures: the material's image, cropped square, as the file is now."""

from __future__ import annotations

import os

from PIL import Image
from PySide6.QtGui import QColor

from app.ui.swatches import round_swatch, square_image


def centre_colour(pixmap) -> tuple[int, int, int]:
    image = pixmap.toImage()
    colour = QColor(image.pixel(image.width() // 2, image.height() // 2))
    return colour.red(), colour.green(), colour.blue()


def test_swatch_image_is_cropped_square_and_follows_the_file(qtbot, tmp_path):
    path = tmp_path / "swatch.png"
    Image.new("RGB", (60, 40), (200, 30, 30)).save(path)
    crop = square_image(path)
    assert (crop.width(), crop.height()) == (40, 40)
    assert centre_colour(round_swatch(None, path, 48)) == (200, 30, 30)
    Image.new("RGB", (60, 40), (20, 160, 40)).save(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert centre_colour(round_swatch(None, path, 48)) == (20, 160, 40)


def test_an_unreadable_swatch_image_falls_back_to_the_colour(qtbot, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    assert square_image(broken) is None
    assert square_image(tmp_path / "missing.png") is None
    assert centre_colour(round_swatch("#3366cc", broken, 48)) == (0x33, 0x66, 0xcc)
