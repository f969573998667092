"""The still's dielectric layer. glTF's clear coat: a full-strength dielectric (index 1.5) on the
geometry's own normal over a base that gives way to it. KHR_materials_specular's reflection: F0
tinted by the specular colour, F90 the specular factor. Neither makes light; both are sampled
as they are evaluated."""

from __future__ import annotations

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.dielectric_layer import DIELECTRIC_LAYER
from app.photoreal.normal_maps import VALID_NORMAL_MAP
from app.scene.thin_film import thin_film_reflectance
from tests.photoreal.patches import patch_from_above, tilted_normal_map

BLACK = {"type": "rgb", "value": [0.0, 0.0, 0.0]}
WHITE = {"type": "rgb", "value": [1.0, 1.0, 1.0]}
BLACK_BASE = {"type": "principled", "base_color": BLACK, "roughness": 1.0, "specular": 0.0}
F0 = ((1.5 - 1.0) / (1.5 + 1.0)) ** 2  # a dielectric of index 1.5 head on: 0.04


def coat(base: dict, weight: float = 1.0, roughness: float = 0.0) -> dict:
    return {"type": DIELECTRIC_LAYER, "bsdf": base, "weight": weight, "roughness": roughness}


def specular(base: dict, f0, f90: float = 1.0, roughness: float = 0.0) -> dict:
    return {"type": DIELECTRIC_LAYER, "bsdf": base, "weight": 1.0, "roughness": roughness,
            "f0": {"type": "rgb", "value": list(f0)}, "f90": f90}


def seen_head_on(bsdf: dict, *, room: float = 1.0, lamp: float = 0.0) -> float:
    """What a flat patch of ``bsdf`` sends straight back to a camera looking down on it, in a
    room of radiance ``room``, with a lamp of radiance ``lamp`` just behind the camera."""
    return float(seen_head_on_rgb(bsdf, room=room, lamp=lamp).mean())


def seen_head_on_rgb(bsdf: dict, *, room: float = 1.0, lamp: float = 0.0) -> np.ndarray:
    """``seen_head_on`` per colour channel (R, G, B)."""
    mi = activate_mitsuba()
    scene = patch_from_above(mi, bsdf, integrator={"type": "path", "max_depth": 4})
    if room:
        scene["room"] = {"type": "constant", "radiance": {"type": "rgb", "value": [room] * 3}}
    if lamp:
        scene["lamp"] = {"type": "disk", "emitter": {"type": "area", "radiance": {
            "type": "rgb", "value": [lamp] * 3}}, "to_world": mi.ScalarTransform4f.translate(
                [0, 0, 5.5]).scale(1.0).rotate([1, 0, 0], 180)}
    return np.asarray(mi.render(mi.load_dict(scene), spp=512))[..., :3].reshape(-1, 3).mean(axis=0)


def test_a_coat_over_black_reflects_a_dielectric_s_share_head_on():
    assert seen_head_on(BLACK_BASE) == pytest.approx(0.0, abs=1e-3)
    assert seen_head_on(coat(BLACK_BASE)) == pytest.approx(F0, rel=0.1)
    assert seen_head_on(coat(BLACK_BASE, roughness=0.5)) == pytest.approx(F0, rel=0.15)
    assert seen_head_on(coat(BLACK_BASE, weight=0.5)) == pytest.approx(0.5 * F0, rel=0.1)


def test_without_weight_the_coat_is_the_base():
    white = {"type": "diffuse", "reflectance": {"type": "rgb", "value": [0.6, 0.6, 0.6]}}
    assert seen_head_on(coat(white, weight=0.0)) == pytest.approx(seen_head_on(white), rel=0.02)


def test_a_coat_over_white_makes_no_light():
    white = {"type": "diffuse", "reflectance": WHITE}
    assert seen_head_on(coat(white)) == pytest.approx(1.0, abs=0.03)
    assert seen_head_on(coat(white, roughness=0.4)) == pytest.approx(1.0, abs=0.03)


def test_the_coat_mirrors_about_the_geometry_not_the_base_s_normal_map():
    """A lamp behind the camera shows in the coat head on even where the base's normal map
    tilts the base's normal by 40 degrees (its mirror image would then miss the lamp)."""
    mi = activate_mitsuba()
    tilted = {"type": VALID_NORMAL_MAP, "bsdf": {"type": "roughconductor", "alpha": 0.02},
              "normalmap": tilted_normal_map(mi)}
    lit = 100.0
    assert seen_head_on(tilted, room=0.0, lamp=lit) < 0.01 * lit  # the base's mirror misses
    assert seen_head_on(coat(tilted), room=0.0, lamp=lit) == pytest.approx(F0 * lit, rel=0.15)


def test_the_coat_s_own_normal_map_tilts_the_coat():
    mi = activate_mitsuba()
    lit = 100.0
    tilted_coat = {**coat(BLACK_BASE), "normalmap": tilted_normal_map(mi)}
    assert seen_head_on(tilted_coat, room=0.0, lamp=lit) < 0.002 * lit  # its mirror misses
    assert seen_head_on(tilted_coat) == pytest.approx(seen_head_on(coat(BLACK_BASE)), rel=0.2)
    flat_coat = {**coat(BLACK_BASE), "normalmap": tilted_normal_map(mi, 0.0)}
    assert seen_head_on(flat_coat, room=0.0, lamp=lit) == pytest.approx(F0 * lit, rel=0.15)


