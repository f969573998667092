"""Model-file materials as Mitsuba BSDFs: alpha MASK and emission."""

import numpy as np

from app.assets.mesh import MeshMaterial, TextureImage
from app.photoreal.backend import activate_mitsuba
from app.photoreal.materials import MaterialTranslator


def translator() -> MaterialTranslator:
    return MaterialTranslator(activate_mitsuba(), lambda ref: None)


def half_cut_texture() -> TextureImage:
    """4x4 RGBA: alpha 0.2 in the left half, 0.8 in the right half."""
    pixels = np.full((4, 4, 4), 200, np.uint8)
    pixels[:, :2, 3] = 51
    pixels[:, 2:, 3] = 204
    return TextureImage(pixels, "test#half")


def bitmap_pixels(texture: dict) -> np.ndarray:
    bitmap = texture["bitmap"]
    return np.asarray(bitmap).reshape(bitmap.height(), bitmap.width(), -1)


def test_mask_cuts_at_the_cutoff():
    material = MeshMaterial(name="cut", alpha_mode="MASK", alpha_cutoff=0.5,
                            base_color_texture=half_cut_texture())
    look = translator().for_model(material, has_uv=True, colors=None)
    assert look.bsdf["type"] == "mask"
    opacity = bitmap_pixels(look.bsdf["opacity"])[..., 0]
    np.testing.assert_array_equal(opacity[:, :2], 0.0)
    np.testing.assert_array_equal(opacity[:, 2:], 1.0)


def test_mask_factor_above_the_cutoff_is_opaque_and_below_is_gone():
    keep = MeshMaterial(alpha_mode="MASK", alpha_cutoff=0.5, base_color=(1, 1, 1, 0.6))
    gone = MeshMaterial(alpha_mode="MASK", alpha_cutoff=0.5, base_color=(1, 1, 1, 0.4))
    assert translator().for_model(keep, has_uv=False, colors=None).bsdf["type"] != "mask"
    cut = translator().for_model(gone, has_uv=False, colors=None).bsdf
    assert cut["type"] == "mask" and cut["opacity"]["value"] == [0.0] * 3


def test_emission_above_one_is_kept_and_cut_where_the_mask_cuts():
    material = MeshMaterial(alpha_mode="MASK", alpha_cutoff=0.5, emissive=(4.0, 2.0, 0.0),
                            base_color_texture=half_cut_texture())
    look = translator().for_model(material, has_uv=True, colors=None)
    emitted = bitmap_pixels(look.emission)
    np.testing.assert_array_equal(emitted[:, :2], 0.0)
    np.testing.assert_allclose(emitted[:, 2:], np.broadcast_to([4.0, 2.0, 0.0], (4, 2, 3)))


def test_no_emission_without_an_emissive_factor():
    assert translator().for_model(MeshMaterial(), has_uv=False, colors=None).emission is None
