import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from app.assets.gltf_document import document_bytes, split_glb
from app.assets.ktx2 import KTX2_IDENTIFIER
from app.cli.main import main
from app.domain.configuration import default_configuration
from app.importers.gltf_variants import GltfImportError, import_gltf_variants
from app.project import open_project
from app.scene.resolve import resolve_scene
from app.viewport.still import render_still

SHOE = "MaterialsVariantsShoe/glTF/MaterialsVariantsShoe.gltf"
BLENDER_VARIANTS = Path(__file__).parents[1] / "assets" / "blender" / "variants.glb"


@pytest.fixture(scope="module")
def shoe_root(tmp_path_factory, builtin_root, external_dir):
    root = tmp_path_factory.mktemp("shoe_project")
    (root / "assets").mkdir()
    shutil.copytree(builtin_root / "assets" / "environments", root / "assets" / "environments")
    code = main(["--root", str(root), "import-gltf", str(external_dir / SHOE), "--id", "shoe",
                 "--name", "Sneaker"])
    assert code == 0
    return root


def test_import_writes_a_product_that_validates(shoe_root, capsys):
    assert main(["--root", str(shoe_root), "validate"]) == 0
    project = open_project(shoe_root)
    assert project.catalog.problems == []
    shoe = project.catalog.products["shoe"]
    assert [p.nodes for p in shoe.parts] == [["Shoe"]]
    group = shoe.option("variant")
    assert [c.id for c in group.choices] == ["midnight", "beach", "street"]
    assert [c.material for c in group.choices] == ["shoe_midnight", "shoe_beach", "shoe_street"]
    assert (shoe_root / "assets/models/shoe/MaterialsVariantsShoe.bin").is_file()


def test_variants_map_by_material_index_not_name(shoe_root, external_dir):
    header = json.loads((external_dir / SHOE).read_text())
    images = [header["images"][header["textures"][m["pbrMetallicRoughness"]
                                                  ["baseColorTexture"]["index"]]["source"]]
              for m in header["materials"]]
    for variant, image in zip(("midnight", "beach", "street"), images, strict=True):
        material = yaml.safe_load(
            (shoe_root / f"assets/materials/shoe_{variant}.yaml").read_text(encoding="utf-8"))
        copied = shoe_root / "assets/materials" / material["textures"]["base_color"]
        original = external_dir / "MaterialsVariantsShoe/glTF" / image["uri"]
        assert copied.read_bytes() == original.read_bytes()


def test_images_shared_by_materials_are_copied_once(shoe_root, external_dir):
    copied = sorted((shoe_root / "assets/materials/textures").rglob("*.*"))
    assert [p.parent.name for p in copied] == ["shoe"] * 5
    source_folder = external_dir / "MaterialsVariantsShoe/glTF"
    originals = {p.read_bytes() for p in source_folder.glob("*.jpg")}
    assert {p.read_bytes() for p in copied} == originals
    assert (shoe_root / "assets/materials/textures/shoe/normal.jpg").is_file()


def test_each_variant_renders_differently(shoe_root):
    project = open_project(shoe_root)
    shoe = project.catalog.products["shoe"]
    means = {}
    for choice in ("midnight", "beach", "street"):
        configuration = default_configuration(shoe).with_choice("variant", choice)
        scene = resolve_scene(shoe, configuration, project.scene_context())
        image = np.asarray(render_still(scene, project.assets, size=(160, 120), supersample=1))
        pixels = image[..., :3].reshape(-1, 3).astype(float)
        shoe_pixels = pixels[np.abs(pixels - pixels[0]).sum(axis=1) > 30]
        assert len(shoe_pixels) > 1500
        means[choice] = shoe_pixels.mean(axis=0)
    names = list(means)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert np.abs(means[a] - means[b]).max() > 15, (a, b, means)


