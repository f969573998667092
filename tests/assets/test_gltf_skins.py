"""A skinned mesh is drawn in the pose its joints' nodes hold (each vertex carried by its
weighted joints, the skinned node's own transform left out, as glTF says), as the tool that
wrote it shows it; skins, joints and weights that glTF does not allow are refused naming the
file and the field."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.assets.model_loading import load_model
from app.errors import AssetError
from tests.assets.conftest import QUAD_POSITIONS, add_accessor, edited_quad_gltf

UBYTE = 5121
QUAD = np.asarray(QUAD_POSITIONS, np.float64)


def translation(x=0.0, y=0.0, z=0.0) -> np.ndarray:
    """A 4x4 translation as glTF stores a matrix (column-major, 16 numbers)."""
    matrix = np.eye(4)
    matrix[:3, 3] = (x, y, z)
    return matrix.T.reshape(16)


def skinned_quad(tmp_path, joints: list[dict], *, weights=None, joint_of=None,
                 inverse=None, node=None, skin=None, unskinned_copy=False,
                 change=None, name="skin.gltf"):
    """The quad on node 0 skinned to ``joints`` (nodes appended after it); each vertex's
    joints ``joint_of`` (4 per vertex; default all joint 0) with ``weights`` (default 1, 0,
    0, 0); ``inverse``: the inverse bind matrices (16 numbers each; none: identity)."""
    def edit(header):
        first = len(header["nodes"])
        header["nodes"].extend(joints)
        header["scenes"][0]["nodes"].extend(range(first, first + len(joints)))
        primitive = header["meshes"][0]["primitives"][0]
        index = np.asarray(joint_of if joint_of is not None else [[0, 0, 0, 0]] * 4, np.uint8)
        weight = np.asarray(weights if weights is not None else [[1, 0, 0, 0]] * 4, np.float32)
        primitive["attributes"]["JOINTS_0"] = add_accessor(header, index, UBYTE)
        primitive["attributes"]["WEIGHTS_0"] = add_accessor(header, weight)
        header["skins"] = [{"joints": list(range(first, first + len(joints)))}]
        if inverse is not None:
            header["skins"][0]["inverseBindMatrices"] = add_accessor(
                header, np.asarray(inverse, np.float32))
        if skin is not None:
            header["skins"][0].update(skin)
        header["nodes"][0]["skin"] = 0
        header["nodes"][0].update(node or {})
        if unskinned_copy:
            header["nodes"].append({"name": "plain", "mesh": 0, "translation": [10, 0, 0]})
            header["scenes"][0]["nodes"].append(len(header["nodes"]) - 1)
        if change:
            change(header)
    return edited_quad_gltf(tmp_path / name, edit)


def vertices_of(path, key=None) -> np.ndarray:
    meshes = load_model(path).meshes
    mesh = meshes[key] if key else next(iter(meshes.values()))
    return np.asarray(mesh.vertices, np.float64)


def same_points(found: np.ndarray, expected: np.ndarray, tolerance: float = 1e-6) -> None:
    for point in expected:
        assert np.linalg.norm(found - point, axis=1).min() < tolerance, point
    for point in found:
        assert np.linalg.norm(expected - point, axis=1).min() < tolerance, point


def test_the_mesh_follows_its_joint(tmp_path):
    path = skinned_quad(tmp_path, [{"name": "bone", "translation": [0, 0, 1]}])
    same_points(vertices_of(path), QUAD + (0, 0, 1))


def test_weights_blend_the_joints(tmp_path):
    path = skinned_quad(tmp_path, [{"name": "a"}, {"name": "b", "translation": [2, 0, 0]}],
                        joint_of=[[0, 1, 0, 0]] * 4, weights=[[0.5, 0.5, 0, 0]] * 4)
    same_points(vertices_of(path), QUAD + (1, 0, 0))


def test_the_skinned_node_s_own_transform_is_left_out(tmp_path):
    path = skinned_quad(tmp_path, [{"name": "bone"}], node={"translation": [5, 0, 0]})
    same_points(vertices_of(path), QUAD)


def test_the_inverse_bind_matrix_takes_the_bind_pose_back(tmp_path):
    """A joint bound where it stands (its inverse bind matrix undoes its place) moves
    nothing."""
    path = skinned_quad(tmp_path, [{"name": "bone", "translation": [0, 0, 1]}],
                        inverse=[translation(z=-1.0)])
    same_points(vertices_of(path), QUAD)


def test_a_joint_s_rotation_turns_the_vertices_and_the_normals(tmp_path):
    half = math.sqrt(0.5)  # a quarter turn about y: +z becomes +x, +x becomes -z

    def normals(header):
        primitive = header["meshes"][0]["primitives"][0]
        primitive["attributes"]["NORMAL"] = add_accessor(
            header, np.array([(0, 0, 1)] * 4, np.float32))

    path = skinned_quad(tmp_path, [{"name": "bone", "rotation": [0, half, 0, half]}],
                        change=normals)
    [mesh] = load_model(path).meshes.values()
    same_points(np.asarray(mesh.vertices), QUAD[:, [2, 1, 0]] * (1, 1, -1))
    np.testing.assert_allclose(mesh.normals, [(1.0, 0.0, 0.0)] * len(mesh.normals), atol=1e-6)


def test_another_node_drawing_the_mesh_keeps_its_bind_pose(tmp_path):
    path = skinned_quad(tmp_path, [{"name": "bone", "translation": [0, 0, 1]}],
                        unskinned_copy=True)
    meshes = load_model(path).meshes
    assert len(meshes) == 2
    lowest = sorted(float(np.asarray(m.vertices)[:, 2].min()) for m in meshes.values())
    assert lowest == pytest.approx([0.0, 1.0])


def test_normalized_byte_weights(tmp_path):
    def bytes_weights(header):
        primitive = header["meshes"][0]["primitives"][0]
        primitive["attributes"]["WEIGHTS_0"] = add_accessor(
            header, np.array([(255, 0, 0, 0)] * 4, np.uint8), UBYTE, normalized=True)

    path = skinned_quad(tmp_path, [{"name": "bone", "translation": [0, 3, 0]}],
                        change=bytes_weights)
    same_points(vertices_of(path), QUAD + (0, 3, 0))


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"node": {"skin": 4}}, "nodes[0].skin"),
    ({"node": {"skin": "x"}}, "nodes[0].skin"),
    ({"skin": {"joints": []}}, "skins[0].joints"),
    ({"skin": {"joints": [99]}}, "skins[0].joints"),
    ({"skin": {"joints": "x"}}, "skins[0].joints"),
    ({"change": lambda header: header["skins"][0].update(  # vectors where matrices belong
        inverseBindMatrices=header["meshes"][0]["primitives"][0]["attributes"]["WEIGHTS_0"])},
     "skins[0].inverseBindMatrices"),
    ({"inverse": [translation()]}, "skins[0].inverseBindMatrices"),  # one of two joints
    ({"joint_of": [[3, 0, 0, 0]] * 4}, "meshes[0].primitives[0].attributes.JOINTS_0"),
    ({"weights": [[math.nan, 0, 0, 0]] * 4}, "meshes[0].primitives[0].attributes.WEIGHTS_0"),
    ({"node": {"scale": [0, 0, 0]}}, "nodes[0]"),
    ({"change": lambda header: header.update(skins=float("nan"))}, "skins"),
])
def test_skins_glTF_does_not_allow_are_refused_naming_the_field(tmp_path, kwargs, field):
    path = skinned_quad(tmp_path, [{"name": "bone"}, {"name": "tip"}], **kwargs)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.file == str(path)
    assert caught.value.field == field


def test_missing_weights_are_refused(tmp_path):
    def no_weights(header):
        del header["meshes"][0]["primitives"][0]["attributes"]["WEIGHTS_0"]

    path = skinned_quad(tmp_path, [{"name": "bone"}], change=no_weights)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.field == "meshes[0].primitives[0].attributes.WEIGHTS_0"
