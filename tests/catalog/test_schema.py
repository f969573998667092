import json

from app.catalog.schema import schema_texts


def test_committed_schemas_are_current(repo_root):
    for name, text in schema_texts().items():
        committed = (repo_root / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `app schema`"


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
