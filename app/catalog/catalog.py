"""The catalog: every product file and material of a project folder, with their problems.

A broken file does not stop the others from loading: its problems are listed and the rest of
the catalog stays usable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.catalog.files import file_label
from app.catalog.materials import load_material_library
from app.catalog.products import load_product
from app.domain.material import Material
from app.domain.product import Product
from app.errors import AppError, AppErrors

CONFIGS_DIR = "configs"
MATERIALS_DIR = "assets/materials"


@dataclass
class Catalog:
    root: Path
    products: dict[str, Product] = field(default_factory=dict)
    materials: dict[str, Material] = field(default_factory=dict)
    problems: list[AppError] = field(default_factory=list)
    # product files that load but wait for a material file with problems (labels, as problems
    # name files): a window keeps their last good version, like that of a broken product file
    held_back: set[str] = field(default_factory=set)

    def product(self, product_id: str) -> Product:
        try:
            return self.products[product_id]
        except KeyError:
            known = ", ".join(sorted(self.products)) or "none"
            raise AppError(f"unknown product '{product_id}' (known: {known})") from None


KIOSK_FILE_NAME = "kiosk.yaml"  # reserved: the kiosk's settings (app.catalog.kiosk_config)


def product_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / CONFIGS_DIR).glob("*.yaml") if p.name != KIOSK_FILE_NAME)


def broken_material_ids(root: Path, loaded: Mapping[str, Material]) -> set[str]:
    """The ids of the material files that did not load (their problems say why)."""
    return {p.stem for p in (root / MATERIALS_DIR).glob("*.yaml")} - set(loaded)


def load_catalog(root: Path) -> Catalog:
    root = root.resolve()
    catalog = Catalog(root=root)
    catalog.materials, catalog.problems = load_material_library(root / MATERIALS_DIR, root)
    broken = broken_material_ids(root, catalog.materials)
    for path in product_files(root):
        try:
            # a material whose file has problems is known (its file reports them, once); a
            # product that uses it waits until that file is fixed
            product = load_product(path, catalog.materials.keys() | broken, root,
                                   within=root / CONFIGS_DIR)
        except AppErrors as exc:
            catalog.problems.extend(exc.errors)
            continue
        except AppError as exc:
            catalog.problems.append(exc)
            continue
        if product.material_ids() & broken:
            catalog.held_back.add(file_label(path, root))
            continue
        if product.id in catalog.products:
            other = file_label(Path(catalog.products[product.id].source), root)
            catalog.problems.append(AppError(
                f"duplicate product id '{product.id}': {other} has it too",
                file=file_label(path, root), field="id"))
            continue
        catalog.products[product.id] = product
    if not catalog.problems and not catalog.held_back:  # else the product may be the broken one
        catalog.problems.extend(_unknown_complements(catalog, root))
    return catalog


def _unknown_complements(catalog: Catalog, root: Path) -> list[AppError]:
    return [AppError(f"no product '{other}' in the catalog", file=file_label(Path(p.source), root),
                     field=f"complements[{i}]")
            for p in catalog.products.values() for i, other in enumerate(p.complements)
            if other not in catalog.products]
