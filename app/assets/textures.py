"""Texture images: decoded with Pillow into RGB/RGBA uint8, refusing decompression bombs.

Pillow's own guard (``Image.MAX_IMAGE_PIXELS``) is global; it is left alone. Each image is
checked here against a per-call limit before its pixels are decoded, and Pillow's bomb warning
and error are turned into ``AssetError`` only inside these functions.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from app.assets.mesh import TextureImage
from app.errors import AssetError
from app.limits import MAX_TEXTURE_PIXELS

DEFAULT_MAX_PIXELS = MAX_TEXTURE_PIXELS


def check_image_size(image: Image.Image, *, source: str, max_pixels: int) -> None:
    """Raise when an opened (not yet decoded) image is larger than ``max_pixels``."""
    width, height = image.size
    if width <= 0 or height <= 0:
        raise AssetError(f"image has no pixels ({width}x{height})", file=source)
    if width * height > max_pixels:
        raise AssetError(
            f"image is {width}x{height} = {width * height} pixels; the limit for textures is "
            f"{max_pixels} pixels (a decompression bomb or an oversized texture)",
            file=source,
        )


def _open_image(data: Path | bytes, *, source: str) -> Image.Image:
    stream = Path(data) if isinstance(data, Path) else io.BytesIO(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(stream)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise AssetError(
                f"image refused as a decompression bomb ({error})", file=source
            ) from None
        except FileNotFoundError:
            raise AssetError("texture file not found", file=source) from None
        except UnidentifiedImageError:
            raise AssetError("not an image Pillow can read", file=source) from None
        except OSError as error:
            raise AssetError(f"cannot read image: {error}", file=source) from None


def probe_image(data: Path | bytes, *, source: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
    """Check an image file or bytes (header only: no pixels are decoded)."""
    with _open_image(data, source=source) as image:
        check_image_size(image, source=source, max_pixels=max_pixels)


def texture_from_image(
    image: Image.Image, *, source: str, max_pixels: int = DEFAULT_MAX_PIXELS
) -> TextureImage:
    """Decode an opened Pillow image into an RGB or RGBA uint8 ``TextureImage``."""
    check_image_size(image, source=source, max_pixels=max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info
            )
            converted = image.convert("RGBA" if has_alpha else "RGB")
            pixels = np.ascontiguousarray(np.asarray(converted, dtype=np.uint8))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise AssetError(
                f"image refused as a decompression bomb ({error})", file=source
            ) from None
        except OSError as error:
            raise AssetError(f"image is damaged or truncated: {error}", file=source) from None
    pixels.setflags(write=False)
    return TextureImage(pixels=pixels, source=source)


def load_texture(path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> TextureImage:
    """A texture file as RGB/RGBA uint8 pixels (row 0 is the top of the image, glTF's v = 0)."""
    source = str(path)
    if not Path(path).is_file():
        raise AssetError("texture file not found", file=source)
    with _open_image(Path(path), source=source) as image:
        return texture_from_image(image, source=source, max_pixels=max_pixels)
