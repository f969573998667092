"""Path-traced passes -> the still: the product tone mapped like the live view, placed over the
scene's background colour, with the ground showing only as the shadow it catches.

The lit pass holds, per pixel, ``coverage * product + (1 - coverage) * ground``. The ground's
share divided by the unshadowed ground radiance is the shadow factor S (1 = no shadow). Under
the product S is unknown; it is filled from the nearest ground pixels, which is all the
partly covered edge pixels need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from app.photoreal.tonemap import display_from_linear, linear_from_display

# Ground slightly below the unshadowed level (noise, a far product's faint occlusion) counts as
# unshadowed, so the background away from the product is exactly its colour.
SHADOW_WHITE_POINT = 0.95
FILL_RADIUS = 3


@dataclass
class Passes:
    colour: np.ndarray  # (H, W, 3) linear, denoised, ground included when ground_light is set
    coverage: np.ndarray  # (H, W) 0..1, the product alone
    ground_light: np.ndarray | None  # (3,) radiance of the unshadowed ground, or None
    hit: np.ndarray | None = None  # (H, W) 0..1, product or ground (the lit pass's alpha)


def shadow_factor(passes: Passes) -> np.ndarray:
    """(H, W, 3) 0..1: how much light the ground receives relative to no product at all."""
    height, width = passes.coverage.shape
    if passes.ground_light is None:
        return np.ones((height, width, 3), np.float32)
    light = np.maximum(np.asarray(passes.ground_light, np.float64), 1e-8)
    hit = passes.coverage if passes.hit is None else passes.hit
    # ground share / unshadowed ground, plus the share where the ray met nothing (no shadow)
    ratio = passes.colour / light + (1.0 - hit)[..., None]
    ratio = np.clip(ratio / SHADOW_WHITE_POINT, 0.0, 1.0)
    ground_only = passes.coverage < 1e-3
    weight = ground_only.astype(np.float64)
    size = 2 * FILL_RADIUS + 1
    near_weight = ndimage.uniform_filter(weight, size)
    filled = np.empty_like(ratio)
    for c in range(3):
        near = ndimage.uniform_filter(ratio[..., c] * weight, size)
        filled[..., c] = np.where(near_weight > 1e-6, near / np.maximum(near_weight, 1e-6), 1.0)
    return np.where(ground_only[..., None], ratio, filled).astype(np.float32)


def product_radiance(passes: Passes, shadow: np.ndarray) -> np.ndarray:
    """The product's own linear colour with the ground's share removed from edge pixels."""
    alpha = passes.coverage[..., None].astype(np.float64)
    if passes.ground_light is None:
        return passes.colour / np.maximum(alpha, 1e-6)
    hit = passes.coverage if passes.hit is None else passes.hit
    ground_share = np.clip(hit[..., None] - alpha, 0.0, 1.0)
    ground = shadow * np.asarray(passes.ground_light, np.float64)
    own = (passes.colour - ground_share * ground) / np.maximum(alpha, 1e-6)
    return np.maximum(own, 0.0)


def composite(passes: Passes, *, background: tuple[float, float, float], transparent: bool,
              exposure: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(display, linear): display values 0..1 (RGB, or RGBA with straight alpha) and linear
    light RGBA with premultiplied alpha."""
    alpha = np.clip(passes.coverage, 0.0, 1.0)[..., None].astype(np.float64)
    shadow = shadow_factor(passes).astype(np.float64)
    product = product_radiance(passes, shadow)
    product_display = display_from_linear(product, exposure)
    if transparent:
        darkness = 1.0 - shadow.mean(axis=-1, keepdims=True)
        out_alpha = alpha + (1 - alpha) * darkness
        colour = alpha * product_display / np.maximum(out_alpha, 1e-6)
        display = np.concatenate([colour, out_alpha], axis=-1)
        linear = np.concatenate([alpha * product * exposure, out_alpha], axis=-1)
    else:
        back = linear_from_display(np.asarray(background, np.float64))
        back_display = (back * shadow) ** (1 / 2.2)
        display = alpha * product_display + (1 - alpha) * back_display
        linear = np.concatenate([alpha * product * exposure + (1 - alpha) * back * shadow,
                                 np.ones_like(alpha)], axis=-1)
    return (np.clip(display, 0.0, 1.0).astype(np.float32), linear.astype(np.float32))
