"""A scene of a bare model file, drawn with the materials it carries (``app render --model``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.assets.store import AssetStore
from app.scene.description import (
    Drawable,
    Environment,
    GeometryRef,
    SceneDescription,
    matrix_to_tuple,
)
from app.scene.framing import DEFAULT_FOV_DEG, frame_bounds
from app.scene.material_notes import named_notes
from app.scene.model_materials import model_material


def model_scene(path: Path, assets: AssetStore, environment: Environment, *, units: str = "m",
                up: str = "y", aspect: float = 4 / 3) -> SceneDescription:
    """Every mesh of the file as it comes, framed from a three-quarter view.

    The model is moved so that it rests on y=0, centred over the origin, like product models.
    """
    model = assets.model(path, units=units, up=up)
    low, high = model.bounds
    offset = np.array([-(low[0] + high[0]) / 2, -low[1], -(low[2] + high[2]) / 2])
    matrix = np.eye(4)
    matrix[:3, 3] = offset
    drawables = []
    for name, mesh in model.meshes.items():
        material = model_material(mesh, mesh.material.name or f"model:{name}")
        drawables.append(Drawable(
            id=name, part=name, geometry=GeometryRef(model=str(path), node=name, units=units,
                                                     up=up),
            material=material,
            transform=matrix_to_tuple(matrix)))
    bounds = (tuple(float(v) for v in low + offset), tuple(float(v) for v in high + offset))
    outline = np.concatenate([mesh.hull_points for mesh in model.meshes.values()]) + offset
    camera = frame_bounds(bounds, aspect, DEFAULT_FOV_DEG)
    return SceneDescription(product_id=path.stem, drawables=tuple(drawables), cameras=(camera,),
                            environment=environment, bounds=bounds, outline=outline)


def model_material_notes(path: Path, assets: AssetStore, *, units: str = "m",
                         up: str = "y") -> list[str]:
    """What the renderers draw otherwise than the model's own materials say
    (``material_notes``), each after the file and the names of the materials it is on."""
    model = assets.model(path, units=units, up=up)

    def name(key: str, mesh) -> str:
        return (f"material {mesh.material.name!r}" if mesh.material.name
                else f"the material of mesh {key!r}")

    return named_notes((model.path, name(key, mesh), model_material(mesh, key))
                       for key, mesh in model.meshes.items())