def test_blender_s_untextured_variants_import_into_a_new_project(tmp_path, builtin_root):
    """Blender's variants panel, plain colours (no texture made the materials folder first:
    the import stopped with a traceback): each variant draws its own colour."""
    (tmp_path / "assets").mkdir()
    shutil.copytree(builtin_root / "assets" / "environments",
                    tmp_path / "assets" / "environments")
    assert main(["--root", str(tmp_path), "import-gltf", str(BLENDER_VARIANTS),
                 "--id", "box"]) == 0
    assert main(["--root", str(tmp_path), "validate"]) == 0
    project = open_project(tmp_path)
    box = project.catalog.products["box"]
    assert [c.id for c in box.option("variant").choices] == ["crimson", "navy"]
    colours = {}
    for choice in ("crimson", "navy"):
        configuration = default_configuration(box).with_choice("variant", choice)
        scene = resolve_scene(box, configuration, project.scene_context())
        image = np.asarray(render_still(scene, project.assets, size=(120, 90), supersample=1))
        pixels = image[..., :3].reshape(-1, 3).astype(int)
        colours[choice] = pixels[np.abs(pixels - pixels[0]).sum(axis=1) > 60].mean(axis=0)
    assert colours["crimson"][0] > colours["crimson"][2] + 40
    assert colours["navy"][2] > colours["navy"][0] + 40


def test_import_refuses_a_model_without_variants(tmp_path, external_dir):
    with pytest.raises(GltfImportError, match="KHR_materials_variants") as error:
        import_gltf_variants(external_dir / "WaterBottle/glTF/WaterBottle.gltf", tmp_path,
                             "bottle")
    assert "WaterBottle.gltf" in str(error.value)
    with pytest.raises(GltfImportError, match="product_id"):
        import_gltf_variants(external_dir / SHOE, tmp_path, "Bad Id")


def test_import_does_not_overwrite_without_asking(shoe_root, external_dir):
    with pytest.raises(GltfImportError, match="already exists"):
        import_gltf_variants(external_dir / SHOE, shoe_root, "shoe")


def test_the_imported_shoe_exports_each_picture_once_with_its_variant_names(shoe_root, tmp_path):
    from app.export.glb import VARIANTS, export_glb
    from tests.gltf_compare import split_glb

    project = open_project(shoe_root)
    shoe = project.catalog.products["shoe"]
    path = tmp_path / "shoe.glb"
    export_glb(shoe, default_configuration(shoe), project, path)
    header, _ = split_glb(path.read_bytes())
    names = [v["name"] for v in header["extensions"][VARIANTS]["variants"]]
    assert names == ["midnight", "beach", "street"]  # the source file's names, kept
    # the three variants share their normal and occlusion maps: each is stored once
    sources = [t["source"] for t in header["textures"]]
    assert len(header["images"]) == len(set(sources))
    source_file = shoe_root / "assets/models/shoe"
    pictures = [p for p in source_file.iterdir() if p.suffix.lower() in (".jpg", ".png")]
    assert len(header["images"]) <= len(pictures)


def _first_mapping(header):
    for mesh in header["meshes"]:
        for primitive in mesh["primitives"]:
            mappings = (primitive.get("extensions") or {}).get("KHR_materials_variants")
            if mappings:
                return mappings
    raise AssertionError("the shoe maps no variants")


