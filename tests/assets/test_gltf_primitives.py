"""glTF's sparse accessors, triangle strips and fans are drawn as the file means them, and a
file whose node hierarchy loops, whose accessors declare billions of values with no data, or
which lies too far from the origin for its size is refused naming the file and the field, before
anything large is read or allocated (too many meshes placed: test_joined_parts.py)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from app.assets.gltf_primitives import fan_triangles, strip_triangles
from app.assets.model_loading import load_model
from app.errors import AssetError
from tests.assets.conftest import QUAD_POSITIONS, append_view, edited_quad_gltf

FLOAT, UINT16, UINT32 = 5126, 5123, 5125


def quad_as(tmp_path, mode: int | None, order: list[int] | None):
    """The quad of four corners drawn with ``mode`` through ``order`` (no indices: None)."""
    def change(header):
        primitive = header["meshes"][0]["primitives"][0]
        if order is None:
            del primitive["indices"]
        else:
            view = append_view(header, np.asarray(order, np.uint16))
            header["accessors"].append({"bufferView": view, "componentType": UINT16,
                                        "count": len(order), "type": "SCALAR"})
            primitive["indices"] = len(header["accessors"]) - 1
        if mode is not None:
            primitive["mode"] = mode
    return edited_quad_gltf(tmp_path / "quad.gltf", change)


def triangles_of(path) -> np.ndarray:
    """The loaded model's triangles (M, 3, 3) as placed."""
    [mesh] = load_model(path).meshes.values()
    return np.asarray(mesh.vertices, np.float64)[np.asarray(mesh.faces)]


def facing(triangles: np.ndarray) -> np.ndarray:
    """Each triangle's doubled area vector (its normal times twice its area)."""
    return np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])


def test_strips_and_fans_are_lists_of_triangles_in_gltf_order():
    order = np.array([10, 11, 12, 13, 14])
    assert strip_triangles(order).tolist() == [[10, 11, 12], [11, 13, 12], [12, 13, 14]]
    assert fan_triangles(order).tolist() == [[11, 12, 10], [12, 13, 10], [13, 14, 10]]


@pytest.mark.parametrize(("mode", "order"), [
    (5, [0, 1, 3, 2]),  # a strip, indexed
    (6, [0, 1, 2, 3]),  # a fan, indexed
    (6, None),  # a fan of the vertices in their order
], ids=["strip", "fan", "fan without indices"])
def test_a_strip_or_a_fan_draws_the_quad_its_list_draws(tmp_path, mode, order):
    """Two triangles covering the unit quad, both facing the side the list's face (+z):
    glTF turns every other triangle of a strip so that none is drawn from behind."""
    listed = facing(triangles_of(edited_quad_gltf(tmp_path / "list.gltf", lambda h: None)))
    drawn = facing(triangles_of(quad_as(tmp_path, mode, order)))
    assert len(drawn) == 2
    np.testing.assert_allclose(drawn.sum(axis=0), listed.sum(axis=0), atol=1e-6)
    assert (np.sign(drawn[:, 2]) == np.sign(listed[0, 2])).all()


def test_a_strip_of_two_vertices_is_refused_naming_its_primitive(tmp_path):
    with pytest.raises(AssetError) as caught:
        load_model(quad_as(tmp_path, 5, [0, 1]))
    assert "meshes[0].primitives[0]: expected at least three vertices, got 2" in str(
        caught.value)


@pytest.mark.parametrize("mode", [0, 1, 2, 3])
def test_a_file_of_points_or_lines_only_says_so(tmp_path, mode):
    path = quad_as(tmp_path, mode, [0, 1, 2, 3])
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: meshes: contains no triangle meshes (only points, "
                                 "lines or nothing)")


def with_sparse_positions(tmp_path, indices, values, *, dense: bool = True, name="q.gltf"):
    """The quad whose POSITION accessor has sparse ``values`` at ``indices`` (over its own
    data, or over zeros where not ``dense``)."""
    def change(header):
        accessor = header["accessors"][header["meshes"][0]["primitives"][0]["attributes"][
            "POSITION"]]
        if not dense:
            del accessor["bufferView"]
        at = append_view(header, np.asarray(indices, np.uint32))
        given = append_view(header, np.asarray(values, np.float32))
        accessor["sparse"] = {"count": len(indices),
                              "indices": {"bufferView": at, "componentType": UINT32},
                              "values": {"bufferView": given}}
    return edited_quad_gltf(tmp_path / name, change)


def test_sparse_values_replace_the_vertices_they_name(tmp_path):
    [mesh] = load_model(with_sparse_positions(tmp_path, [2], [(1.0, 3.0, 0.0)])).meshes.values()
    assert float(np.asarray(mesh.vertices)[:, 1].max()) == pytest.approx(3.0)


def test_an_accessor_of_sparse_values_over_zeros_draws_them(tmp_path):
    path = with_sparse_positions(tmp_path, [0, 1, 2, 3], QUAD_POSITIONS, dense=False)
    placed = triangles_of(path)
    assert np.abs(facing(placed)).sum() == pytest.approx(2.0)  # the unit quad, twice its area


@pytest.mark.parametrize(("indices", "message"), [
    ([9999], "expected indices from 0 to 3, got 9999"),
    ([2, 1], "expected indices that only increase"),
])
def test_sparse_indices_outside_the_accessor_or_out_of_order_are_refused(tmp_path, indices,
                                                                          message):
    path = with_sparse_positions(tmp_path, indices, [(0, 0, 0)] * len(indices))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).endswith(f"accessors[0].sparse.indices: {message}")


