"""The live view's ground: the scene's ground shadow (app.scene.ground_shadow) drawn as a black,
unlit plane whose alpha is the shadow, so it darkens whatever background is behind.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkTexture

from app.scene.description import OVERHEAD_SOFTBOX, ShadowLight
from app.scene.ground_shadow import ShadowCaster, ShadowMap, ShadowSampler
from app.viewport.polydata import TCOORDS, triangles_polydata
from app.viewport.vtk_textures import image_to_vtk_texture

__all__ = ["GroundShadow", "ShadowCaster", "ShadowMap", "shadow_plane", "shadow_texture"]


def shadow_plane(shadow: ShadowMap) -> vtkPolyData:
    """A quad over the shadow's extent with tcoords s ~ x, t ~ z."""
    (x0, x1), (z0, z1), y = shadow.x_range, shadow.z_range, shadow.ground_y
    points = np.array([[x0, y, z0], [x1, y, z0], [x1, y, z1], [x0, y, z1]], dtype=np.float32)
    plane = triangles_polydata(points, np.array([[0, 3, 2, 1]]))
    tcoords = numpy_to_vtk(np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32), deep=True)
    tcoords.SetName(TCOORDS)
    plane.GetPointData().SetTCoords(tcoords)
    return plane


def shadow_texture(shadow: ShadowMap) -> vtkTexture:
    """The shadow's darkness as the alpha of a black, edge-clamped texture."""
    # image row 0 is the top; rows are flipped on upload, so pass z descending
    alpha = np.round(np.clip(shadow.alpha, 0, 1) * 255).astype(np.uint8)[::-1]
    pixels = np.stack([np.zeros_like(alpha), alpha], axis=2)
    texture = image_to_vtk_texture(pixels, srgb=False, source="ground shadow")
    texture.RepeatOff()
    texture.EdgeClampOn()
    return texture


class GroundShadow:
    """The shadow plane actor. ``update`` shows the shadow of the visible casters; the
    scene layer's ``ShadowSampler`` samples and keeps recent shadows, and the drawn forms of
    those are kept too, so swapping parts back and forth costs nothing."""

    def __init__(self) -> None:
        self.actor = vtkActor()
        self.actor.SetMapper(vtkPolyDataMapper())
        self.actor.PickableOff()
        prop = self.actor.GetProperty()
        prop.SetColor(0.0, 0.0, 0.0)
        prop.LightingOff()
        prop.BackfaceCullingOn()  # seen from below (a caseback view) the ground is not there
        self.shadow: ShadowMap | None = None
        self._sampler = ShadowSampler()
        self._drawn: dict[int, tuple[ShadowMap, vtkPolyData, vtkTexture]] = {}  # by id(shadow)

    def reset(self, casters: list[ShadowCaster]) -> None:
        """Forget the samples of an earlier scene; ``casters`` are all of the new scene's."""
        self._sampler.reset(casters)
        self._drawn.clear()

    def update(self, visible: list[ShadowCaster], light: ShadowLight = OVERHEAD_SOFTBOX) -> None:
        shadow = self._sampler.shadow(visible, light)
        if shadow is self.shadow and shadow is not None:
            return
        self.shadow = shadow
        if shadow is None:
            self.actor.VisibilityOff()
            return
        # drawn forms of the shadows still in the recent list, so swapping back costs no upload
        # (each entry holds its shadow, so no other shadow can take its id while it is kept)
        kept = {id(s) for s in self._sampler.recent.values() if s is not None}
        self._drawn = {k: v for k, v in self._drawn.items() if k in kept}
        drawn = self._drawn.get(id(shadow))
        if drawn is None or drawn[0] is not shadow:
            drawn = self._drawn[id(shadow)] = (shadow, shadow_plane(shadow), shadow_texture(shadow))
        _, plane, texture = drawn
        self.actor.GetMapper().SetInputData(plane)
        self.actor.SetTexture(texture)
        self.actor.VisibilityOn()
