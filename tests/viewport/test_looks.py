"""Looks in the live view: engrave, emboss and foil shade the surface the way the technique does;
velvet has sheen; the watch crystal shows."""

import numpy as np
import pytest

from app.viewport.still import render_still
from tests.scene import glow_wall, seat_emboss, velvet_sphere, watch_crystal
from tests.scene.technique_plate import (
    SIZE,
    PlateRenders,
    assert_engraving_is_a_darker_rougher_cut,
    assert_foil_is_metallic,
    assert_relief_is_raised_for_emboss_and_sunk_for_engrave,
)


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    def render(scene, source):
        return np.asarray(render_still(scene, source, size=SIZE))

    return PlateRenders(tmp_path_factory.mktemp("plate"), render)


def test_an_engraving_is_a_darker_rougher_cut_without_ink(renders):
    assert_engraving_is_a_darker_rougher_cut(renders)


def test_emboss_is_raised_and_engraving_sunk(renders):
    assert_relief_is_raised_for_emboss_and_sunk_for_engrave(renders)


def test_foil_is_metallic(renders):
    assert_foil_is_metallic(renders)


def test_an_embossed_seat_logo_shows_from_the_seat_camera(builtin_root, tmp_path):
    """The embossing's shoulders are lit and shaded along the logo's outline; its face is the
    seat's own vinyl."""
    def render(scene, source, camera_id):
        return np.asarray(render_still(scene, source, size=seat_emboss.SIZE, camera_id=camera_id))

    relief = seat_emboss.emboss_relief(builtin_root, tmp_path, render)
    assert relief["outline"] > 5.0, relief
    assert relief["around"] < 0.5 and abs(relief["shift"]) < 3.0, relief


def test_velvet_has_a_sheen_along_its_silhouette(builtin_root):
    def render(scene, source):
        return np.asarray(render_still(scene, source, size=velvet_sphere.SIZE))

    with_sheen = velvet_sphere.rim_over_middle(builtin_root, render, sheen=True)
    without = velvet_sphere.rim_over_middle(builtin_root, render, sheen=False)
    assert with_sheen > without * 1.1, (with_sheen, without)


def test_the_watch_crystal_mirrors_the_studio(builtin_root):
    """Clear glass is seen by what it reflects: the crystal brightens part of the dial."""
    def render(scene, source, camera_id):
        return np.asarray(render_still(scene, source, size=watch_crystal.SIZE,
                                       camera_id=camera_id))

    assert watch_crystal.crystal_highlight(builtin_root, render) > 15.0


def test_a_glowing_part_lights_the_wall_beside_it(builtin_root):
    """VTK draws no area lights: the glowing block lights the wall as a point light."""
    def render(scene, source):
        return np.asarray(render_still(scene, source, size=glow_wall.SIZE))

    assert glow_wall.wall_brightening(builtin_root, render) > 8.0
