"""Whether a product's files can be drawn: model files, nodes, and material textures."""

from __future__ import annotations

from app.domain.product import Product
from app.errors import AppError, AppErrors
from app.scene.materials import resolve_material
from app.scene.resolve import SceneContext, part_geometry


def product_asset_problems(product: Product, context: SceneContext) -> list[AppError]:
    """Every problem with the files ``product`` draws from; [] when all load."""
    problems: list[AppError] = []
    for pi in range(len(product.parts)):
        try:
            for ref in part_geometry(product, pi, context):
                context.assets.mesh(ref)
        except AppErrors as exc:
            problems.extend(exc.errors)
        except AppError as exc:
            problems.append(exc)
    used = {p.material for p in product.parts}
    used |= {g.material for g in product.options if g.material}
    used |= {c.material for g in product.options for c in g.choices if c.material}
    for material_id in sorted(used):
        material = context.materials.get(material_id)
        if material is None:
            continue  # reported by the product file checks
        try:
            resolved = resolve_material(material, allowed_roots=context.allowed_roots,
                                        label=context.label(material.source))
        except AppError as exc:
            problems.append(exc)
            continue
        label = context.label(material.source)
        slots = {"base_color": resolved.base_color_texture, "orm": resolved.orm_texture,
                 "normal": resolved.normal_texture}
        for slot, tex in slots.items():
            try:
                if tex is not None:
                    context.assets.texture(tex)
            except AppError as exc:
                if exc.file:
                    exc.file = context.label(exc.file)
                problems.append(exc.within(label, f"textures.{slot}"))
    return _unique(problems)


def _unique(problems: list[AppError]) -> list[AppError]:
    seen, out = set(), []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out
