"""Thin-film interference (KHR_materials_iridescence's Fresnel): the physics it must keep, and
the same values from numpy and from Dr.Jit (the still's layer)."""

from __future__ import annotations

import numpy as np
import pytest

from app.scene.thin_film import film_outside_ior, film_thickness, thin_film_reflectance

GLASS_F0 = ((1.5 - 1.0) / (1.5 + 1.0)) ** 2  # 0.04


def _schlick(f0, cos):
    return f0 + (1.0 - f0) * (1.0 - cos) ** 5


def reflectance(cos, thickness, film_ior, f0=(GLASS_F0,) * 3) -> np.ndarray:
    return np.stack(thin_film_reflectance(np.asarray(cos, float), np.asarray(thickness, float),
                                          film_ior, f0), axis=-1)


def test_no_film_is_the_bare_surface():
    cos = np.linspace(0.0, 1.0, 11)
    np.testing.assert_allclose(reflectance(cos, 0.0, 1.33), _schlick(GLASS_F0, cos)[:, None]
                               * np.ones(3), rtol=1e-9)
    metal = (0.9, 0.6, 0.2)
    np.testing.assert_allclose(reflectance(1.0, 0.0, 1.8, metal), metal, rtol=1e-9)


def test_a_quarter_wave_film_between_air_and_glass_takes_the_reflection_away():
    """An anti-reflection coating: index 1.22 (about sqrt(1.5)), a quarter of green's
    wavelength thick (550 / 4 / 1.22 nm), reflects far less green head on than bare glass."""
    coated = reflectance(1.0, 550.0 / 4.0 / 1.22, 1.22)
    assert coated[1] < 0.3 * GLASS_F0, coated


def test_a_quarter_wave_film_of_a_higher_index_reflects_more():
    """A film of index 1.8 on glass (1.5) a quarter of green's wavelength thick reflects
    green several times as much as bare glass (constructive interference)."""
    coated = reflectance(1.0, 550.0 / 4.0 / 1.8, 1.8)
    assert coated[1] > 2.5 * GLASS_F0, coated


def test_the_colour_turns_with_the_thickness_and_the_angle():
    colours = reflectance(1.0, np.array([250.0, 330.0, 400.0, 480.0]), 1.33, (0.4,) * 3)
    dominant = {int(np.argmax(c)) for c in colours}
    assert len(dominant) >= 2, colours
    head_on, slanted = reflectance(np.array([1.0, 0.5]), 400.0, 1.33, (0.4,) * 3)
    assert np.abs(head_on - slanted).max() > 0.05, (head_on, slanted)


def test_the_reflectance_stays_between_nothing_and_everything():
    cos, thickness = np.meshgrid(np.linspace(0.0, 1.0, 41), np.linspace(0.0, 1200.0, 61))
    for film_ior in (1.0, 1.2, 1.33, 1.8, 2.5):
        for f0 in ((0.0,) * 3, (GLASS_F0,) * 3, (0.95, 0.64, 0.54), (1.0,) * 3):
            values = reflectance(cos, thickness, film_ior, f0)
            assert np.isfinite(values).all()
            assert values.min() >= 0.0 and values.max() <= 1.0 + 1e-6, (film_ior, f0)


def test_a_film_far_thicker_than_light_is_long_reflects_without_colour():
    """Past the light's coherence (a millimetre of film) the interference averages out: the
    reflectance is finite and nearly grey, whatever a hostile file asks for."""
    values = reflectance(np.linspace(0.05, 1.0, 20), 1e6, 1.5)
    assert np.isfinite(values).all()
    assert np.abs(values - values.mean(axis=-1, keepdims=True)).max() < 0.01, values


def test_a_film_as_thick_as_a_float_holds_stays_grey_in_dr_jit():
    """Dr.Jit's float32 cosine of a film a hostile file made 1e12 nm thick or more was NaN:
    the still drew the surface black."""
    from app.photoreal.backend import activate_mitsuba

    mi = activate_mitsuba()
    import drjit as dr

    from app.photoreal.plugins import jit_ops

    cos = np.linspace(0.05, 1.0, 9)
    f0 = (0.9, 0.5, GLASS_F0)
    for thickness in (1e12, 1e30, 3e38):
        jit = thin_film_reflectance(mi.Float(cos), mi.Float(np.full(cos.shape, thickness)), 1.6,
                                    tuple(mi.Float(np.full(cos.shape, c)) for c in f0),
                                    ops=jit_ops(dr))
        values = np.stack([np.asarray(c) for c in jit], axis=-1)
        np.testing.assert_allclose(values, reflectance(cos, 1e6, 1.6, f0), atol=2e-3)


def test_the_texture_s_green_spans_minimum_to_maximum():
    assert film_thickness((200.0, 600.0), 0.0) == 200.0
    assert film_thickness((200.0, 600.0), 0.5) == 400.0
    assert film_thickness((200.0, 600.0), 1.0) == 600.0


def test_dr_jit_gives_numpy_s_values():
    """The still's layer evaluates the same function with Dr.Jit's arrays."""
    from app.photoreal.backend import activate_mitsuba

    mi = activate_mitsuba()
    import drjit as dr

    from app.photoreal.plugins import jit_ops

    ops = jit_ops(dr)
    cos, thickness = (a.ravel() for a in np.meshgrid(np.linspace(0.0, 1.0, 9),
                                                       np.linspace(0.0, 800.0, 9)))
    f0 = (0.9, 0.5, GLASS_F0)
    jit = thin_film_reflectance(mi.Float(cos), mi.Float(thickness), 1.6,
                                tuple(mi.Float(np.full(cos.shape, c)) for c in f0), ops=ops)
    expected = reflectance(cos, thickness, 1.6, f0)
    np.testing.assert_allclose(np.stack([np.asarray(c) for c in jit], axis=-1), expected,
                               atol=2e-4)


def test_under_a_clear_coat_the_film_lies_under_the_coat_s_index():
    """glTF: under a coat the film's outside medium is the coat (1.5). A film of the coat's own
    index is then no interface at all: head on, the base reflects what it reflects against
    the coat, not against air."""
    assert film_outside_ior(0.0) == 1.0 and film_outside_ior(1.0) == 1.5
    assert film_outside_ior(0.5) == pytest.approx(1.25)
    assert film_outside_ior(7.0) == 1.5
    base_f0 = 0.2
    base_ior = (1.0 + base_f0 ** 0.5) / (1.0 - base_f0 ** 0.5)
    against_coat = ((base_ior - 1.5) / (base_ior + 1.5)) ** 2
    head_on = np.asarray(thin_film_reflectance(1.0, 300.0, 1.5, (base_f0,) * 3,
                                               outside_ior=1.5), dtype=float)
    np.testing.assert_allclose(head_on, against_coat, atol=0.01)
    assert against_coat < 0.5 * base_f0
