"""The watch's sapphire crystal seen from above the dial: how much light it adds where it
mirrors the studio's lights, for the glass tests of both renderers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from app.domain.configuration import default_configuration
from app.project import open_project
from app.scene.resolve import resolve_scene
from tests.scene.technique_plate import luminance

SIZE = (160, 120)


def crystal_highlight(builtin_root: Path, render) -> float:
    """The 99th percentile of the brightening (luminance, 0..255) the crystal brings over the
    same view without it; ``render`` (scene, source, camera id) -> image."""
    project = open_project(builtin_root)
    product = project.catalog.product("watch")
    scene = resolve_scene(product, default_configuration(product), project.scene_context())
    assert any(d.part == "crystal" and d.material.transmission > 0.5 for d in scene.drawables)
    bare = dataclasses.replace(scene, drawables=tuple(
        dataclasses.replace(d, visible=False) if d.part == "crystal" else d
        for d in scene.drawables))
    brighter = (luminance(render(scene, project.assets, "dial"))
                - luminance(render(bare, project.assets, "dial")))
    return float(np.percentile(brighter, 99))


def grain(image: np.ndarray) -> float:
    """Mean absolute difference (luminance, 0..255) between each pixel and its 3x3 mean, over
    the middle half of the image: noise, and a little of the dial's own edges."""
    lum = luminance(image)
    h, w = lum.shape
    middle = lum[h // 4:3 * h // 4, w // 4:3 * w // 4]
    padded = np.pad(middle, 1, mode="edge")
    mean = sum(padded[1 + dy:1 + dy + middle.shape[0], 1 + dx:1 + dx + middle.shape[1]]
               for dy in (-1, 0, 1) for dx in (-1, 0, 1)) / 9.0
    return float(np.abs(middle - mean).mean())


def dial_under_crystal(builtin_root: Path, render) -> tuple[dict, dict]:
    """The dial view with and without the crystal: each one's grain and mean luminance."""
    project = open_project(builtin_root)
    product = project.catalog.product("watch")
    scene = resolve_scene(product, default_configuration(product), project.scene_context())
    bare = dataclasses.replace(scene, drawables=tuple(
        dataclasses.replace(d, visible=False) if d.part == "crystal" else d
        for d in scene.drawables))
    figures = []
    for s in (scene, bare):
        image = render(s, project.assets, "dial")
        figures.append({"grain": grain(image), "mean": float(luminance(image).mean())})
    return figures[0], figures[1]
