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


def test_two_velvets_of_one_shader_keep_their_own_sheen_colours(builtin_root):
    """The sheen's colour is each part's own uniform, not written into a shader each: side by
    side, a red-sheened and a green-sheened velvet on one black base show their own rims."""
    import dataclasses

    from app.scene.environment import studio_environment
    from tests.viewport.scenes import FakeSource, drawable, scene_of, sphere_mesh, translation

    base = dataclasses.replace(velvet_sphere.velvet(builtin_root), base_color=(0.0, 0.0, 0.0))
    red = dataclasses.replace(base, sheen_color=(1.0, 0.0, 0.0))
    green = dataclasses.replace(base, sheen_color=(0.0, 1.0, 0.0))
    scene = scene_of([dataclasses.replace(drawable("left", red), transform=translation(x=-0.6)),
                      dataclasses.replace(drawable("right", green), transform=translation(x=0.6))],
                     studio_environment(builtin_root).hdr_path,
                     bounds=((-1.2, -0.5, -0.5), (1.2, 0.5, 0.5)))
    source = FakeSource({"left": sphere_mesh(0.5), "right": sphere_mesh(0.5)})
    image = np.asarray(render_still(scene, source, size=(240, 120))).astype(float)
    half = image.shape[1] // 2
    left, right = image[:, :half].reshape(-1, 3), image[:, half:].reshape(-1, 3)
    # the sheen's glow: red over green on the left, green over red on the right
    assert (left[:, 0] - left[:, 1]).max() > 40 and (right[:, 1] - right[:, 0]).max() > 40
    assert (left[:, 1] - left[:, 0]).max() < 10 and (right[:, 0] - right[:, 1]).max() < 10
