"""EXT_meshopt_compression, as gltfpack writes it (tests/assets/gltfpack): decoded, its filters
undone, drawn as the file it was made from; every number a hostile file may change is refused
naming its field before the decoder runs, and damaged data is refused, never a crash."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import meshoptimizer
import numpy as np
import pytest

from app.assets.gltf_document import document_bytes, split_glb
from app.assets.model_loading import load_model
from app.errors import AssetError
from tests.assets.conftest import edited_quad_gltf, outcomes_in_own_process
from tests.khronos_scenes import RENDERERS, drawn_apart

GLTFPACK = Path(__file__).parent / "gltfpack"
BLENDER = Path(__file__).parent / "blender"
MESHOPT = "EXT_meshopt_compression"


def _all(model, attribute: str) -> np.ndarray:
    return np.concatenate([np.asarray(getattr(m, attribute), np.float64)
                           for m in model.meshes.values()])


@pytest.mark.parametrize("name", ["textured", "skinned", "morph"])
def test_a_gltfpack_file_holds_the_geometry_of_its_source(name):
    """The Blender cube (textured), the posed armature (skinned, its joints and weights
    compressed) and the shape key at 0.75 (morph, its targets compressed): the same meshes and
    triangles, every vertex where the source has one (positions quantized to 14 bits), normals
    alike (8-bit octahedral)."""
    source = load_model(BLENDER / f"{name}.glb")
    packed = load_model(GLTFPACK / f"{name}_cc.glb")
    assert packed.warnings == source.warnings == ()
    assert sum(len(m.faces) for m in packed.meshes.values()) == sum(
        len(m.faces) for m in source.meshes.values())
    ours, theirs = _all(packed, "vertices"), _all(source, "vertices")
    normals, their_normals = _all(packed, "normals"), _all(source, "normals")
    size = np.ptp(theirs, axis=0).max()
    for point, normal in zip(ours, normals, strict=True):
        apart = np.linalg.norm(theirs - point, axis=1)
        assert apart.min() < 2e-4 * size
        # where the source has several vertices there (a cube's corner), the one facing alike
        assert (their_normals[apart < 2e-4 * size] @ normal).max() > 0.99


def test_instances_stand_where_the_original_s_do(external_dir):
    """SimpleInstancing with its 125 instances kept as EXT_mesh_gpu_instancing: translations
    and scales through the EXPONENTIAL filter, rotations through QUATERNION; each cube where
    the original puts it."""
    original = load_model(external_dir / "khronos/SimpleInstancing/glTF-Binary/"
                          "SimpleInstancing.glb").meshes
    packed = load_model(GLTFPACK / "SimpleInstancing_mi.glb").meshes
    assert len(packed) == len(original) == 125

    def centres(meshes) -> np.ndarray:
        return np.array([np.asarray(m.vertices).mean(axis=0) for m in meshes.values()])

    for ours, theirs in ((centres(packed), centres(original)),
                         (centres(original), centres(packed))):
        apart = np.linalg.norm(ours[:, None] - theirs[None], axis=2).min(axis=1)
        assert apart.max() < 0.02
    corners = sorted(np.ptp(np.asarray(m.vertices), axis=0).max() for m in packed.values())
    expected = sorted(np.ptp(np.asarray(m.vertices), axis=0).max() for m in original.values())
    np.testing.assert_allclose(corners, expected, rtol=0.01)


@pytest.mark.parametrize("kind", RENDERERS)
def test_the_textured_cube_draws_as_its_source(kind):
    """Quantized UVs read back through the texture transform gltfpack folds into Blender's own
    (scale 2, 15 degrees): the same picture in both renderers."""
    product, apart = drawn_apart(kind, BLENDER / "textured.glb", GLTFPACK / "textured_cc.glb")
    assert product > 0.1 and apart < 3


def _glb(path: Path) -> tuple[dict, bytes]:
    header, binary = split_glb(path.read_bytes(), path)
    assert binary is not None
    return header, binary


def _compressed_views(header: dict) -> list[dict]:
    return [view["extensions"][MESHOPT] for view in header["bufferViews"]
            if MESHOPT in (view.get("extensions") or {})]


def _changed(tmp_path: Path, change, name: str = "textured_cc.glb") -> Path:
    header, binary = _glb(GLTFPACK / name)
    binary = change(header, bytearray(binary)) or binary
    out = tmp_path / "changed.glb"
    out.write_bytes(document_bytes(header, bytes(binary)))
    return out


def _first(mode: str, filter_name: str = "NONE"):
    def pick(header: dict) -> dict:
        return next(e for e in _compressed_views(header)
                    if e["mode"] == mode and e.get("filter", "NONE") == filter_name)
    return pick


def _set(pick, key: str, value):
    def change(header, _binary):
        pick(header)[key] = value
    return change


HOSTILE = {
    "mode": (_set(_first("ATTRIBUTES"), "mode", "POINTS"), "mode"),
    "filter": (_set(_first("ATTRIBUTES"), "filter", "SPHERICAL"), "filter"),
    "filter on indices": (_set(_first("TRIANGLES"), "filter", "OCTAHEDRAL"), "filter"),
    "stride not a multiple of 4": (_set(_first("ATTRIBUTES"), "byteStride", 6), "byteStride"),
    "stride past 256": (_set(_first("ATTRIBUTES"), "byteStride", 260), "byteStride"),
    "octahedral stride": (_set(_first("ATTRIBUTES", "OCTAHEDRAL"), "byteStride", 12),
                          "byteStride"),
    "index stride": (_set(_first("TRIANGLES"), "byteStride", 3), "byteStride"),
    "count not whole triangles": (_set(_first("TRIANGLES"), "count", 35), "count"),
    "count of no number": (_set(_first("ATTRIBUTES"), "count", "many"), "count"),
    "count of a bool": (_set(_first("ATTRIBUTES"), "count", True), "count"),
    "count past the view": (_set(_first("ATTRIBUTES"), "count", 10 ** 12), "count"),
    "buffer that is not there": (_set(_first("ATTRIBUTES"), "buffer", 7), "buffer"),
    "fallback as the source": (_set(_first("ATTRIBUTES"), "buffer", 1), "buffer"),
    "negative offset": (_set(_first("ATTRIBUTES"), "byteOffset", -4), "byteOffset"),
    "offset past the end": (_set(_first("ATTRIBUTES"), "byteOffset", 10 ** 9), ""),
    "no length": (_set(_first("ATTRIBUTES"), "byteLength", None), "byteLength"),
    "not an object": (lambda h, _b: next(
        v for v in h["bufferViews"] if "extensions" in v)["extensions"].update(
        {MESHOPT: [1, 2]}), ""),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_setting_is_refused_naming_the_field(tmp_path, case):
    change, key = HOSTILE[case]
    path = _changed(tmp_path, change)
    with pytest.raises(AssetError) as raised:
        load_model(path)
    assert raised.value.file == str(path)
    assert MESHOPT in raised.value.field and raised.value.field.endswith(key)


def test_the_decoded_views_are_held_to_the_limit(tmp_path, monkeypatch):
    """A few bytes may declare any count; the views' declared sizes add up against the limit
    before any is decoded (here lowered to a kilobyte)."""
    monkeypatch.setattr("app.assets.meshopt.MAX_DECODED_BYTES", 1000)
    with pytest.raises(AssetError, match="decode to more than 1000 bytes"):
        load_model(GLTFPACK / "textured_cc.glb")


def test_damaged_data_is_refused_not_drawn(tmp_path):
    """The compressed bytes of the index view zeroed: the decoder's own check refuses them."""
    def damage(header, binary):
        view = _first("TRIANGLES")(header)
        start = view.get("byteOffset", 0)
        binary[start:start + view["byteLength"]] = bytes(view["byteLength"])
        return binary

    with pytest.raises(AssetError, match="cannot be decoded") as raised:
        load_model(_changed(tmp_path, damage))
    assert raised.value.field.startswith("bufferViews[") and raised.value.field.endswith(MESHOPT)


