"""Product files: configs/<product>.yaml -> Product, checked against the material library."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from app.catalog.field_errors import validate_file_data
from app.catalog.files import file_label
from app.catalog.yaml_source import read_yaml_file
from app.domain.product import Product
from app.domain.product_checks import product_problems
from app.errors import AppErrors


def load_product(path: Path, material_ids: Collection[str], root: Path | None = None, *,
                 within: Path | None = None) -> Product:
    """The product a file describes. AppErrors listing every problem found otherwise.

    ``within``: the folder it was found in, which it may not leave by a link."""
    label = file_label(path, root)
    document = read_yaml_file(path, label, within=within)
    product = validate_file_data(document, Product, path, label)
    problems = [p.within(label) for p in product_problems(product, material_ids)]
    if problems:
        raise AppErrors(document.locate(problems))
    return product
