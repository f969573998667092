"""Path-traced passes -> the still: the product tone mapped like the live view, placed over the
scene's background colour, with the ground showing only as the shadow it catches.

The lit pass holds the product alone, premultiplied by its coverage. The ground is a shadow
catcher: per pixel, the share of the light it keeps (1 = no shadow), the scene's one ground
shadow seen through the still's camera. Like the live view, which draws that shadow as a black
plane with the shadow as its alpha over the background, the still darkens the background by it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.photoreal.tonemap import display_from_linear, linear_from_display


@dataclass
class Passes:
    colour: np.ndarray  # (H, W, 3) linear, denoised, the product alone, premultiplied
    coverage: np.ndarray  # (H, W) 0..1, the product alone
    ground: np.ndarray | None = None  # (H, W) 0..1, light the ground keeps; None: no ground


def ground_kept(passes: Passes) -> np.ndarray:
    """(H, W, 1) 0..1: how much light the ground keeps relative to no product at all."""
    if passes.ground is None:
        return np.ones((*passes.coverage.shape, 1), np.float64)
    return np.clip(np.asarray(passes.ground, np.float64), 0.0, 1.0)[..., None]


def shadowed_background(background: tuple[float, float, float], kept: np.ndarray) -> np.ndarray:
    """Display values of the background where the ground keeps ``kept`` of its light: the live
    view blends its black shadow plane over the background colour with the shadow as alpha."""
    return np.asarray(background, np.float64) * kept


def composite(passes: Passes, *, background: tuple[float, float, float], transparent: bool,
              exposure: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(display, linear): display values 0..1 (RGB, or RGBA with straight alpha) and linear
    light RGBA with premultiplied alpha."""
    alpha = np.clip(passes.coverage, 0.0, 1.0)[..., None].astype(np.float64)
    kept = ground_kept(passes)
    product = np.maximum(np.asarray(passes.colour, np.float64), 0.0) / np.maximum(alpha, 1e-6)
    product_display = display_from_linear(product, exposure)
    if transparent:
        out_alpha = alpha + (1 - alpha) * (1.0 - kept)
        colour = alpha * product_display / np.maximum(out_alpha, 1e-6)
        display = np.concatenate([colour, out_alpha], axis=-1)
        linear = np.concatenate([alpha * product * exposure, out_alpha], axis=-1)
    else:
        back_display = shadowed_background(background, kept)
        display = alpha * product_display + (1 - alpha) * back_display
        linear = np.concatenate([alpha * product * exposure
                                 + (1 - alpha) * linear_from_display(back_display),
                                 np.ones_like(alpha)], axis=-1)
    return (np.clip(display, 0.0, 1.0).astype(np.float32), linear.astype(np.float32))
