"""Turntable frames from the live view: the camera carried round the product, one window for
all frames."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np
from PIL import Image

from app.errors import AppError
from app.scene.description import Camera, SceneDescription
from app.scene.geometry_source import GeometrySource
from app.viewport.off_screen import OffScreenWindow
from app.viewport.scene_view import SceneView

MAX_FRAMES = 3600


def orbit_cameras(camera: Camera, frames: int) -> list[Camera]:
    """``frames`` cameras evenly round the vertical axis through ``camera.target``; the first
    is ``camera`` itself, the height and distance stay."""
    if not 1 <= int(frames) <= MAX_FRAMES:
        raise AppError(f"expected 1..{MAX_FRAMES} frames, got {frames}", field="frames")
    target = np.asarray(camera.target, dtype=float)
    offset = np.asarray(camera.position, dtype=float) - target
    cameras = []
    for index in range(int(frames)):
        angle = 2 * math.pi * index / int(frames)
        c, s = math.cos(angle), math.sin(angle)
        x = c * offset[0] + s * offset[2]
        z = -s * offset[0] + c * offset[2]
        position = target + np.array([x, offset[1], z])
        cameras.append(replace(camera, id=f"{camera.id}-{index:03d}",
                               position=tuple(float(v) for v in position)))
    return cameras


def render_turntable_frames(
    scene: SceneDescription,
    source: GeometrySource,
    cameras: list[Camera],
    *,
    size: tuple[int, int] = (640, 480),
    transparent: bool = False,
    supersample: int = 2,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[Image.Image]:
    """Yield one Pillow image per camera (RGB, or RGBA with ``transparent``)."""
    width, height = (int(v) for v in size)
    if width < 1 or height < 1 or supersample < 1:
        raise AppError(f"expected a positive size and supersample, got {size}", field="size")
    window = OffScreenWindow((width * supersample, height * supersample))
    view = SceneView(window, source, fxaa=False)
    try:
        view.show(scene)
        for camera in cameras:
            if cancel is not None and cancel():
                return
            view.set_camera(camera, width / height)
            pixels = view.snapshot(transparent=transparent)
            image = Image.fromarray(pixels, "RGBA" if transparent else "RGB")
            if supersample > 1:
                image = image.resize((width, height), Image.Resampling.LANCZOS)
            yield image
    finally:
        view.close()
        window.close()
