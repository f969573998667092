"""The library's velvet on a sphere under the studio: how much brighter its silhouette is than
its middle, with and without its sheen, for the sheen tests of both renderers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from app.catalog.materials import load_material_library
from app.scene.environment import studio_environment
from app.scene.materials import resolve_material
from tests.scene.technique_plate import luminance
from tests.viewport.scenes import FRONT_CAMERA, FakeSource, drawable, scene_of, sphere_mesh

SIZE = (160, 120)
RADIUS = 0.5


def velvet(builtin_root: Path):
    library, problems = load_material_library(builtin_root / "assets/materials", builtin_root)
    assert problems == []
    return resolve_material(library["velvet"], allowed_roots=[builtin_root / "assets"],
                            label="velvet.yaml")


def _rim_and_middle() -> tuple[np.ndarray, np.ndarray]:
    """Screen masks of the sphere's outer ring (0.8..0.95 of its radius) and its middle
    (inside 0.4), for FRONT_CAMERA at SIZE."""
    width, height = SIZE
    distance = FRONT_CAMERA.position[2]
    px_per_m = (height / 2) / (distance * np.tan(np.radians(FRONT_CAMERA.fov_deg / 2)))
    radius_px = RADIUS / np.sqrt(1 - (RADIUS / distance) ** 2) * px_per_m  # its silhouette
    rows, cols = np.indices((height, width))
    r = np.hypot(rows + 0.5 - height / 2, cols + 0.5 - width / 2) / radius_px
    return (r > 0.8) & (r < 0.95), r < 0.4


def rim_over_middle(builtin_root: Path, render, *, sheen: bool) -> float:
    """Mean luminance of the rim over that of the middle; ``render`` (scene, source) -> image."""
    material = velvet(builtin_root)
    if not sheen:
        material = dataclasses.replace(material, sheen_color=(0.0, 0.0, 0.0))
    environment = studio_environment(builtin_root)
    scene = scene_of([drawable("sphere", material)], environment.hdr_path)
    light = luminance(render(scene, FakeSource({"sphere": sphere_mesh(RADIUS)})))
    rim, middle = _rim_and_middle()
    return float(light[rim].mean() / max(light[middle].mean(), 1.0))
