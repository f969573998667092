"""``app validate``: every problem of product, material and model files, exit code 1 if any."""

from __future__ import annotations

import sys
from pathlib import Path

from app.assets.model_loading import MODEL_SUFFIXES, load_model
from app.catalog.catalog import (
    CONFIGS_DIR,
    KIOSK_FILE_NAME,
    MATERIALS_DIR,
    broken_material_ids,
)
from app.catalog.files import file_label
from app.catalog.kiosk_config import load_kiosk_config
from app.catalog.materials import load_material
from app.catalog.products import load_product
from app.catalog.yaml_source import read_yaml_mapping
from app.cli.render import print_notes
from app.errors import AppError, AppErrors
from app.project import open_project
from app.scene.asset_checks import (
    material_asset_problems,
    product_asset_problems,
    product_asset_warnings,
    product_material_notes,
)
from app.scene.resolve import SceneContext
from app.session.problem_lines import problem_lines


def _expand(paths: list[Path], root: Path) -> list[tuple[Path, Path | None]]:
    """(file, the folder it was found in, or None for a file named on the command line).

    A folder stands for its YAML files; a folder with none, for its model files."""
    if not paths:
        paths = [root / CONFIGS_DIR, root / MATERIALS_DIR]
    files: list[tuple[Path, Path | None]] = []
    for p in paths:
        if p.is_dir():
            found = sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml"))
            files += [(f, p) for f in found or sorted(filter(_is_model_file, p.iterdir()))]
        else:
            files.append((p, None))
    return files


def _is_model_file(path: Path) -> bool:
    return path.suffix.lower() in MODEL_SUFFIXES and not path.is_dir()


def _check_model(path: Path) -> tuple[list[AppError], list[str], str | None]:
    """(problems, warnings, a line saying what loaded) of a model file, read as a product's
    model is: the files it names only from its own folder, a missing texture an error."""
    try:
        model = load_model(path, allowed_label="the model's folder")
    except AppErrors as exc:
        return list(exc.errors), [], None
    except AppError as exc:
        return [exc], [], None
    meshes = len(model.meshes)
    triangles = sum(len(mesh.faces) for mesh in model.meshes.values())
    return [], list(model.warnings), (f"ok: {path}: {meshes} mesh{'es' if meshes != 1 else ''}, "
                                      f"{triangles} triangle{'s' if triangles != 1 else ''}")


def _is_material_file(path: Path, root: Path) -> bool:
    """Files in the material folder are materials; elsewhere, a file that has a base colour and
    no parts is taken for one."""
    if path.absolute().parent.resolve() == (root / MATERIALS_DIR).resolve():
        return True
    try:
        data = read_yaml_mapping(path, str(path))
    except AppError:
        return False
    return "base_color" in data and "parts" not in data


def _check_material(path: Path, folder: Path | None, root: Path,
                    context: SceneContext) -> list[AppError]:
    """The problems of a material file: its fields, then its textures as a product that uses
    it would load them."""
    try:
        material = load_material(path, root, within=folder)
    except AppErrors as exc:
        return list(exc.errors)
    except AppError as exc:
        return [exc]
    return material_asset_problems(material, context)


def _collect(call) -> list[AppError]:
    try:
        call()
    except AppErrors as exc:
        return list(exc.errors)
    except AppError as exc:
        return [exc]
    return []


def run_validate(paths: list[Path], root: Path) -> int:
    project = open_project(root)
    context = project.scene_context()
    broken = broken_material_ids(root, project.catalog.materials)
    material_ids = project.catalog.materials.keys() | broken  # a broken one reports itself
    files = _expand(paths, root)
    problems: list[AppError] = []
    warnings: list[str] = []
    notes: list[str] = []  # what the renderers draw otherwise than the materials say
    product_files: dict[str, Path] = {}  # product id -> the first file that has it
    loaded: list[str] = []  # a line for each model file that loaded
    for path, folder in files:
        if not path.exists():
            problems.append(AppError("file not found", file=str(path)))
        elif _is_model_file(path):
            found, model_warnings, line = _check_model(path)
            problems += found
            warnings += model_warnings
            loaded += [line] if line else []
        elif _is_material_file(path, root):
            problems += _check_material(path, folder, root, context)
        elif path.name == KIOSK_FILE_NAME:
            problems += _collect(lambda p=path: load_kiosk_config(
                p, set(project.catalog.products), root))
        else:
            found = _collect(lambda p=path, f=folder: load_product(p, material_ids, root,
                                                                   within=f))
            if not found:
                product = load_product(path, material_ids, root, within=folder)
                if product.material_ids() & broken:
                    continue  # its materials' own problems are listed
                found = product_asset_problems(product, context)
                if not found:
                    warnings += product_asset_warnings(product, context)
                    notes += product_material_notes(product, context)
                first = product_files.setdefault(product.id, path)
                if first != path:
                    found.append(AppError(
                        f"duplicate product id '{product.id}': {file_label(first, root)} has "
                        "it too", file=file_label(path, root), field="id"))
            problems += found
    for warning in dict.fromkeys(warnings):
        print(f"warning: {warning}", file=sys.stderr)
    print_notes(list(dict.fromkeys(notes)))
    for line in loaded:
        print(line)
    # a material's texture problem is found again in each product that uses it
    problems = list({str(p): p for p in problems}.values())
    for line in problem_lines(problems):
        print(line)
    checked = f"{len(files)} file{'s' if len(files) != 1 else ''}"
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {checked}",
              file=sys.stderr)
        return 1
    print(f"{checked} checked, no problems")
    return 0
