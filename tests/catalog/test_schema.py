import json
import os

from app.catalog.schema import schema_texts
from app.cli import main


def test_committed_schemas_are_current(builtin_root):
    for name, text in schema_texts().items():
        committed = (builtin_root / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `app --root app/builtin schema`"


def test_product_schema_describes_the_fields_designers_write():
    schema = json.loads(schema_texts()["product.schema.json"])
    assert {"id", "name", "currency", "base_price", "parts", "options", "zones", "rules",
            "presets", "cameras"} <= set(schema["properties"])
    assert "source" not in schema["properties"]
    assert schema["additionalProperties"] is False
    option = schema["$defs"]["OptionGroup"]
    assert set(option["properties"]["kind"]["$ref"].split("/")[-1:]) == {"OptionKind"}
    assert schema["$defs"]["OptionKind"]["enum"] == ["material", "part_swap", "transform"]


def test_material_schema_hides_the_id_set_from_the_file_name():
    schema = json.loads(schema_texts()["material.schema.json"])
    assert "id" not in schema["properties"]
    assert "base_color" in schema["required"]


def test_schema_command_writes_into_the_project_folder_it_is_given(tmp_path, builtin_root):
    before = {p: p.read_bytes() for p in (builtin_root / "schemas").iterdir()}
    assert main(["--root", str(tmp_path), "schema"]) == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(schema_texts())
    assert {p: p.read_bytes() for p in (builtin_root / "schemas").iterdir()} == before


def test_schema_command_without_a_project_writes_into_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["schema"]) == 0
    assert sorted(os.listdir(tmp_path / "schemas")) == sorted(schema_texts())
