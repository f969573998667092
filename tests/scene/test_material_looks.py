"""The nearest looks shared by the renderers: unlit as glow, specular as IOR, volume as tint,
glTF's anisotropy as Disney's."""

import math

import numpy as np
import pytest

from app.catalog.materials import load_material_library
from app.scene.description import ResolvedMaterial, TextureRef, slot
from app.scene.material_looks import (
    NARROWEST_ALPHA,
    disney_anisotropy,
    drawn_double_sided,
    reflectance_at_normal,
    specular_ior,
    tinted_by_volume,
    unlit_as_emission,
    volume_tint,
)
from app.scene.materials import resolve_material


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


@pytest.mark.parametrize("roughness, strength", [(0.5, 0.0), (0.5, 1.0), (0.3, 0.4), (1.0, 1.0),
                                                 (0.8, 0.6)])
def test_disney_anisotropy_gives_gltf_s_alphas(roughness, strength):
    disney_roughness, anisotropic = disney_anisotropy(roughness, strength)
    aspect = math.sqrt(1.0 - 0.9 * anisotropic)
    along, across = disney_roughness ** 2 / aspect, disney_roughness ** 2 * aspect
    assert along == pytest.approx(roughness ** 2 + (1 - roughness ** 2) * strength ** 2)
    assert across == pytest.approx(roughness ** 2)


def test_disney_anisotropy_past_its_reach_stretches_to_a_line():
    """A smooth surface fully stretched: glTF's alphas 1 and 0 (a thin line of light), past
    Disney's 10:1 at anisotropic 1, as far as the narrowest alpha Mitsuba draws."""
    disney_roughness, anisotropic = disney_anisotropy(0.0, 1.0)
    assert anisotropic > 1.0
    aspect = math.sqrt(1.0 - 0.9 * anisotropic)
    assert disney_roughness ** 2 / aspect == pytest.approx(1.0)
    assert disney_roughness ** 2 * aspect == pytest.approx(NARROWEST_ALPHA)
    pixels = disney_anisotropy(np.array([[0.0], [1.0]]), 1.0)
    assert pixels[0].shape == (2, 1)
    assert pixels[1][:, 0] == pytest.approx([anisotropic, 0.0])


def test_exports_say_double_sided_where_the_renderers_draw_both_sides():
    assert drawn_double_sided(ResolvedMaterial("crystal", transmission=1.0))  # one sheet
    smoke = ResolvedMaterial("smoke", alpha_mode="BLEND", opacity=0.5)
    assert not drawn_double_sided(smoke)  # its back faces are culled, as the file says
    assert drawn_double_sided(ResolvedMaterial("smoke", alpha_mode="BLEND", opacity=0.5,
                                               double_sided=True))
    assert not drawn_double_sided(ResolvedMaterial("paint"))


def test_a_catalog_material_is_drawn_from_both_sides(builtin_root):
    library, problems = load_material_library(builtin_root / "assets/materials", builtin_root)
    assert problems == []
    glaze = library["ceramic_gloss"]

    def resolved(material):
        return resolve_material(material, allowed_roots=[builtin_root / "assets"],
                                label="ceramic_gloss.yaml")

    assert resolved(glaze).double_sided
    assert resolved(glaze.model_copy(update={"opacity": 0.4})).double_sided
