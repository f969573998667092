"""glTF's occlusion texture drawn where it is an image of its own or weakened by its strength:
packed into the R channel of the metallic-roughness (ORM) texture the renderers read
(app.assets.occlusion)."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.assets.model_loading import load_model
from app.assets.refs import TextureMapping, TextureRef
from app.assets.store import AssetStore

from .conftest import QUAD_INDICES, QUAD_POSITIONS

UV = [(0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]  # the image upright on the quad


def image(path: Path, pixels) -> Path:
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(path)
    return path


@pytest.fixture
def shade_png(tmp_path) -> Path:
    """4 x 4 grey: the left half 0 (fully occluded), the right half 200."""
    pixels = np.full((4, 4), 200, np.uint8)
    pixels[:, :2] = 0
    return image(tmp_path / "shade.png", pixels)


@pytest.fixture
def mr_png(tmp_path) -> Path:
    """8 x 8 RGB: R 17 (not occlusion), G (roughness) 100, B (metallic) 30."""
    return image(tmp_path / "mr.png", np.broadcast_to([17, 100, 30], (8, 8, 3)))


def quad(gltf_writer, path: Path, material: dict, images: list[Path]) -> Path:
    return gltf_writer(path, meshes=[{"name": "q", "primitives": [
        {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES, "uv": UV, "material": 0}]}],
        materials=[material], images=[{"uri": p.name} for p in images])


def material_of(path: Path):
    model = load_model(path)
    return model, model.meshes["q"].material


def test_an_occlusion_image_of_its_own_is_packed_with_the_metallic_roughness_one(
        gltf_writer, tmp_path, shade_png, mr_png):
    path = quad(gltf_writer, tmp_path / "q.gltf", {
        "pbrMetallicRoughness": {"metallicRoughnessTexture": {"index": 1},
                                 "metallicFactor": 0.5, "roughnessFactor": 0.75},
        "occlusionTexture": {"index": 0}}, [shade_png, mr_png])
    model, material = material_of(path)
    assert material.occlusion_in_orm
    assert not any("occlusion" in warning for warning in model.warnings)
    orm = material.orm_texture.pixels
    assert orm.shape[:2] == (8, 8)  # the larger of the two
    np.testing.assert_array_equal(orm[..., 1], 100)
    np.testing.assert_array_equal(orm[..., 2], 30)
    assert orm[:, :3, 0].max() <= 5 and orm[:, 5:, 0].min() >= 195  # the shade, resized
    assert (material.metallic, material.roughness) == (0.5, 0.75)


def test_occlusion_without_a_metallic_roughness_texture_keeps_the_factors(
        gltf_writer, tmp_path, shade_png):
    moved = {"offset": [0.5, 0.0], "scale": [2.0, 2.0]}
    path = quad(gltf_writer, tmp_path / "q.gltf", {
        "pbrMetallicRoughness": {"metallicFactor": 0.25, "roughnessFactor": 0.5},
        "occlusionTexture": {"index": 0, "extensions": {"KHR_texture_transform": moved}}},
        [shade_png])
    _, material = material_of(path)
    assert material.occlusion_in_orm
    orm = material.orm_texture.pixels
    np.testing.assert_array_equal(orm[..., 1:], 255)  # the factors times 1
    np.testing.assert_array_equal(orm[:, :2, 0], 0)
    np.testing.assert_array_equal(orm[:, 2:, 0], 200)
    assert (material.metallic, material.roughness) == (0.25, 0.5)
    # the occlusion's own mapping, transform included, is the packed texture's
    assert material.orm_mapping.transform.offset == pytest.approx((0.5, 0.0))
    assert material.orm_mapping.transform.scale == pytest.approx((2.0, 2.0))


@pytest.mark.parametrize("shared", [True, False])
def test_the_strength_weakens_the_occlusion(gltf_writer, tmp_path, shade_png, mr_png, shared):
    """glTF: 1 + strength * (occlusion - 1); on a shared ORM image its G and B stay."""
    images = [shade_png] if shared else [shade_png, mr_png]
    path = quad(gltf_writer, tmp_path / "q.gltf", {
        "pbrMetallicRoughness": {"metallicRoughnessTexture": {"index": 0 if shared else 1}},
        "occlusionTexture": {"index": 0, "strength": 0.25}}, images)
    _, material = material_of(path)
    assert material.occlusion_in_orm
    orm = material.orm_texture.pixels
    left, right = orm[..., 0][:, :1], orm[..., 0][:, -1:]
    np.testing.assert_allclose(left, 255 - 0.25 * 255, atol=1)
    np.testing.assert_allclose(right, 255 - 0.25 * 55, atol=1)
    if shared:
        np.testing.assert_array_equal(orm[:, :2, 1], 0)  # the grey image's own G: roughness
    else:
        np.testing.assert_array_equal(orm[..., 1], 100)


def test_a_full_strength_shared_image_is_the_file_s_own(gltf_writer, tmp_path, mr_png):
    path = quad(gltf_writer, tmp_path / "q.gltf", {
        "pbrMetallicRoughness": {"metallicRoughnessTexture": {"index": 0}},
        "occlusionTexture": {"index": 0}}, [mr_png])
    _, material = material_of(path)
    assert material.occlusion_in_orm
    assert material.orm_texture.source.endswith("#image0")  # the image, not a packed copy
    np.testing.assert_array_equal(material.orm_texture.pixels[..., 0], 17)


def test_occlusion_on_another_uv_set_is_drawn_without_and_said(gltf_writer, tmp_path,
                                                               shade_png, mr_png):
    path = quad(gltf_writer, tmp_path / "q.gltf", {
        "name": "painted",
        "pbrMetallicRoughness": {"metallicRoughnessTexture": {"index": 1}},
        "occlusionTexture": {"index": 0, "texCoord": 1}}, [shade_png, mr_png])
    model, material = material_of(path)
    assert not material.occlusion_in_orm
    assert material.orm_mapping == TextureMapping()
    np.testing.assert_array_equal(material.orm_texture.pixels[..., 0], 17)
    assert any("material 'painted': its occlusion texture maps otherwise than its "
               "metallic-roughness texture" in warning for warning in model.warnings)


def test_damaged_helmet_draws_its_occlusion_image(external_dir):
    path = external_dir / "khronos/DamagedHelmet/glTF-Binary/DamagedHelmet.glb"
    model = load_model(path)
    assert not any("occlusion" in warning for warning in model.warnings)
    (mesh,) = model.meshes.values()
    orm = mesh.material.orm_texture.pixels
    assert mesh.material.occlusion_in_orm and orm.shape[:2] == (2048, 2048)
    # its own ambient occlusion image (dark in the crevices), not the metallic-roughness R
    assert 150 < orm[..., 0].mean() < 250 and orm[..., 0].min() < 40


def test_packings_of_one_image_are_kept_apart(gltf_writer, tmp_path, shade_png, mr_png):
    """The shade alone, packed with the metallic-roughness image, and weakened: three
    textures of three sources, each with its own pixels, as the store finds them."""
    path = gltf_writer(tmp_path / "q.gltf", meshes=[
        {"name": name, "primitives": [{"positions": QUAD_POSITIONS, "indices": QUAD_INDICES,
                                       "uv": UV, "material": index}]}
        for index, name in enumerate(("alone", "packed", "weak"))],
        materials=[{"occlusionTexture": {"index": 0}},
                   {"pbrMetallicRoughness": {"metallicRoughnessTexture": {"index": 1}},
                    "occlusionTexture": {"index": 0}},
                   {"pbrMetallicRoughness": {"metallicRoughnessTexture": {"index": 1}},
                    "occlusionTexture": {"index": 0, "strength": 0.5}}],
        images=[{"uri": shade_png.name}, {"uri": mr_png.name}])
    model = load_model(path)
    textures = {name: mesh.material.orm_texture for name, mesh in model.meshes.items()}
    assert len({texture.source for texture in textures.values()}) == 3
    assert all(texture.source.startswith(f"{path}#") and texture.source.count("#") == 1
               for texture in textures.values())
    corner = {name: texture.pixels[0, 0] for name, texture in textures.items()}
    assert corner["alone"][1] == 255 and corner["packed"][1] == 100
    assert corner["packed"][0] <= 5 and 120 <= corner["weak"][0] <= 135
    store = AssetStore([tmp_path])
    for texture in textures.values():
        found = store.texture(TextureRef(source=texture.source, srgb=False))
        np.testing.assert_array_equal(found.pixels, texture.pixels)
