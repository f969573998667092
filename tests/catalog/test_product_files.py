import copy

import pytest

from app.catalog.catalog import load_catalog
from app.catalog.products import load_product
from app.errors import AppErrors, ProductFileError
from tests.catalog.project_files import MATERIALS, PRODUCT, changed, write_project


def problems_of(root, **product_edits):
    write_project(root, changed(**product_edits))
    catalog = load_catalog(root)
    assert "cup" not in catalog.products
    return [str(p) for p in catalog.problems]


def test_good_project_loads(tmp_path):
    write_project(tmp_path)
    catalog = load_catalog(tmp_path)
    assert catalog.problems == []
    assert sorted(catalog.materials) == ["ceramic_gloss", "ceramic_matte"]
    product = catalog.product("cup")
    assert product.option("glaze").choice("matte_black").color == "#1d1d1f"
    assert product.source.endswith("configs/cup.yaml")


def test_missing_field(tmp_path):
    data = copy.deepcopy(PRODUCT)
    del data["currency"]
    write_project(tmp_path, data)
    assert [str(p) for p in load_catalog(tmp_path).problems] == [
        "configs/cup.yaml: currency: missing required field"]


def test_problems_name_the_line_and_column_of_their_field(tmp_path):
    write_project(tmp_path, raw_product="""id: cup
name: Cup
currency: EUR
base_price: 10
model: assets/models/cup.glb
parts:
  - {id: body, nodes: [body], material: ceramic_gloss}
options:
  - id: glaze
    label: Glaze
    kind: material
    parts: [body]
    choices:
      - {id: gloss, label: Gloss, material: ceramic_gloss}
      - id: odd
        label: Odd
        material: ceramic_gloss
        colr: '#ffffff'
""")
    problems = load_catalog(tmp_path).problems
    assert [(p.field, p.position) for p in problems] == [
        ("options[0].choices[1].colr", (18, 9))]
    assert str(problems[0]).endswith("(line 18, column 9)")


def test_misspelled_field_suggests_the_right_one(tmp_path):
    options = copy.deepcopy(PRODUCT["options"])
    options[0]["choices"][1]["colour"] = options[0]["choices"][1].pop("color")
    assert problems_of(tmp_path, options=options) == [
        "configs/cup.yaml: options[0].choices[1].colour: unknown field (did you mean 'color'?) "
        "(line 19, column 5)"]


def test_wrong_type(tmp_path):
    got = problems_of(tmp_path, base_price="ten euros")
    assert len(got) == 1
    assert got[0].startswith("configs/cup.yaml: base_price: ")
    assert "'ten euros'" in got[0]


def test_bad_colour_value(tmp_path):
    options = copy.deepcopy(PRODUCT["options"])
    options[0]["choices"][1]["color"] = "black"
    got = problems_of(tmp_path, options=options)
    assert got == ["configs/cup.yaml: options[0].choices[1].color: expected an sRGB colour "
                   "like '#1a2b3c', got 'black' (line 19, column 5)"]


def test_unknown_material_names_file_field_and_suggestion(tmp_path):
    options = copy.deepcopy(PRODUCT["options"])
    options[0]["choices"][0]["material"] = "ceramc_gloss"
    assert problems_of(tmp_path, options=options) == [
        "configs/cup.yaml: options[0].choices[0].material: unknown material 'ceramc_gloss' "
        "(did you mean 'ceramic_gloss'?) (line 15, column 5)"]


def test_unknown_part_and_choice(tmp_path):
    options = copy.deepcopy(PRODUCT["options"])
    options[1]["choices"][1]["parts"] = ["handle_c"]
    options[1]["default"] = "c"
    got = problems_of(tmp_path, options=options)
    assert "configs/cup.yaml: options[1].default: unknown choice 'c' (line 32, column 3)" in got
    assert ("configs/cup.yaml: options[1].choices[1].parts[0]: unknown part 'handle_c' "
            "(did you mean 'handle_b'?) (line 31, column 7)") in got


def test_duplicate_ids(tmp_path):
    parts = copy.deepcopy(PRODUCT["parts"]) + [copy.deepcopy(PRODUCT["parts"][0])]
    assert problems_of(tmp_path, parts=parts) == [
        "configs/cup.yaml: parts[3].id: duplicate id 'body' (line 45, column 3)"]


def test_rule_naming_unknown_choice(tmp_path):
    rules = [{"kind": "excludes", "when": "glaze.matte_black", "then": ["handle.bb"],
              "message": "Matte black comes with handle A only."}]
    assert problems_of(tmp_path, rules=rules) == [
        "configs/cup.yaml: rules[0].then[0]: unknown choice 'handle.bb' "
        "(did you mean 'handle.b'?) (line 49, column 5)"]


def test_choice_no_valid_configuration_can_select(tmp_path):
    rules = [
        {"kind": "excludes", "when": "handle.b", "then": ["glaze.gloss", "glaze.matte_black"],
         "message": "Handle B is not made in any glaze."}]
    assert problems_of(tmp_path, rules=rules) == [
        "configs/cup.yaml: options[1].choices[1]: no valid configuration can select 'handle.b':"
        " the rules forbid it with every combination of the other options (line 25, column 5)"]


@pytest.mark.parametrize("raw, expected", [
    ("id: cup\nname: [unclosed\n", "YAML syntax error at line 3, column 1"),
    ("", "the file is empty"),
    ("- a\n- b\n", "expected a mapping of fields at the top, got a list"),
])
def test_unreadable_files(tmp_path, raw, expected):
    write_project(tmp_path, raw_product=raw)
    got = [str(p) for p in load_catalog(tmp_path).problems]
    assert len(got) == 1
    assert got[0].startswith("configs/cup.yaml: ")
    assert expected in got[0]


def test_one_broken_file_does_not_stop_the_others(tmp_path):
    write_project(tmp_path)
    (tmp_path / "configs" / "broken.yaml").write_text("id: broken\n")
    catalog = load_catalog(tmp_path)
    assert list(catalog.products) == ["cup"]
    assert any(str(p).startswith("configs/broken.yaml: name: missing") for p in catalog.problems)


def test_load_product_raises_every_problem_at_once(tmp_path):
    data = changed(currency="euro", base_price=-1)
    path = write_project(tmp_path, data)
    with pytest.raises(AppErrors) as info:
        load_product(path, MATERIALS.keys(), tmp_path)
    fields = [e.field for e in info.value.errors]
    assert fields == ["currency", "base_price"]
    assert all(isinstance(e, ProductFileError) for e in info.value.errors)