def test_billions_of_values_with_no_data_are_refused_before_any_is_made(tmp_path):
    """A few bytes of JSON may declare an accessor of 400 million zero vectors (4.8 GB): the
    app refused nothing and the machine ran out of memory."""
    def change(header):
        header["accessors"].append({"componentType": FLOAT, "count": 400_000_000,
                                    "type": "VEC3"})
    path = edited_quad_gltf(tmp_path / "zeros.gltf", change)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert "accessors[2].count: the accessors with no buffer view of their own come to " \
        "4800000000 bytes, over the limit" in str(caught.value)


def nodes_of(tmp_path, nodes: list[dict], roots: list[int]):
    def change(header):
        header["nodes"] = nodes
        header["scenes"] = [{"nodes": roots}]
    return edited_quad_gltf(tmp_path / "nodes.gltf", change)


@pytest.mark.parametrize(("nodes", "roots", "field", "message"), [
    ([{"mesh": 0, "children": [0]}], [0], "nodes[0].children",
     "nodes[0] is its own ancestor: the node hierarchy loops"),
    ([{"mesh": 0, "children": [1]}, {"children": [0]}], [], "nodes[1].children",
     "nodes[0] is its own ancestor: the node hierarchy loops"),
    ([{"children": [2]}, {"children": [2]}, {"mesh": 0}], [0, 1], "nodes[1].children[0]",
     "nodes[2] is a child of nodes[0] too; a node has one parent"),
    ([{"children": [1]}, {"mesh": 0}], [0, 1], "scenes[0].nodes[1]",
     "nodes[1] is a child of nodes[0]; a scene lists root nodes"),
], ids=["its own child", "a loop of two", "two parents", "a child listed as a root"])
def test_a_node_hierarchy_that_is_no_tree_is_refused(tmp_path, nodes, roots, field, message):
    """trimesh followed a loop until it gave up with a traceback."""
    path = nodes_of(tmp_path, nodes, roots)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == f"{path}: {field}: {message}"


def test_a_deep_chain_of_nodes_places_each_mesh_by_the_matrices_above_it(tmp_path):
    """300 nodes deep, each moved and turned from its parent (about y, then x, by turns) and
    placing the quad: trimesh multiplied the whole path for every node (a chain 256 deep took
    67 s)."""
    depth = 300
    half = np.radians(0.5)
    turns = ([0.0, float(np.sin(half)), 0.0, float(np.cos(half))],
             [float(np.sin(half)), 0.0, 0.0, float(np.cos(half))])
    nodes = [{"name": f"n{i}", "mesh": 0, "translation": [0.01, 0.001 * i, 0.0],
              "rotation": turns[i % 2]} for i in range(depth)]
    for i in range(depth - 1):
        nodes[i]["children"] = [i + 1]
    model = load_model(nodes_of(tmp_path, nodes, [0]))
    matrix = np.eye(4)
    for i in range(depth):
        step = np.eye(4)
        step[:3, :3] = rotation_about("yx"[i % 2], 2 * half)
        step[:3, 3] = [0.01, 0.001 * i, 0.0]
        matrix = matrix @ step
        if i in (0, 99, depth - 1):
            expected = np.asarray(QUAD_POSITIONS, float) @ matrix[:3, :3].T + matrix[:3, 3]
            np.testing.assert_allclose(model.meshes[f"n{i}"].vertices, expected, atol=1e-4)


def rotation_about(axis: str, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    if axis == "y":
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


@pytest.mark.parametrize(("offset", "refused"), [(1e7, True), (3e6, True), (1e3, False)])
def test_a_model_too_far_from_the_origin_for_its_size_is_refused(tmp_path, offset, refused):
    """A unit quad ten thousand kilometres out came out flat (32-bit coordinates keep about
    one unit there); a thousand units out it loads."""
    path = nodes_of(tmp_path, [{"mesh": 0, "translation": [offset, 0.0, 0.0]}], [0])
    if not refused:
        assert triangles_of(path)[..., 0].max() == pytest.approx(offset + 1.0)
        return
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: lies {offset:.3g} from the origin")
    assert "move it nearer the origin" in str(caught.value)


def test_a_deep_but_finite_hierarchy_loads(tmp_path):
    nodes = [{"children": [i + 1]} for i in range(500)] + [{"mesh": 0}]
    assert len(load_model(nodes_of(tmp_path, nodes, [0])).meshes) == 1


def test_the_file_is_left_as_it_was(tmp_path):
    """The rewrites are made to a copy of the JSON for trimesh, never to the user's file."""
    path = quad_as(tmp_path, 5, [0, 1, 3, 2])
    before = json.loads(path.read_text())
    load_model(path)
    assert json.loads(path.read_text()) == before


def test_a_model_scaled_past_what_32_bit_coordinates_hold_is_refused_without_noise(tmp_path):
    """A scale of 1e300 overflowed in trimesh's and numpy's sums (eight RuntimeWarnings on the
    terminal) before the model was refused as having no visible triangles."""
    path = nodes_of(tmp_path, [{"mesh": 0, "scale": [1e300, 1e300, 1e300]}], [0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AssetError) as caught:
            load_model(path)
    assert str(caught.value) == (f"{path}: is placed (moved or scaled by its nodes) past any "
                                 "size 32-bit coordinates hold")


def test_a_mesh_node_outside_the_scene_s_hierarchy_is_refused_naming_it():
    """Placing a mesh means following its node's parents up to the scene's root; a node with
    none (which trimesh's own lookup reported as disconnected frames) is the file's fault."""
    import trimesh

    from app.assets.model_loading import _placements

    scene = trimesh.Scene()
    scene.add_geometry(trimesh.creation.box(), node_name="placed", geom_name="box")
    scene.graph.transforms.node_data["stray"] = {"geometry": "box"}
    with pytest.raises(AssetError) as caught:
        _placements(scene, "model.glb")
    assert str(caught.value) == "model.glb: node 'stray' is in no scene's hierarchy"
