"""A Gaussian blur in numpy that gives scipy.ndimage.gaussian_filter's numbers (mode "reflect",
truncate 4, float64), so the live view need not import scipy for its ground shadow.

The sums run in scipy's order (the centre, then each pair of neighbours from the farthest in),
so the result is the same to the last bit, not only close.
"""

from __future__ import annotations

import numpy as np

TRUNCATE = 4.0


def gaussian_kernel(sigma: float) -> np.ndarray:
    """The normalised 1-D kernel scipy uses for ``sigma`` (radius ``int(4 sigma + 0.5)``)."""
    radius = int(TRUNCATE * float(sigma) + 0.5)
    x = np.arange(-radius, radius + 1)
    phi = np.exp(-0.5 / (sigma * sigma) * x ** 2)
    return phi / phi.sum()


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """``image`` blurred along every axis in turn, edges mirrored (d c b a | a b c d)."""
    out = np.asarray(image, dtype=np.float64)
    weights = gaussian_kernel(sigma)
    radius = len(weights) // 2
    for axis in range(out.ndim):
        out = _blur_axis(out, weights, radius, axis)
    return out


def _blur_axis(image: np.ndarray, weights: np.ndarray, radius: int, axis: int) -> np.ndarray:
    if radius == 0:
        return image * weights[0]
    pad = [(0, 0)] * image.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(image, pad, mode="symmetric")
    length = image.shape[axis]

    def shifted(offset: int) -> np.ndarray:
        return np.take(padded, np.arange(radius + offset, radius + offset + length), axis=axis)

    out = image * weights[radius]
    for distance in range(radius, 0, -1):
        out += (shifted(-distance) + shifted(distance)) * weights[radius - distance]
    return out
