"""Meshes that read the same accessors (a CAD export's parts, one mesh per material) get their
normals made once, and each mesh still gets the normals of its own geometry."""

from __future__ import annotations

import numpy as np

from app.assets.model_loading import load_model
from tests.assets.conftest import add_accessor, edited_quad_gltf


def test_meshes_sharing_accessors_and_one_of_its_own_are_each_flat_shaded(tmp_path):
    def change(header):
        primitive = header["meshes"][0]["primitives"][0]
        header["materials"] = [{"name": "a"}, {"name": "b"}, {"name": "c"}]
        primitive["material"] = 0
        shared = {**primitive, "material": 1}
        tilted = {**primitive, "material": 2, "attributes": {
            "POSITION": add_accessor(header, np.array(
                [(0, 0, 0), (1, 0, 1), (1, 1, 1), (0, 1, 0)], np.float32))}}
        header["meshes"] += [{"name": "q1", "primitives": [shared]},
                             {"name": "q2", "primitives": [tilted]}]
        for n, name in ((1, "second"), (2, "tilted")):
            header["nodes"].append({"name": name, "mesh": n})
            header["scenes"][0]["nodes"].append(len(header["nodes"]) - 1)

    meshes = load_model(edited_quad_gltf(tmp_path / "parts.gltf", change)).meshes
    assert len(meshes) == 3
    normals = {key: np.unique(np.round(mesh.normals, 6), axis=0)
               for key, mesh in meshes.items()}
    flat = [n for n in normals.values() if len(n) == 1 and abs(n[0][2]) == 1.0]
    assert len(flat) == 2  # the quad and the mesh sharing its accessors: +z or -z
    [tilted] = [n for n in normals.values() if len(n) == 1 and abs(n[0][2]) != 1.0]
    np.testing.assert_allclose(np.abs(tilted[0]), [np.sqrt(0.5), 0.0, np.sqrt(0.5)], atol=1e-6)
