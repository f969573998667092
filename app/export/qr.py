"""QR codes for share links and share codes: as an image, a PNG or SVG file, or terminal text."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from PIL import Image

from app.errors import AppError
from app.files import write_atomically

__all__ = ["qr_code", "qr_image", "qr_terminal_text", "write_qr"]

QR_ERROR_LEVEL = "m"
QR_SUFFIXES = (".png", ".svg")


def qr_code(data: str) -> segno.QRCode:
    """The QR code of ``data`` (error correction M, the smallest version that holds it)."""
    if not data:
        raise AppError("nothing to encode", field="qr")
    return segno.make_qr(data, error=QR_ERROR_LEVEL, boost_error=False)


def qr_image(data: str, *, scale: int = 8, border: int = 4) -> Image.Image:
    """The QR code as a black-on-white RGB image, ``scale`` pixels per module, ``border``
    modules of quiet zone."""
    buffer = io.BytesIO()
    qr_code(data).save(buffer, kind="png", scale=scale, border=border)
    buffer.seek(0)
    with Image.open(buffer) as image:
        return image.convert("RGB")


def qr_terminal_text(data: str) -> str:
    """The QR code drawn with block characters for a terminal, two modules per character
    row (dark modules light on a dark terminal read correctly: segno inverts them)."""
    buffer = io.StringIO()
    qr_code(data).terminal(out=buffer, compact=True)
    return buffer.getvalue()


def write_qr(data: str, path: Path, *, scale: int = 8) -> Path:
    """``path`` (.png or .svg) holding the QR code of ``data``, written atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in QR_SUFFIXES:
        raise AppError(f"expected a .png or .svg file name, got '{path.suffix or 'none'}'",
                       file=str(path), field="qr")
    code = qr_code(data)
    return write_atomically(path, lambda tmp: code.save(str(tmp), kind=suffix[1:], scale=scale))
