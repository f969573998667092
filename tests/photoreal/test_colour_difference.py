import numpy as np
import pytest

from tests.photoreal.colour_difference import ciede2000


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),  # Sharma et al. 2005, pair 1
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),  # pair 22
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),  # pair 10
])
def test_ciede2000_matches_published_pairs(lab1, lab2, expected):
    assert float(ciede2000(np.array(lab1), np.array(lab2))) == pytest.approx(expected, abs=1e-3)
