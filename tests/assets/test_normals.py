"""Normals for meshes whose files have none: smooth across gentle edges, sharp across creases
(a CAD part's flat faces stay flat), flat for glTF as its specification asks."""

from __future__ import annotations

import numpy as np
import trimesh

from app.assets.model_loading import load_model
from app.assets.normals import CREASE_DEGREES, FLAT_DEGREES, crease_normals, faces_turned_inwards

from .conftest import QUAD_INDICES, QUAD_POSITIONS


def face_normals(vertices, faces) -> np.ndarray:
    c = np.asarray(vertices, np.float64)[np.asarray(faces)]
    n = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
    return n / np.linalg.norm(n, axis=1, keepdims=True)


def test_a_box_keeps_sharp_edges_and_flat_faces():
    box = trimesh.creation.box(extents=(2.0, 1.0, 0.5))
    split = crease_normals(box.vertices, box.faces)
    assert len(split.source) == 24  # each corner once per face that meets there
    corner_normals = split.normals[split.faces]
    np.testing.assert_allclose(corner_normals, np.repeat(
        face_normals(box.vertices, box.faces)[:, None], 3, axis=1), atol=1e-12)
    np.testing.assert_allclose(box.vertices[split.source][split.faces],
                               box.vertices[box.faces])


def test_a_cylinder_is_round_on_its_side_and_flat_on_its_caps():
    cylinder = trimesh.creation.cylinder(radius=1.0, height=2.0, sections=32)
    split = crease_normals(cylinder.vertices, cylinder.faces)
    v = cylinder.vertices[split.source]
    side = np.abs(split.normals[:, 2]) < 0.5
    radial = v[side, :2] / np.linalg.norm(v[side, :2], axis=1, keepdims=True)
    np.testing.assert_allclose(split.normals[side, :2], radial, atol=0.05)
    np.testing.assert_allclose(np.abs(split.normals[~side, 2]), 1.0, atol=1e-9)
    assert side.sum() == 64


def test_a_sphere_stays_smooth_and_unsplit():
    sphere = trimesh.creation.icosphere(subdivisions=3)
    split = crease_normals(sphere.vertices, sphere.faces)
    assert len(split.source) == len(sphere.vertices)
    radial = sphere.vertices[split.source]
    assert (np.einsum("ij,ij->i", split.normals, radial) > 0.99).all()


def test_the_crease_angle_decides_which_edges_stay_sharp():
    # two faces folded along their shared edge by 20 degrees
    fold = np.radians(20.0)
    vertices = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0],
                         [0, -np.cos(fold), np.sin(fold)]], np.float64)
    faces = np.array([[0, 1, 2], [1, 0, 3]])
    assert len(crease_normals(vertices, faces, CREASE_DEGREES).source) == 4
    assert len(crease_normals(vertices, faces, 10.0).source) == 6
    assert len(crease_normals(vertices, faces, FLAT_DEGREES).source) == 6


def test_degenerate_faces_leave_no_numbers_that_are_not_numbers():
    vertices = np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 1, 0]], np.float64)
    faces = np.array([[0, 1, 2], [0, 1, 3], [3, 3, 3]])
    split = crease_normals(vertices, faces)
    assert np.isfinite(split.normals).all()
    np.testing.assert_allclose(split.normals[split.faces[1]], [[0, 0, 1]] * 3, atol=1e-12)


def test_an_stl_box_loads_with_sharp_edges(tmp_path):
    box = trimesh.creation.box(extents=(2.0, 1.0, 0.5))
    path = tmp_path / "part.stl"  # a triangle soup with face normals only
    box.export(path)
    mesh = load_model(path).meshes["part.stl"]
    np.testing.assert_allclose(mesh.normals[mesh.faces], np.repeat(
        face_normals(mesh.vertices, mesh.faces)[:, None], 3, axis=1), atol=1e-5)


def test_gltf_without_normals_is_flat_and_keeps_its_uvs_and_colours(gltf_writer, tmp_path):
    # a quad folded by 30 degrees along its diagonal: smooth for auto smooth, flat for glTF
    fold = np.radians(30.0)
    positions = np.array(QUAD_POSITIONS, np.float64)
    positions[3] = [0.5 - 0.5 * np.cos(fold), 0.5 + 0.5 * np.cos(fold), np.sin(fold) / np.sqrt(2)]
    uv = np.array([[0, 1], [1, 1], [1, 0], [0, 0]], np.float32)
    colors = np.array([[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1], [1, 1, 1, 1]], np.float32)
    path = gltf_writer(tmp_path / "fold.gltf", meshes=[{"name": "fold", "primitives": [
        {"positions": positions, "indices": QUAD_INDICES, "uv": uv, "colors": colors}]}])
    mesh = load_model(path).meshes["fold"]
    np.testing.assert_allclose(mesh.normals[mesh.faces], np.repeat(
        face_normals(mesh.vertices, mesh.faces)[:, None], 3, axis=1), atol=1e-5)
    assert len(mesh.vertices) == 6  # the diagonal's ends, once per face
    # each corner keeps its own UV and colour
    by_position = {tuple(np.round(p, 5)): i for i, p in enumerate(positions)}
    for i, p in enumerate(mesh.vertices):
        source = by_position[tuple(np.round(p.astype(np.float64), 5))]
        np.testing.assert_allclose(mesh.uv[i], uv[source])
        assert tuple(mesh.colors[i][:3]) == tuple((colors[source][:3] * 255).astype(int))


