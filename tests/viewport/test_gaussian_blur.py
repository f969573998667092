"""The numpy blur of the ground shadow gives scipy's numbers, to the last bit."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from app.viewport.gaussian_blur import gaussian_blur


@pytest.mark.parametrize("shape", [(160, 160), (7, 5), (3, 40)])
@pytest.mark.parametrize("sigma", [0.2, 1.0, 2.7, 11.2, 50.0])
def test_the_blur_is_scipys_gaussian_filter(shape, sigma):
    rng = np.random.default_rng(7)
    image = rng.random(shape) * (rng.random(shape) > 0.7)
    assert np.array_equal(gaussian_blur(image, sigma), gaussian_filter(image, sigma))
