"""Uploaded pictures: checked, upright, in RGBA; placed into a zone at a physical size."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from app.errors import ConfigurationError
from app.limits import MAX_UPLOAD_BYTES, MAX_UPLOAD_PIXELS, read_limited

MIN_PRINT_PPI = 150.0
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")

Fit = Literal["fit", "fill", "crop"]


@dataclass(frozen=True, eq=False)
class Upload:
    """An accepted picture: ``rgba`` (H, W, 4) uint8, upright, transparency kept."""

    path: Path
    format: str  # PNG, JPEG or WEBP
    rgba: np.ndarray

    @property
    def width(self) -> int:
        return int(self.rgba.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgba.shape[0])

    @property
    def has_transparency(self) -> bool:
        return bool((self.rgba[..., 3] < 255).any())


@dataclass(frozen=True, eq=False)
class Placement:
    """A picture placed in a zone: ``rgba`` covers the zone exactly; ``effective_ppi`` is the
    picture's own pixels per inch at its printed size (the lower of the two axes)."""

    rgba: np.ndarray
    effective_ppi: float
    warnings: list[str] = field(default_factory=list)


def _sniff_format(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def load_upload(path: Path, *, max_bytes: int = MAX_UPLOAD_BYTES,
                max_pixels: int = MAX_UPLOAD_PIXELS) -> Upload:
    """Read and check an uploaded PNG, JPEG or WebP file (recognised by content, not name).

    ConfigurationError naming the file when it is missing, empty, larger than ``max_bytes``,
    not an image, in another format, larger than ``max_pixels`` (checked from the header, before
    decoding, which also stops decompression bombs), or damaged/truncated.
    """
    path = Path(path)
    where = str(path)

    def fail(message: str) -> ConfigurationError:
        return ConfigurationError(message, file=where, field="image")

    if not path.is_file():
        raise fail("the picture file does not exist")
    size = path.stat().st_size
    if size == 0:
        raise fail("the picture file is empty")
    if size > max_bytes:
        raise fail(f"the picture is {_megabytes(size)}; pictures can be at most "
                   f"{_megabytes(max_bytes)}")
    data = read_limited(path, max_bytes, source=where, error=ConfigurationError)
    return picture_from_bytes(data, path=path, source=where, max_pixels=max_pixels)


def picture_from_bytes(data: bytes, *, path: Path, source: str,
                       max_pixels: int = MAX_UPLOAD_PIXELS) -> Upload:
    """The checks of ``load_upload`` on a picture's bytes (format by content, pixel count from
    the header before decoding, damage); ConfigurationError naming ``source`` otherwise."""

    def fail(message: str) -> ConfigurationError:
        return ConfigurationError(message, file=source, field="image")

    if not data:
        raise fail("the picture file is empty")
    sniffed = _sniff_format(data[:16])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS if sniffed else None)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        if sniffed:
            raise fail("the picture file is damaged or incomplete; save or export it "
                       "again") from None
        raise fail("this file is not a picture; upload a PNG, JPEG or WebP file") from None
    except Image.DecompressionBombError:
        raise fail("the picture is too large in pixels to be opened safely") from None
    if sniffed is None or image.format not in ACCEPTED_FORMATS:
        raise fail(f"{image.format or 'this'} pictures are not accepted; upload a PNG, JPEG or "
                   "WebP file")
    w, h = image.size
    if w * h > max_pixels:
        raise fail(f"the picture is {w} x {h} pixels ({w * h / 1e6:.0f} megapixels); at most "
                   f"{max_pixels / 1e6:.0f} megapixels are accepted")
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        rgba = _to_rgba(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise fail("the picture file is damaged or incomplete; save or export it again") from None
    rgba.setflags(write=False)
    return Upload(path, image.format or sniffed, rgba)


def _to_rgba(image: Image.Image) -> np.ndarray:
    """The image as sRGB RGBA uint8: palette transparency and alpha kept, 16-bit grey scaled,
    CMYK and ICC-tagged pictures converted to sRGB."""
    icc = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        grey = np.asarray(image, dtype=np.uint32)
        top = 65535 if image.mode.startswith("I;16") or grey.max() > 255 else 255
        image = Image.fromarray((grey * 255 // top).astype(np.uint8), "L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if icc:
        image = _to_srgb(image, icc)
    if image.mode != "RGBA":
        image = image.convert("RGBA")
    return np.array(image, dtype=np.uint8)


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return image
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    base = image.convert("RGB") if image.mode == "RGBA" else image
    try:
        converted = ImageCms.profileToProfile(base, source, ImageCms.createProfile("sRGB"),
                                              outputMode="RGB")
    except ImageCms.PyCMSError:
        return image
    assert converted is not None
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def place_image(upload: Upload, width_mm: float, height_mm: float, fit: Fit,
                px_per_mm: float) -> Placement:
    """The picture in a ``width_mm`` x ``height_mm`` zone drawn at ``px_per_mm``.

    - ``fit``: all of the picture, as large as fits, centred; the rest stays transparent;
    - ``fill``: stretched to the zone's shape (the picture's proportions change);
    - ``crop``: covers the zone, proportions kept, the overflow cut off equally on both sides.
    A warning is added when the picture has fewer than 150 pixels per inch at its printed size.
    """
    w_px = max(1, round(width_mm * px_per_mm))
    h_px = max(1, round(height_mm * px_per_mm))
    src = Image.fromarray(upload.rgba, "RGBA")
    sw, sh = upload.width, upload.height
    if fit == "fill":
        placed = src.resize((w_px, h_px), Image.Resampling.LANCZOS)
        printed_w, printed_h = width_mm, height_mm
        canvas = placed
    elif fit == "crop":
        scale = max(width_mm / sw, height_mm / sh)  # mm per source pixel
        vis_w, vis_h = width_mm / scale, height_mm / scale
        x0, y0 = (sw - vis_w) / 2, (sh - vis_h) / 2
        canvas = src.resize((w_px, h_px), Image.Resampling.LANCZOS,
                            box=(x0, y0, x0 + vis_w, y0 + vis_h))
        printed_w, printed_h = sw * scale, sh * scale
    elif fit == "fit":
        scale = min(width_mm / sw, height_mm / sh)
        printed_w, printed_h = sw * scale, sh * scale
        pw = min(w_px, max(1, round(printed_w * px_per_mm)))
        ph = min(h_px, max(1, round(printed_h * px_per_mm)))
        canvas = Image.new("RGBA", (w_px, h_px), (0, 0, 0, 0))
        canvas.paste(src.resize((pw, ph), Image.Resampling.LANCZOS),
                     ((w_px - pw) // 2, (h_px - ph) // 2))
    else:
        raise ConfigurationError(f"unknown fit '{fit}' (expected fit, fill or crop)",
                                 field="fit")
    ppi = min(sw / (printed_w / 25.4), sh / (printed_h / 25.4))
    warnings = []
    if ppi < MIN_PRINT_PPI:
        need_w = int(np.ceil(printed_w / 25.4 * MIN_PRINT_PPI))
        need_h = int(np.ceil(printed_h / 25.4 * MIN_PRINT_PPI))
        warnings.append(
            f"the picture has {ppi:.0f} pixels per inch at {printed_w:.0f} x {printed_h:.0f} mm "
            f"and may print blurry; a picture of at least {need_w} x {need_h} pixels prints "
            "sharp")
    rgba = np.array(canvas, dtype=np.uint8)
    return Placement(rgba, float(ppi), warnings)
