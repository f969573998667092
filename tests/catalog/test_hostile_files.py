"""Product, material and configuration files built to hang, exhaust or fool the app: each is
refused with a message naming the file, the field or the line, and nothing crashes."""

import copy
import json
import sys
from decimal import Decimal

import pytest
import yaml

from app.catalog.catalog import load_catalog
from app.catalog.products import load_product
from app.catalog.yaml_source import read_yaml_mapping
from app.cli import main
from app.domain.configuration import Configuration
from app.domain.pricing import format_amount
from app.domain.product import Product
from app.domain.product_checks import product_problems
from app.domain.rules import RuleCheckTooSlow, find_valid_selections
from app.errors import AppErrors, ConfigurationError, ProductFileError
from app.limits import (
    MAX_NESTING,
    MAX_PRICE,
    MAX_YAML_ALIASES,
    MAX_YAML_BYTES,
    MAX_YAML_VALUES,
)
from tests.catalog.project_files import MATERIALS, PRODUCT, changed, write_project


def product_file_problems(root, text: str) -> list[str]:
    write_project(root, raw_product=text)
    return [str(p) for p in load_catalog(root).problems]


BILLION_LAUGHS = "\n".join(
    ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]" for i in range(1, 10)])


def test_a_billion_laughs_file_is_refused_before_it_is_composed(tmp_path):
    """Ten aliases of ten aliases... stand for more values than the limit by the fifth level,
    before the alias count's limit is reached."""
    text = yaml.safe_dump(PRODUCT, sort_keys=False) + BILLION_LAUGHS + "\ndescription: *lol9\n"
    [problem] = product_file_problems(tmp_path, text)
    assert problem.startswith("configs/cup.yaml: YAML error at line ")
    assert problem.endswith(f"its aliases (*name) stand for more than {MAX_YAML_VALUES} "
                            "values; write the values out")


@pytest.mark.parametrize("merge", [False, True], ids=["lists", "merge keys"])
def test_aliases_doubling_at_each_level_are_refused_under_the_alias_count(tmp_path, merge):
    """31 levels of two aliases each (62 aliases, under the limit of 64) stand for two billion
    values: walking them took 13 GB before the process was killed."""
    if merge:
        levels = ["a0: &a0 {x: 1}"] + [f"a{i}: &a{i} {{<<: [*a{i - 1}], y{i}: *a{i - 1}}}"
                                       for i in range(1, 32)]
    else:
        levels = ["a0: &a0 [1]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 32)]
    text = yaml.safe_dump(PRODUCT, sort_keys=False) + "\n".join(levels) + "\n"
    assert text.count("*") <= MAX_YAML_ALIASES
    [problem] = product_file_problems(tmp_path, text)
    assert "stand for more than" in problem and "write the values out" in problem


def test_the_alias_count_has_its_own_limit(tmp_path):
    uses = "\n".join(f"k{i}: *one" for i in range(MAX_YAML_ALIASES + 1))
    text = yaml.safe_dump(PRODUCT, sort_keys=False) + "one: &one 1\n" + uses + "\n"
    [problem] = product_file_problems(tmp_path, text)
    assert f"more than {MAX_YAML_ALIASES} aliases" in problem


def test_a_few_aliases_are_still_fine(tmp_path):
    text = yaml.safe_dump(PRODUCT, sort_keys=False).replace(
        "name: Cup", "name: &n Cup") + "description: *n\n"
    write_project(tmp_path, raw_product=text)
    assert load_catalog(tmp_path).product("cup").description == "Cup"


@pytest.mark.parametrize("text", ["a: " + "[" * 5000 + "]" * 5000,
                                  "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(200))
                                  + "  " * 200 + "v: 1\n"],
                         ids=["flow", "block"])
def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path, text):
    [problem] = product_file_problems(tmp_path, text)
    assert f"nested more than {MAX_NESTING} levels deep" in problem
    assert "line " in problem and "column " in problem


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    text = yaml.safe_dump(PRODUCT) + "description: '" + "x" * MAX_YAML_BYTES + "'\n"
    [problem] = product_file_problems(tmp_path, text)
    assert problem == f"configs/cup.yaml: the file is over the limit of {MAX_YAML_BYTES} bytes"


