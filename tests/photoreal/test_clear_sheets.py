"""Smooth thin glass over a part is drawn as a clear sheet that the studio's light passes
through to the part behind (a watch's dial under its crystal); glass the camera sees the
environment through keeps the refracting BSDF, which draws the environment there."""

from __future__ import annotations

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.material_inputs import sheet_ior
from app.photoreal.render import lit_integrator, sheets_where_seen_through
from app.photoreal.scene_build import WorldMesh, mitsuba_mesh
from app.photoreal.shape_look import ShapeLook

GLASS = ShapeLook({"type": "principledthin", "spec_trans": 1.0},
                  sheet={"type": "thindielectric"})
OPAQUE = ShapeLook({"type": "diffuse"})
CAMERA = (0.0, 0.0, 5.0)


def as_drawn(mi, meshes: list[WorldMesh]) -> list[WorldMesh]:
    """``meshes`` as the render draws them, the other parts' shapes built as it builds them."""
    others = {i: mitsuba_mesh(mi, m) for i, m in enumerate(meshes) if m.look.sheet is None}
    return sheets_where_seen_through(mi, meshes, others, CAMERA)


def square(name: str, z: float, half: float, look: ShapeLook) -> WorldMesh:
    vertices = np.array([[-half, -half, z], [half, -half, z], [half, half, z],
                         [-half, half, z]], np.float32)
    faces = np.array([[0, 1, 2], [0, 2, 3]], np.uint32)
    return WorldMesh(name, vertices, faces, None, None, look)


def test_a_sheet_s_two_faces_reflect_what_gltf_s_one_interface_does():
    faces = ((sheet_ior(1.5) - 1.0) / (sheet_ior(1.5) + 1.0)) ** 2
    assert 2 * faces / (1 + faces) == pytest.approx(0.04)


def test_glass_over_a_part_is_a_sheet_and_lets_volpath_through():
    mi = activate_mitsuba()
    meshes = [square("crystal", 0.1, 1.0, GLASS), square("dial", 0.0, 1.5, OPAQUE)]
    drawn = as_drawn(mi, meshes)
    assert drawn[0].look.bsdf == {"type": "thindielectric"} and drawn[0].look.passes_light
    assert drawn[1].look is OPAQUE
    assert lit_integrator(drawn) == "volpath"
    assert lit_integrator(meshes) == "path"


def test_glass_the_camera_sees_the_environment_through_keeps_refracting():
    mi = activate_mitsuba()
    alone = [square("vase", 0.1, 1.0, GLASS)]
    assert as_drawn(mi, alone)[0].look is GLASS
    # a part behind only half of it: the other half shows the environment
    half_covered = [square("pane", 0.1, 1.0, GLASS), square("card", 0.0, 0.5, OPAQUE)]
    assert as_drawn(mi, half_covered)[0].look is GLASS
