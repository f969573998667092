"""A single-sided see-through material has no back faces, as glTF says (back-face culling):
through the front of a half-transparent box its far side is not seen, in the live view and in
the still alike; a double-sided one shows it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.photoreal.render import render_photoreal
from app.scene.description import ResolvedMaterial
from app.viewport.still import render_still
from tests.viewport.scenes import (
    FakeSource,
    box_mesh,
    drawable,
    scene_of,
    studio_environment,
    write_radiance_hdr,
)

SIZE = (80, 60)
HALF_CLEAR = ResolvedMaterial(id="smoke", base_color=(0.2, 0.3, 0.8), metallic=0.0,
                              roughness=0.5, alpha_mode="BLEND", opacity=0.5)


def middle_alpha(image: np.ndarray) -> float:
    h, w = image.shape[:2]
    return float(image[h // 2 - 3:h // 2 + 3, w // 2 - 3:w // 2 + 3, 3].mean())


@pytest.mark.parametrize("double_sided, covered", [(False, 0.5), (True, 0.75)])
def test_a_see_through_box_shows_its_far_side_only_when_double_sided(tmp_path, double_sided,
                                                                      covered):
    hdr = write_radiance_hdr(tmp_path / "studio.hdr", studio_environment())
    material = dataclasses.replace(HALF_CLEAR, double_sided=double_sided)
    scene = scene_of([drawable("box", material)], str(hdr))
    source = FakeSource({"box": box_mesh(0.8)})
    live = np.asarray(render_still(scene, source, size=SIZE, transparent=True)) / 255.0
    still = render_photoreal(scene, source, size=SIZE, spp=16, transparent=True).display
    # the front face alone covers half; the far face behind it half of the rest
    assert middle_alpha(live) == pytest.approx(covered, abs=0.03)
    assert middle_alpha(still) == pytest.approx(covered, abs=0.03)


def test_a_single_sided_surface_whose_normals_lean_away_is_still_there_from_the_front():
    """Which side of a single-sided see-through surface is seen is decided by its geometry:
    at a silhouette the interpolated normal may lean away from the viewer, and the front
    must not vanish there."""
    from app.photoreal.backend import activate_mitsuba
    from app.photoreal.textures import front_faces_only

    mi = activate_mitsuba()
    tilt = np.radians(60.0)
    square = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], np.float32)
    normals = np.tile(np.array([[np.sin(tilt), 0.0, np.cos(tilt)]], np.float32), (4, 1))
    mesh = mi.Mesh("square", 4, 2, has_vertex_normals=True)
    params = mi.traverse(mesh)
    params["vertex_positions"] = mi.Float(square.ravel())
    params["faces"] = mi.UInt32(np.array([0, 1, 2, 0, 2, 3], np.uint32))
    params["vertex_normals"] = mi.Float(normals.ravel())
    params.update()
    opacity = mi.load_dict(front_faces_only({"type": "rgb", "value": [0.5, 0.5, 0.5]}))
    scene = mi.load_dict({"type": "scene", "square": mesh})

    def seen_from(x: float) -> float:  # looking at the middle from (x, 0, 0.6)
        origin = mi.Point3f(x, 0.0, 0.6)
        si = scene.ray_intersect(mi.Ray3f(origin, mi.Vector3f(-x, 0.0, -0.6)))
        return float(np.asarray(opacity.eval_1(si))[0])

    assert seen_from(-3.0) == pytest.approx(0.5)  # the normal leans away from this eye
    assert seen_from(3.0) == pytest.approx(0.5)
