"""JSON Schema of product and material files, so editors can complete and check them."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain.material import Material
from app.domain.product import Product

SCHEMA_FILES = {"product.schema.json": Product, "material.schema.json": Material}


def json_schema(model: type[Product] | type[Material]) -> dict:
    schema = model.model_json_schema(mode="validation")
    props = schema.get("properties", {})
    props.pop("source", None)
    if model is Material:
        props.pop("id", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"{model.__name__} file"
    return schema


def schema_texts() -> dict[str, str]:
    return {name: json.dumps(json_schema(model), indent=2, sort_keys=True) + "\n"
            for name, model in SCHEMA_FILES.items()}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