def test_bytes_changed_at_random_load_or_are_refused(tmp_path):
    """Forty files, each with bytes of its compressed data changed (fixed seeds), read in a
    process of their own: each loads or is refused naming the file; none stops the process."""
    names = []
    for seed in range(40):
        def damage(header, binary, seed=seed):
            rng = random.Random(seed)
            view = rng.choice(_compressed_views(header))
            start = view.get("byteOffset", 0)
            for _ in range(rng.randint(1, 8)):
                binary[start + rng.randrange(view["byteLength"])] = rng.randrange(256)
            return binary
        folder = tmp_path / str(seed)
        folder.mkdir()
        names.append(_changed(folder, damage, "skinned_cc.glb"))
    outcomes = outcomes_in_own_process(names)
    # some changes decode to other numbers (drawn as such), most fail the decoder's checks
    assert len(outcomes) == 40 and set(outcomes) == {"loaded", "refused"}


def test_a_view_left_reading_an_empty_fallback_is_refused(tmp_path):
    """The fallback buffer has no data: a view that reads it without compressed data of its
    own names that view (trimesh would have read the GLB's BIN chunk in its place)."""
    def uncompress(header, _binary):
        view = next(v for v in header["bufferViews"] if MESHOPT in (v.get("extensions") or {}))
        del view["extensions"]

    with pytest.raises(AssetError, match="fallback buffer") as raised:
        load_model(_changed(tmp_path, uncompress))
    assert raised.value.field.startswith("bufferViews[")


