"""KHR_mesh_quantization's normalized integer positions and normals are read as the floats glTF
means, as glTF Transform's ``quantize`` writes them (tests/assets/gltf_transform)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.assets.model_loading import load_model
from tests.assets.conftest import QUAD_POSITIONS, add_accessor, edited_quad_gltf

SHORT, BYTE = 5122, 5120
GLTF_TRANSFORM = Path(__file__).parent / "gltf_transform"


def test_normalized_short_positions_are_read_as_fractions(tmp_path):
    """The quad's corners as normalized shorts (1 is 32767), its node scaling them back by 2:
    the corners 2 apart, not 65,534."""
    def change(header):
        primitive = header["meshes"][0]["primitives"][0]
        corners = np.round(np.asarray(QUAD_POSITIONS) * 32767).astype(np.int16)
        primitive["attributes"]["POSITION"] = add_accessor(
            header, corners, SHORT, normalized=True, min=corners.min(axis=0).tolist(),
            max=corners.max(axis=0).tolist())
        primitive["attributes"]["NORMAL"] = add_accessor(
            header, np.array([(0, 0, 127)] * 4, np.int8), BYTE, normalized=True)
        header["nodes"][0]["scale"] = [2.0, 2.0, 2.0]
        header["extensionsUsed"] = header["extensionsRequired"] = ["KHR_mesh_quantization"]

    [mesh] = load_model(edited_quad_gltf(tmp_path / "q.gltf", change)).meshes.values()
    assert np.ptp(np.asarray(mesh.vertices), axis=0) == pytest.approx([2.0, 2.0, 0.0])
    np.testing.assert_allclose(mesh.normals, [(0.0, 0.0, 1.0)] * len(mesh.normals), atol=1e-6)


def test_gltf_transform_s_quantized_instances_stand_where_the_original_s_do(external_dir):
    """SimpleInstancing after ``gltf-transform quantize``: every instance's cube where the
    original puts it (it had been drawn 32,767 times too large, all cubes heaped together)."""
    original = load_model(external_dir / "khronos/SimpleInstancing/glTF-Binary/"
                          "SimpleInstancing.glb").meshes
    quantized = load_model(GLTF_TRANSFORM / "SimpleInstancing_quantized.glb").meshes
    assert sorted(quantized) == sorted(original)
    size = np.ptp(np.concatenate([m.vertices for m in original.values()]), axis=0).max()
    for key, mesh in original.items():
        np.testing.assert_allclose(quantized[key].vertices, mesh.vertices, atol=1e-3 * size)
