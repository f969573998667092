"""Swatch images for choices: the choice's own swatch, the material's swatch image, its colour
texture, or a plain colour, in that order."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap

from app.domain.material import Material
from app.domain.product import Choice, OptionGroup


def swatch_source(choice: Choice, group: OptionGroup, materials: Mapping[str, Material],
                  root: Path, colour: str | None = None) -> tuple[str | None, Path | None]:
    """(colour '#rrggbb' or None, image file or None) to draw for ``choice``."""
    if colour is not None:
        return colour, None
    if choice.swatch:
        if choice.swatch.startswith("#"):
            return choice.swatch, None
        path = Path(choice.swatch)
        path = path if path.is_absolute() else root / path
        if path.is_file():
            return None, path
    if choice.free_colour is not None:
        return choice.free_colour.default, None
    if choice.color is not None:
        return choice.color, None
    material = materials.get(choice.material or group.material or "")
    if material is None:
        return "#cccccc", None
    folder = Path(material.source).parent if material.source else root / "assets/materials"
    for name in (material.swatch, material.textures.base_color):
        if name and (folder / name).is_file():
            return None, folder / name
    return material.base_color, None


def square_image(path: Path) -> QImage | None:
    """The centre square of an image file (None when it cannot be read)."""
    picture = QImage(str(path))
    if picture.isNull():
        return None
    side = min(picture.width(), picture.height())
    return picture.copy((picture.width() - side) // 2, (picture.height() - side) // 2, side, side)


def round_swatch(colour: str | None, image: Path | None, size: int, *,
                 device_pixel_ratio: float = 1.0, selected: bool = False,
                 available: bool = True) -> QPixmap:
    """A rounded square swatch; a ring marks the selected one, a diagonal an unavailable one."""
    pixels = max(1, round(size * device_pixel_ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    inset = 3.0
    rect = QRectF(inset, inset, size - 2 * inset, size - 2 * inset)
    path = QPainterPath()
    path.addRoundedRect(rect, size * 0.18, size * 0.18)
    painter.setClipPath(path)
    drawn = False
    crop = square_image(image) if image is not None else None
    if crop is not None:
        painter.drawImage(rect, crop)
        drawn = True
    if not drawn:
        painter.fillRect(rect, QColor(colour or "#cccccc"))
    painter.setClipping(False)
    painter.setPen(QPen(QColor(0, 0, 0, 60), 1.0))
    painter.drawPath(path)
    if selected:
        painter.setPen(QPen(QColor("#1a73e8"), 2.5))
        painter.drawRoundedRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5), size * 0.2, size * 0.2)
    if not available:
        painter.fillRect(rect, QColor(255, 255, 255, 140))
        painter.setPen(QPen(QColor("#b3261e"), 2.0))
        painter.drawLine(rect.bottomLeft(), rect.topRight())
    painter.end()
    return pixmap
