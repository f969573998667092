"""A transparent still (with its contact shadow in the alpha) placed on the floor of a room photo.

The still's ground contact point is the bottom centre of its solid pixels (alpha at least
``SOLID_ALPHA``): the soft shadow around it is partly transparent and does not count. That point
lands on ``position`` in the photo; ``scale`` resizes the still first.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from app.errors import AppError
from app.files import write_bytes_atomically

__all__ = ["RoomPreviewError", "composite", "composite_files", "contact_point"]

SOLID_ALPHA = 250
MAX_PHOTO_PIXELS = 64_000_000
MAX_SCALE = 16.0


class RoomPreviewError(AppError):
    """A room preview cannot be made from these inputs."""


def contact_point(still: Image.Image) -> tuple[float, float]:
    """(x, y) in still pixels where the product meets the floor."""
    alpha = np.asarray(still.getchannel("A"))
    solid = alpha >= SOLID_ALPHA
    if not solid.any():
        solid = alpha > 0
    if not solid.any():
        raise RoomPreviewError("the still is fully transparent: nothing to place",
                               field="still")
    rows = np.flatnonzero(solid.any(axis=1))
    columns = np.flatnonzero(solid.any(axis=0))
    return (columns[0] + columns[-1] + 1) / 2.0, float(rows[-1] + 1)


def composite(still_rgba: Image.Image, room_photo: Image.Image, position: tuple[float, float],
              scale: float = 1.0) -> Image.Image:
    """The photo (RGB) with the still laid over it, its contact point at ``position``."""
    if still_rgba.mode != "RGBA":
        raise RoomPreviewError(f"the still has no transparency (mode {still_rgba.mode}); "
                               "render it with a transparent background", field="still")
    if not 0.0 < scale <= MAX_SCALE:
        raise RoomPreviewError(f"expected a scale in (0, {MAX_SCALE}], got {scale}",
                               field="scale")
    photo = room_photo.convert("RGB")
    x, y = position
    if not (0 <= x <= photo.width and 0 <= y <= photo.height):
        raise RoomPreviewError(f"({x:g}, {y:g}) lies outside the {photo.width}x{photo.height} "
                               "photo", field="position")
    anchor_x, anchor_y = contact_point(still_rgba)
    size = (max(1, round(still_rgba.width * scale)), max(1, round(still_rgba.height * scale)))
    scaled = still_rgba.resize(size, Image.Resampling.LANCZOS) if scale != 1.0 else still_rgba
    layer = Image.new("RGBA", photo.size, (0, 0, 0, 0))
    layer.paste(scaled, (round(x - anchor_x * scale), round(y - anchor_y * scale)))
    return Image.alpha_composite(photo.convert("RGBA"), layer).convert("RGB")


def _open(path: Path, field: str) -> Image.Image:
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise RoomPreviewError(
                    f"{image.width}x{image.height} is larger than {MAX_PHOTO_PIXELS} pixels",
                    file=str(path), field=field)
            image.load()
            return image.copy()
    except FileNotFoundError:
        raise RoomPreviewError("file not found", file=str(path), field=field) from None
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise RoomPreviewError(f"not a readable image ({error.__class__.__name__}); expected a "
                               "JPEG or PNG", file=str(path), field=field) from None


def composite_files(still: Path, photo: Path, *, position: tuple[float, float],
                    scale: float, out: Path) -> Path:
    """Read both images, composite them and write ``out`` (JPEG or PNG, atomically)."""
    suffix = Path(out).suffix.lower()
    formats = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
    if suffix not in formats:
        raise RoomPreviewError("expected a .jpg, .jpeg or .png file name", file=str(out),
                               field="out")
    still_image = _open(still, "still")
    if still_image.mode != "RGBA":
        still_image = still_image.convert("RGBA") if "transparency" in still_image.info \
            else still_image
    result = composite(still_image, _open(photo, "photo"), position, scale)
    buffer = io.BytesIO()
    result.save(buffer, format=formats[suffix], **({"quality": 92} if suffix != ".png" else {}))
    return write_bytes_atomically(out, buffer.getvalue(), create_folder=True)
