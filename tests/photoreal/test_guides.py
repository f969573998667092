"""The denoiser's guides in the still: an alpha-cut surface's albedo weighed by its opacity, and
normals that carry the normal map."""

from __future__ import annotations

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.guides import albedo_guide, normal_guide
from app.photoreal.normal_maps import VALID_NORMAL_MAP
from tests.photoreal.patches import patch_from_above, tilted_normal_map

ALBEDO = [0.5, 0.2, 0.1]


def seen_albedo(bsdf: dict) -> np.ndarray:
    """The albedo AOV head on at the middle of a square of ``bsdf`` filling the view."""
    mi = activate_mitsuba()
    scene = mi.load_dict(patch_from_above(
        mi, bsdf, integrator={"type": "aov", "aovs": "albedo:albedo"}, fov=10))
    return np.asarray(mi.render(scene, spp=4))[4, 4, :3]


def masked(opacity: float) -> dict:
    return {"type": "mask", "opacity": {"type": "rgb", "value": [opacity] * 3},
            "bsdf": {"type": "twosided", "bsdf": {
                "type": "principled", "base_color": {"type": "rgb", "value": ALBEDO}}}}


@pytest.mark.parametrize("opacity", [0.0, 0.25, 1.0])
def test_an_alpha_cut_surface_s_albedo_is_weighed_by_its_opacity(opacity):
    # Mitsuba's mask gives its nested BSDF's albedo whatever its opacity
    assert seen_albedo(masked(opacity)) == pytest.approx(ALBEDO, abs=1e-4)
    cut = masked(opacity)
    assert seen_albedo(albedo_guide(cut, cut["opacity"])) == pytest.approx(
        np.multiply(ALBEDO, opacity), abs=1e-4)


def test_a_glass_s_albedo_is_weighed_by_the_share_of_it_that_is_rough():
    """Where a glass's roughness texture makes it clear, the denoiser is guided by what lies
    behind it: its own albedo counts for the rough share of it alone."""
    glass = {"type": "principled", "spec_trans": 1.0,
             "base_color": {"type": "rgb", "value": ALBEDO}}
    rough_share = {"type": "rgb", "value": [0.25] * 3}
    assert seen_albedo(albedo_guide(glass, rough_share)) == pytest.approx(
        np.multiply(seen_albedo(glass), 0.25), abs=1e-4)


def test_any_other_surface_keeps_its_bsdf_for_the_albedo():
    plain = {"type": "diffuse", "reflectance": {"type": "rgb", "value": ALBEDO}}
    assert albedo_guide(plain) is plain


def test_the_normal_guide_carries_the_normal_map():
    """A square facing +z whose normal map tilts its normal 30 degrees about y: the guide is
    the tilted normal (world space, as (n + 1) / 2); without a map, the square's own."""
    mi = activate_mitsuba()
    drawn = {"type": VALID_NORMAL_MAP, "normalmap": tilted_normal_map(mi, 30.0),
             "bsdf": {"type": "diffuse"}}
    nested = {"type": "mask", "opacity": {"type": "rgb", "value": [0.5] * 3},
              "bsdf": {"type": "twosided", "bsdf": drawn}}
    tilted = 2.0 * seen_albedo(normal_guide(nested)) - 1.0
    assert tilted == pytest.approx([np.sin(np.radians(30)), 0.0, np.cos(np.radians(30))],
                                   abs=0.02)
    flat = 2.0 * seen_albedo(normal_guide({"type": "diffuse"})) - 1.0
    assert flat == pytest.approx([0.0, 0.0, 1.0], abs=1e-4)


def test_a_path_tracer_may_run_while_guide_bsdfs_are_alive():
    """A path tracer's calls reach every BSDF alive in the process, a guide's too: one that
    answered with an empty sample failed any render made while it lived."""
    mi = activate_mitsuba()
    guide = mi.load_dict(normal_guide({"type": "diffuse"}))  # noqa: F841 (kept alive)
    scene = mi.load_dict({
        "type": "scene", "integrator": {"type": "path"},
        "light": {"type": "constant", "radiance": 1.0},
        "sensor": {"type": "perspective", "fov": 10,
                   "to_world": mi.ScalarTransform4f.look_at(origin=[0, 0, 5], target=[0, 0, 0],
                                                           up=[0, 1, 0]),
                   "film": {"type": "hdrfilm", "width": 8, "height": 8, "pixel_format": "rgb"}},
        "square": {"type": "rectangle", "bsdf": {"type": "diffuse"}}})
    image = np.asarray(mi.render(scene, spp=4))
    assert image[4, 4] == pytest.approx([0.5, 0.5, 0.5], abs=0.05)  # a grey square in a white room
