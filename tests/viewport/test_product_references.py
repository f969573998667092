"""The sample product through the whole pipeline: product file, model, scene, renderer."""

import numpy as np
import pytest

from app.domain.configuration import default_configuration
from app.project import open_project
from app.scene.resolve import resolve_scene
from app.viewport.still import render_still
from tests.image_compare import assert_matches_reference

SIZE = (480, 360)


@pytest.fixture(scope="module")
def mug(builtin_root):
    project = open_project(builtin_root)
    return project, project.catalog.product("mug")


@pytest.mark.parametrize("glaze, camera", [("white", "hero"), ("matte_black", "hero"),
                                           ("speckled", "front")])
def test_mug_matches_reference(mug, glaze, camera):
    project, product = mug
    config = default_configuration(product).with_choice("glaze", glaze)
    scene = resolve_scene(product, config, project.scene_context())
    image = render_still(scene, project.assets, size=SIZE, camera_id=camera)
    assert_matches_reference(image, f"mug_{glaze}_{camera}.png")


def test_glaze_changes_the_body_pixels_and_not_the_background(mug):
    project, product = mug
    images = {}
    for glaze in ("white", "navy"):
        config = default_configuration(product).with_choice("glaze", glaze)
        scene = resolve_scene(product, config, project.scene_context())
        images[glaze] = np.asarray(render_still(scene, project.assets, size=(160, 120),
                                                camera_id="front", supersample=1), dtype=int)
    diff = np.abs(images["white"] - images["navy"]).sum(axis=2)
    assert diff[60, 72] > 200  # the front of the body
    assert diff[5, 5] == 0 and diff[5, 150] == 0  # the background
    navy = images["navy"][60, 72]
    assert navy[2] > navy[0]  # blue, not grey
