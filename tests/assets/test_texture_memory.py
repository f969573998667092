"""A model's textures are held once: the decoded image a texture is made from is let go, and an
image that two of a model's materials read under different names is not decoded twice."""

from __future__ import annotations

import numpy as np

from app.assets.model_loading import load_model

from .conftest import CORNER_GREEN, CORNER_RED, QUAD_INDICES, QUAD_POSITIONS, write_gltf

UV = [(0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]


def _two_quads(path, corner_png, materials):
    primitive = {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES, "uv": UV}
    return write_gltf(path, meshes=[{"name": "a", "primitives": [{**primitive, "material": 0}]},
                                    {"name": "b", "primitives": [{**primitive, "material": 1}]}],
                      materials=materials, images=[{"uri": corner_png.name}])


def test_a_diffuse_texture_alone_is_the_base_colour_of_a_specular_glossiness_material(
        tmp_path, corner_png):
    # trimesh bakes two images from it (base colour and roughness): each is drawn where it
    # belongs, and the file's image stays the base colour of the metal material beside it
    path = _two_quads(tmp_path / "shared.gltf", corner_png, [
        {"extensions": {"KHR_materials_pbrSpecularGlossiness": {
            "diffuseTexture": {"index": 0}, "specularFactor": [0.04, 0.04, 0.04],
            "glossinessFactor": 0.5}}},
        {"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}])
    header = path.read_text().replace('"asset"', '"extensionsUsed": '
                                      '["KHR_materials_pbrSpecularGlossiness"], "asset"', 1)
    path.write_text(header)
    model = load_model(path)
    glossy, metal = (model.meshes[name].material for name in ("a", "b"))
    for texture in (glossy.base_color_texture, metal.base_color_texture):
        np.testing.assert_allclose(texture.pixels[0, 0, :3], CORNER_RED, atol=2)
        np.testing.assert_allclose(texture.pixels[0, -1, :3], CORNER_GREEN, atol=2)
    roughness = glossy.orm_texture.pixels[..., 1]
    np.testing.assert_allclose(roughness, 127, atol=2)  # glossiness 0.5, all over
    assert glossy.base_color_texture.source != glossy.orm_texture.source


def test_one_image_in_two_slots_is_held_once(tmp_path, corner_png):
    path = _two_quads(tmp_path / "two_slots.gltf", corner_png, [
        {"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}},
        {"emissiveTexture": {"index": 0}, "emissiveFactor": [1.0, 1.0, 1.0]}])
    model = load_model(path)
    base = model.meshes["a"].material.base_color_texture
    glow = model.meshes["b"].material.emissive_texture
    np.testing.assert_array_equal(glow.pixels[0, 0, :3], CORNER_RED)
    assert np.shares_memory(base.pixels, glow.pixels)