def test_a_key_written_twice_names_both_lines(tmp_path):
    text = "id: cup\nname: Cup\nbase_price: 10\nname: Mug\n"
    [problem] = product_file_problems(tmp_path, text)
    assert problem == ("configs/cup.yaml: YAML error at line 4, column 1: duplicate key "
                       "'name': it is also at line 2")


def test_a_syntax_error_names_line_and_column(tmp_path):
    [problem] = product_file_problems(tmp_path, "id: cup\nname: [unclosed\n")
    assert problem.startswith("configs/cup.yaml: YAML syntax error at line 3, column 1")


def test_python_tags_are_not_constructed(tmp_path):
    text = "id: !!python/object/apply:os.system ['touch pwned']\n"
    [problem] = product_file_problems(tmp_path, text)
    assert "YAML error at line 1" in problem
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("edit, field", [
    ({"cameras": [{"id": "a", "label": "A", "position": [float("nan"), 0, 1],
                   "target": [0, 0, 0]}]}, "cameras[0].position"),
    ({"cameras": [{"id": "a", "label": "A", "position": [0, 0, float("inf")],
                   "target": [0, 0, 0]}]}, "cameras[0].position"),
    ({"base_price": float("nan")}, "base_price"),
])
def test_nan_and_infinity_are_refused(tmp_path, edit, field):
    problems = product_file_problems(tmp_path, yaml.safe_dump(changed(**edit), sort_keys=False))
    assert any(p.startswith(f"configs/cup.yaml: {field}") for p in problems), problems


@pytest.mark.parametrize("value, digits", [("1" * 5001, 5001), ("0x" + "f" * 5000, 6021)],
                         ids=["decimal", "hexadecimal"])
def test_an_integer_too_long_to_convert_is_refused_at_its_line(tmp_path, value, digits):
    text = yaml.safe_dump(PRODUCT, sort_keys=False).replace("base_price: 10",
                                                            f"base_price: {value}")
    line = text[:text.index("base_price")].count("\n") + 1
    [problem] = product_file_problems(tmp_path, text)
    assert problem == (f"configs/cup.yaml: YAML error at line {line}, column 13: a number of "
                       f"{digits} digits is over the limit of {sys.get_int_max_str_digits()} "
                       "digits")


def test_a_date_that_is_no_day_is_refused_at_its_line(tmp_path):
    text = yaml.safe_dump(PRODUCT, sort_keys=False) + "description: 2001-02-30\n"
    line = text.count("\n")
    [problem] = product_file_problems(tmp_path, text)
    assert problem == (f"configs/cup.yaml: YAML error at line {line}, column 14: '2001-02-30' "
                       "is not a valid timestamp: day is out of range for month")


@pytest.mark.parametrize("value, field", [
    ("1e999999", "base_price"),  # YAML 1.1 reads it as text, which is a Decimal
    ("'" + "9" * 40 + "'", "base_price"),
    ("1000000000.01", "base_price"),
    ("1e999999", "options[0].choices[1].price"),
    ("1e999999", "zones[0].price")])
def test_a_price_over_the_limit_is_refused_before_it_is_summed_or_shown(tmp_path, value, field):
    data = changed(zones=[{"id": "t", "label": "T", "kind": "text", "part": "body",
                           "projector": {"position": [0, 50, 40], "direction": [0, 0, -1],
                                         "width_mm": 50, "height_mm": 20}}])
    holders = {"base_price": data, "options[0].choices[1].price": data["options"][0]["choices"][1],
               "zones[0].price": data["zones"][0]}
    holders[field][field.rsplit(".", 1)[-1]] = "MARK"
    text = yaml.safe_dump(data, sort_keys=False).replace("MARK", value)
    problems = product_file_problems(tmp_path, text)
    assert any(p.startswith(f"configs/cup.yaml: {field}: Input should be less than or equal to "
                            f"{MAX_PRICE}") for p in problems), problems


