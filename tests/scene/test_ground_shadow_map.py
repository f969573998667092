"""The ground shadow's map: its blur is scipy's Gaussian filter, and the same casters give the
same map however the scene was sampled."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from app.scene.ground_shadow import ShadowCaster, ShadowSampler, gaussian_blur

IDENTITY = tuple(tuple(float(i == j) for j in range(4)) for i in range(4))


@pytest.mark.parametrize(("size", "sigma"), [(160, 13.3), (160, 2.1), (160, 0.4),
                                             (20, 30.0), (7, 1.0)])
def test_the_blur_is_scipys_gaussian_filter(size, sigma):
    grid = np.random.default_rng(size).random((size, size))
    np.testing.assert_allclose(gaussian_blur(grid, sigma), gaussian_filter(grid, sigma),
                               rtol=0, atol=1e-12)


def test_a_point_blurs_into_a_symmetric_bump_that_keeps_its_sum():
    grid = np.zeros((41, 41))
    grid[20, 20] = 1.0
    blurred = gaussian_blur(grid, 3.0)
    assert blurred.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(blurred, blurred.T, atol=1e-15)
    np.testing.assert_allclose(blurred, blurred[::-1, ::-1], atol=1e-15)
    assert blurred[20, 20] == blurred.max() and blurred[20, 26] < blurred[20, 23]


def box_caster(key: str, x: float) -> ShadowCaster:
    vertices = np.array([[x + dx, dy, dz] for dx in (-0.2, 0.2) for dy in (0.0, 1.0)
                         for dz in (-0.2, 0.2)])
    faces = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                      [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    return ShadowCaster(key, vertices, faces, IDENTITY)


def test_a_shadow_darkens_under_its_caster_only():
    left, right = box_caster("left", -1.0), box_caster("right", 1.0)
    sampler = ShadowSampler()
    sampler.reset([left, right])
    shadow = sampler.shadow([left])
    x = np.linspace(*shadow.x_range, shadow.alpha.shape[1])
    under = shadow.alpha[:, np.abs(x + 1.0) < 0.15].max()
    away = shadow.alpha[:, x > 0.5]
    assert under > 0.5
    assert away.size == 0 or away.max() < 0.05 * under
