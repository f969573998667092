"""The encoded bytes of a texture as its file holds them, so an export can store a JPEG as the
same JPEG and a PNG as the same PNG instead of decoding and encoding them again.

Only what glTF and USDZ take as they are is returned: PNG and baseline or progressive JPEG in
greyscale or RGB. Anything else (WebP, CMYK JPEG, a texture made by the app) gives None, and the
export encodes the pixels itself.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.assets.gltf_document import image_bytes, read_gltf_document
from app.errors import AppError
from app.references import ReferenceResolver

__all__ = ["EncodedImage", "encoded_image", "model_image"]

PNG, JPEG = "image/png", "image/jpeg"
_FORMATS = {"PNG": PNG, "JPEG": JPEG}
_JPEG_MODES = {"L", "RGB"}


@dataclass(frozen=True, eq=False)
class EncodedImage:
    """An image file's bytes, untouched, and its MIME type (image/png or image/jpeg)."""

    data: bytes
    mime_type: str

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        return ".jpg" if self.mime_type == JPEG else ".png"


def encoded_image(data: bytes) -> EncodedImage | None:
    """``data`` as an EncodedImage when it is a PNG or JPEG that exports may store as it is."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            mime = _FORMATS.get(image.format or "")
            if mime is None or (mime == JPEG and image.mode not in _JPEG_MODES):
                return None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return EncodedImage(data=data, mime_type=mime)


def model_image(model: Path, key: str, references: ReferenceResolver) -> EncodedImage | None:
    """Image ``key`` (``image<index>``) of the glTF/GLB ``model``, when it can be stored as is."""
    if not key.startswith("image") or not key[5:].isdigit():
        return None  # an OBJ/MTL texture that trimesh read: its pixels are what the app has
    if model.suffix.lower() not in (".gltf", ".glb"):
        return None
    try:
        document = read_gltf_document(model, references)
        data = image_bytes(document, int(key[5:]))
        return None if data is None else encoded_image(data)
    except (AppError, KeyError, IndexError, TypeError, ValueError):
        return None
