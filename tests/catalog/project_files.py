"""Small project folders in tmp_path, for catalog tests with broken files."""

from pathlib import Path

import yaml

MATERIALS = {
    "ceramic_gloss": {"name": "Glossy ceramic", "base_color": "#f2efe9", "roughness": 0.08},
    "ceramic_matte": {"name": "Matte ceramic", "base_color": "#e0e0e0", "roughness": 0.65},
}

PRODUCT = {
    "id": "cup",
    "name": "Cup",
    "currency": "EUR",
    "base_price": 10,
    "model": "assets/models/cup.glb",
    "parts": [
        {"id": "body", "nodes": ["body"], "material": "ceramic_gloss"},
        {"id": "handle_a", "nodes": ["handle_a"], "material": "ceramic_gloss"},
        {"id": "handle_b", "nodes": ["handle_b"], "material": "ceramic_gloss"},
    ],
    "options": [
        {"id": "glaze", "label": "Glaze", "kind": "material", "parts": ["body"],
         "choices": [
             {"id": "gloss", "label": "Gloss", "material": "ceramic_gloss"},
             {"id": "matte_black", "label": "Matte black", "material": "ceramic_matte",
              "color": "#1d1d1f"},
         ]},
        {"id": "handle", "label": "Handle", "kind": "part_swap", "choices": [
            {"id": "a", "label": "A", "parts": ["handle_a"]},
            {"id": "b", "label": "B", "parts": ["handle_b"]},
        ]},
    ],
}


def write_project(root: Path, product: dict | None = None, materials: dict | None = None,
                  raw_product: str | None = None) -> Path:
    """A project folder; returns the product file's path."""
    (root / "configs").mkdir(parents=True, exist_ok=True)
    (root / "assets" / "materials").mkdir(parents=True, exist_ok=True)
    for mid, data in (MATERIALS if materials is None else materials).items():
        (root / "assets" / "materials" / f"{mid}.yaml").write_text(yaml.safe_dump(data))
    path = root / "configs" / "cup.yaml"
    if raw_product is not None:
        path.write_text(raw_product)
    else:
        path.write_text(yaml.safe_dump(PRODUCT if product is None else product, sort_keys=False))
    return path


def changed(**edits) -> dict:
    """PRODUCT with top-level fields replaced (a deep copy)."""
    data = yaml.safe_load(yaml.safe_dump(PRODUCT))
    data.update(edits)
    return data
