"""A product's AR rest pose in its file: checked, with errors that name the file and field."""

import pytest

from app.catalog.catalog import load_catalog
from tests.catalog.project_files import changed, write_project

ZONE = {"id": "front", "label": "Front", "kind": "text", "part": "body",
        "projector": {"position": [0, 40, 40], "direction": [0, 0, -1], "width_mm": 30,
                      "height_mm": 20}}


def _problems(root, ar) -> list[str]:
    write_project(root, changed(zones=[ZONE], ar=ar))
    return [str(p) for p in load_catalog(root).problems]


def test_rest_facing_a_zone_up_loads(tmp_path):
    assert _problems(tmp_path, {"rest": {"face_up": ["front"]}}) == []
    product = load_catalog(tmp_path).product("cup")
    assert product.ar.rest.face_up == ["front"]


def test_rest_naming_an_unknown_zone_names_the_file_and_field(tmp_path):
    problems = _problems(tmp_path, {"rest": {"face_up": ["fornt"]}})
    assert len(problems) == 1
    assert "configs/cup.yaml" in problems[0]
    assert "ar.rest.face_up[0]" in problems[0]
    assert "unknown zone 'fornt'" in problems[0] and "front" in problems[0]


@pytest.mark.parametrize("rest, field", [
    ("upside down", "ar.rest"),
    (42, "ar.rest"),
    ({"face_up": []}, "ar.rest.face_up"),
    ({"face_up": "front"}, "ar.rest.face_up"),
    ({"face_up": [{"$ref": "/etc/passwd"}]}, "ar.rest.face_up"),
    ({"face_up": ["front"], "rotate": [180, 0, 0]}, "ar.rest"),
    ({"face_up": ["front"] * 100}, "ar.rest.face_up"),
])
def test_hostile_or_invalid_rest_values_name_the_file_and_field(tmp_path, rest, field):
    problems = _problems(tmp_path, {"rest": rest})
    assert problems, rest
    assert all("configs/cup.yaml" in p for p in problems)
    assert any(field in p for p in problems), problems
