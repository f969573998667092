"""Decal geometry measured on simple shapes: a flat slab, a cylinder, a sphere."""

import numpy as np
import pytest

from app.personalize.decal_geometry import (
    DecalGeometryCache,
    ProjectorFrame,
    decal_offset,
    project_decal,
    transformed_mesh,
)

MM = 0.001
TOL = 0.5 * MM  # the size tolerance


def grid(nx: int, ny: int):
    """(nx+1)*(ny+1) points on the unit square and its triangles."""
    xs, ys = np.meshgrid(np.linspace(0, 1, nx + 1), np.linspace(0, 1, ny + 1), indexing="xy")
    idx = np.arange((nx + 1) * (ny + 1)).reshape(ny + 1, nx + 1)
    a, b, c, d = idx[:-1, :-1], idx[:-1, 1:], idx[1:, 1:], idx[1:, :-1]
    faces = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3),
                            np.stack([a, c, d], -1).reshape(-1, 3)])
    return xs.ravel(), ys.ravel(), faces


def slab():
    """A 200 x 200 mm plate: front face at z=0 facing +z, back face at z=-10 mm facing -z.
    Cells of 13 mm, so the zone's edges cut through triangles."""
    u, v, f = grid(15, 15)
    front = np.stack([u * 0.2 - 0.1, v * 0.2 - 0.1, np.zeros_like(u)], 1)
    back = front - [0, 0, 0.01]
    vertices = np.concatenate([front, back])
    faces = np.concatenate([f, f[:, ::-1] + len(front)])
    normals = np.concatenate([np.tile([0, 0, 1.0], (len(front), 1)),
                              np.tile([0, 0, -1.0], (len(back), 1))])
    return vertices, faces, normals


def cylinder(radius=0.04, height=0.1, segments=96, inner=0.036):
    """Outer wall facing out and an inner wall facing in, Y up, base at y=0."""
    u, v, f = grid(segments, 20)
    angle = u * 2 * np.pi
    meshes = []
    for r, sign in ((radius, 1.0), (inner, -1.0)):
        vertices = np.stack([r * np.sin(angle), v * height, r * np.cos(angle)], 1)
        normals = sign * np.stack([np.sin(angle), np.zeros_like(u), np.cos(angle)], 1)
        meshes.append((vertices, f if sign > 0 else f[:, ::-1], normals))
    (v0, f0, n0), (v1, f1, n1) = meshes
    return np.concatenate([v0, v1]), np.concatenate([f0, f1 + len(v0)]), np.concatenate([n0, n1])


def sphere(radius=0.05):
    u, v, f = grid(96, 48)
    theta, phi = u * 2 * np.pi, v * np.pi
    normals = np.stack([np.sin(phi) * np.sin(theta), np.cos(phi), np.sin(phi) * np.cos(theta)], 1)
    return normals * radius, f, normals


def triangle_areas(mesh) -> np.ndarray:
    a, b, c = (mesh.vertices[mesh.faces[:, i]].astype(float) for i in range(3))
    return np.linalg.norm(np.cross(b - a, c - a), axis=1) / 2


FRONT = ProjectorFrame.from_vectors([0.0, 0.0, 0.0], [0, 0, -1], [0, 1, 0])


def test_planar_decal_has_the_declared_size_and_covers_exactly_the_zone():
    v, f, n = slab()
    mesh = project_decal(v, f, n, FRONT, width_m=0.06, height_m=0.025, depth_m=0.004,
                         offset_m=1e-5)
    extent = mesh.vertices.max(axis=0) - mesh.vertices.min(axis=0)
    assert abs(extent[0] - 0.06) < TOL and abs(extent[1] - 0.025) < TOL
    assert triangle_areas(mesh).sum() == pytest.approx(0.06 * 0.025, rel=1e-4)
    # only the front face (the back one faces away), lifted along its normal
    assert np.allclose(mesh.vertices[:, 2], 1e-5, atol=1e-7)
    assert np.allclose(mesh.normals, [0, 0, 1], atol=1e-6)


def test_planar_uv_reads_left_to_right_and_top_down():
    v, f, n = slab()
    mesh = project_decal(v, f, n, FRONT, width_m=0.06, height_m=0.025, depth_m=0.004)
    x, y = mesh.vertices[:, 0], mesh.vertices[:, 1]
    # looking along -z with Y up, right is +x; glTF v runs down from the artwork's top row
    assert np.allclose(mesh.uv[:, 0], x / 0.06 + 0.5, atol=1e-5)
    assert np.allclose(mesh.uv[:, 1], 0.5 - y / 0.025, atol=1e-5)
    assert mesh.uv.min() >= -1e-6 and mesh.uv.max() <= 1 + 1e-6


def test_projector_off_the_part_gives_an_empty_decal():
    v, f, n = slab()
    far = ProjectorFrame.from_vectors([0.5, 0.0, 0.0], [0, 0, -1], [0, 1, 0])
    assert project_decal(v, f, n, far, width_m=0.02, height_m=0.02, depth_m=0.01).is_empty


