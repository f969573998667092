"""Stills to files: 8-bit sRGB PNG, 16-bit PNG, linear EXR; always written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from app.errors import AppError
from app.files import write_atomically
from app.photoreal.render import PhotorealImage

FORMATS = ("png", "png16", "exr")


def format_for(path: Path, requested: str | None = None) -> str:
    """The output format: ``requested``, else from the suffix (.exr -> exr, else png)."""
    if requested is not None:
        if requested not in FORMATS:
            raise AppError(f"expected one of {', '.join(FORMATS)}, got '{requested}'",
                           field="--format")
        if requested == "exr" and path.suffix.lower() != ".exr":
            raise AppError("expected a .exr file name for the exr format", file=str(path))
        return requested
    return "exr" if path.suffix.lower() == ".exr" else "png"


def to_pil(image: PhotorealImage) -> Image.Image:
    """8-bit display image (RGB, or RGBA when transparent)."""
    pixels = np.round(np.clip(image.display, 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGBA" if pixels.shape[2] == 4 else "RGB")


def write_image(image: PhotorealImage, path: str | os.PathLike, fmt: str = "png") -> Path:
    target = Path(path)
    if fmt == "png":
        return write_atomically(target, lambda tmp: to_pil(image).save(tmp, format="PNG"))
    if fmt == "png16":
        pixels = np.round(np.clip(image.display, 0, 1) * 65535).astype(np.uint16)
        return write_atomically(target, lambda tmp: _bitmap(pixels).write(str(tmp)))
    if fmt == "exr":
        return write_atomically(target, lambda tmp: _bitmap(image.linear).write(str(tmp)))
    raise AppError(f"expected one of {', '.join(FORMATS)}, got '{fmt}'", field="format")


def _bitmap(pixels: np.ndarray):
    from app.photoreal.backend import activate_mitsuba

    mi = activate_mitsuba()
    layout = mi.Bitmap.PixelFormat.RGBA if pixels.shape[2] == 4 else mi.Bitmap.PixelFormat.RGB
    return mi.Bitmap(np.ascontiguousarray(pixels), layout)


