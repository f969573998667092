"""Many stills from one off-screen window: scenes after the first are applied as changes.

A new window per still pays for the image-based lighting's pre-computation every time (about
a second or two); a batch of stills of one size keeps one window and SceneView and only
applies ``diff(previous, next)``.
"""

from __future__ import annotations

from PIL import Image

from app.errors import AppError
from app.scene.description import SceneDescription
from app.scene.framing import view_camera
from app.scene.geometry_source import GeometrySource
from app.viewport.off_screen import OffScreenWindow
from app.viewport.scene_view import SceneView

MAX_RENDER_SIDE = 8192


class StillRenderer:
    """Renders scenes at one ``size`` (width, height) like ``render_still``, keeping its window.

    Call ``close`` when done (or use it as a context manager).
    """

    def __init__(self, source: GeometrySource, *, size: tuple[int, int], supersample: int = 2,
                 exposure: float = 1.0):
        width, height = (int(v) for v in size)
        if width < 1 or height < 1:
            raise AppError(f"expected a positive width and height, got {size}", field="size")
        if supersample < 1 or max(width, height) * supersample > MAX_RENDER_SIDE:
            raise AppError(
                f"expected 1 <= supersample and a render side <= {MAX_RENDER_SIDE}, "
                f"got {supersample} x {max(width, height)}", field="supersample")
        self.size = (width, height)
        self.supersample = supersample
        self.window = OffScreenWindow((width * supersample, height * supersample))
        self.view = SceneView(self.window, source, exposure=exposure, fxaa=False)

    def render(self, scene: SceneDescription, *, camera_id: str | None = None,
               transparent: bool = False) -> Image.Image:
        """``scene`` as an RGB (or RGBA with ``transparent``) image of this renderer's size."""
        width, height = self.size
        aspect = width / height
        camera = view_camera(scene, camera_id, aspect)
        self.view.present(scene)
        self.view.set_camera(camera, aspect)
        pixels = self.view.snapshot(transparent=transparent)
        image = Image.fromarray(pixels, "RGBA" if transparent else "RGB")
        if self.supersample > 1:
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        return image

    def close(self) -> None:
        self.view.close()
        self.window.close()

    def __enter__(self) -> StillRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
