"""The bytes an export stores for a texture: the source file's own when its pixels are
unchanged, else the pixels encoded in the source's format (PNG, or JPEG for a JPEG source)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from app.assets.encoded_images import JPEG, PNG, EncodedImage
from app.export.export_meshes import ExportTexture

__all__ = ["JPEG_QUALITY", "encode_png", "stored_image"]

JPEG_QUALITY = 90


def _image(texture: ExportTexture) -> Image.Image:
    pixels = texture.pixels
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[..., 0]
    return Image.fromarray(np.ascontiguousarray(pixels))


def encode_png(texture: ExportTexture) -> bytes:
    out = io.BytesIO()
    _image(texture).save(out, format="PNG", compress_level=4)
    return out.getvalue()


def stored_image(texture: ExportTexture) -> EncodedImage:
    """The source's bytes when ``texture`` has them; otherwise its pixels encoded, as JPEG when
    the source was a JPEG and the pixels have no alpha, as PNG otherwise."""
    if texture.encoded is not None:
        return texture.encoded
    image = _image(texture)
    if texture.mime_type == JPEG and image.mode in ("L", "RGB"):
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=JPEG_QUALITY)
        return EncodedImage(data=out.getvalue(), mime_type=JPEG)
    return EncodedImage(data=encode_png(texture), mime_type=PNG)