def test_a_price_at_the_limit_is_shown_to_the_cent(tmp_path):
    write_project(tmp_path, changed(base_price=MAX_PRICE))
    product = load_catalog(tmp_path).product("cup")
    assert format_amount(product.base_price + Decimal("1e-999999"), "EUR") == \
        "1,000,000,000.00 EUR"


def test_nan_in_an_hsl_range_is_refused(tmp_path):
    data = changed()
    data["options"][0]["choices"].append(
        {"id": "custom", "label": "Custom", "material": "ceramic_gloss",
         "free_colour": {"default": "#808080",
                         "range": {"hue": [0, float("nan")], "lightness": [0.2, 0.8]}}})
    problems = product_file_problems(tmp_path, yaml.safe_dump(data, sort_keys=False))
    assert any("options[0].choices[2].free_colour.range.hue" in p for p in problems), problems


def test_an_hsl_range_outside_its_scale_is_refused(tmp_path):
    data = changed()
    data["options"][0]["choices"].append(
        {"id": "custom", "label": "Custom", "material": "ceramic_gloss",
         "free_colour": {"default": "#808080", "range": {"saturation": [0, 5]}}})
    problems = product_file_problems(tmp_path, yaml.safe_dump(data, sort_keys=False))
    assert any("free_colour.range.saturation" in p for p in problems), problems


def test_a_negative_choice_price_is_refused(tmp_path):
    data = changed()
    data["options"][0]["choices"][1]["price"] = -50
    problems = product_file_problems(tmp_path, yaml.safe_dump(data, sort_keys=False))
    assert any(p.startswith("configs/cup.yaml: options[0].choices[1].price") for p in problems)


def test_two_files_with_one_product_id_name_both(tmp_path, capsys):
    write_project(tmp_path)
    (tmp_path / "configs" / "cup_copy.yaml").write_text(
        (tmp_path / "configs" / "cup.yaml").read_text())
    problems = [str(p) for p in load_catalog(tmp_path).problems]
    assert problems == ["configs/cup_copy.yaml: id: duplicate product id 'cup': "
                        "configs/cup.yaml has it too"]
    main(["--root", str(tmp_path), "validate", str(tmp_path / "configs")])
    assert ("configs/cup_copy.yaml: id: duplicate product id 'cup': configs/cup.yaml has it "
            "too") in capsys.readouterr().out


