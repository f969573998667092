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
