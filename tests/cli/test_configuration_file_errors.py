"""A configuration file given with ``--config`` that does not fit its product: every problem
names the file (as a file that is not a configuration does), only the first twenty are printed,
and what the other options set is not blamed on the file."""

from __future__ import annotations

import json

import pytest

from app.cli.configuration_options import build_configuration
from app.cli.main import build_parser, main
from app.errors import AppErrors
from app.project import open_project

MUG = {"schema_version": 1, "product_id": "mug"}


def _write(tmp_path, **fields) -> str:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({**MUG, **fields}), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("fields, expected", [
    ({"selections": {"g0": "x"}}, "selections.g0: unknown option 'g0'"),
    ({"selections": {"glaze": "plaid"}}, "selections.glaze: unknown choice 'plaid' for"),
    ({"colours": {"g0": "#ffffff"}}, "colours.g0: unknown option 'g0'"),
    ({"personalization": {"nope": {"kind": "text", "text": "hi"}}},
     "personalization.nope: unknown personalization zone 'nope'"),
    ({"personalization": {"wrap_text": {"kind": "text", "text": "hi", "font": "Nope"}}},
     "personalization.wrap_text.font: "),
    ({"product_id": "guitar"},
     "product_id: this configuration is for product 'guitar', not 'mug'"),
])
@pytest.mark.parametrize("command", ["render", "export"])
def test_a_problem_against_the_product_names_the_file(tmp_path, capsys, command, fields,
                                                      expected):
    path = _write(tmp_path, **fields)
    out = tmp_path / ("c.png" if command == "render" else "c.glb")
    extra = [] if command == "render" else ["--format", "glb"]
    assert main([command, "--product", "mug", "--config", path, "--out", str(out),
                 *extra]) == 1
    err = capsys.readouterr().err
    assert f"error: {path}: {expected}" in err
    assert not out.exists()


def test_the_audit_file_names_itself_on_each_line(tmp_path, capsys):
    path = _write(tmp_path, selections={"g0": "x"},
                  personalization={"nope": {"kind": "text", "text": "hi"}})
    assert main(["render", "--product", "mug", "--config", path,
                 "--out", str(tmp_path / "c.png")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {path}: selections.g0: unknown option 'g0'",
        f"error: {path}: personalization.nope: unknown personalization zone 'nope'",
    ]


def test_thousands_of_unknown_options_print_twenty_lines_and_a_count(tmp_path, capsys):
    path = _write(tmp_path, selections={f"g{i}": "x" for i in range(5000)})
    assert main(["render", "--product", "mug", "--config", path,
                 "--out", str(tmp_path / "c.png")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 21
    assert lines[0] == f"error: {path}: selections.g0: unknown option 'g0'"
    assert lines[-1] == f"... and 4980 more problems in {path}"


def _configuration(tmp_path, path: str, *options: str):
    args = build_parser().parse_args(["render", "--product", "mug", "--config", path,
                                      "--out", str(tmp_path / "c.png"), *options])
    return build_configuration(open_project(), args)


def test_what_another_option_sets_is_not_blamed_on_the_file(tmp_path):
    path = _write(tmp_path, selections={"g0": "x"})
    with pytest.raises(AppErrors) as info:
        _configuration(tmp_path, path, "--set", "g1=y", "--text", "nope=hi")
    lines = [str(e) for e in info.value.errors]
    assert f"{path}: selections.g0: unknown option 'g0'" in lines
    assert "selections.g1: unknown option 'g1'" in lines
    assert "personalization.nope: unknown personalization zone 'nope'" in lines


def test_a_choice_the_file_names_that_an_option_replaces_is_no_problem(tmp_path):
    path = _write(tmp_path, selections={"glaze": "plaid"})
    configuration = _configuration(tmp_path, path, "--set", "glaze=white")
    assert configuration.selections["glaze"] == "white"


def test_a_rule_the_files_choices_break_names_the_file(tmp_path, capsys, project_root):
    path = _write(tmp_path, selections={"handle": "angular", "interior": "yellow"})
    assert main(["--root", str(project_root), "render", "--product", "mug", "--config", path,
                 "--out", str(tmp_path / "c.png")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {path}: rules[0]: The modern handle is not made with a yellow inside."]