def test_the_layers_are_sampled_as_they_are_evaluated():
    """Mitsuba's chi-square test: the directions ``sample`` draws follow ``pdf``."""
    from mitsuba.chi2 import BSDFAdapter, ChiSquareTest, SphericalDomain

    activate_mitsuba()
    base = {"type": "principled", "base_color": {"type": "rgb", "value": [0.3, 0.1, 0.1]},
            "roughness": 0.5}
    layers = [coat(base, roughness=0.2), coat(base, roughness=0.6),
              specular(base, (0.08, 0.06, 0.0), f90=0.5, roughness=0.3)]
    for layer in layers:
        for wi in ([0.0, 0.0, 1.0], [0.6, 0.0, 0.8]):
            sample, pdf = BSDFAdapter(DIELECTRIC_LAYER, layer, wi=wi)
            test = ChiSquareTest(domain=SphericalDomain(), sample_func=sample, pdf_func=pdf,
                                 sample_dim=3, res=101, ires=16)
            assert test.run(), test.messages


def test_the_specular_colour_tints_the_reflection_head_on():
    yellow = (0.04, 0.04, 0.0)
    seen = seen_head_on_rgb(specular(BLACK_BASE, yellow))
    assert seen == pytest.approx(yellow, abs=0.006)
    rough = seen_head_on_rgb(specular(BLACK_BASE, yellow, roughness=0.5))
    assert rough[2] < 0.3 * rough[0] and rough[0] == pytest.approx(0.04, rel=0.2)


def test_a_specular_factor_of_zero_reflects_nothing_even_at_grazing():
    """glTF's F90 is the specular factor: a sphere of factor 0 is black to its rim."""
    mi = activate_mitsuba()
    layer = mi.load_dict(specular(BLACK_BASE, (0.0, 0.0, 0.0), f90=0.0, roughness=0.2))
    full = mi.load_dict(specular(BLACK_BASE, (0.0, 0.0, 0.0), f90=1.0, roughness=0.2))
    si = mi.SurfaceInteraction3f()
    si.uv = mi.Point2f(0.5, 0.5)
    si.sh_frame = mi.Frame3f(mi.Vector3f(0.0, 0.0, 1.0))
    si.wi = mi.Vector3f(0.995, 0.0, 0.0998)  # near grazing
    wo = mi.Vector3f(-0.995, 0.0, 0.0998)
    ctx = mi.BSDFContext()
    assert np.asarray(layer.eval(ctx, si, wo)).max() == pytest.approx(0.0, abs=1e-6)
    assert np.asarray(full.eval(ctx, si, wo)).max() > 0.1


def test_the_specular_layer_over_white_makes_no_light():
    white = {"type": "diffuse", "reflectance": WHITE}
    assert seen_head_on(specular(white, (0.04, 0.04, 0.04))) == pytest.approx(1.0, abs=0.03)
    tinted = seen_head_on_rgb(specular(white, (0.2, 0.2, 0.0), roughness=0.3))
    assert np.all(tinted <= 1.02)


def film(base: dict, f0, *, thickness: float = 400.0, film_ior: float = 1.33,
         weight: float = 1.0, over_nested: bool = False) -> dict:
    return {**specular(base, f0), "film_ior": film_ior, "film_thickness": thickness,
            "film_weight": weight, "film_over_nested": over_nested}


@pytest.mark.parametrize("f0", [(0.04, 0.04, 0.04), (0.4, 0.4, 0.4)])
def test_a_thin_film_reflects_its_interference_colour_head_on(f0):
    """A mirror under a film of index 1.33 and 400 nm reflects, head on, the colour
    ``thin_film_reflectance`` gives (a dielectric's F0 and a grey metal's): not grey."""
    expected = np.asarray(thin_film_reflectance(1.0, 400.0, 1.33, f0), dtype=float)
    assert expected.max() - expected.min() > 0.02, expected
    seen = seen_head_on_rgb(film(BLACK_BASE, f0))
    np.testing.assert_allclose(seen, expected, rtol=0.1, atol=3e-3)


def test_a_film_at_half_strength_mixes_with_the_bare_reflection():
    f0 = (0.4, 0.4, 0.4)
    bare = seen_head_on_rgb(specular(BLACK_BASE, f0))
    filmed = seen_head_on_rgb(film(BLACK_BASE, f0))
    half = seen_head_on_rgb(film(BLACK_BASE, f0, weight=0.5))
    np.testing.assert_allclose(half, 0.5 * (bare + filmed), rtol=0.08, atol=3e-3)


def test_a_film_over_glass_adds_only_what_it_reflects_beyond_the_glass():
    """Over a surface that reflects by itself (``film_over_nested``), the layer adds the
    film's reflectance less the bare Fresnel of that F0 (never less than nothing)."""
    f0 = (F0, F0, F0)
    film_f = np.asarray(thin_film_reflectance(1.0, 100.0, 1.8, f0), dtype=float)
    seen = seen_head_on_rgb(film(BLACK_BASE, f0, thickness=100.0, film_ior=1.8,
                                 over_nested=True))
    np.testing.assert_allclose(seen, np.maximum(film_f - F0, 0.0), rtol=0.1, atol=3e-3)
    assert seen.max() > 0.03, seen


def test_a_film_under_a_coat_lies_under_the_coat_s_index():
    """``film_outside_ior``: the film's colour as ``thin_film_reflectance`` gives it under a
    clear coat (index 1.5), other than under air."""
    f0 = (0.4, 0.4, 0.4)
    coated = {**film(BLACK_BASE, f0), "film_outside_ior": 1.5}
    expected = np.asarray(thin_film_reflectance(1.0, 400.0, 1.33, f0, outside_ior=1.5),
                          dtype=float)
    in_air = np.asarray(thin_film_reflectance(1.0, 400.0, 1.33, f0), dtype=float)
    assert np.abs(expected - in_air).max() > 0.05, (expected, in_air)
    np.testing.assert_allclose(seen_head_on_rgb(coated), expected, rtol=0.1, atol=3e-3)
