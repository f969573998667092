"""Whether a product's files can be drawn (model files, nodes, and material textures), and what
of them is drawn otherwise than they say."""

from __future__ import annotations

from pathlib import Path

from app.domain.configuration import Configuration
from app.domain.material import Material
from app.domain.product import Product
from app.errors import AppError, AppErrors
from app.scene.description import GeometryRef
from app.scene.material_notes import named_notes
from app.scene.materials import resolve_material
from app.scene.resolve import (
    SceneContext,
    check_joined_parts,
    part_geometry,
    shown_material_ids,
)


def product_asset_problems(product: Product, context: SceneContext) -> list[AppError]:
    """Every problem with the files ``product`` draws from; [] when all load."""
    problems: list[AppError] = []
    drawn: list[list[GeometryRef]] = []  # each part's meshes, of the parts that load
    for pi in range(len(product.parts)):
        try:
            refs = part_geometry(product, pi, context)
            for ref in refs:
                context.assets.mesh(ref)
            drawn.append(refs)
        except AppErrors as exc:
            problems.extend(exc.errors)
            drawn.append([])
        except AppError as exc:
            problems.append(exc)
            drawn.append([])
    try:
        check_joined_parts(product, drawn, context)
    except AppError as exc:
        problems.append(exc)
    for material_id in sorted(product.material_ids()):
        material = context.materials.get(material_id)
        if material is not None:  # else reported by the product file checks
            problems += material_asset_problems(material, context)
    return _unique(problems)


def material_asset_problems(material: Material, context: SceneContext) -> list[AppError]:
    """Every problem with the texture files ``material`` names (missing, not a file, damaged,
    outside the project), each naming the material file and its field; [] when all load."""
    label = context.label(material.source)
    try:
        resolved = resolve_material(material, allowed_roots=context.allowed_roots, label=label)
    except AppError as exc:
        return [exc]
    problems: list[AppError] = []
    for slot, tex in resolved.slots().items():
        try:
            context.assets.texture(tex.texture)
        except AppError as exc:
            if exc.file:
                exc.file = context.label(exc.file)
            problems.append(exc.within(label, f"textures.{slot}"))
    return problems


def _unique(problems: list[AppError]) -> list[AppError]:
    seen, out = set(), []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def product_asset_warnings(product: Product, context: SceneContext) -> list[str]:
    """What the product's model files are drawn without (``Model.warnings``), product file
    first; the model files must load (see ``product_asset_problems``)."""
    warnings: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for pi in range(len(product.parts)):
        try:
            refs = part_geometry(product, pi, context)
        except AppError:
            continue  # reported as a problem
        for ref in refs:
            key = (ref.model, ref.units, ref.up)
            if key in seen:
                continue
            seen.add(key)
            model = context.assets.model(Path(ref.model), units=ref.units, up=ref.up)
            warnings += [f"{context.label(product.source)}: parts[{pi}]: "
                         f"{_named_as_the_project_names(warning, model.path, context)}"
                         for warning in model.warnings
                         if warning not in model.material_warnings]
    return warnings


def _named_as_the_project_names(warning: str, path: str, context: SceneContext) -> str:
    """``warning`` about the model file ``path``, the file named as the project names it
    (``assets/models/cup.glb``) where it begins with the path the loader was given."""
    if warning.startswith(f"{path}:"):
        return context.label(path) + warning[len(path):]
    return warning


def product_material_notes(product: Product, context: SceneContext,
                           configuration: Configuration | None = None) -> list[str]:
    """What the renderers draw otherwise than the product's materials say (``material_notes``),
    each after its material file: of every material the product names, or of those
    ``configuration`` shows. A material that does not load is left out (a problem of its own,
    ``product_asset_problems``)."""
    ids = (sorted(product.material_ids()) if configuration is None
           else shown_material_ids(product, configuration))
    named = []
    for material_id in ids:
        material = context.materials.get(material_id)
        if material is None:
            continue
        label = context.label(material.source)
        try:
            named.append((label, "", context.resolve_cache.material(
                material, None, lambda material=material, label=label: resolve_material(
                    material, allowed_roots=context.allowed_roots, label=label))))
        except AppError:
            continue
    return named_notes(named)
