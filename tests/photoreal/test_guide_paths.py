"""The denoiser's guides look through glass as the still does: along the paths the glass's own
BSDF samples (refracted, blurred by its roughness, tinted), so what a lens or a slightly
frosted pane shows is what the denoiser is told is there."""

from __future__ import annotations

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba, vectorised
from app.photoreal.guides import guide_paths

PIXELS = 64


@pytest.fixture
def mi():
    """Mitsuba in a vectorised variant. The still follows glass in its guides only there (in
    the scalar variant, which ``./bootstrap`` does not pick, it looks past glass unbent: a
    Python integrator would trace one ray at a time), so that is where the guide paths run."""
    mitsuba = activate_mitsuba()
    if not vectorised(mitsuba):
        pytest.skip("the guide paths run only in a vectorised variant (LLVM, CUDA)")
    return mitsuba


def _ball_in_front_of_a_card(mi, integrator: dict, glass: dict, card: np.ndarray,
                             ball: bool = True) -> np.ndarray:
    """(H, W, C): a glass ball of radius 1 at the origin, seen from z = 5 (a 30 degree view),
    in front of a square card 6 wide at z = -3 textured with ``card`` (sRGB, H x W x 3)."""
    texture = {"type": "bitmap", "bitmap": mi.Bitmap(card.astype(np.float32) / 255.0),
               "raw": True, "filter_type": "nearest"}
    items = {
        "type": "scene", "integrator": integrator,
        "sensor": {"type": "perspective", "fov": 30,
                   "to_world": mi.ScalarTransform4f.look_at(origin=[0, 0, 5], target=[0, 0, 0],
                                                           up=[0, 1, 0]),
                   "film": {"type": "hdrfilm", "width": PIXELS, "height": PIXELS,
                            "pixel_format": "rgba", "rfilter": {"type": "box"}}},
        "card": {"type": "rectangle",
                 "to_world": mi.ScalarTransform4f.translate([0, 0, -3]).scale([3, 3, 1]),
                 "bsdf": {"type": "diffuse", "reflectance": texture}},
    }
    if ball:
        items["ball"] = {"type": "sphere", "radius": 1.0, "bsdf": glass}
    return np.asarray(mi.render(mi.load_dict(items), spp=16, seed=1))


def _halves() -> np.ndarray:
    """Red on the left half, blue on the right."""
    card = np.zeros((8, 8, 3), np.uint8)
    card[:, :4] = (255, 0, 0)
    card[:, 4:] = (0, 0, 255)
    return card


def test_the_guide_sees_what_a_glass_ball_shows_upside_down(mi):
    """A ball of glass is a lens: through its left side the camera sees the card's right half
    (blue). The guide follows the refracted rays; looking past the glass unbent (the albedo
    AOV with the ball left out) gives the red that lies straight behind."""
    glass = {"type": "dielectric", "int_ior": 1.5}
    guide = _ball_in_front_of_a_card(mi, guide_paths(["ball"]), glass, _halves())
    unbent = _ball_in_front_of_a_card(mi, {"type": "aov", "aovs": "albedo:albedo"}, glass,
                                      _halves(), ball=False)
    y, left = PIXELS // 2, PIXELS // 2 - 6  # half way from the ball's middle to its left edge
    assert unbent[y, left, 0] > 0.9 and unbent[y, left, 2] < 0.1
    # what the glass passes on (less what it reflects) of the blue behind the other side
    assert guide[y, left, 2] > 0.75 and guide[y, left, 0] < 0.1
    # beside the ball the card is seen as it is, and the normal is the card's
    assert guide[y, 2, :3] == pytest.approx([1.0, 0.0, 0.0], abs=1e-3)
    assert guide[y, 2, 4:7] == pytest.approx([0.0, 0.0, 1.0], abs=1e-3)


def test_the_guide_is_tinted_by_what_the_glass_passes_on_unless_asked_not_to(mi):
    """Through blue glass a white card's guide is blue (as the still shows it); the normal
    pass's guide (``tinted=False``) only follows the path."""
    blue = {"type": "dielectric", "int_ior": 1.5,
            "specular_transmittance": {"type": "rgb", "value": [0.2, 0.4, 1.0]}}
    white = np.full((8, 8, 3), 255, np.uint8)
    middle = PIXELS // 2
    tinted = _ball_in_front_of_a_card(mi, guide_paths(["ball"]), blue, white)[middle, middle]
    plain = _ball_in_front_of_a_card(mi, guide_paths(["ball"], tinted=False), blue,
                                     white)[middle, middle]
    # two surfaces, each passing its tint once (Mitsuba's dielectric), the colour scaled to 1
    # in its brightest channel (what the glass reflects away is left out)
    assert tinted[:3] == pytest.approx([0.04, 0.16, 1.0], abs=0.01)
    assert plain[:3] == pytest.approx([1.0, 1.0, 1.0], abs=1e-3)


def test_a_sample_the_bsdf_spends_on_its_reflection_is_drawn_again(mi):
    """A principled glass picks its reflection by chance whatever it is asked (a thin one half
    the time): such a sample, drawn again, leaves no dark speckle in the guide of what lies
    behind the glass."""
    white = np.full((8, 8, 3), 255, np.uint8)
    for glass in ({"type": "principled", "spec_trans": 1.0, "roughness": 0.05},
                  {"type": "principledthin", "spec_trans": 1.0, "roughness": 0.05}):
        guide = _ball_in_front_of_a_card(mi, guide_paths(["ball"]), glass, white)
        middle = guide[PIXELS // 2 - 8:PIXELS // 2 + 8, PIXELS // 2 - 8:PIXELS // 2 + 8, :3]
        # after GUIDE_GLASS_TRIES reflections in a row (a thin glass: once in 4096) the glass
        # is its own guide
        assert middle.mean() > 0.995 and (middle < 0.99).mean() < 0.01, glass["type"]


def test_a_glass_that_lets_nothing_through_at_a_point_is_its_own_guide_there(mi):
    """Where no try passes through (metal over the glass there, a gilt rim), the guide is the
    surface's own albedo, not nothing."""
    red = {"type": "diffuse", "reflectance": {"type": "rgb", "value": [0.8, 0.1, 0.1]}}
    guide = _ball_in_front_of_a_card(mi, guide_paths(["ball"]), red, _halves())
    assert guide[PIXELS // 2, PIXELS // 2, :3] == pytest.approx([0.8, 0.1, 0.1], abs=1e-3)
    assert guide[PIXELS // 2, PIXELS // 2, 6] == pytest.approx(1.0, abs=0.01)  # facing us