def test_depth_slab_leaves_out_surfaces_beyond_it():
    v, f, n = slab()
    behind = ProjectorFrame.from_vectors([0.0, 0.0, 0.03], [0, 0, -1], [0, 1, 0])
    assert project_decal(v, f, n, behind, width_m=0.02, height_m=0.02, depth_m=0.02).is_empty


def test_wrap_on_a_cylinder_keeps_the_arc_length_and_height():
    v, f, n = cylinder()
    frame = ProjectorFrame.from_vectors([0.0, 0.05, 0.04], [0, 0, -1], [0, 1, 0])
    mesh = project_decal(v, f, n, frame, width_m=0.1, height_m=0.03, depth_m=0.02, mode="wrap")
    x, y, z = mesh.vertices.T.astype(float)
    radius = np.hypot(x, z)
    arc = 0.04 * np.arctan2(x, z)
    assert abs(arc.max() - arc.min() - 0.1) < TOL
    assert abs(y.max() - y.min() - 0.03) < TOL
    assert abs(y.mean() - 0.05) < TOL
    # the outer wall only (the inner one faces inwards), never inside the surface
    assert radius.min() > 0.04 * np.cos(np.pi / 96) and radius.max() < 0.0401
    # u follows the arc: left to right as seen from the front (+x is right)
    assert np.allclose(mesh.uv[:, 0], arc / 0.1 + 0.5, atol=2e-3)
    assert np.allclose(mesh.uv[:, 1], 0.5 - (y - 0.05) / 0.03, atol=1e-3)


def test_wrap_never_spills_outside_its_arc_and_height_on_a_sphere():
    v, f, n = sphere()
    frame = ProjectorFrame.from_vectors([0.0, 0.01, 0.05], [0, 0, -1], [0, 1, 0])
    mesh = project_decal(v, f, n, frame, width_m=0.08, height_m=0.03, depth_m=0.03, mode="wrap")
    assert not mesh.is_empty
    x, y, z = mesh.vertices.T.astype(float)
    r = np.hypot(x, z)
    arc = r * np.arctan2(x, z)
    assert np.all(np.abs(arc) <= 0.04 + 0.05 * MM)
    assert np.all(np.abs(y - 0.01) <= 0.015 + 0.05 * MM)
    assert np.isclose(np.abs(arc).max(), 0.04, atol=TOL)


def test_planar_on_a_sphere_stays_in_the_box_and_on_the_surface():
    v, f, n = sphere()
    frame = ProjectorFrame.from_vectors([0.0, 0.0, 0.05], [0, 0, -1], [0, 1, 0])
    offset = decal_offset(v)
    mesh = project_decal(v, f, n, frame, width_m=0.04, height_m=0.04, depth_m=0.04)
    x, y, z = mesh.vertices.T.astype(float)
    # lifted along the normals, so at most the offset (microns) beyond the box's side planes
    assert np.all(np.abs(x) <= 0.02 + offset) and np.all(np.abs(y) <= 0.02 + offset)
    assert abs(x.max() - x.min() - 0.04) < TOL and abs(y.max() - y.min() - 0.04) < TOL
    assert np.all(z > 0)  # the front hemisphere only
    # on the (faceted) sphere, lifted by the offset: never under the surface
    r = np.linalg.norm(mesh.vertices, axis=1)
    assert r.max() <= 0.05 + offset + 1e-6
    assert r.min() >= 0.05 * np.cos(np.pi / 48) - 1e-6


def test_a_mirrored_part_gets_text_that_still_reads_left_to_right():
    v, f, n = cylinder()
    mirror_z = np.diag([1.0, 1.0, -1.0, 1.0])
    wv, wf, wn = transformed_mesh(v, f, n, mirror_z)
    frame = ProjectorFrame.from_vectors([0.0, 0.05, 0.04], [0, 0, -1], [0, 1, 0])
    moved = frame.transformed(mirror_z)
    assert np.allclose(moved.direction, [0, 0, 1]) and np.allclose(moved.origin[2], -0.04)
    # seen from -z, the viewer's right is -x: u must grow towards -x
    assert np.allclose(moved.right, [-1, 0, 0])
    mesh = project_decal(wv, wf, wn, moved, width_m=0.05, height_m=0.02, depth_m=0.02,
                         mode="wrap")
    assert np.all(mesh.vertices[:, 2] < 0)
    x = mesh.vertices[:, 0]
    assert np.corrcoef(x, mesh.uv[:, 0])[0, 1] < -0.99
    # the faces still wind outwards (normals agree with the geometric normal)
    a, b, c = (mesh.vertices[mesh.faces[:, i]] for i in range(3))
    geometric = np.cross(b - a, c - a)
    assert np.all(np.einsum("ij,ij->i", geometric, mesh.normals[mesh.faces[:, 0]]) > 0)


def test_cache_reuses_geometry_and_tells_a_rebuild_apart():
    cache = DecalGeometryCache(max_entries=2)
    calls = []

    def build():
        calls.append(1)
        return object()

    first = cache.get("a", build)
    assert cache.get("a", build) == first and len(calls) == 1
    second = cache.get("b", build)
    assert second[0] != first[0]
    cache.get("c", build)  # evicts "a"
    assert cache.get("a", build)[0] not in (first[0], second[0])
    assert len(cache) == 2
