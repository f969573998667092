"""resolve_scene(product, configuration) -> SceneDescription: what to draw, where, in what."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.assets.joined_parts import JOINED
from app.assets.mesh import Model
from app.assets.store import AssetStore
from app.domain.configuration import Configuration, complete
from app.domain.material import Material
from app.domain.option_state import part_visible
from app.domain.product import OptionKind, Part, Product
from app.errors import AppError, AssetError, ConfigurationError
from app.personalize.decal_geometry import DecalGeometryCache
from app.personalize.fonts import FontLibrary
from app.personalize.picture_store import PictureStore
from app.references import resolve_asset_path
from app.scene.decals import resolve_decals
from app.scene.description import (
    Camera,
    Drawable,
    Environment,
    GeometryRef,
    ResolvedMaterial,
    SceneDescription,
    matrix_to_tuple,
)
from app.scene.framing import DEFAULT_FOV_DEG, frame_bounds
from app.scene.materials import resolve_material
from app.scene.resolve_cache import PartGeometry, ResolveCache

ASSETS_DIR = "assets"


@dataclass(frozen=True)
class SceneContext:
    """What resolving needs besides the product and configuration: the project folder, the
    material library, the asset cache and the lighting."""

    root: Path
    materials: Mapping[str, Material]
    assets: AssetStore
    environment: Environment
    fonts: FontLibrary | None = None  # None: the built-in fonts
    decal_cache: DecalGeometryCache = field(default_factory=DecalGeometryCache, compare=False)
    # uploaded pictures; None: the user's picture store
    pictures: PictureStore | None = field(default=None, compare=False)
    resolve_cache: ResolveCache = field(default_factory=ResolveCache, compare=False)

    @property
    def allowed_roots(self) -> list[Path]:
        return [self.root / ASSETS_DIR]

    def label(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path


def part_geometry(product: Product, part_index: int, context: SceneContext) -> list[GeometryRef]:
    """The meshes a part draws; AssetError naming the product file and field otherwise."""
    model_path, model = _part_model(product, part_index, context)
    return _part_refs(product, part_index, model_path, model, context)


def _part_model(product: Product, part_index: int, context: SceneContext) -> tuple[Path, Model]:
    part = product.parts[part_index]
    field = f"parts[{part_index}].model" if part.model else "model"
    model_path = resolve_asset_path(part.model or product.model, base_dir=context.root,
                                    allowed_roots=context.allowed_roots,
                                    file_label=context.label(product.source), field=field)
    try:
        return model_path, context.assets.model(model_path, units=product.units.value,
                                                up=product.up.value)
    except AppError as error:
        raise _relative_inner(error, context).within(context.label(product.source),
                                                     field) from None


def _relative_inner(error: AppError, context: SceneContext) -> AppError:
    if error.file:
        error.file = context.label(error.file)
    return error


def _part_refs(product: Product, part_index: int, model_path: Path, model: Model,
               context: SceneContext) -> list[GeometryRef]:
    part = product.parts[part_index]
    label = context.label(product.source)
    refs = []
    for ni, name in enumerate(part.nodes):
        meshes = model.find(name)
        if not meshes:
            known = ", ".join(sorted(model.meshes)) or "none"
            raise AssetError(
                f"no node or mesh '{name}' in {context.label(str(model_path))} (nodes: {known})",
                file=label, field=f"parts[{part_index}].nodes[{ni}]")
        refs += [GeometryRef(model=str(model_path), node=m.name, units=product.units.value,
                             up=product.up.value) for m in meshes]
    return refs


def part_material_choice(product: Product, part: Part,
                         configuration: Configuration) -> tuple[str, str | None]:
    """(material id, tint or None) of ``part`` in ``configuration`` (complete: every group
    selected), by its material options."""
    material_id, tint = part.material, None
    for group in product.options:
        if group.kind is not OptionKind.material or part.id not in group.parts:
            continue
        choice = group.choice(configuration.selections[group.id])
        material_id = choice.material or group.material or material_id
        if choice.free_colour is not None:
            tint = configuration.colours.get(group.id, choice.free_colour.default)
        else:
            tint = choice.color
    return material_id, tint


def shown_material_ids(product: Product, configuration: Configuration) -> list[str]:
    """The material ids of the parts ``configuration`` shows, in part order, each once."""
    configuration = complete(configuration, product)
    return list(dict.fromkeys(
        part_material_choice(product, part, configuration)[0] for part in product.parts
        if part_visible(product, part, configuration.selections)))


def _part_material(product: Product, part: Part, configuration: Configuration,
                   context: SceneContext) -> ResolvedMaterial:
    material_id, tint = part_material_choice(product, part, configuration)
    material = context.materials[material_id]
    return context.resolve_cache.material(material, tint, lambda: resolve_material(
        material, allowed_roots=context.allowed_roots, label=context.label(material.source),
        tint=tint))


def _product_geometry(product: Product, context: SceneContext) -> tuple[PartGeometry, ...]:
    """Every part's meshes and their bounds, kept while the product and its model files stay."""

    def build():
        parts, models = [], {}
        for pi in range(len(product.parts)):
            model_path, model = _part_model(product, pi, context)
            refs = tuple(_part_refs(product, pi, model_path, model, context))
            parts.append(PartGeometry(refs, tuple(context.assets.mesh(r).hull_points
                                                  for r in refs)))
            models[model_path] = (model, _asker(context, model_path, product))
        check_joined_parts(product, [part.refs for part in parts], context)
        return tuple(parts), tuple(models.values())

    return context.resolve_cache.parts(product, build)


