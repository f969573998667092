"""glTF material extensions (unlit, clearcoat, specular, transmission, volume, sheen,
anisotropy) in the live view, on the Khronos models that isolate them."""

import pytest

from tests import khronos_material_extensions as x

CHECKS = [x.unlit_colour_ignores_the_lighting, x.clearcoat_adds_a_sharp_highlight,
          x.coat_reflects_as_a_glossy_dielectric_does,
          x.specular_factor_scales_the_reflection, x.transmission_shows_what_lies_behind,
          x.attenuation_tints_what_passes_through, x.sheen_brightens_the_cloth,
          x.anisotropy_stretches_the_highlight, x.anisotropy_leaves_a_rough_surface_alone,
          x.masked_transmission_keeps_what_the_mask_keeps]


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_material_extension_changes_the_pixels(external_dir, check):
    check("live", external_dir)


def test_coat_normal_texture_ripples_the_coat(external_dir):
    x.coat_normal_texture_ripples_the_coat("live", external_dir)


def test_clearcoat_texture_takes_the_coat_away_in_part(external_dir):
    """VTK has no coat strength texture; the live view multiplies the coat by it in the
    shader."""
    x.clearcoat_texture_takes_the_coat_away_in_part("live", external_dir)


def test_clearcoat_roughness_texture_varies_the_coat(external_dir):
    x.clearcoat_roughness_texture_varies_the_coat("live", external_dir)


SPECULAR_MODEL = "SpecularTest/glTF-Binary/SpecularTest.glb"


def _spheres(sample: str, slot: str, y: float, external_dir):
    """A SpecularTest row of black, smooth spheres in the live view, with and without one
    specular texture; the pixels of the spheres (the background is white)."""
    from tests.khronos_scenes import facing, khronos_scene, material_of, only, render, with_material

    scene, assets = khronos_scene(external_dir, SPECULAR_MODEL)
    assert getattr(material_of(scene, sample), slot) is not None
    scene = only(facing(scene, (0.29, y, 0.0), 1.2), sample)
    with_texture = render("live", scene, assets, size=(160, 160)).astype(float)
    without = render("live", with_material(scene, sample, **{slot: None}), assets,
                     size=(160, 160)).astype(float)
    on_spheres = without.mean(axis=-1) < 200
    assert on_spheres.mean() > 0.03
    return with_texture[on_spheres], without[on_spheres]


def test_specular_texture_scales_the_reflection(external_dir):
    """SpecularTest's "specularTexture" row: the texture's alpha runs from 0 to 1 along the
    row, so the first spheres reflect little; with the factor alone each reflects alike."""
    textured, plain = _spheres("2_specularTexture", "specular_texture", 0.6, external_dir)
    assert textured.mean() < plain.mean() - 3, (textured.mean(), plain.mean())


def test_specular_colour_texture_tints_the_reflection(external_dir):
    """SpecularTest's yellow row: the specular colour texture (black to yellow) tints the
    black spheres' reflections yellow."""
    textured, plain = _spheres("6_yellowColorTexture", "specular_color_texture", 0.16,
                               external_dir)

    def yellowness(p):
        return float((p[:, :2].mean(axis=1) - p[:, 2]).mean())

    assert yellowness(textured) > yellowness(plain) + 5, (yellowness(textured),
                                                          yellowness(plain))
