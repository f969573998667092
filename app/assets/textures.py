"""Texture images: decoded with Pillow into RGB/RGBA uint8, refusing decompression bombs
(KTX2 textures too: ``app.assets.ktx2`` gives Pillow the format).

Pillow's own guard (``Image.MAX_IMAGE_PIXELS``) is global; it is left alone. Each image is
checked here against a per-call limit before its pixels are decoded, and Pillow's bomb warning
and error are turned into ``AssetError`` only inside these functions.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from app.assets import ktx2  # noqa: F401  (registers KTX2 with Pillow)
from app.assets.mesh import TextureImage
from app.domain.colour import srgb_to_linear
from app.errors import AssetError
from app.limits import MAX_MODEL_TEXTURE_PIXELS, MAX_TEXTURE_PIXELS

DEFAULT_MAX_PIXELS = MAX_TEXTURE_PIXELS


def check_image_size(image: Image.Image, *, source: str, max_pixels: int) -> None:
    """Raise when an opened (not yet decoded) image is larger than ``max_pixels``."""
    width, height = image.size
    if width <= 0 or height <= 0:
        raise AssetError(f"image has no pixels ({width}x{height})", file=source)
    if width * height > max_pixels:
        raise AssetError(
            f"image is {width}x{height} = {width * height} pixels; the limit for textures is "
            f"{max_pixels} pixels (a decompression bomb, or {_scaled_down(max_pixels)})",
            file=source,
        )


def _scaled_down(max_pixels: int) -> str:
    """What a texture over ``max_pixels`` is to become."""
    return f"a texture to scale down to {math.isqrt(max_pixels)} pixels a side or less"


@contextmanager
def _pillow_errors(source: str, max_pixels: int) -> Iterator[None]:
    """Pillow's refusals and decoding failures inside the block as ``AssetError`` naming
    ``source`` (its bomb warning an error here only; a bomb told to come within
    ``max_pixels``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise AssetError(
                f"image refused as a decompression bomb ({error}), or "
                f"{_scaled_down(max_pixels)}", file=source
            ) from None
        except FileNotFoundError:
            raise AssetError("texture file not found", file=source) from None
        except UnidentifiedImageError:
            raise AssetError("not an image Pillow can read", file=source) from None
        except (OSError, ValueError, SyntaxError) as error:
            # a truncated or corrupt stream shows when the pixels are decoded
            raise AssetError(f"image is damaged or truncated: {error}", file=source) from None


@contextmanager
def opened_image(data: Path | bytes, *, source: str,
                 max_pixels: int = DEFAULT_MAX_PIXELS) -> Iterator[Image.Image]:
    """An image file or bytes, opened and held to ``max_pixels``; a file that is not an image,
    is too large, or turns out damaged while its pixels are decoded inside the block raises
    ``AssetError`` naming ``source``."""
    stream = Path(data) if isinstance(data, Path) else io.BytesIO(data)
    with _pillow_errors(source, max_pixels), Image.open(stream) as image:
        check_image_size(image, source=source, max_pixels=max_pixels)
        yield image


def probe_image(data: Path | bytes, *, source: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> int:
    """Check an image file or bytes (header only: no pixels are decoded); its pixels."""
    with opened_image(data, source=source, max_pixels=max_pixels) as image:
        return image.size[0] * image.size[1]


def check_texture_total(pixels: int, images: int, *, file: str) -> None:
    """Raise when the first ``images`` images one model ``file`` draws hold more than
    ``MAX_MODEL_TEXTURE_PIXELS`` pixels in all (``pixels``), before any is decoded: a small
    file of many large flat images filled the memory as they were decoded."""
    if pixels > MAX_MODEL_TEXTURE_PIXELS:
        raise AssetError(
            f"its images hold more than the {MAX_MODEL_TEXTURE_PIXELS} pixels allowed in all "
            f"({pixels} in the first {images}): scale its textures down (4096 pixels a side is "
            "plenty for a product seen whole) or let materials share them", file=file)


# greys of more than 8 bits (a 16-bit PNG, a float TIFF): Pillow's convert("RGB") clips
# them (61 % grey came out white, a float 0.5 black) where they are to be scaled
WIDE_GREY_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")


def _eight_bit_grey(image: Image.Image) -> np.ndarray:
    """A 16-bit (or 32-bit integer, taken as 16-bit) grey image scaled to 0..255; a float
    one from 0..1."""
    values = np.asarray(image).astype(np.float64)
    if image.mode == "F":
        values = np.nan_to_num(values, nan=0.0) * 255.0
    else:
        values = values * (255.0 / 65535.0)
    return np.clip(np.round(values), 0, 255).astype(np.uint8)


def texture_from_image(
    image: Image.Image, *, source: str, max_pixels: int = DEFAULT_MAX_PIXELS
) -> TextureImage:
    """Decode an opened Pillow image into an RGB or RGBA uint8 ``TextureImage``."""
    check_image_size(image, source=source, max_pixels=max_pixels)
    with _pillow_errors(source, max_pixels):
        if image.mode in WIDE_GREY_MODES:
            pixels = np.ascontiguousarray(np.repeat(_eight_bit_grey(image)[..., None], 3, axis=2))
            pixels.setflags(write=False)
            return TextureImage(pixels=pixels, source=source)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        )
        mode = "RGBA" if has_alpha else "RGB"
        converted = image if image.mode == mode else image.convert(mode)
        pixels = np.ascontiguousarray(np.asarray(converted, dtype=np.uint8))
    pixels.setflags(write=False)
    return TextureImage(pixels=pixels, source=source)


def load_texture(path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> TextureImage:
    """A texture file as RGB/RGBA uint8 pixels (row 0 is the top of the image, glTF's v = 0)."""
    source = str(path)
    if not Path(path).is_file():
        raise AssetError("texture file not found", file=source)
    with opened_image(Path(path), source=source, max_pixels=max_pixels) as image:
        return texture_from_image(image, source=source, max_pixels=max_pixels)


# sRGB byte -> linear (0..1), for every byte value: a lookup instead of a power per pixel
_SRGB_CURVE = np.array([srgb_to_linear(v / 255.0) for v in range(256)], np.float64)
_SRGB_CURVE32 = _SRGB_CURVE.astype(np.float32)


def linear_to_srgb_values(values: np.ndarray) -> np.ndarray:
    """Linear values -> sRGB 0..1 (the sRGB curve), float32."""
    c = np.clip(np.asarray(values, dtype=np.float32), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055).astype(
        np.float32)


def linear_from_srgb_bytes(pixels: np.ndarray) -> np.ndarray:
    """sRGB bytes (uint8, any shape) -> linear float32 values of the same shape."""
    return _SRGB_CURVE32[np.asarray(pixels, dtype=np.uint8)]


def mean_colour(texture: TextureImage, *, srgb: bool) -> tuple[float, float, float]:
    """The image's mean colour, linear (an sRGB image's pixels made linear first; a grey image's
    grey in all three)."""
    pixels = np.asarray(texture.pixels)
    pixels = pixels.reshape(-1, pixels.shape[-1] if pixels.ndim == 3 else 1)
    curve = _SRGB_CURVE if srgb else np.arange(256) / 255.0
    r, g, b = (np.bincount(pixels[:, min(c, pixels.shape[1] - 1)], minlength=256) @ curve
               / len(pixels) for c in range(3))
    return float(r), float(g), float(b)


_digests: dict[int, tuple[weakref.ref, str]] = {}


def pixels_digest(pixels: np.ndarray) -> str:
    """A hash of an image's pixels (shape, type and values): equal for equal images. Worked
    out once per read-only array while it lives (a loaded texture's pixels cannot change)."""
    memo = _digests.get(id(pixels))
    if memo is not None and memo[0]() is pixels:
        return memo[1]
    contiguous = np.ascontiguousarray(pixels)
    digest = hashlib.sha256(f"{contiguous.shape} {contiguous.dtype}".encode())
    digest.update(contiguous.data)
    text = digest.hexdigest()
    if not pixels.flags.writeable:
        key = id(pixels)
        _digests[key] = (weakref.ref(pixels, lambda _, key=key: _digests.pop(key, None)), text)
    return text


def at_most_side(pixels: np.ndarray, side: int) -> np.ndarray:
    """``pixels`` (H, W[, C]) uint8, halved (each pixel the mean of four, every channel alike,
    as the texture's own mipmaps are made; an odd last row or column repeated) until neither
    side is longer than ``side``."""
    if pixels.dtype != np.uint8 or pixels.ndim not in (2, 3):
        return pixels
    while max(pixels.shape[:2]) > side:
        height, width = pixels.shape[:2]
        even = np.pad(pixels, [(0, height % 2), (0, width % 2)] + [(0, 0)] * (pixels.ndim - 2),
                      mode="edge")
        total = even[0::2, 0::2].astype(np.uint16) + even[1::2, 0::2]
        total += even[0::2, 1::2]
        total += even[1::2, 1::2]
        pixels = ((total + 2) // 4).astype(np.uint8)
    return pixels
