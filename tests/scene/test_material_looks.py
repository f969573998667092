"""The nearest looks shared by the renderers: unlit as glow, specular as IOR, volume as tint."""

import math

import pytest

from app.scene.description import ResolvedMaterial, TextureRef, slot
from app.scene.material_looks import (
    reflectance_at_normal,
    specular_ior,
    tinted_by_volume,
    unlit_as_emission,
    volume_tint,
)


def test_unlit_glows_in_its_base_colour_and_reflects_nothing():
    texture = slot(TextureRef("logo.png", srgb=True))
    m = ResolvedMaterial("u", base_color=(0.9, 0.2, 0.1), opacity=0.5, unlit=True,
                         base_color_texture=texture, clearcoat=1.0)
    glow = unlit_as_emission(m)
    assert glow.base_color == (0.0, 0.0, 0.0) and glow.emissive == (0.9, 0.2, 0.1)
    assert glow.emissive_texture == texture and glow.base_color_texture == texture  # alpha kept
    assert reflectance_at_normal(glow) == 0.0 and glow.clearcoat == 0.0
    assert glow.opacity == 0.5 and glow.alpha_mode == "BLEND"
    plain = ResolvedMaterial("p")
    assert unlit_as_emission(plain) is plain


def test_specular_ior_keeps_the_reflectance_at_normal_incidence():
    assert specular_ior(ResolvedMaterial("a", ior=1.33)) == 1.33
    half = ResolvedMaterial("b", ior=1.5, specular=0.5)
    f0 = ((specular_ior(half) - 1) / (specular_ior(half) + 1)) ** 2
    assert f0 == pytest.approx(0.02, rel=1e-6)
    assert specular_ior(ResolvedMaterial("c", specular=0.0)) == pytest.approx(1.0)


def test_volume_tint_follows_beer_lambert_and_needs_thickness():
    m = ResolvedMaterial("g", transmission=1.0, thickness=2.0, attenuation_distance=1.0,
                         attenuation_color=(0.5, 1.0, 0.25))
    assert volume_tint(m) == pytest.approx((0.25, 1.0, 0.0625))
    assert tinted_by_volume(m).base_color == pytest.approx((0.2, 0.8, 0.05))
    thin = ResolvedMaterial("t", transmission=1.0, attenuation_distance=1.0,
                            attenuation_color=(0.5, 0.5, 0.5))
    assert volume_tint(thin) == (1.0, 1.0, 1.0)
    clear = ResolvedMaterial("c", transmission=1.0, thickness=1.0)
    assert math.isinf(clear.attenuation_distance) and tinted_by_volume(clear) is clear
