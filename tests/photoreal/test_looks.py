"""Looks in the photoreal still: engrave, emboss and foil shade the surface the way the technique
does; velvet has sheen; the watch crystal shows."""

import numpy as np
import pytest

from app.photoreal.render import render_photoreal
from tests.scene import glow_wall, seat_emboss, velvet_sphere, watch_crystal
from tests.scene.technique_plate import (
    MATTE,
    SIZE,
    STEEL,
    PlateRenders,
    assert_engraving_is_a_darker_rougher_cut,
    assert_foil_is_metallic,
    assert_relief_is_raised_for_emboss_and_sunk_for_engrave,
)

SPP = 16  # denoised: enough for means over hundreds of pixels


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    def render(scene, source):
        return render_photoreal(scene, source, size=SIZE, spp=SPP).display

    return PlateRenders(tmp_path_factory.mktemp("plate"), render)


def test_an_engraving_is_a_darker_rougher_cut_without_ink(renders):
    assert_engraving_is_a_darker_rougher_cut(renders)


def test_emboss_is_raised_and_engraving_sunk(renders):
    assert_relief_is_raised_for_emboss_and_sunk_for_engrave(renders)


def test_foil_is_metallic(renders):
    assert_foil_is_metallic(renders)


def test_an_embossed_seat_logo_shows_from_the_seat_camera(builtin_root, tmp_path):
    """Along the logo's outline the embossing changes the seat well beyond the noise round it
    (its shoulders face the bench's light and the roof's shade); its face is the seat's vinyl."""
    def render(scene, source, camera_id):
        return render_photoreal(scene, source, size=seat_emboss.SIZE, spp=SPP,
                                camera_id=camera_id).display

    relief = seat_emboss.emboss_relief(builtin_root, tmp_path, render)
    assert relief["outline"] > 1.5 * relief["around"] + 0.5, relief
    assert abs(relief["shift"]) < 3.0, relief


def test_velvet_has_a_sheen_along_its_silhouette(builtin_root):
    def render(scene, source):
        return render_photoreal(scene, source, size=velvet_sphere.SIZE, spp=SPP).display

    with_sheen = velvet_sphere.rim_over_middle(builtin_root, render, sheen=True)
    without = velvet_sphere.rim_over_middle(builtin_root, render, sheen=False)
    assert with_sheen > without * 1.1, (with_sheen, without)


def test_the_watch_crystal_mirrors_the_studio(builtin_root):
    """Clear glass is seen by what it reflects: the crystal brightens part of the dial. (A
    thin sheet of index 1.5 reflects about 8 % head on, over a white dial whose sRGB values
    are near the top, where a small gain in light is a few levels; the live view, which adds
    the glass's reflections in full, brightens it by more.)"""
    def render(scene, source, camera_id):
        return render_photoreal(scene, source, size=watch_crystal.SIZE, spp=SPP,
                                camera_id=camera_id).display

    assert watch_crystal.crystal_highlight(builtin_root, render) > 4.0


def test_the_dial_shows_through_the_crystal_without_noise(builtin_root):
    """The studio's lamps light the dial through the crystal (a clear sheet that shadow rays
    pass): at a few samples and without the denoiser, the dial under the crystal is about as
    grainy and as bright as without it. (Through a refracting surface only the paths that
    happened to reach a lamp lit the dial: twice the grain, and a denoised still drew the
    hands blurred.)"""
    def render(scene, source, camera_id):
        image = render_photoreal(scene, source, size=watch_crystal.SIZE, spp=8,
                                 camera_id=camera_id, denoise=False)
        return np.round(np.clip(image.display[..., :3], 0, 1) * 255).astype(np.uint8)

    covered, bare = watch_crystal.dial_under_crystal(builtin_root, render)
    assert covered["grain"] < 1.5 * bare["grain"], (covered, bare)
    assert covered["mean"] > 0.95 * bare["mean"], (covered, bare)



@pytest.mark.parametrize("technique", ["engrave", "emboss", "foil"])
def test_the_denoiser_sees_the_part_round_a_decal_s_letters(monkeypatch, tmp_path, technique):
    """A decal whose clear pixels carry a colour (an engraving's and an embossing's carry the
    part's, foil its ink) is given to the denoiser as what the camera sees there: round the
    letters the albedo guide is the bare part's (Mitsuba's mask gave the decal's albedo on top
    of it, and the denoiser drew a brighter rectangle round an embossed logo)."""
    import app.photoreal.render as render_module

    seen = []

    def denoise(colour, albedo, normal):
        seen.append(albedo)
        return colour

    monkeypatch.setattr(render_module, "_denoise", denoise)
    renders = PlateRenders(tmp_path, lambda scene, source: render_photoreal(
        scene, source, size=SIZE, spp=4).display)
    outside = renders.masks["outside"]
    for surface in (STEEL, MATTE):
        seen.clear()
        renders.mean(None, surface, "side", "outside")
        renders.mean(technique, surface, "side", "outside")
        bare, with_decal = (a[outside].mean(axis=0) for a in seen)
        assert with_decal == pytest.approx(bare, abs=0.01), (surface.id, with_decal, bare)


def test_a_glowing_part_lights_the_wall_beside_it_as_in_the_live_view(builtin_root):
    """The block is an area light in the still; the live view's point light stands in for it
    and brightens the wall beside it about as much (measured: 22.6 and 22.6 of 255)."""
    from app.viewport.still import render_still

    def still(scene, source):
        return render_photoreal(scene, source, size=glow_wall.SIZE, spp=SPP).display

    def live(scene, source):
        return np.asarray(render_still(scene, source, size=glow_wall.SIZE))

    in_still = glow_wall.wall_brightening(builtin_root, still)
    in_live = glow_wall.wall_brightening(builtin_root, live)
    assert in_still > 8.0, in_still
    assert 0.7 < in_live / in_still < 1.4, (in_live, in_still)
