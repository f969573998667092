"""The photoreal still's ground shadow has the live view's shape, and the ground has no edge.

Each product is rendered three times at the hero camera: the live view and the photoreal still
on the white background, and the live view with a transparent background (no ground), whose
alpha is the product's silhouette. Around the silhouette (dilated a few pixels, where the two
renderers' edges and the product's own shading may differ) both stills show only the ground.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from app.cli import main

SIZE = "240x180"
SILHOUETTE_MARGIN = 3  # pixels
MAX_MEAN_DIFFERENCE = 4 / 255
MAX_STEP_ON_BARE_GROUND = 2 / 255  # neighbouring pixels where the live view shows no shadow
MAX_EXTRA_STEP = 10 / 255  # a step in the still beyond the live view's at the same pixels


def rendered(tmp_path, product: str, name: str, *args: str) -> np.ndarray:
    out = tmp_path / f"{product}_{name}.png"
    assert main(["render", "--product", product, "--size", SIZE, "--out", str(out), *args]) == 0
    return np.asarray(Image.open(out)).astype(np.float64) / 255


def steps(grey: np.ndarray, ground: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brightness steps between neighbours along rows and columns, both pixels on the ground."""
    along_rows = np.abs(np.diff(grey, axis=1))[ground[:, 1:] & ground[:, :-1]]
    along_columns = np.abs(np.diff(grey, axis=0))[ground[1:] & ground[:-1]]
    return along_rows, along_columns


@pytest.mark.parametrize("product", ["mug", "watch"])
def test_the_still_shows_the_live_views_ground_shadow_and_no_ground_edge(tmp_path, product):
    live = rendered(tmp_path, product, "live")[..., :3]
    still = rendered(tmp_path, product, "still", "--photoreal", "--spp", "4")[..., :3]
    silhouette = rendered(tmp_path, product, "mask", "--transparent")[..., 3] > 0
    ground = ~ndimage.binary_dilation(silhouette, iterations=SILHOUETTE_MARGIN)
    assert 0.3 < ground.mean() < 0.95

    live_shadow = 1 - live.mean(axis=-1)
    assert live_shadow[ground].max() > 0.25  # the live view does show a shadow to compare
    difference = np.abs(still - live).mean(axis=-1)[ground]
    assert difference.mean() <= MAX_MEAN_DIFFERENCE, difference.mean() * 255

    # no edge of the ground: where the live view shows the bare white background, so does the
    # still, with no step between neighbours; elsewhere its steps are the live view's
    still_grey, live_grey = still.mean(axis=-1), live.mean(axis=-1)
    bare = ground & (live_grey >= 254.5 / 255)
    assert bare.mean() > 0.1
    assert still_grey[bare].min() >= 1 - 2 / 255
    for still_steps, live_steps in zip(steps(still_grey, ground), steps(live_grey, ground),
                                       strict=True):
        assert (still_steps - live_steps).max() <= MAX_EXTRA_STEP
    for bare_steps in steps(still_grey, bare):
        assert bare_steps.max() <= MAX_STEP_ON_BARE_GROUND