@pytest.mark.parametrize(("change", "field"), [
    (lambda h: _first_mapping(h)["mappings"][0].__setitem__("material", -1), ".material"),
    (lambda h: _first_mapping(h)["mappings"][0].__setitem__("material", 999), ".material"),
    (lambda h: _first_mapping(h)["mappings"][0].pop("material"), ".material"),
    (lambda h: _first_mapping(h)["mappings"][0].__setitem__("variants", ["a"]), ".variants"),
    (lambda h: _first_mapping(h)["mappings"][0].__setitem__("variants", [99]), ".variants"),
    (lambda h: _first_mapping(h).__setitem__("mappings", {"a": 1}), ".mappings"),
    (lambda h: h["materials"][0].__setitem__("pbrMetallicRoughness", [1]),
     "materials[0].pbrMetallicRoughness"),
])
def test_import_refuses_a_bad_mapping_or_material_naming_the_field(tmp_path, external_dir,
                                                                    change, field):
    """A mapping to material -1 took the last material; text crashed the import."""
    folder = tmp_path / "shoe"
    shutil.copytree((external_dir / SHOE).parent, folder)
    model = folder / "MaterialsVariantsShoe.gltf"
    header = json.loads(model.read_text())
    change(header)
    model.write_text(json.dumps(header))
    with pytest.raises(GltfImportError) as error:
        import_gltf_variants(model, tmp_path / "project", "shoe")
    assert str(error.value).startswith(f"{model}: "), str(error.value)
    assert error.value.field is not None and error.value.field.endswith(field), str(error.value)


def test_a_variant_that_is_no_object_gets_a_name(tmp_path, external_dir):
    folder = tmp_path / "shoe"
    shutil.copytree((external_dir / SHOE).parent, folder)
    model = folder / "MaterialsVariantsShoe.gltf"
    header = json.loads(model.read_text())
    header["extensions"]["KHR_materials_variants"]["variants"][0] = "plain"
    model.write_text(json.dumps(header))
    (tmp_path / "project" / "assets").mkdir(parents=True)
    result = import_gltf_variants(model, tmp_path / "project", "shoe")
    assert result.variants[0] == "variant 0"


def test_ktx2_textures_are_imported_as_ktx2_files_and_drawn(tmp_path, builtin_root):
    """The Blender cube with its textures only in KTX2 (tests/assets/ktx2), given two
    variants: the import copies each texture as the .ktx2 file it is (it wrote them as .png)
    and the product draws them."""
    source = Path(__file__).parents[1] / "assets" / "ktx2" / "textured_uastc.glb"
    header, binary = split_glb(source.read_bytes(), source)
    plain = json.loads(json.dumps(header["materials"][0]))
    plain["name"] = "tinted"
    plain["pbrMetallicRoughness"]["baseColorFactor"] = [1.0, 0.4, 0.4, 1.0]
    header["materials"].append(plain)
    header["extensions"] = {"KHR_materials_variants": {"variants": [{"name": "Plain"},
                                                                    {"name": "Tinted"}]}}
    header["meshes"][0]["primitives"][0]["extensions"] = {"KHR_materials_variants": {
        "mappings": [{"material": 0, "variants": [0]}, {"material": 1, "variants": [1]}]}}
    header["extensionsUsed"] = [*header["extensionsUsed"], "KHR_materials_variants"]
    model = tmp_path / "cube.glb"
    model.write_bytes(document_bytes(header, binary))
    root = tmp_path / "project"
    (root / "assets").mkdir(parents=True)
    shutil.copytree(builtin_root / "assets" / "environments", root / "assets" / "environments")
    assert main(["--root", str(root), "import-gltf", str(model), "--id", "cube"]) == 0
    copied = sorted((root / "assets/materials/textures/cube").iterdir())
    assert [p.suffix for p in copied] == [".ktx2", ".ktx2"]
    assert all(p.read_bytes().startswith(KTX2_IDENTIFIER) for p in copied)
    assert main(["--root", str(root), "validate"]) == 0
    project = open_project(root)
    cube = project.catalog.products["cube"]
    scene = resolve_scene(cube, default_configuration(cube), project.scene_context())
    image = np.asarray(render_still(scene, project.assets, size=(120, 90), supersample=1))
    pixels = image[..., :3].reshape(-1, 3).astype(int)
    drawn = pixels[np.abs(pixels - pixels[0]).sum(axis=1) > 60]
    assert len(drawn) > 0.1 * len(pixels)
    assert drawn.std(axis=0).max() > 20  # the checker, not one flat colour
