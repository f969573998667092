import pytest
from PIL import Image

from app.assets.store import AssetStore
from app.catalog.catalog import load_catalog
from app.scene.asset_checks import product_asset_problems
from app.scene.description import Environment
from app.scene.resolve import SceneContext
from tests.scene.cup_project import cup_project


@pytest.fixture
def project(tmp_path):
    cup_project(tmp_path)
    return tmp_path


def problems(root):
    catalog = load_catalog(root)
    context = SceneContext(root=root, materials=catalog.materials,
                           assets=AssetStore(allowed_roots=[root / "assets"]),
                           environment=Environment(hdr_path=""))
    return [str(p) for p in product_asset_problems(catalog.product("cup"), context)]


def write_material(root, text):
    (root / "assets" / "materials" / "ceramic_gloss.yaml").write_text(
        "name: Glossy ceramic\nbase_color: '#f2efe9'\n" + text)


def test_clean_product_has_no_asset_problems(project):
    assert problems(project) == []


def test_missing_texture_names_the_material_file_and_field(project):
    write_material(project, "textures:\n  normal: textures/missing_normal.png\n")
    assert problems(project) == [
        "assets/materials/ceramic_gloss.yaml: textures.normal: file not found: "
        "'textures/missing_normal.png'"]


def test_texture_outside_the_asset_folders(project):
    (project / "secret.png").write_bytes(b"x")
    write_material(project, "textures:\n  base_color: ../../secret.png\n")
    assert problems(project) == [
        "assets/materials/ceramic_gloss.yaml: textures.base_color: '../../secret.png' leaves "
        "the project's asset folders"]


def test_texture_decompression_bomb(project):
    folder = project / "assets" / "materials" / "textures"
    folder.mkdir()
    Image.new("L", (12000, 12000)).save(folder / "huge.png", optimize=False)
    write_material(project, "textures:\n  orm: textures/huge.png\n")
    [problem] = problems(project)
    assert problem.startswith("assets/materials/ceramic_gloss.yaml: textures.orm: "
                              "assets/materials/textures/huge.png: ")
    assert "pixels" in problem


def test_model_that_is_not_a_mesh_is_reported_once(project):
    (project / "assets" / "models" / "cup.glb").write_text("not a model at all")
    [problem] = problems(project)
    assert problem.startswith("configs/cup.yaml: model: assets/models/cup.glb: ")
