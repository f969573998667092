"""glTF material extensions (unlit, clearcoat, specular, specular-glossiness, transmission,
volume, sheen, anisotropy, iridescence) in the photoreal still, on the Khronos models that
isolate them (specular-glossiness and WebP textures on the Avocado written with them)."""

import pytest

from tests import khronos_material_extensions as x

CHECKS = [x.unlit_colour_ignores_the_lighting, x.clearcoat_adds_a_sharp_highlight,
          x.coat_reflects_as_a_glossy_dielectric_does,
          x.specular_factor_scales_the_reflection, x.transmission_shows_what_lies_behind,
          x.attenuation_tints_what_passes_through, x.coloured_glass_colours_what_lies_behind,
          x.sheen_brightens_the_cloth,
          x.anisotropy_stretches_the_highlight, x.anisotropy_without_uvs_stretches_the_highlight,
          x.anisotropy_leaves_a_rough_surface_alone,
          x.anisotropy_draws_a_smooth_surface_as_lines, x.anisotropy_rotation_turns_the_lines,
          x.masked_transmission_keeps_what_the_mask_keeps,
          x.specular_texture_scales_the_reflection,
          x.specular_colour_texture_tints_the_reflection,
          x.specular_colour_factor_tints_the_reflection,
          x.iridescence_colours_the_reflection, x.iridescence_thickness_changes_the_colour]


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_material_extension_changes_the_pixels(external_dir, check):
    check("photoreal", external_dir)


def test_anisotropy_texture_turns_and_weakens_the_lines(external_dir, tmp_path):
    x.anisotropy_texture_turns_and_weakens_the_lines("photoreal", external_dir, tmp_path)


def test_coat_normal_texture_ripples_the_coat(external_dir):
    x.coat_normal_texture_ripples_the_coat("photoreal", external_dir)


def test_specular_glossiness_draws_as_its_metal_roughness(external_dir, tmp_path):
    x.specular_glossiness_draws_as_its_metal_roughness("photoreal", external_dir, tmp_path)


def test_webp_texture_draws_as_its_png(external_dir, tmp_path):
    x.webp_texture_draws_as_its_png("photoreal", external_dir, tmp_path)



def test_without_uvs_both_renderers_stretch_along_one_tangent(external_dir):
    x.anisotropy_without_uvs_agrees_across_renderers(external_dir)
