"""Images in exports: each distinct image stored once, a file's own bytes passed through."""

import hashlib
import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from app.domain.configuration import TextValue, default_configuration
from app.export.ar_budget import fit_export_scene
from app.export.export_images import stored_image
from app.export.export_meshes import ExportTexture
from app.export.glb import export_glb, export_scene_for, glb_bytes
from app.importers.gltf_variants import import_gltf_variants
from app.project import open_project
from tests.export.glb_reading import glb_images, glb_parts, image_digests

SHOE = "MaterialsVariantsShoe/glTF/MaterialsVariantsShoe.gltf"
SAMPLE_TEXT = {"mug": "wrap_text", "watch": "caseback", "guitar": "body_engraving",
               "golf_cart": "side_name"}


@pytest.fixture(scope="module")
def shoe_project(external_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("shoe_project")
    source = external_dir / SHOE
    import_gltf_variants(source, root, "shoe")
    project = open_project(root)
    return source, project, project.catalog.product("shoe")


@pytest.fixture(scope="module")
def shoe_glb(shoe_project, tmp_path_factory):
    _, project, shoe = shoe_project
    path = tmp_path_factory.mktemp("shoe_glb") / "shoe.glb"
    export_glb(shoe, default_configuration(shoe), project, path)
    return path


def test_shoe_round_trip_stays_near_its_source_size_with_its_variant_names(shoe_project,
                                                                           shoe_glb):
    source, _, _ = shoe_project
    source_bytes = sum(f.stat().st_size for f in source.parent.iterdir() if f.is_file())
    assert shoe_glb.stat().st_size <= 1.2 * source_bytes
    header, _ = glb_parts(shoe_glb)
    names = [v["name"] for v in header["extensions"]["KHR_materials_variants"]["variants"]]
    assert names == ["midnight", "beach", "street"]


def test_shoe_images_are_its_jpeg_files_byte_for_byte_each_once(shoe_project, shoe_glb):
    source, _, _ = shoe_project
    images = glb_images(shoe_glb)
    digests = image_digests(images)
    assert len(digests) == len(set(digests))
    files = {hashlib.sha256(f.read_bytes()).hexdigest() for f in source.parent.glob("*.jpg")}
    assert set(digests) == files  # all five pictures, none re-encoded
    assert {mime for mime, _ in images} == {"image/jpeg"}


def test_every_material_and_texture_references_the_one_image(shoe_glb):
    header, _ = glb_parts(shoe_glb)
    sources = [t["source"] for t in header["textures"]]
    pairs = [(t["source"], t.get("sampler")) for t in header["textures"]]
    assert len(pairs) == len(set(pairs))
    assert sorted(set(sources)) == list(range(len(header["images"])))


def test_forced_ar_downsize_encodes_jpeg_again_smaller(shoe_project):
    _, project, shoe = shoe_project
    export = export_scene_for(shoe, default_configuration(shoe), project, variants=True)
    fitted, notes = fit_export_scene(export, max_texture_px=512)
    assert any("downsized" in note for note in notes)
    path_bytes = glb_bytes(fitted)
    original = {hashlib.sha256(t.encoded.data).hexdigest(): len(t.encoded.data)
                for t in export.images.values()}
    distinct = {t.content_key: t for t in fitted.images.values()}
    assert len(distinct) == len(original)
    for texture in distinct.values():
        stored = stored_image(texture)
        assert stored.mime_type == "image/jpeg"
        with Image.open(io.BytesIO(stored.data)) as image:
            assert max(image.size) == 512 and image.format == "JPEG"
        assert len(stored.data) < min(original.values())
    assert len(path_bytes) < sum(original.values())


def test_stored_image_of_made_pixels_is_png_and_keeps_alpha():
    pixels = np.zeros((8, 8, 4), np.uint8)
    pixels[..., 3] = 128
    stored = stored_image(ExportTexture(key="made", pixels=pixels, mime_type="image/jpeg"))
    assert stored.mime_type == "image/png"  # JPEG has no alpha
    with Image.open(io.BytesIO(stored.data)) as image:
        assert image.mode == "RGBA"


@pytest.mark.parametrize("product_id", sorted(SAMPLE_TEXT))
def test_sample_product_with_personalization_stores_no_image_twice(product_id, tmp_path):
    project = open_project()
    product = project.catalog.product(product_id)
    configuration = default_configuration(product).with_zone(SAMPLE_TEXT[product_id],
                                                             TextValue(text="Ada 1815"))
    path = tmp_path / f"{product_id}.glb"
    export_glb(product, configuration, project, path)
    digests = image_digests(glb_images(path))
    assert len(digests) == len(set(digests))
    header, _ = glb_parts(path)
    assert any(m["name"].startswith("decal_") for m in header["meshes"])


def test_usdz_holds_one_file_per_distinct_image(shoe_project, tmp_path):
    from app.export.usdz import export_usdz

    source, project, shoe = shoe_project
    path = tmp_path / "shoe.usdz"
    export_usdz(shoe, default_configuration(shoe), project, path)
    with zipfile.ZipFile(path) as package:
        images = [package.read(n) for n in package.namelist() if n.startswith("textures/")]
    digests = [hashlib.sha256(d).hexdigest() for d in images]
    assert images and len(digests) == len(set(digests))
    files = {hashlib.sha256(f.read_bytes()).hexdigest() for f in source.parent.glob("*.jpg")}
    assert set(digests) <= files


def test_files_of_other_bytes_with_the_same_pixels_are_stored_once(tmp_path):
    from app.assets.refs import TextureRef
    from app.assets.store import AssetStore
    from app.export.export_meshes import _Textures
    from app.scene.description import ResolvedMaterial, TextureSlot

    pixels = np.random.default_rng(1).integers(0, 255, (16, 16, 3), dtype=np.uint8)
    fast, small = tmp_path / "fast.png", tmp_path / "small.png"
    Image.fromarray(pixels).save(fast, compress_level=1)
    Image.fromarray(pixels).save(small, compress_level=9, optimize=True)
    assert fast.read_bytes() != small.read_bytes()
    textures = _Textures(AssetStore([tmp_path]))
    for i, path in enumerate((fast, small, fast)):
        textures.add(ResolvedMaterial(id=f"m{i}", base_color=(1.0, 1.0, 1.0),
                                      base_color_texture=TextureSlot(
                                          TextureRef(source=str(path), srgb=True))))
    assert len({id(t) for t in textures.images.values()}) == 1
    assert stored_image(textures.images[str(small)]).data == fast.read_bytes()
