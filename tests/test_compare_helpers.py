"""The tolerant comparisons the suite relies on tell a real difference from float rounding."""

import numpy as np
import pytest
import trimesh

from tests.gltf_compare import assert_glb_equivalent
from tests.image_compare import assert_pixels_close


def _glb(vertices: np.ndarray, name: str = "box") -> bytes:
    box = trimesh.creation.box(extents=(0.1, 0.2, 0.3))
    mesh = trimesh.Trimesh(vertices, box.faces, process=False)
    scene = trimesh.Scene()
    scene.add_geometry(mesh, node_name=name, geom_name=name)
    return scene.export(file_type="glb")


@pytest.fixture(scope="module")
def vertices() -> np.ndarray:
    return np.asarray(trimesh.creation.box(extents=(0.1, 0.2, 0.3)).vertices, dtype=np.float64)


def test_glbs_equal_up_to_last_bit_rounding_pass(vertices):
    nudged = vertices.astype(np.float32)
    nudged = np.nextafter(nudged, np.float32(1.0))  # one ulp off everywhere
    assert _glb(nudged) != _glb(vertices)
    assert_glb_equivalent(_glb(nudged), _glb(vertices))


def test_glbs_with_a_moved_vertex_fail(vertices):
    moved = vertices.copy()
    moved[3, 1] += 1e-3  # one millimetre
    with pytest.raises(AssertionError, match="accessor"):
        assert_glb_equivalent(_glb(moved), _glb(vertices))


def test_glbs_with_another_node_name_fail(vertices):
    with pytest.raises(AssertionError, match="name"):
        assert_glb_equivalent(_glb(vertices, "lid"), _glb(vertices, "box"))


def test_pixels_one_level_apart_pass_and_two_fail():
    image = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    assert_pixels_close(image + 1, image, what="one level")
    with pytest.raises(AssertionError, match="2 levels"):
        assert_pixels_close(image + 2, image, what="two levels")
