"""The material library: one YAML file per material in assets/materials/."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from app.catalog.field_errors import validation_problems
from app.catalog.files import file_label
from app.catalog.yaml_source import read_yaml_file
from app.domain.material import Material
from app.errors import AppError, AppErrors, ProductFileError


def load_material(path: Path, root: Path | None = None, *,
                  within: Path | None = None) -> Material:
    """One material; its id is the file name without .yaml. AppErrors on problems.

    ``within``: the folder it was found in, which it may not leave by a link."""
    label = file_label(path, root)
    document = read_yaml_file(path, label, within=within)
    for key in ("id", "source"):
        if key in document.data:
            raise AppErrors(document.locate([ProductFileError(
                "set from the file name; remove this field", file=label, field=key)]))
    try:
        return Material.model_validate({**document.data, "id": path.stem, "source": str(path)})
    except ValidationError as exc:
        raise AppErrors(document.locate(validation_problems(exc, Material, label))) from None


def load_material_library(folder: Path, root: Path | None = None
                          ) -> tuple[dict[str, Material], list[AppError]]:
    """Every material of ``folder`` that loads, and the problems of those that do not."""
    materials: dict[str, Material] = {}
    problems: list[AppError] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            materials[path.stem] = load_material(path, root, within=folder)
        except AppErrors as exc:
            problems.extend(exc.errors)
        except AppError as exc:
            problems.append(exc)
    return materials, problems
