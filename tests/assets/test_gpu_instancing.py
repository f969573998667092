"""EXT_mesh_gpu_instancing: every instance is a mesh of its own, where the file puts it; past the
meshes drawn apart they are joined as any placed meshes are, and past the meshes a file may place
the file is refused."""

import json
import struct

import numpy as np
import pytest

import app.assets.gpu_instancing as gpu_instancing
import app.assets.model_loading as model_loading
from app.assets.gltf_buffers import AccessorReader
from app.assets.gltf_document import read_gltf_document
from app.assets.gpu_instancing import _values
from app.assets.model_loading import load_model
from app.errors import AssetError

MODEL = "khronos/SimpleInstancing/glTF-Binary/SimpleInstancing.glb"


def test_each_instance_is_a_mesh_at_its_translation(external_dir):
    path = external_dir / MODEL
    model = load_model(path)
    assert len(model.meshes) == 125
    assert not model.warnings
    document = read_gltf_document(path)
    attributes = document.header["nodes"][0]["extensions"]["EXT_mesh_gpu_instancing"][
        "attributes"]
    reader = AccessorReader(document, document.header, document.binary)
    translations = _values(reader, attributes["TRANSLATION"], "VEC3", "t")
    rotations = _values(reader, attributes["ROTATION"], "VEC4", "r")
    scales = _values(reader, attributes["SCALE"], "VEC3", "s")
    first = model.meshes["node0_instance0"].vertices
    local = (first - translations[0]) @ rotation_matrix(rotations[0]) / scales[0]  # R^-1 = R^T
    for k in range(0, 125, 7):
        placed = (local * scales[k]) @ rotation_matrix(rotations[k]).T + translations[k]
        np.testing.assert_allclose(model.meshes[f"node0_instance{k}"].vertices, placed,
                                   atol=1e-3)


def rotation_matrix(q) -> np.ndarray:
    """glTF's unit quaternion (x, y, z, w) as a 3x3 rotation matrix."""
    x, y, z, w = np.asarray(q, float) / np.linalg.norm(q)
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def test_instancing_attributes_that_are_not_an_object_are_refused(external_dir, tmp_path):
    data = (external_dir / MODEL).read_bytes()
    length = struct.unpack("<I", data[12:16])[0]
    header = json.loads(data[20:20 + length])
    header["nodes"][0]["extensions"]["EXT_mesh_gpu_instancing"]["attributes"] = 0.5
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 4)
    rest = data[20 + length:]
    body = struct.pack("<II", len(text), 0x4E4F534A) + text + rest
    path = tmp_path / "instanced.glb"
    path.write_bytes(struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(
        f"{path}: nodes[0].extensions.EXT_mesh_gpu_instancing.attributes: expected an object")


def test_instances_past_the_meshes_drawn_apart_are_joined(external_dir, monkeypatch):
    apart = load_model(external_dir / MODEL)
    monkeypatch.setattr(model_loading, "MAX_MODEL_PARTS", 100)
    model = load_model(external_dir / MODEL)
    (name, joined), = model.meshes.items()
    assert name.endswith("(125 meshes joined)")
    assert len(joined.faces) == sum(len(m.faces) for m in apart.meshes.values())
    np.testing.assert_allclose(np.sort(joined.vertices, axis=0), np.sort(np.concatenate(
        [m.vertices for m in apart.meshes.values()]), axis=0))
    assert [m.name for m in model.find("node0_instance7")] == [name]


def test_more_instances_than_a_file_may_place_are_refused(external_dir, monkeypatch):
    monkeypatch.setattr(gpu_instancing, "MAX_INSTANCES", 100)
    with pytest.raises(AssetError) as caught:
        load_model(external_dir / MODEL)
    assert caught.value.field == "nodes[0].extensions.EXT_mesh_gpu_instancing.attributes"
    assert "more than 100 mesh instances" in caught.value.message
