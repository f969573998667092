"""The live view's display curve applied to path-traced linear pixels, so preview and still agree.

The viewport runs VTK's tone-mapping pass: linear colour times exposure, Khronos PBR Neutral,
then a 2.2 power. The same steps here, in numpy.
"""

from __future__ import annotations

import numpy as np

DISPLAY_GAMMA = 2.2
START_COMPRESSION = 0.8 - 0.04
DESATURATION = 0.15


def pbr_neutral(rgb: np.ndarray) -> np.ndarray:
    """Khronos PBR Neutral on (..., 3) linear values; output in 0..1, linear."""
    color = np.asarray(rgb, dtype=np.float64)
    x = color.min(axis=-1, keepdims=True)
    offset = np.where(x < 0.08, x - 6.25 * x * x, 0.04)
    toned = color - offset
    peak = toned.max(axis=-1, keepdims=True)
    d = 1.0 - START_COMPRESSION
    compress = peak >= START_COMPRESSION
    safe_peak = np.where(compress, peak, 1.0)
    new_peak = 1.0 - d * d / (safe_peak + d - START_COMPRESSION)
    scaled = toned * new_peak / safe_peak
    g = 1.0 - 1.0 / (DESATURATION * (safe_peak - new_peak) + 1.0)
    compressed = scaled * (1.0 - g) + new_peak * g
    return np.clip(np.where(compress, compressed, toned), 0.0, 1.0)


def display_from_linear(rgb: np.ndarray, exposure: float = 1.0) -> np.ndarray:
    """Linear scene radiance -> display values 0..1 (what the live view shows)."""
    toned = pbr_neutral(np.maximum(np.asarray(rgb, dtype=np.float64), 0.0) * exposure)
    return toned ** (1.0 / DISPLAY_GAMMA)


def linear_from_display(values: np.ndarray) -> np.ndarray:
    """Undo the 2.2 power only (for compositing in linear light)."""
    return np.clip(np.asarray(values, dtype=np.float64), 0.0, 1.0) ** DISPLAY_GAMMA


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    c = np.clip(np.asarray(values, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