def check_joined_parts(product: Product, part_refs: Sequence[Sequence[GeometryRef]],
                       context: SceneContext) -> None:
    """AssetError (the product file, the later part's nodes) where two parts would draw one
    joined part (app.assets.joined_parts) of a model: ``part_refs``, each part's meshes."""
    joined: dict[GeometryRef, int] = {}  # a joined part's mesh -> the first part drawing it
    for pi, refs in enumerate(part_refs):
        for ref in refs:
            other = joined.setdefault(ref, pi) if JOINED in ref.node else pi
            if other != pi:
                raise AssetError(
                    f"draws '{ref.node}' of {context.label(ref.model)}, which part "
                    f"'{product.parts[other].id}' draws too: the model's nodes place more "
                    "meshes than the app draws apart, so those of one material are joined "
                    "into one part. Give the two parts' meshes different materials in the "
                    "modelling tool, or make them one part here",
                    file=context.label(product.source), field=f"parts[{pi}].nodes")


def _asker(context: SceneContext, path: Path, product: Product):
    return lambda: context.assets.model(path, units=product.units.value, up=product.up.value)


def _part_transform(product: Product, part: Part, configuration: Configuration) -> np.ndarray:
    matrix = np.eye(4)
    for group in product.options:
        if group.kind is not OptionKind.transform:
            continue
        if group.parts and part.id not in group.parts:
            continue
        choice = group.choice(configuration.selections[group.id])
        step = np.eye(4)
        if choice.scale is not None:
            step[:3, :3] *= choice.scale
        if choice.mirror is not None:
            step["xyz".index(choice.mirror)] *= -1.0
        if choice.offset is not None:
            step[:3, 3] = choice.offset
        matrix = step @ matrix
    return matrix


def _transformed_points(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return points @ matrix[:3, :3].T + matrix[:3, 3]


def _placement(product: Product, part: Part, configuration: Configuration,
               geometry: PartGeometry) -> tuple[tuple, np.ndarray]:
    """The part's transform and its meshes' convex hull points, moved by it."""
    matrix = _part_transform(product, part, configuration)
    points = [_transformed_points(hull, matrix) for hull in geometry.hulls]
    return matrix_to_tuple(matrix), (np.concatenate(points) if points else np.zeros((0, 3)))


def resolve_scene(product: Product, configuration: Configuration,
                  context: SceneContext) -> SceneDescription:
    """The scene for ``configuration`` (missing option groups take their defaults).

    ConfigurationError when it names an option or choice the product does not have;
    AssetError when a model file or node cannot be used.
    """
    if configuration.product_id != product.id:
        raise ConfigurationError(
            f"this configuration is for product '{configuration.product_id}', not "
            f"'{product.id}'", field="product_id")
    configuration = complete(configuration, product)
    for group_id, choice_id in configuration.selections.items():
        try:
            product.option(group_id).choice(choice_id)
        except KeyError:
            raise ConfigurationError(f"unknown choice '{group_id}.{choice_id}'",
                                     field=f"selections.{group_id}") from None

    drawables = []
    outline = []
    geometry = _product_geometry(product, context)
    transforms = [g for g in product.options if g.kind is OptionKind.transform]
    for part, part_geometry_ in zip(product.parts, geometry, strict=True):
        material = _part_material(product, part, configuration, context)
        visible = part_visible(product, part, configuration.selections)
        moved_by = tuple(configuration.selections[g.id] for g in transforms
                         if not g.parts or part.id in g.parts)
        transform, part_points = context.resolve_cache.placement(
            product, part.id, moved_by,
            lambda part=part, g=part_geometry_: _placement(product, part, configuration, g))
        for ref in part_geometry_.refs:
            drawables.append(Drawable(id=f"{part.id}/{ref.node}", part=part.id, geometry=ref,
                                      material=material, transform=transform, visible=visible))
        if visible:
            outline.append(part_points)
    points = np.concatenate(outline) if outline else np.zeros((1, 3))
    bounds = (tuple(float(v) for v in points.min(axis=0)),
              tuple(float(v) for v in points.max(axis=0)))
    cameras = tuple(Camera(id=c.id, label=c.label, position=c.position, target=c.target,
                           up=c.up, fov_deg=c.fov_deg, frames_product=i == 0)
                    for i, c in enumerate(product.cameras))  # the first is the hero view
    if not cameras:
        cameras = (frame_bounds(bounds, 4 / 3, DEFAULT_FOV_DEG),)
    decals = resolve_decals(product, configuration, drawables, assets=context.assets,
                            fonts=context.fonts or FontLibrary(), cache=context.decal_cache,
                            pictures=context.pictures)
    return SceneDescription(product_id=product.id, drawables=tuple(drawables), cameras=cameras,
                            environment=context.environment, bounds=bounds, decals=decals,
                            outline=points)
