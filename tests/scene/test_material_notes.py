"""What the renderers draw otherwise than a material says: one note per way, the same for a
catalog material and a model file's own, named by its file (and its name in a model file)."""

import math

import pytest
import yaml

from app.assets.store import AssetStore
from app.catalog.catalog import load_catalog
from app.domain.configuration import default_configuration
from app.scene.asset_checks import product_material_notes
from app.scene.description import Environment, ResolvedMaterial
from app.scene.material_notes import material_notes, named_notes
from app.scene.resolve import SceneContext
from tests.catalog.project_files import MATERIALS, PRODUCT, write_project
from tests.scene.cup_project import write_cup_model


def notes(**fields) -> tuple[str, ...]:
    return material_notes(ResolvedMaterial(id="m", **fields))


def test_a_material_both_renderers_draw_as_it_says_has_no_note():
    assert notes() == ()
    assert notes(metallic=1.0, roughness=0.2, clearcoat=1.0, anisotropy=0.5) == ()
    # a specular colour on an opaque, isotropic surface: both draw it
    assert notes(specular_color=(1.0, 0.5, 0.0)) == ()


@pytest.mark.parametrize(("fields", "words"), [
    ({"transmission": 1.0}, "live view draws it partly transparent, without refraction"),
    ({"sheen_color": (0.5, 0.2, 0.2)}, "live view has no sheen lobe"),
    ({"iridescence": 1.0}, "thin film as seen along the view"),
    ({"emissive": (2.0, 2.0, 2.0)}, "lights it from one point"),
    ({"transmission": 1.0, "specular_color": (1.0, 0.5, 0.0)},
     "still draws its specular colour as its brightness"),
    ({"anisotropy": 0.5, "specular_color": (1.0, 0.5, 0.0)},
     "still draws its specular colour as its brightness"),
])
def test_each_approximation_is_noted(fields, words):
    found = notes(**fields)
    assert any(words in note for note in found), found


def test_a_volume_is_named_only_where_it_absorbs():
    [clear] = notes(transmission=1.0, thickness=0.01)
    [tinted] = notes(transmission=1.0, thickness=0.01, attenuation_color=(0.2, 0.5, 1.0),
                     attenuation_distance=0.05)
    assert "attenuation" not in clear
    assert "its volume's attenuation as a tint" in tinted
    assert notes(transmission=1.0, thickness=0.01, attenuation_distance=math.inf) == (clear,)


def test_what_a_material_is_drawn_as_instead_is_the_only_note():
    """Unlit: drawn as its base colour glowing, not as a light; metal throughout: glTF's metal
    lets no light through, so nothing is drawn see-through."""
    [unlit] = notes(unlit=True, emissive=(1.0, 1.0, 1.0), transmission=1.0)
    assert unlit.startswith("unlit, drawn as its base colour glowing")
    assert notes(transmission=1.0, metallic=1.0) == ()
    iridescent_glass = notes(transmission=1.0, iridescence=1.0)
    assert any("thin film is drawn over the glass's own reflection" in n
               for n in iridescent_glass)
    assert not any("over the glass" in n for n in notes(iridescence=1.0))


def test_one_note_names_every_material_of_a_file_it_is_on():
    glass = ResolvedMaterial(id="g", transmission=1.0)
    plain = ResolvedMaterial(id="p")
    found = named_notes([("a.glb", "material 'A'", glass), ("a.glb", "material 'B'", plain),
                         ("a.glb", "material 'C'", glass), ("b.glb", "material 'D'", glass),
                         ("glass.yaml", "", glass)])
    assert [n.split(": the live view")[0] for n in found] == [
        "a.glb: material 'A', material 'C'", "b.glb: material 'D'", "glass.yaml"]


@pytest.fixture
def context(tmp_path):
    """The cup, its body's glaze a choice of gloss or frosted glass, its second handle (hidden
    until chosen) velvet."""
    materials = {**MATERIALS,
                 "frosted": {"name": "Frosted glass", "base_color": "#ffffff",
                             "transmission": 0.9, "roughness": 0.4},
                 "velvet": {"name": "Velvet", "base_color": "#602030",
                            "sheen_color": "#ffc0c0"}}
    product = yaml.safe_load(yaml.safe_dump(PRODUCT))
    product["parts"][2]["material"] = "velvet"
    product["options"][0]["choices"][1]["material"] = "frosted"
    write_project(tmp_path, product, materials)
    write_cup_model(tmp_path / "assets" / "models" / "cup.glb")
    catalog = load_catalog(tmp_path)
    assert catalog.problems == []
    return SceneContext(root=tmp_path, materials=catalog.materials,
                        assets=AssetStore(allowed_roots=[tmp_path / "assets"]),
                        environment=Environment(hdr_path=""))


def test_a_products_notes_are_those_of_its_materials(context):
    product = next(iter(load_catalog(context.root).products.values()))
    every = product_material_notes(product, context)
    assert [n.split(": ")[0] for n in every] == ["assets/materials/frosted.yaml",
                                                 "assets/materials/velvet.yaml"]
    assert "partly transparent" in every[0] and "sheen" in every[1]
    # of a configuration, only what it shows: the gloss glaze and the first handle need none
    first = default_configuration(product)
    assert product_material_notes(product, context, first) == []
    frosted = first.with_choice("glaze", "matte_black")
    assert product_material_notes(product, context, frosted) == every[:1]
    velvet_handle = first.with_choice("handle", "b")
    assert product_material_notes(product, context, velvet_handle) == every[1:]


def test_a_material_that_does_not_load_has_no_notes_but_its_problem(context):
    (context.root / "assets" / "materials" / "frosted.yaml").write_text(
        "name: Frosted glass\nbase_color: '#ffffff'\ntransmission: 0.9\n"
        "textures: {normal: ../../../outside.png}\n")
    catalog = load_catalog(context.root)
    context = SceneContext(root=context.root, materials=catalog.materials,
                           assets=context.assets, environment=context.environment)
    product = next(iter(catalog.products.values()))
    assert [n.split(": ")[0] for n in product_material_notes(product, context)] == [
        "assets/materials/velvet.yaml"]
