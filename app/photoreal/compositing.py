"""Path-traced passes -> the still: the product tone mapped like the live view, placed over the
scene's background colour, with the ground showing only as the shadow it catches.

The lit pass holds the product alone, premultiplied by its coverage. The ground is a shadow
catcher: per pixel, the share of the light it keeps (1 = no shadow), the scene's one ground
shadow seen through the still's camera. Like the live view, which draws that shadow as a black
plane with the shadow as its alpha over the background, the still darkens the background by it.
Through glass the backdrop shows (``Passes.through``, see app.photoreal.see_through): added in
light to what the product shows there, tinted by the share the glass passes on; with a
transparent background, the share every channel passes on is transparency, the tint over it
colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.photoreal.tonemap import DISPLAY_GAMMA, display_from_linear, linear_from_display


@dataclass
class Passes:
    colour: np.ndarray  # (H, W, 3) linear, denoised, the product alone, premultiplied
    coverage: np.ndarray  # (H, W) 0..1, the product alone
    ground: np.ndarray | None = None  # (H, W) 0..1, light the ground keeps; None: no ground
    # (H, W, 3) 0..1: the share of the backdrop seen through the product (glass); None: none
    through: np.ndarray | None = None


def ground_kept(passes: Passes) -> np.ndarray:
    """(H, W, 1) 0..1: how much light the ground keeps relative to no product at all."""
    if passes.ground is None:
        return np.ones((*passes.coverage.shape, 1), np.float64)
    return np.clip(np.asarray(passes.ground, np.float64), 0.0, 1.0)[..., None]


def shadowed_background(background: tuple[float, float, float], kept: np.ndarray) -> np.ndarray:
    """Display values of the background where the ground keeps ``kept`` of its light: the live
    view blends its black shadow plane over the background colour with the shadow as alpha."""
    return np.asarray(background, np.float64) * kept


def with_backdrop_through(display: np.ndarray, share: np.ndarray | None, backdrop: np.ndarray
                          ) -> np.ndarray:
    """Display values with ``share`` (per channel) of the ``backdrop``'s display colour added
    in light: where all of it passes, a clear glass shows the backdrop as it is (no share, no
    glass: ``display`` as it is)."""
    if share is None:
        return display
    return (linear_from_display(display) + share * linear_from_display(backdrop)) \
        ** (1.0 / DISPLAY_GAMMA)


def composite(passes: Passes, *, background: tuple[float, float, float], transparent: bool,
              exposure: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(display, linear): display values 0..1 (RGB, or RGBA with straight alpha) and linear
    light RGBA with premultiplied alpha."""
    alpha = np.clip(passes.coverage, 0.0, 1.0)[..., None].astype(np.float64)
    kept = ground_kept(passes)
    product = np.maximum(np.asarray(passes.colour, np.float64), 0.0) / np.maximum(alpha, 1e-6)
    product_display = display_from_linear(product, exposure)
    share = (None if passes.through is None
             else np.minimum(np.clip(np.asarray(passes.through, np.float64), 0.0, 1.0), alpha))
    background = np.asarray(background, np.float64)
    if transparent:
        seen, shown, tint = alpha, product_display, 0.0
        if share is not None:
            # what shows over the scene's background, kept there, the untinted share let
            # through
            seen = alpha - share.min(axis=-1, keepdims=True)
            over_background = with_backdrop_through(
                alpha * product_display + (1 - alpha) * background, share, background)
            shown = np.clip((over_background - (1 - seen) * background)
                            / np.maximum(seen, 1e-6), 0.0, 1.0)
            tint = (share - (alpha - seen)) * linear_from_display(background)
        out_alpha = seen + (1 - seen) * (1.0 - kept)
        colour = seen * shown / np.maximum(out_alpha, 1e-6)
        display = np.concatenate([colour, out_alpha], axis=-1)
        linear = np.concatenate([alpha * product * exposure + tint, out_alpha], axis=-1)
    else:
        back_display = shadowed_background(background, kept)
        display = with_backdrop_through(alpha * product_display + (1 - alpha) * back_display,
                                        share, back_display)
        behind = 1 - alpha if share is None else 1 - alpha + share
        linear = np.concatenate([alpha * product * exposure
                                 + behind * linear_from_display(back_display),
                                 np.ones_like(alpha)], axis=-1)
    return (np.clip(display, 0.0, 1.0).astype(np.float32), linear.astype(np.float32))
