"""The still's anisotropic highlight runs along the mesh's smoothed tangents (the vertex
attribute ``vertex_tangent``), not along each triangle's own UV derivative."""

from __future__ import annotations

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.scene_build import WorldMesh, mitsuba_mesh
from app.photoreal.shape_look import ShapeLook
from app.photoreal.tangent_frames import along_tangents
from app.scene.material_looks import disney_anisotropy

SQUARE = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], np.float32)
FACES = np.array([[0, 1, 2], [0, 2, 3]], np.uint32)
UV_ALONG_X = np.array([[0, 1], [1, 1], [1, 0], [0, 0]], np.float32)  # u runs along +X


def brushed(tangents: np.ndarray | None) -> dict:
    """A square of brushed metal (its highlight stretched along the tangent), facing +Z."""
    roughness, anisotropic = disney_anisotropy(0.1, 1.0)
    principled = {"type": "principled", "base_color": {"type": "rgb", "value": [0.9] * 3},
                  "metallic": 1.0, "roughness": roughness, "anisotropic": anisotropic}
    bsdf = principled if tangents is None else along_tangents(principled)
    normals = np.tile(np.array([[0, 0, 1]], np.float32), (4, 1))
    return WorldMesh("square", SQUARE, FACES, normals, UV_ALONG_X, ShapeLook(bsdf),
                     tangents=tangents)


def reflected(mesh: WorldMesh, at=(0.3, -0.2)) -> dict[str, float]:
    """The BSDF's value at a point of the square, seen head on, towards a direction tilted 30
    degrees along X and one tilted along Y."""
    mi = activate_mitsuba()
    scene = mi.load_dict({"type": "scene", "square": mitsuba_mesh(mi, mesh)})
    ray = mi.Ray3f(mi.Point3f(at[0], at[1], 2.0), mi.Vector3f(0.0, 0.0, -1.0))
    si = scene.ray_intersect(ray)
    bsdf = si.bsdf()
    tilt = np.radians(30.0)
    values = {}
    for axis, direction in (("x", [np.sin(tilt), 0, np.cos(tilt)]),
                            ("y", [0, np.sin(tilt), np.cos(tilt)])):
        wo = si.to_local(mi.Vector3f(*(float(c) for c in direction)))
        value = bsdf.eval(mi.BSDFContext(), si, wo)
        values[axis] = float(np.asarray(value).ravel()[0])
    return values


def test_without_tangents_the_highlight_runs_along_the_uvs():
    values = reflected(brushed(None))
    assert values["x"] > 5 * values["y"]


def test_the_highlight_turns_with_the_mesh_s_tangents():
    along_y = np.tile(np.array([[0, 1, 0]], np.float32), (4, 1))
    values = reflected(brushed(along_y))
    assert values["y"] > 5 * values["x"]
    along_x = np.tile(np.array([[1, 0, 0]], np.float32), (4, 1))
    same = reflected(brushed(along_x))
    plain = reflected(brushed(None))
    assert same["x"] == pytest.approx(plain["x"], rel=1e-3)
    assert same["y"] == pytest.approx(plain["y"], rel=1e-3)


def test_tangents_along_the_normal_keep_the_uvs_frame():
    along_normal = np.tile(np.array([[0, 0, 1]], np.float32), (4, 1))
    values = reflected(brushed(along_normal))
    assert values["x"] > 5 * values["y"]
