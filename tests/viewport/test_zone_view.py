"""A zone being personalized turns to face the viewer: the caseback engraving, under the watch,
can be read; the mug's wrap text is seen from the front."""

import math

import numpy as np
import pytest

from app.domain.configuration import TextValue, default_configuration
from app.errors import ConfigurationError
from app.project import open_project
from app.scene.description import Camera
from app.scene.resolve import resolve_scene
from app.scene.zone_view import ZONE_FILL, zone_camera
from app.viewport.still_renderer import StillRenderer

SIZE = (240, 180)


@pytest.fixture(scope="module")
def project(builtin_root):
    return open_project(builtin_root)


def scene_of(project, product_id, text=None, zone=None):
    product = project.catalog.product(product_id)
    configuration = default_configuration(product)
    if text:
        configuration = configuration.with_zone(zone, TextValue(text=text, font="sans"))
    return product, resolve_scene(product, configuration, project.scene_context())


def test_the_caseback_view_looks_up_at_the_zone_with_its_text_upright(project):
    product, scene = scene_of(project, "watch")
    camera = zone_camera(product, "caseback", scene, 4 / 3)
    eye, target = np.array(camera.position), np.array(camera.target)
    looking = (target - eye) / np.linalg.norm(target - eye)
    assert looking == pytest.approx((0.0, 1.0, 0.0), abs=1e-9)  # from below, up at the back
    assert camera.up == pytest.approx((0.0, 0.0, -1.0), abs=1e-9)
    # the zone's box spans ZONE_FILL of the frame in its limiting direction
    distance = np.linalg.norm(target - eye)
    half_width = 0.011 / (distance * math.tan(math.radians(camera.fov_deg) / 2) * 4 / 3)
    half_height = 0.007 / (distance * math.tan(math.radians(camera.fov_deg) / 2))
    assert max(half_width, half_height) == pytest.approx(ZONE_FILL, rel=1e-6)


def test_an_engraving_seen_through_its_zone_view_changes_the_middle_of_the_picture(project):
    product, plain = scene_of(project, "watch")
    _, engraved = scene_of(project, "watch", "FOR ADA 1815", "caseback")
    camera = zone_camera(product, "caseback", engraved, SIZE[0] / SIZE[1])
    with StillRenderer(project.assets, size=SIZE, supersample=1) as renderer:
        images = [np.asarray(renderer.render(_with_camera(scene, camera)), dtype=float)
                  for scene in (plain, engraved)]
    middle = (slice(60, 120), slice(60, 180))
    changed = np.abs(images[0] - images[1]).max(axis=2)
    assert (changed[middle] > 30).mean() > 0.02  # the letters are there to read
    assert (changed > 30).mean() < 0.5 * (changed[middle] > 30).mean() + 0.01  # in the middle


def test_the_mug_text_is_seen_from_the_front_and_an_unknown_zone_is_refused(project):
    product, scene = scene_of(project, "mug")
    camera = zone_camera(product, "wrap_text", scene, 16 / 9)
    assert camera.position[2] > camera.target[2]  # in front of the mug, looking back at it
    with pytest.raises(ConfigurationError, match="unknown zone 'lid'"):
        zone_camera(product, "lid", scene, 1.0)


def _with_camera(scene, camera: Camera):
    from dataclasses import replace

    return replace(scene, cameras=(camera,))
