"""sRGB hex colours as products and configurations write them, and conversion to linear RGB."""

from __future__ import annotations

import colorsys
import re
from typing import Annotated

from pydantic import AfterValidator

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
LUMINANCE = (0.2126, 0.7152, 0.0722)  # linear Rec. 709 RGB -> luminance


def _check_hex(value: str) -> str:
    if not _HEX.match(value):
        raise ValueError(f"expected an sRGB colour like '#1a2b3c', got {value!r}")
    return value.lower()


HexColour = Annotated[str, AfterValidator(_check_hex)]


def hex_to_srgb(value: str) -> tuple[float, float, float]:
    """'#rrggbb' -> sRGB components in 0..1."""
    value = _check_hex(value)
    return tuple(int(value[i : i + 2], 16) / 255.0 for i in (1, 3, 5))  # type: ignore[return-value]


def srgb_to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_to_srgb(c: float) -> float:
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def hex_to_linear(value: str) -> tuple[float, float, float]:
    """'#rrggbb' (sRGB) -> linear RGB in 0..1, as renderers want it."""
    r, g, b = hex_to_srgb(value)
    return (srgb_to_linear(r), srgb_to_linear(g), srgb_to_linear(b))


def hex_to_hsl(value: str) -> tuple[float, float, float]:
    """'#rrggbb' -> (hue in degrees 0..360, saturation 0..1, lightness 0..1)."""
    r, g, b = hex_to_srgb(value)
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    return (h * 360.0, s, lightness)
