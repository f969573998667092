"""The renderer a batch uses: the live-view renderer (default) or the path tracer.

The path tracer (app.photoreal) is imported only when it is asked for, so a batch of
live-view stills never loads Mitsuba.
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from app.batch.jobs import RenderSettings
from app.errors import AppError
from app.scene.description import SceneDescription
from app.scene.geometry_source import GeometrySource
from app.viewport.still_renderer import StillRenderer


class BatchRenderer(Protocol):
    def render(self, scene: SceneDescription, camera_id: str) -> Image.Image: ...

    def close(self) -> None: ...


class LiveRenderer:
    """The live view's off-screen renderer, one plotter kept for every image."""

    def __init__(self, settings: RenderSettings, source: GeometrySource):
        self.settings = settings
        self.still = StillRenderer(source, size=settings.size, supersample=settings.supersample)

    def render(self, scene: SceneDescription, camera_id: str) -> Image.Image:
        return self.still.render(scene, camera_id=camera_id,
                                 transparent=self.settings.transparent)

    def close(self) -> None:
        self.still.close()


class PhotorealRenderer:
    """The path tracer (app.photoreal, Mitsuba 3), imported when the first one is made."""

    def __init__(self, settings: RenderSettings, source: GeometrySource):
        try:
            from app.photoreal.output import to_pil
            from app.photoreal.render import render_photoreal
        except ImportError as exc:
            raise AppError(f"the path tracer cannot be loaded: {exc}",
                           field="--renderer") from None
        self.settings = settings
        self.source = source
        self._render = render_photoreal
        self._to_pil = to_pil

    def render(self, scene: SceneDescription, camera_id: str) -> Image.Image:
        result = self._render(scene, self.source, size=self.settings.size,
                              spp=self.settings.samples, camera_id=camera_id,
                              transparent=self.settings.transparent)
        return self._to_pil(result)

    def close(self) -> None:
        pass


def open_renderer(settings: RenderSettings, source: GeometrySource) -> BatchRenderer:
    if settings.renderer == "photoreal":
        return PhotorealRenderer(settings, source)
    return LiveRenderer(settings, source)
