"""Morph targets are drawn at the weights the file gives them (the mesh's, or a node's own), as
the tools that wrote the file show it; weights or targets that glTF does not allow are refused
naming the file and the field."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.assets.model_loading import load_model
from app.errors import AssetError
from tests.assets.conftest import QUAD_POSITIONS, add_accessor, edited_quad_gltf

INT16 = 5122
# the quad's corners moved up (z) by 1, 2, 3, 4 in the first target and right (x) by 1 in the
# second
LIFT = np.array([(0, 0, 1), (0, 0, 2), (0, 0, 3), (0, 0, 4)], np.float32)
SHIFT = np.array([(1, 0, 0)] * 4, np.float32)


def morphed_quad(tmp_path, weights=None, *, node_weights=None, targets=(LIFT, SHIFT),
                 second_node=None, name="quad.gltf"):
    """The quad with ``targets`` (POSITION displacements), the mesh's ``weights``; a node's own
    ``node_weights``, and a second node placing the mesh with ``second_node`` weights."""
    def change(header):
        mesh = header["meshes"][0]
        mesh["primitives"][0]["targets"] = [{"POSITION": add_accessor(header, t)}
                                            for t in targets]
        if weights is not None:
            mesh["weights"] = weights
        if node_weights is not None:
            header["nodes"][0]["weights"] = node_weights
        if second_node is not None:
            header["nodes"].append({"name": "other", "mesh": 0, "weights": second_node,
                                    "translation": [5.0, 0.0, 0.0]})
            header["scenes"][0]["nodes"].append(len(header["nodes"]) - 1)
    return edited_quad_gltf(tmp_path / name, change)


def corners(mesh) -> np.ndarray:
    """The mesh's vertices in the order of the quad's corners."""
    vertices = np.asarray(mesh.vertices, np.float64)
    base = np.asarray(QUAD_POSITIONS, np.float64)
    order = [int(np.argmin(np.linalg.norm(vertices[:, :2] - corner[:2], axis=1)))
             for corner in base]
    return vertices[order]


def only_mesh(path):
    [mesh] = load_model(path).meshes.values()
    return mesh


def test_the_mesh_is_drawn_at_its_weights(tmp_path):
    mesh = only_mesh(morphed_quad(tmp_path, [0.5, 0.0]))
    expected = np.asarray(QUAD_POSITIONS) + 0.5 * LIFT
    np.testing.assert_allclose(corners(mesh), expected, atol=1e-6)


def test_targets_add_up(tmp_path):
    vertices = np.asarray(only_mesh(morphed_quad(tmp_path, [0.25, 2.0])).vertices)
    expected = np.asarray(QUAD_POSITIONS) + 0.25 * LIFT + 2.0 * SHIFT
    for point in expected:
        assert np.linalg.norm(vertices - point, axis=1).min() < 1e-6, point


@pytest.mark.parametrize("weights", [None, [0.0, 0.0]])
def test_without_weights_the_base_shape_is_drawn(tmp_path, weights):
    mesh = only_mesh(morphed_quad(tmp_path, weights))
    np.testing.assert_allclose(corners(mesh), QUAD_POSITIONS, atol=1e-6)


def test_a_node_s_own_weights_are_drawn_in_place_of_the_mesh_s(tmp_path):
    mesh = only_mesh(morphed_quad(tmp_path, [1.0, 0.0], node_weights=[0.0, 0.0]))
    np.testing.assert_allclose(corners(mesh), QUAD_POSITIONS, atol=1e-6)


def test_two_nodes_with_different_weights_draw_two_shapes(tmp_path):
    model = load_model(morphed_quad(tmp_path, [0.0, 0.0], node_weights=[1.0, 0.0],
                                    second_node=[0.0, 0.0]))
    assert len(model.meshes) == 2
    heights = sorted(float(np.ptp(np.asarray(m.vertices)[:, 2])) for m in model.meshes.values())
    assert heights == pytest.approx([0.0, 3.0], abs=1e-6)


def test_normals_follow_their_targets_and_stay_unit(tmp_path):
    def change(header):
        primitive = header["meshes"][0]["primitives"][0]
        primitive["attributes"]["NORMAL"] = add_accessor(
            header, np.array([(0, 0, 1)] * 4, np.float32))
        primitive["targets"] = [{"NORMAL": add_accessor(
            header, np.array([(1, 0, -1)] * 4, np.float32))}]
        header["meshes"][0]["weights"] = [1.0]
    normals = np.asarray(only_mesh(edited_quad_gltf(tmp_path / "n.gltf", change)).normals)
    np.testing.assert_allclose(normals, [(1.0, 0.0, 0.0)] * len(normals), atol=1e-6)


def test_quantized_targets_are_read_as_normalized(tmp_path):
    """KHR_mesh_quantization: a target's displacements as normalized shorts."""
    def change(header):
        primitive = header["meshes"][0]["primitives"][0]
        lift = np.array([(0, 0, 16384)] * 4, np.int16)  # 16384 / 32767 up
        primitive["targets"] = [{"POSITION": add_accessor(header, lift, INT16,
                                                          normalized=True)}]
        header["meshes"][0]["weights"] = [1.0]
    mesh = only_mesh(edited_quad_gltf(tmp_path / "q.gltf", change))
    np.testing.assert_allclose(corners(mesh)[:, 2], 16384 / 32767, atol=1e-6)


@pytest.mark.parametrize("weights", [[0.5], [0.5, 0.5, 0.5], "x", [math.nan, 0.0],
                                     [math.inf, 0.0], [True, 0.0], ["a", 0.0], {}])
def test_weights_glTF_does_not_allow_are_refused_naming_the_field(tmp_path, weights):
    path = morphed_quad(tmp_path, weights)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.file == str(path)
    assert caught.value.field == "meshes[0].weights"


def test_a_node_s_bad_weights_are_refused_naming_the_node(tmp_path):
    path = morphed_quad(tmp_path, [0.0, 0.0], second_node=[0.5])
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.field == "nodes[1].weights"


def test_a_target_of_another_count_is_refused(tmp_path):
    path = morphed_quad(tmp_path, [1.0], targets=(LIFT[:3],))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.field.startswith("meshes[0].primitives[0]")


def test_weights_so_large_the_shape_is_not_finite_are_refused(tmp_path):
    path = morphed_quad(tmp_path, [1e308, 1e308], targets=(LIFT, LIFT))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.field == "meshes[0].weights"
