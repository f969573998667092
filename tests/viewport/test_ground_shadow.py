"""The live view's ground shadow follows what is shown, and swapping back reuses what was drawn."""

from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import vtk_to_numpy

from app.viewport.ground_shadow import GroundShadow, ShadowCaster

IDENTITY = tuple(tuple(float(i == j) for j in range(4)) for i in range(4))


def box_caster(key: str, x: float) -> ShadowCaster:
    box = pv.Cube(center=(x, 0.5, 0.0), x_length=0.4, y_length=1.0, z_length=0.4).triangulate()
    return ShadowCaster(key, np.asarray(box.points), box.faces.reshape(-1, 4)[:, 1:], IDENTITY)


def shown_alpha(ground: GroundShadow) -> np.ndarray:
    image = ground.actor.GetTexture().GetInput()
    return vtk_to_numpy(image.GetPointData().GetScalars())[:, 1]


def shadow_centre_x(ground: GroundShadow) -> float:
    low_x, high_x = ground.actor.GetMapper().GetInput().GetBounds()[:2]
    return (low_x + high_x) / 2


def test_the_shadow_follows_the_parts_and_swapping_back_reuses_it():
    left, right = box_caster("left", -1.0), box_caster("right", 1.0)
    ground = GroundShadow()
    ground.reset([left, right])
    ground.update([left])
    first_texture, first_alpha = ground.actor.GetTexture(), shown_alpha(ground).copy()
    assert shadow_centre_x(ground) < -0.5 and first_alpha.max() > 100
    ground.update([right])
    assert ground.actor.GetTexture() is not first_texture
    assert shadow_centre_x(ground) > 0.5
    ground.update([left])
    assert ground.actor.GetTexture() is first_texture
    assert shadow_centre_x(ground) < -0.5
    assert np.array_equal(shown_alpha(ground), first_alpha)
    ground.update([])
    assert not ground.actor.GetVisibility()
    ground.update([left])
    assert ground.actor.GetVisibility() and ground.actor.GetTexture() is first_texture