def test_closed_solids_with_faces_turned_inwards_are_found():
    box = trimesh.creation.box()
    assert not faces_turned_inwards(box.vertices, box.faces)
    assert faces_turned_inwards(box.vertices, box.faces[:, ::-1])  # inside out
    one_turned = box.faces.copy()
    one_turned[0] = one_turned[0][::-1]
    assert faces_turned_inwards(box.vertices, one_turned)  # windings disagree
    # an open surface has no inside: a box without its top, either way round
    open_box = box.faces[np.abs(box.face_normals[:, 2] - 1.0) > 1e-9]
    assert not faces_turned_inwards(box.vertices, open_box)
    assert not faces_turned_inwards(box.vertices, open_box[:, ::-1])
    # a triangle soup (STL) of an inside-out box: its corners joined at their positions
    soup = box.vertices[box.faces[:, ::-1]].reshape(-1, 3)
    assert faces_turned_inwards(soup, np.arange(len(soup)).reshape(-1, 3))


def test_a_single_sided_inside_out_part_is_reported_for_ar(gltf_writer, tmp_path):
    box = trimesh.creation.box()
    normals = -box.vertex_normals  # a file turned inside out throughout

    def written(name, faces, double_sided):
        return load_model(gltf_writer(
            tmp_path / f"{name}.gltf",
            meshes=[{"name": "part", "primitives": [
                {"positions": box.vertices, "indices": faces, "normals": normals,
                 "material": 0}]}],
            materials=[{"name": "paint", "doubleSided": double_sided}]))

    warnings = written("inside_out", box.faces[:, ::-1], False).warnings
    assert len(warnings) == 1
    assert "mesh 'part'" in warnings[0] and "'paint' is single-sided" in warnings[0]
    assert "AR viewer" in warnings[0]
    assert written("double", box.faces[:, ::-1], True).warnings == ()
    assert written("outward", box.faces, False).warnings == ()


def _soup(mesh: trimesh.Trimesh) -> tuple[np.ndarray, np.ndarray]:
    """``mesh`` as an STL holds it: three vertices of its own to every triangle."""
    return mesh.vertices[mesh.faces].reshape(-1, 3), np.arange(3 * len(mesh.faces)).reshape(-1, 3)


def test_a_welded_triangle_soup_has_a_vertex_per_position_and_smooth_surface():
    sphere = trimesh.creation.icosphere(subdivisions=3)
    vertices, faces = _soup(sphere)
    unwelded = crease_normals(vertices, faces)
    welded = crease_normals(vertices, faces, weld=True)
    assert len(unwelded.source) == len(vertices)  # one per corner
    assert len(welded.source) == len(sphere.vertices)
    # the same triangles, at the same places, with the same normals at their corners
    np.testing.assert_allclose(vertices[welded.source][welded.faces], vertices[faces])
    np.testing.assert_allclose(welded.normals[welded.faces], unwelded.normals[unwelded.faces],
                               atol=1e-12)
    box_vertices, box_faces = _soup(trimesh.creation.box())
    box = crease_normals(box_vertices, box_faces, weld=True)
    assert len(box.source) == 24  # each corner once per flat face: the edges stay sharp
    np.testing.assert_allclose(box.normals[box.faces], np.repeat(
        face_normals(box_vertices, box_faces)[:, None], 3, axis=1), atol=1e-12)


def test_an_stl_is_drawn_from_one_vertex_per_position_and_an_obj_with_uvs_keeps_its_own(
        tmp_path):
    sphere = trimesh.creation.icosphere(subdivisions=3)
    sphere.export(tmp_path / "ball.stl")
    (mesh,) = load_model(tmp_path / "ball.stl").meshes.values()
    assert len(mesh.faces) == len(sphere.faces)
    assert len(mesh.vertices) == len(sphere.vertices)  # 642, where the file has 3 x 1280
    (tmp_path / "quad.obj").write_text(
        "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nvt 0.5 0.5\n"
        "f 1/1 2/2 3/3\nf 1/5 3/3 4/4\n")
    (quad,) = load_model(tmp_path / "quad.obj").meshes.values()
    assert len(quad.vertices) == 5  # vertex 1 twice, for its two texture coordinates
    assert {tuple(uv) for uv in quad.uv.tolist()} >= {(0.0, 0.0), (0.5, 0.5)}