def test_a_fallback_with_data_is_not_drawn(tmp_path):
    """A file that only uses the extension, its fallback buffer a file (as ``gltfpack -cf``
    writes it), draws the compressed data: here the fallback file holds only zeros."""
    plain = load_model(GLTFPACK / "textured_cc.glb")

    def with_fallback_file(header, _binary):
        header["buffers"][1]["uri"] = "changed.fallback.bin"
        (tmp_path / "changed.fallback.bin").write_bytes(bytes(header["buffers"][1]["byteLength"]))
        header["extensionsRequired"].remove(MESHOPT)

    model = load_model(_changed(tmp_path, with_fallback_file))
    assert sorted(model.meshes) == sorted(plain.meshes)
    for key, mesh in plain.meshes.items():
        np.testing.assert_allclose(model.meshes[key].vertices, mesh.vertices)


def _quad_indices_as(mode: str, tmp_path: Path) -> Path:
    """The test quad with its six indices in a view compressed as ``mode``, its fallback
    buffer holding no data."""
    indices = np.array([0, 1, 2, 0, 2, 3], np.uint32)
    encode = (meshoptimizer.encode_index_buffer if mode == "TRIANGLES"
              else meshoptimizer.encode_index_sequence)
    data = encode(indices, len(indices), 4)

    def change(header):
        buffer = header["buffers"][0]
        blob = bytearray(base64.b64decode(buffer["uri"].split(",", 1)[1]))
        blob += b"\x00" * (-len(blob) % 4)
        start = len(blob)
        blob += data
        buffer["uri"] = "data:application/octet-stream;base64," + base64.b64encode(
            bytes(blob)).decode()
        buffer["byteLength"] = len(blob)
        header["buffers"].append({"byteLength": 24, "extensions": {MESHOPT: {"fallback": True}}})
        header["bufferViews"].append({"buffer": 1, "byteLength": 24, "extensions": {MESHOPT: {
            "buffer": 0, "byteOffset": start, "byteLength": len(data), "byteStride": 4,
            "mode": mode, "count": 6}}})
        header["accessors"].append({"bufferView": len(header["bufferViews"]) - 1,
                                    "componentType": 5125, "count": 6, "type": "SCALAR"})
        header["meshes"][0]["primitives"][0]["indices"] = len(header["accessors"]) - 1
        header["extensionsUsed"] = header["extensionsRequired"] = [MESHOPT]

    return edited_quad_gltf(tmp_path / f"{mode}.gltf", change)


@pytest.mark.parametrize("mode", ["TRIANGLES", "INDICES"])
def test_compressed_indices_of_either_mode_draw_the_quad(tmp_path, mode):
    [quad] = load_model(_quad_indices_as(mode, tmp_path)).meshes.values()
    assert len(quad.faces) == 2
    corners = {tuple(np.round(np.asarray(quad.vertices)[i], 3)) for i in np.ravel(quad.faces)}
    assert corners == {(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (1.0, 1.0, 0.0), (0.0, 1.0, 0.0)}


def test_an_index_too_big_for_its_two_byte_stride_is_refused(tmp_path):
    path = _quad_indices_as("INDICES", tmp_path)
    header = json.loads(path.read_text())
    view = header["bufferViews"][-1]
    data = meshoptimizer.encode_index_sequence(np.array([0, 1, 70000, 0, 2, 3], np.uint32),
                                                6, 70001)
    blob = bytearray(base64.b64decode(header["buffers"][0]["uri"].split(",", 1)[1]))
    extension = view["extensions"][MESHOPT]
    extension.update(byteOffset=len(blob), byteLength=len(data), byteStride=2)
    blob += data
    header["buffers"][0].update(byteLength=len(blob), uri="data:application/octet-stream;"
                                "base64," + base64.b64encode(bytes(blob)).decode())
    view["byteLength"] = header["buffers"][1]["byteLength"] = 12
    header["accessors"][-1]["componentType"] = 5123
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError, match="does not fit the 2-byte stride"):
        load_model(path)


def test_the_khr_version_is_refused_with_what_to_do(tmp_path):
    """gltfpack -cz writes KHR_meshopt_compression (a newer codec, a COLOR filter) where -cc
    writes the EXT version: refused naming the extension and the way to the other."""
    def to_khr(header, _binary):
        for view in header["bufferViews"]:
            extensions = view.get("extensions") or {}
            if MESHOPT in extensions:
                extensions["KHR_meshopt_compression"] = extensions.pop(MESHOPT)
        for key in ("extensionsUsed", "extensionsRequired"):
            header[key] = [n.replace("EXT_", "KHR_") if n == MESHOPT else n for n in header[key]]

    path = _changed(tmp_path, to_khr)
    with pytest.raises(AssetError, match="'KHR_meshopt_compression'.*gltfpack -ce ext") as caught:
        load_model(path)
    assert (caught.value.file, caught.value.field) == (str(path), "extensionsRequired")
