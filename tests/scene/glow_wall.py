"""A glowing block in front of a grey wall, under the studio: how much its glow brightens the
wall beside it, for the glow tests of both renderers."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.scene.description import ResolvedMaterial
from app.scene.environment import studio_environment
from tests.scene.technique_plate import luminance
from tests.viewport.scenes import (
    FRONT_CAMERA,
    FakeSource,
    box_mesh,
    card_mesh,
    drawable,
    scene_of,
    translation,
)

SIZE = (128, 96)
BLOCK = 0.2  # the block's side, 0.3 in front of the wall
GLOW = (6.0, 3.0, 0.6)  # linear radiance: an orange lamp
WALL = ResolvedMaterial("wall", base_color=(0.5, 0.5, 0.5), roughness=0.9)


def _beside_the_block() -> np.ndarray:
    """Screen mask of the wall within 0.15..0.35 of the block's centre, left and right of it
    (the block hides the wall within 0.13 of it from FRONT_CAMERA)."""
    width, height = SIZE
    distance = FRONT_CAMERA.position[2]
    px_per_m = (height / 2) / (distance * np.tan(np.radians(FRONT_CAMERA.fov_deg / 2)))
    rows, cols = np.indices((height, width))
    x = (cols + 0.5 - width / 2) / px_per_m
    y = (height / 2 - rows - 0.5) / px_per_m
    return (np.abs(x) > 0.15) & (np.abs(x) < 0.35) & (np.abs(y) < 0.1)


def wall_brightening(builtin_root: Path, render) -> float:
    """Mean luminance (0..255) the block's glow adds to the wall beside it; ``render`` (scene,
    source) -> image."""
    environment = studio_environment(builtin_root)
    source = FakeSource({"card": card_mesh(1.2), "box": box_mesh(BLOCK)})

    def wall_light(glow: tuple[float, float, float]) -> np.ndarray:
        block = ResolvedMaterial("lamp", base_color=(0.8, 0.8, 0.8), emissive=glow)
        scene = scene_of([drawable("card", WALL),
                          drawable("box", block, transform=translation(z=0.3))],
                         environment.hdr_path)
        return luminance(render(scene, source))

    beside = _beside_the_block()
    lit, dark = wall_light(GLOW), wall_light((0.0, 0.0, 0.0))
    return float((lit - dark)[beside].mean())

