"""Scene materials with glTF alpha and emission as Mitsuba BSDFs: alpha MASK and emission."""

import dataclasses

import numpy as np

from app.assets.mesh import MeshData, TextureImage
from app.photoreal.backend import activate_mitsuba
from app.photoreal.materials import MaterialTranslator
from app.scene.description import ResolvedMaterial, TextureRef, slot

HALF = TextureRef("test#half", srgb=True)


def half_cut_texture() -> TextureImage:
    """4x4 RGBA: alpha 0.2 in the left half, 0.8 in the right half."""
    pixels = np.full((4, 4, 4), 200, np.uint8)
    pixels[:, :2, 3] = 51
    pixels[:, 2:, 3] = 204
    return TextureImage(pixels, "test#half")


def translator() -> MaterialTranslator:
    return MaterialTranslator(activate_mitsuba(), lambda ref: half_cut_texture())


def quad(with_uv: bool = True) -> MeshData:
    vertices = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], np.float32)
    uv = np.array([[0, 1], [1, 1], [1, 0], [0, 0]], np.float32) if with_uv else None
    return MeshData("quad", vertices, np.array([[0, 1, 2], [0, 2, 3]], np.int32),
                    np.tile([0, 0, 1], (4, 1)).astype(np.float32), uv=uv)


def bitmap_pixels(texture: dict) -> np.ndarray:
    bitmap = texture["bitmap"]
    return np.asarray(bitmap).reshape(bitmap.height(), bitmap.width(), -1)


def front_opacity(bsdf: dict) -> dict:
    """A single-sided material's opacity on its front faces (its back faces have none)."""
    assert bsdf["opacity"]["type"] == "frontonly"
    return bsdf["opacity"]["texture"]


def test_mask_cuts_at_the_cutoff():
    material = ResolvedMaterial("cut", alpha_mode="MASK", alpha_cutoff=0.5,
                                base_color_texture=slot(HALF))
    look = translator().for_material(material, quad())
    assert look.bsdf["type"] == "mask"
    opacity = bitmap_pixels(front_opacity(look.bsdf))[..., 0]
    np.testing.assert_array_equal(opacity[:, :2], 0.0)
    np.testing.assert_array_equal(opacity[:, 2:], 1.0)


def test_mask_factor_above_the_cutoff_is_opaque_and_below_is_gone():
    keep = ResolvedMaterial("keep", alpha_mode="MASK", alpha_cutoff=0.5, opacity=0.6)
    gone = ResolvedMaterial("gone", alpha_mode="MASK", alpha_cutoff=0.5, opacity=0.4)
    assert translator().for_material(keep, quad(False)).bsdf["type"] != "mask"
    cut = translator().for_material(gone, quad(False)).bsdf
    assert cut["type"] == "mask" and front_opacity(cut)["value"] == [0.0] * 3
    both_sides = dataclasses.replace(gone, double_sided=True)
    assert translator().for_material(both_sides, quad(False)).bsdf["opacity"]["value"] == \
        [0.0] * 3


def test_opaque_ignores_the_alpha_factor():
    material = ResolvedMaterial("opaque", alpha_mode="OPAQUE", opacity=0.2,
                                base_color_texture=slot(HALF))
    assert translator().for_material(material, quad()).bsdf["type"] != "mask"


def test_emission_above_one_is_kept_and_cut_where_the_mask_cuts():
    material = ResolvedMaterial("glow", alpha_mode="MASK", alpha_cutoff=0.5,
                                emissive=(4.0, 2.0, 0.0), base_color_texture=slot(HALF))
    look = translator().for_material(material, quad())
    emitted = bitmap_pixels(look.emission)
    np.testing.assert_array_equal(emitted[:, :2], 0.0)
    np.testing.assert_allclose(emitted[:, 2:], np.broadcast_to([4.0, 2.0, 0.0], (4, 2, 3)))


def test_no_emission_without_an_emissive_factor():
    assert translator().for_material(ResolvedMaterial("plain"), quad(False)).emission is None