def test_a_material_file_linked_from_outside_the_folder_is_refused_unread(tmp_path):
    write_project(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text(yaml.safe_dump(MATERIALS["ceramic_gloss"]))
    (tmp_path / "assets" / "materials" / "stolen.yaml").symlink_to(outside)
    catalog = load_catalog(tmp_path)
    assert "stolen" not in catalog.materials
    assert [str(p) for p in catalog.problems] == [
        "assets/materials/stolen.yaml: is a link to a file outside materials/; copy the file "
        "into the folder instead"]


def test_a_product_file_linked_from_outside_the_folder_is_refused(tmp_path):
    write_project(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-product.yaml"
    outside.write_text((tmp_path / "configs" / "cup.yaml").read_text())
    (tmp_path / "configs" / "cup.yaml").unlink()
    (tmp_path / "configs" / "cup.yaml").symlink_to(outside)
    catalog = load_catalog(tmp_path)
    assert catalog.products == {}
    assert "is a link to a file outside configs/" in str(catalog.problems[0])


def _options_product(groups: int, rules: list[dict]) -> Product:
    data = copy.deepcopy(PRODUCT)
    data["options"] = [{"id": f"o{i}", "label": f"O{i}", "kind": "material", "parts": ["body"],
                        "choices": [{"id": c, "label": c.upper(), "material": "ceramic_gloss"}
                                    for c in "abc"]} for i in range(groups)]
    data["rules"] = rules
    return Product.model_validate(data)


def test_twenty_six_options_and_one_rule_pair_are_checked_without_search_blowup():
    product = _options_product(26, [
        {"kind": "requires", "when": "o3.b", "then": ["o7.c"], "message": "b needs c"},
        {"kind": "excludes", "when": "o7.c", "then": ["o3.b"], "message": "c rules out b"}])
    problems = [str(p) for p in product_problems(product, ["ceramic_gloss"])]
    # o3.b needs o7.c, which excludes o3.b: no configuration can select o3.b
    assert problems == ["options[3].choices[1]: no valid configuration can select 'o3.b': the "
                        "rules forbid it with every combination of the other options"]


def test_rules_too_intricate_for_the_time_budget_fail_with_a_message():
    # o11 can take no choice, and every other group is tied to it by a rule that holds: the
    # search must try every combination of o0..o10 before it can say so
    rules = [{"kind": "excludes", "when": f"o11.{c}", "then": [f"o11.{c}"], "message": "no"}
             for c in "abc"]
    rules += [{"kind": "requires", "when": f"o{i}.a", "then": [f"o{i}.a", "o11.a"],
               "message": "tie"} for i in range(11)]
    product = _options_product(12, rules)
    with pytest.raises(RuleCheckTooSlow, match="too intricate to check"):
        find_valid_selections(product, {}, budget_s=0.0)


def test_configuration_json_that_is_binary_garbage_is_refused(tmp_path, capsys):
    path = tmp_path / "garbage.json"
    path.write_bytes(bytes(range(256)) * 4)
    assert main(["render", "--product", "mug", "--config", str(path), "--out",
                 str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert f"{path}: not a configuration file: not a text file" in err
    assert "Traceback" not in err


def test_deeply_nested_configuration_json_is_refused():
    text = json.dumps({"schema_version": 1, "product_id": "mug"})[:-1] + ', "x": ' + \
        "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ConfigurationError, match="nested 100001 levels deep; the limit is"):
        Configuration.from_json(text, source="deep.json")


def test_a_ten_thousand_character_text_is_refused_before_any_layout():
    text = json.dumps({"schema_version": 1, "product_id": "mug", "personalization": {
        "wrap_text": {"kind": "text", "text": "x" * 10_000}}})
    with pytest.raises(ConfigurationError) as caught:
        Configuration.from_json(text, source="long.json")
    assert caught.value.field.startswith("personalization.wrap_text.")
    assert "at most 500 characters" in caught.value.message


def test_a_zone_may_not_allow_more_characters_than_the_limit(tmp_path):
    data = changed()
    data["zones"] = [{"id": "t", "label": "T", "kind": "text", "part": "body",
                      "projector": {"position": [0, 50, 40], "direction": [0, 0, -1],
                                    "width_mm": 50, "height_mm": 20},
                      "limits": {"max_chars": 100_000}}]
    with pytest.raises((AppErrors, ProductFileError)) as caught:
        load_product(write_project(tmp_path, data), ["ceramic_gloss", "ceramic_matte"],
                     tmp_path)
    assert "zones[0].limits.max_chars" in str(caught.value)


def test_reading_a_folder_as_a_product_file_is_a_clear_error(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(ProductFileError, match="expected a file, got a folder"):
        read_yaml_mapping(tmp_path / "dir.yaml", "dir.yaml")


def test_a_bad_value_in_a_material_is_reported_once_at_its_cause(tmp_path, capsys):
    materials = {**MATERIALS, "ceramic_gloss": {**MATERIALS["ceramic_gloss"], "roughness": 1.8}}
    write_project(tmp_path, materials=materials)
    catalog = load_catalog(tmp_path)
    assert [str(p) for p in catalog.problems] == [
        "assets/materials/ceramic_gloss.yaml: roughness: Input should be less than or equal "
        "to 1, got 1.8 (line 3, column 1)"]
    assert "cup" not in catalog.products  # it waits for its material
    assert catalog.held_back == {"configs/cup.yaml"}
    assert main(["--root", str(tmp_path), "validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["assets/materials/ceramic_gloss.yaml: roughness: Input should be less than "
                   "or equal to 1, got 1.8 (line 3, column 1)"]
