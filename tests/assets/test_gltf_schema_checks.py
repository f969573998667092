"""A glTF file's buffers, accessors, core material values and node transforms are checked
before anything reads them: a bad one is refused naming the file and the field, never rendered
as NaN or as black, or read from past the end of its data."""

import base64
import json
import math

import pytest

from app.assets.model_loading import load_model
from app.errors import AssetError
from tests.assets.conftest import QUAD_INDICES, QUAD_POSITIONS, edited_quad_gltf, write_gltf


def quad_with(tmp_path, material):
    path = tmp_path / "part.gltf"
    meshes = [{"name": "q0", "primitives": [{"positions": QUAD_POSITIONS,
                                             "indices": QUAD_INDICES, "uv": [(0, 0)] * 4,
                                             "material": 0}]}]
    return write_gltf(path, meshes=meshes, materials=[material], images=[])


PBR = "materials[0].pbrMetallicRoughness"


@pytest.mark.parametrize(("material", "field"), [
    ({"pbrMetallicRoughness": {"metallicFactor": "x"}}, f"{PBR}.metallicFactor"),
    ({"pbrMetallicRoughness": {"roughnessFactor": math.nan}}, f"{PBR}.roughnessFactor"),
    ({"pbrMetallicRoughness": {"roughnessFactor": -5}}, f"{PBR}.roughnessFactor"),
    ({"pbrMetallicRoughness": {"metallicFactor": math.inf}}, f"{PBR}.metallicFactor"),
    ({"pbrMetallicRoughness": {"metallicFactor": True}}, f"{PBR}.metallicFactor"),
    ({"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1]}}, f"{PBR}.baseColorFactor"),
    ({"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 2]}}, f"{PBR}.baseColorFactor"),
    ({"pbrMetallicRoughness": [1]}, PBR),
    ({"emissiveFactor": [1, -1, 0]}, "materials[0].emissiveFactor"),
    ({"emissiveFactor": "bright"}, "materials[0].emissiveFactor"),
    ({"alphaMode": "FOO"}, "materials[0].alphaMode"),
    ({"alphaMode": "MASK", "alphaCutoff": -1}, "materials[0].alphaCutoff"),
    ({"doubleSided": "no"}, "materials[0].doubleSided"),
    ({"name": {"a": 1}}, "materials[0].name"),
    ({"extensions": [1]}, "materials[0].extensions"),
    ({"normalTexture": [1]}, "materials[0].normalTexture"),
    ({"normalTexture": {"index": 0, "scale": math.nan}}, "materials[0].normalTexture.scale"),
    ({"occlusionTexture": {"index": 0, "strength": 3}}, "materials[0].occlusionTexture.strength"),
    (5, "materials[0]"),
])
def test_a_bad_material_value_is_refused_naming_the_file_and_the_field(tmp_path, material,
                                                                        field):
    path = quad_with(tmp_path, material)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: {field}: expected"), str(caught.value)


def test_good_values_and_a_rounding_past_the_range_load(tmp_path):
    path = quad_with(tmp_path, {
        "name": "plastic", "doubleSided": True, "alphaMode": "MASK", "alphaCutoff": 0.3,
        "emissiveFactor": [2.0, 0.0, 0.0],  # past 1: kept (an exporter's strength)
        "pbrMetallicRoughness": {"baseColorFactor": [0.5, 0.5, 0.5, 1.0000001],
                                 "metallicFactor": 0.0, "roughnessFactor": 0.7}})
    material = load_model(path).meshes["q0"].material
    assert material.roughness == pytest.approx(0.7) and material.double_sided
    assert material.alpha_mode == "MASK" and material.alpha_cutoff == pytest.approx(0.3)


@pytest.mark.parametrize(("node", "field"), [
    ({"mesh": 0, "matrix": [math.nan] + [0.0] * 15}, "nodes[0].matrix"),
    ({"mesh": 0, "matrix": ["a"] * 16}, "nodes[0].matrix"),
    ({"mesh": 0, "matrix": [1, 0, 0]}, "nodes[0].matrix"),
    ({"mesh": 0, "rotation": [math.nan, 0, 0, 1]}, "nodes[0].rotation"),
    ({"mesh": 0, "scale": [math.inf, 1, 1]}, "nodes[0].scale"),
    ({"mesh": 0, "translation": [0, 0]}, "nodes[0].translation"),
])
def test_a_bad_node_transform_is_refused_naming_the_file_and_the_field(tmp_path, node, field):
    path = tmp_path / "part.gltf"
    meshes = [{"name": "q0", "primitives": [{"positions": QUAD_POSITIONS,
                                             "indices": QUAD_INDICES}]}]
    write_gltf(path, meshes=meshes, nodes=[node])
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: {field}: expected"), str(caught.value)


def test_a_node_moved_past_any_size_is_refused_as_drawing_nothing(tmp_path):
    path = tmp_path / "part.gltf"
    meshes = [{"name": "q0", "primitives": [{"positions": QUAD_POSITIONS,
                                             "indices": QUAD_INDICES}]}]
    write_gltf(path, meshes=meshes, nodes=[{"mesh": 0, "scale": [1e200, 1e200, 1e200]}])
    with pytest.raises(AssetError, match="past any size"):
        load_model(path)


def textured_quad(tmp_path, corner_png, change):
    """A quad whose material samples one texture of ``corner_png``; ``change`` edits the
    header (a dict) before it is written."""
    path = tmp_path / "part.gltf"
    (tmp_path / corner_png.name).write_bytes(corner_png.read_bytes())
    meshes = [{"name": "q0", "primitives": [{"positions": QUAD_POSITIONS,
                                             "indices": QUAD_INDICES, "uv": [(0, 0)] * 4,
                                             "material": 0}]}]
    write_gltf(path, meshes=meshes, images=[{"uri": corner_png.name}], materials=[
        {"name": "m", "pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}])
    header = json.loads(path.read_text())
    change(header)
    path.write_text(json.dumps(header))
    return path


def _slot(header):
    return header["materials"][0]["pbrMetallicRoughness"]["baseColorTexture"]


def _sampler(header, sampler):
    header["samplers"] = [sampler]
    header["textures"][0]["sampler"] = 0


BASE_SLOT = f"{PBR}.baseColorTexture"


@pytest.mark.parametrize(("change", "field"), [
    (lambda h: _sampler(h, {"wrapS": "x"}), "samplers[0].wrapS"),
    (lambda h: _sampler(h, {"wrapT": 12345}), "samplers[0].wrapT"),
    (lambda h: _sampler(h, {"magFilter": 9987}), "samplers[0].magFilter"),
    (lambda h: _sampler(h, 3), "samplers[0]"),
    (lambda h: h["textures"][0].__setitem__("sampler", 9), "textures[0].sampler"),
    (lambda h: h["textures"][0].__setitem__("source", 7), "textures[0].source"),
    (lambda h: h.__setitem__("textures", {"a": 1}), "textures"),
    (lambda h: _slot(h).__setitem__("index", 9), f"{BASE_SLOT}.index"),
    (lambda h: _slot(h).__setitem__("index", -1), f"{BASE_SLOT}.index"),  # not the last one
    (lambda h: _slot(h).__setitem__("index", "a"), f"{BASE_SLOT}.index"),
    (lambda h: _slot(h).__setitem__("texCoord", -1), f"{BASE_SLOT}.texCoord"),
    (lambda h: _slot(h).pop("index"), BASE_SLOT),
    (lambda h: _slot(h).__setitem__("extensions", 4), f"{BASE_SLOT}.extensions"),
])
def test_a_texture_or_sampler_that_is_not_there_is_refused(tmp_path, corner_png, change,
                                                            field):
    path = textured_quad(tmp_path, corner_png, change)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: {field}: expected"), str(caught.value)


def test_a_texture_with_a_good_sampler_loads(tmp_path, corner_png):
    path = textured_quad(tmp_path, corner_png, lambda h: _sampler(
        h, {"wrapS": 33071, "wrapT": 33648, "magFilter": 9728, "minFilter": 9987}))
    material = load_model(path).meshes["q0"].material
    assert material.base_color_texture is not None
    assert material.base_color_mapping.sampler.wrap_s == "CLAMP_TO_EDGE"


@pytest.mark.parametrize("material", [-1, 9, "a", True])
def test_a_primitive_whose_material_is_not_there_is_refused(tmp_path, material):
    """-1 and true named the last and the second material."""
    path = tmp_path / "part.gltf"
    meshes = [{"name": "q0", "primitives": [{"positions": QUAD_POSITIONS,
                                             "indices": QUAD_INDICES, "material": 0}]}]
    write_gltf(path, meshes=meshes, materials=[{"name": "red"}, {"name": "blue"}])
    header = json.loads(path.read_text())
    header["meshes"][0]["primitives"][0]["material"] = material
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(
        f"{path}: meshes[0].primitives[0].material: expected an index from 0 to 1")


def _quad_file(tmp_path, change):
    return edited_quad_gltf(tmp_path / "part.gltf", change)


@pytest.mark.parametrize(("change", "field"), [
    (lambda h: h["nodes"][0].__setitem__("mesh", -1), "nodes[0].mesh"),
    (lambda h: h["nodes"][0].__setitem__("mesh", 5), "nodes[0].mesh"),
    (lambda h: h["nodes"][0].__setitem__("children", [-1]), "nodes[0].children[0]"),
    (lambda h: h["nodes"][0].__setitem__("children", [None]), "nodes[0].children[0]"),
    (lambda h: h["nodes"][0].__setitem__("children", 3), "nodes[0].children"),
    (lambda h: h["scenes"][0].__setitem__("nodes", [9]), "scenes[0].nodes[0]"),
    (lambda h: h.__setitem__("scene", 3), "scene"),
])
def test_a_node_mesh_or_scene_index_that_names_nothing_is_refused(tmp_path, change, field):
    path = _quad_file(tmp_path, change)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: {field}: expected"), str(caught.value)


def _set(*path_and_value):
    *path, key, value = path_and_value

    def change(header):
        block = header
        for step in path:
            block = block[step]
        if value is _DELETE:
            del block[key]
        else:
            block[key] = value
    return change


_DELETE = object()
POSITION = "meshes[0].primitives[0].attributes"


@pytest.mark.parametrize(("change", "field", "message"), [
    (_set("accessors", 0, "count", math.nan), "accessors[0].count", "expected a whole number"),
    (_set("accessors", 0, "count", 0), "accessors[0].count", "expected a whole number"),
    (_set("accessors", 0, "count", 2**40), "accessors[0].count", "expected a whole number"),
    (_set("accessors", 0, "count", _DELETE), "accessors[0].count", "expected a whole number"),
    (_set("accessors", 0, "count", 5), "accessors[0]", "past the end of bufferViews[0]"),
    (_set("accessors", 0, "byteOffset", -4), "accessors[0].byteOffset", "expected a whole"),
    (_set("accessors", 0, "byteOffset", 4), "accessors[0]", "past the end of bufferViews[0]"),
    (_set("accessors", 0, "componentType", 5130), "accessors[0].componentType", "expected one"),
    (_set("accessors", 0, "componentType", [5126]), "accessors[0].componentType", "expected"),
    (_set("accessors", 0, "type", "VEC5"), "accessors[0].type", "expected one of"),
    (_set("accessors", 0, "bufferView", 99), "accessors[0].bufferView", "expected an index"),
    (_set("accessors", 0, "normalized", "yes"), "accessors[0].normalized", "expected true"),
    (_set("accessors", 0, "sparse", {"count": 9, "indices": {}, "values": {}}),
     "accessors[0].sparse.count", "expected a whole number from 1 to 4"),
    (_set("accessors", 0, []), "accessors[0]", "expected an accessor"),
    (_set("bufferViews", 0, "byteLength", 1e9), "bufferViews[0].byteLength", "expected a whole"),
    (_set("bufferViews", 0, "byteOffset", 10**6), "bufferViews[0]", "past the end of buffers[0]"),
    (_set("bufferViews", 0, "buffer", 3), "bufferViews[0].buffer", "expected an index"),
    (_set("bufferViews", 0, "byteStride", 2), "bufferViews[0].byteStride", "expected a whole"),
    (_set("buffers", 0, "byteLength", "many"), "buffers[0].byteLength", "expected a whole"),
    (_set("meshes", 0, "primitives", 0, "attributes", "POSITION", 7), f"{POSITION}.POSITION",
     "expected an index"),
    (_set("meshes", 0, "primitives", 0, "indices", -1), "meshes[0].primitives[0].indices",
     "expected an index"),
    (_set("meshes", 0, "primitives", 0, "mode", 9), "meshes[0].primitives[0].mode",
     "expected one of 0, 1, 2, 3, 4, 5, 6, got 9"),
    (_set("meshes", 0, "primitives", 0, "targets", [{"POSITION": 5}]),
     "meshes[0].primitives[0].targets[0].POSITION", "expected an index"),
    (_set("meshes", 0, "primitives", 0, "attributes", "NORMAL", 1),
     "meshes[0].primitives[0].attributes", "expected attributes of one count"),
    (_set("meshes", 0, "primitives", 0, "indices", 0), "meshes[0].primitives[0].indices",
     "not unsigned whole numbers"),
    (_set("accessors", 1, "count", 4), "meshes[0].primitives[0].indices",
     "expected three vertices to a triangle, got 4"),
    (_set("meshes", 0, "name", ["q"]), "meshes[0].name", "expected text"),
    (_set("nodes", 0, "name", True), "nodes[0].name", "expected text"),
    (_set("nodes", 0, "extensions", True), "nodes[0].extensions", "expected an object"),
    (_set("meshes", 0, "primitives", 0, "extensions", 0.5),
     "meshes[0].primitives[0].extensions", "expected an object"),
    (_set("nodes", 0, "rotation", None), "nodes[0].rotation", "expected 4 numbers"),
    (_set("accessors", 0, "bufferView", None), "accessors[0].bufferView", "expected an index"),
    (_set("images", [3]), "images[0]", "expected an image"),
    (_set("images", [{"uri": 7}]), "images[0].uri", "expected a URI"),
    (_set("images", [{"bufferView": 9, "mimeType": "image/png"}]), "images[0].bufferView",
     "expected an index"),
])
def test_a_bad_buffer_view_or_accessor_is_refused_naming_the_file_and_the_field(
        tmp_path, change, field, message):
    """A count of NaN stopped the instancing reader with Python's own error; a count past its
    view's end was read by trimesh as whatever lay beyond."""
    path = _quad_file(tmp_path, change)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: {field}: ") and message in text, text


def test_a_buffer_file_cut_short_is_refused_naming_the_buffer(tmp_path):
    """trimesh stopped on it with a bare AssertionError."""
    def external_and_cut(header):
        uri = header["buffers"][0]["uri"]
        data = base64.b64decode(uri.split(",", 1)[1])
        (tmp_path / "part.bin").write_bytes(data[:len(data) // 2])
        header["buffers"][0]["uri"] = "part.bin"

    path = _quad_file(tmp_path, external_and_cut)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: buffers[0]: the buffer holds 36 bytes where "
                                        "the file says 72"), str(caught.value)
