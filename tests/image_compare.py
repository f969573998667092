"""Compare rendered images with committed references in tests/reference_images/.

A reference is only written when UPDATE_REFERENCE_IMAGES=1 is set; otherwise a missing or
different reference fails the test. Tolerance: the mean absolute difference per channel must be
<= ``max_mean_diff`` (0-255 scale) and at most ``max_fraction_over`` of the pixels may differ by
more than ``pixel_threshold`` in any channel.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

REFERENCE_DIR = Path(__file__).resolve().parent / "reference_images"
UPDATE_FLAG = "UPDATE_REFERENCE_IMAGES"


def image_difference(image: Image.Image, reference: Image.Image, pixel_threshold: int = 40):
    """(mean absolute difference per channel, fraction of pixels off by > threshold)."""
    a = np.asarray(image, dtype=np.int16)
    b = np.asarray(reference, dtype=np.int16)
    diff = np.abs(a - b)
    per_pixel = diff.max(axis=2) if diff.ndim == 3 else diff
    return float(diff.mean()), float((per_pixel > pixel_threshold).mean())


def assert_matches_reference(
    image: Image.Image,
    name: str,
    *,
    max_mean_diff: float = 2.0,
    max_fraction_over: float = 0.01,
    pixel_threshold: int = 40,
) -> None:
    path = REFERENCE_DIR / name
    if os.environ.get(UPDATE_FLAG) == "1":
        REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
        image.save(path, format="PNG")
        return
    assert path.is_file(), f"no reference {path}; render it with {UPDATE_FLAG}=1 and look at it"
    reference = Image.open(path)
    reference.load()
    assert reference.mode == image.mode, f"{name}: mode {image.mode} vs reference {reference.mode}"
    assert reference.size == image.size, f"{name}: size {image.size} vs reference {reference.size}"
    mean, fraction = image_difference(image, reference, pixel_threshold)
    assert mean <= max_mean_diff and fraction <= max_fraction_over, (
        f"{name}: mean abs difference {mean:.2f} (limit {max_mean_diff}), "
        f"{fraction:.2%} of pixels off by > {pixel_threshold} (limit {max_fraction_over:.2%})"
    )


def assert_pixels_close(actual, expected, *, what: str, max_level_diff: int = 1) -> None:
    """Two 8-bit images made by the same code: equal up to ``max_level_diff`` per channel.

    Float maths rounds differently from one CPU to the next, so a pixel that sits on a rounding
    edge may land one level apart; anything more is a real difference.
    """
    a = np.asarray(actual, dtype=np.int16)
    b = np.asarray(expected, dtype=np.int16)
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    worst = int(np.abs(a - b).max()) if a.size else 0
    assert worst <= max_level_diff, f"{what}: pixels differ by up to {worst} levels"
