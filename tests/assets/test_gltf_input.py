"""glTF input the app must not draw wrong: Draco-compressed meshes decoded, extensions it cannot
draw refused or reported, models without a visible triangle refused."""

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from app.assets.gltf_document import document_bytes
from app.assets.model_loading import load_model
from app.assets.store import AssetStore
from app.errors import AssetError
from app.scene.model_scene import model_material_notes
from tests.gltf_compare import split_glb

from .conftest import QUAD_INDICES, QUAD_POSITIONS, edited_quad_gltf


def triangles(model) -> int:
    return sum(len(mesh.faces) for mesh in model.meshes.values())


def khronos(external_dir: Path, name: str, variant: str, file: str) -> Path:
    return external_dir / "khronos" / name / variant / file


def test_draco_avocado_loads_like_the_plain_avocado(external_dir):
    draco = load_model(khronos(external_dir, "Avocado", "glTF-Draco", "Avocado.gltf"))
    plain = load_model(external_dir / "Avocado/glTF/Avocado.gltf")
    assert triangles(draco) == triangles(plain) == 682
    size = np.ptp(np.asarray(plain.bounds), axis=0).max()
    for got, want in zip(draco.bounds, plain.bounds, strict=True):
        np.testing.assert_allclose(got, want, atol=size * 1e-3)
    (mesh,) = draco.meshes.values()
    (reference,) = plain.meshes.values()
    assert mesh.uv is not None and mesh.material.base_color_texture is not None
    # the same texture coordinates up to Draco's quantisation, as a distribution
    np.testing.assert_allclose(np.sort(mesh.uv, axis=0)[::50], np.sort(reference.uv, axis=0)[::50],
                               atol=2e-3)
    assert draco.warnings == ()


def test_draco_box_loads_as_a_unit_cube(external_dir):
    model = load_model(khronos(external_dir, "Box", "glTF-Draco", "Box.gltf"))
    assert triangles(model) == 12
    low, high = model.bounds
    np.testing.assert_allclose(low, [-0.5, -0.5, -0.5], atol=1e-3)
    np.testing.assert_allclose(high, [0.5, 0.5, 0.5], atol=1e-3)
    (mesh,) = model.meshes.values()
    np.testing.assert_allclose(np.linalg.norm(mesh.normals, axis=1), 1.0, atol=1e-3)


def box_as_glb(external_dir: Path, path: Path, compressed: bytes | None = None) -> Path:
    """The Draco Box as one GLB: its buffer becomes the BIN chunk."""
    folder = external_dir / "khronos/Box/glTF-Draco"
    header = json.loads((folder / "Box.gltf").read_text())
    binary = (folder / "Box.bin").read_bytes() if compressed is None else compressed
    header["buffers"] = [{"byteLength": len(binary)}]
    header["bufferViews"][0]["byteLength"] = len(binary)
    path.write_bytes(document_bytes(header, binary))
    return path


def test_draco_in_a_glb(external_dir, tmp_path):
    model = load_model(box_as_glb(external_dir, tmp_path / "box.glb"))
    assert triangles(model) == 12
    np.testing.assert_allclose(model.bounds[1], [0.5, 0.5, 0.5], atol=1e-3)


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_damaged_draco_data_is_refused_naming_the_file_and_field(external_dir, tmp_path, damage):
    data = (external_dir / "khronos/Box/glTF-Draco/Box.bin").read_bytes()[:118]
    compressed = data[:50] if damage == "truncated" else b"DRACO" + bytes(range(113))
    path = box_as_glb(external_dir, tmp_path / "box.glb", compressed)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "meshes[0].primitives[0].extensions.KHR_draco_mesh_compression" in message
    assert "Draco" in caught.value.message


DRACO_VIEW = "meshes[0].primitives[0].extensions.KHR_draco_mesh_compression.bufferView"


@pytest.mark.parametrize(("view", "field", "said"), [
    ("0", DRACO_VIEW, "bufferView '0' does not exist"),
    (7, DRACO_VIEW, "bufferView 7 does not exist"),
    (-1, DRACO_VIEW, "bufferView -1 does not exist"),
    ("past", "bufferViews[1]", "bytes 112 to 176 run past the end of buffers[0]")])
def test_draco_data_outside_its_buffer_is_refused_naming_the_field(external_dir, tmp_path,
                                                                    view, field, said):
    path = box_as_glb(external_dir, tmp_path / "box.glb")
    header, binary = split_glb(path.read_bytes())
    extension = header["meshes"][0]["primitives"][0]["extensions"]["KHR_draco_mesh_compression"]
    if view == "past":
        header["bufferViews"].append({"buffer": 0, "byteOffset": 112, "byteLength": 64})
        view = 1
    extension["bufferView"] = view
    path.write_bytes(document_bytes(header, binary))
    with pytest.raises(AssetError, match=re.escape(said)) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: {field}")


def test_draco_that_decodes_to_other_counts_than_declared_is_refused(external_dir, tmp_path):
    folder = external_dir / "khronos/Box/glTF-Draco"
    header = json.loads((folder / "Box.gltf").read_text())
    header["accessors"][0]["count"] = 30  # the indices: Box decodes to 36
    header["buffers"][0]["uri"] = os.path.relpath(folder / "Box.bin", tmp_path)
    path = tmp_path / "box.gltf"
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError, match="declares 12 triangles; the indices accessor declares "
                       "30") as caught:
        load_model(path, allowed_folders=[tmp_path, folder])
    assert str(caught.value).startswith(str(path))


def _box_with_vertex_counts(external_dir, tmp_path, count: int, change=None) -> Path:
    """Khronos' Draco Box (24 vertices) whose POSITION and NORMAL accessors declare ``count``
    vertices; ``change(header)`` edits it further."""
    folder = external_dir / "khronos/Box/glTF-Draco"
    header = json.loads((folder / "Box.gltf").read_text())
    for accessor in header["accessors"][1:]:
        accessor["count"] = count
    header["buffers"][0]["uri"] = os.path.relpath(folder / "Box.bin", tmp_path)
    if change is not None:
        change(header)
    path = tmp_path / "box.gltf"
    path.write_text(json.dumps(header))
    return path


@pytest.mark.parametrize("count", [20, 30])
def test_draco_decoding_to_another_vertex_count_is_drawn_as_decoded(external_dir, tmp_path,
                                                                    count):
    """FBX2glTF writes the vertex count before compression: every attribute in the Draco data,
    nothing else depending on the count, the mesh is drawn as decoded, with a note."""
    folder = external_dir / "khronos/Box/glTF-Draco"
    path = _box_with_vertex_counts(external_dir, tmp_path, count)
    model = load_model(path, allowed_folders=[tmp_path, folder])
    plain = load_model(folder / "Box.gltf")
    assert triangles(model) == 12
    np.testing.assert_allclose(model.bounds[1], plain.bounds[1], atol=1e-6)
    assert model.warnings == (
        f"{path}: meshes[0].primitives[0].extensions.KHR_draco_mesh_compression: the Draco data "
        f"decodes to 24 vertices where the accessors declare {count} (the compressing tool "
        "wrote the count before compression); drawn as decoded",)


def test_a_draco_primitive_declaring_billions_of_vertices_is_refused_before_decoding(
        external_dir, tmp_path):
    folder = external_dir / "khronos/Box/glTF-Draco"
    path = _box_with_vertex_counts(external_dir, tmp_path, 2_000_000_000)
    with pytest.raises(AssetError, match="over the limit") as caught:
        load_model(path, allowed_folders=[tmp_path, folder])
    assert str(caught.value).startswith(f"{path}: accessors[1].count")


def _uncompressed_uv(header):
    header["accessors"].append({"componentType": 5126, "count": 20, "type": "VEC2"})
    header["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = 3


def _morph_target(header):
    header["accessors"].append({"componentType": 5126, "count": 20, "type": "VEC3"})
    header["meshes"][0]["primitives"][0]["targets"] = [{"POSITION": 3}]


@pytest.mark.parametrize("change", [_uncompressed_uv, _morph_target])
def test_draco_decoding_to_another_count_than_other_data_of_it_is_refused(external_dir,
                                                                         tmp_path, change):
    """An attribute outside the Draco data, or a morph target, holds the declared count: the
    decoded vertices would not fit them."""
    folder = external_dir / "khronos/Box/glTF-Draco"
    path = _box_with_vertex_counts(external_dir, tmp_path, 20, change)
    with pytest.raises(AssetError, match="the Draco data decodes to 24 values; the accessor "
                       "declares 20") as caught:
        load_model(path, allowed_folders=[tmp_path, folder])
    assert str(caught.value).startswith(f"{path}: meshes[0].primitives[0].extensions."
                                        "KHR_draco_mesh_compression.attributes.")


def test_fbx2gltf_s_draco_output_draws_as_its_uncompressed_twin():
    folder = Path(__file__).parent / "fbx2gltf"
    plain, draco = load_model(folder / "monkey.glb"), load_model(folder / "monkey_draco.glb")
    assert plain.warnings == () and len(draco.warnings) == 1
    assert "decodes to 556 vertices where the accessors declare 555" in draco.warnings[0]
    assert triangles(draco) == triangles(plain) == 968
    np.testing.assert_allclose(draco.bounds, plain.bounds, atol=2e-3)  # Draco's quantization


def test_draco_header_over_the_triangle_limit_is_refused_before_decoding(external_dir,
                                                                         tmp_path):
    data = bytearray((external_dir / "khronos/Box/glTF-Draco/Box.bin").read_bytes()[:118])
    assert data[12:14] == bytes([8, 12])  # edgebreaker: 8 encoded vertices, 12 faces
    huge = bytes([0xFF, 0xFF, 0xFF, 0xFF, 0x0F])  # a varint of 2**32 - 1 faces
    compressed = bytes(data[:13]) + huge + bytes(data[14:])
    path = box_as_glb(external_dir, tmp_path / "bomb.glb", compressed)
    with pytest.raises(AssetError, match="declares 4294967295 triangles") as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: {DRACO_VIEW}")


def test_draco_buffer_outside_the_allowed_folders_is_refused(external_dir, tmp_path):
    folder = external_dir / "khronos/Box/glTF-Draco"
    header = json.loads((folder / "Box.gltf").read_text())
    header["buffers"][0]["uri"] = os.path.relpath(folder / "Box.bin", tmp_path)
    path = tmp_path / "box.gltf"
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(str(path))
    assert "buffers[0].uri" in str(caught.value)


def quad_file(gltf_writer, path: Path, **header) -> Path:
    gltf_writer(path, meshes=[{"name": "quad", "primitives": [
        {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES}]}])
    document = json.loads(path.read_text())
    document.update(header)
    path.write_text(json.dumps(document))
    return path


def test_required_extension_the_app_cannot_draw_is_refused(gltf_writer, tmp_path):
    path = quad_file(gltf_writer, tmp_path / "q.gltf",
                     extensionsUsed=["EXT_unknown_thing"], extensionsRequired=["EXT_unknown_thing"])
    with pytest.raises(AssetError, match="'EXT_unknown_thing'") as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: extensionsRequired: requires the glTF "
                                         "extension 'EXT_unknown_thing'")


def test_used_extension_the_app_cannot_draw_is_drawn_without_it_and_named(gltf_writer,
                                                                          tmp_path):
    path = quad_file(gltf_writer, tmp_path / "q.gltf",
                     extensionsUsed=["EXT_unknown_thing", "KHR_materials_emissive_strength"])
    model = load_model(path)
    assert triangles(model) == 2
    assert len(model.warnings) == 1
    assert model.warnings[0].startswith(str(path))
    assert "'EXT_unknown_thing'" in model.warnings[0]


def test_quantized_avocado_keeps_the_texture_transform_that_scales_its_uvs(external_dir):
    model = load_model(khronos(external_dir, "Avocado", "glTF-Quantized", "Avocado.gltf"))
    assert triangles(model) == 682
    assert not any("KHR_texture_transform" in w for w in model.warnings)
    (mesh,) = model.meshes.values()
    transform = mesh.material.base_color_mapping.transform
    assert not transform.is_identity
    assert mesh.material.orm_mapping.transform == transform


def test_all_degenerate_triangles_are_refused(gltf_writer, tmp_path):
    path = tmp_path / "line.gltf"
    gltf_writer(path, meshes=[{"name": "line", "primitives": [{
        "positions": [(0, 0, 0), (1, 0, 0), (2, 0, 0), (3, 0, 0)], "indices": QUAD_INDICES}]}])
    with pytest.raises(AssetError, match="no visible triangles") as caught:
        load_model(path)
    assert str(caught.value).startswith(str(path))


def test_node_scaled_to_nothing_is_refused(gltf_writer, tmp_path):
    path = tmp_path / "flat.gltf"
    gltf_writer(path, meshes=[{"name": "quad", "primitives": [
        {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES}]}],
        nodes=[{"name": "quad", "mesh": 0, "scale": [0.0, 0.0, 0.0]}])
    with pytest.raises(AssetError, match="no visible triangles"):
        load_model(path)


def test_a_visible_mesh_beside_a_degenerate_one_loads(gltf_writer, tmp_path):
    path = tmp_path / "two.gltf"
    gltf_writer(path, meshes=[
        {"name": "quad", "primitives": [{"positions": QUAD_POSITIONS, "indices": QUAD_INDICES}]},
        {"name": "flat", "primitives": [{"positions": QUAD_POSITIONS, "indices": QUAD_INDICES}]},
    ], nodes=[{"name": "quad", "mesh": 0}, {"name": "flat", "mesh": 1, "scale": [0, 0, 0]}])
    assert triangles(load_model(path)) == 4


def test_what_a_models_materials_lose_in_drawing_is_listed(external_dir):
    helmet = load_model(khronos(external_dir, "DamagedHelmet", "glTF-Binary",
                                "DamagedHelmet.glb"))
    assert helmet.material_warnings == helmet.warnings
    assert not any("occlusion" in w for w in helmet.warnings)  # packed with the ORM
    glass = khronos(external_dir, "TransmissionTest", "glTF-Binary", "TransmissionTest.glb")
    notes = [w for w in model_material_notes(glass, AssetStore(allowed_roots=[glass.parent]))
             if "partly transparent" in w]
    # one note, naming every material it is on
    assert len(notes) == 1
    [names] = [note.split(": ")[1] for note in notes]
    assert "material 'BlueTransWithMask', material 'GreenMask', " in names
    assert names.count("material '") >= 6


LINEAR_COLOURS = np.array([[0.5, 0.25, 1.0, 1.0], [0.0, 0.0, 0.0, 0.5],
                           [1.0, 1.0, 1.0, 0.0], [0.2140, 0.0, 0.0, 1.0]])
SRGB_BYTES = np.array([[188, 137, 255, 255], [0, 0, 0, 128], [255, 255, 255, 0],
                       [128, 0, 0, 255]])  # sRGB(0.214) = 0.5


@pytest.mark.parametrize("encoding", ["float32", "uint8", "uint16", "rgb-float32"])
def test_vertex_colours_are_read_as_the_linear_colours_gltf_stores(gltf_writer, tmp_path,
                                                                   encoding):
    """COLOR_0 is linear in every encoding glTF allows (Blender writes 16-bit integers);
    the model keeps sRGB bytes, as it keeps the colours of other formats and of textures."""
    values = LINEAR_COLOURS[:, :3] if encoding.startswith("rgb") else LINEAR_COLOURS
    kind = encoding.removeprefix("rgb-")
    colors = (values.astype(np.float32) if kind == "float32"
              else np.round(values * np.iinfo(kind).max).astype(kind))
    path = gltf_writer(tmp_path / "coloured.gltf", meshes=[{"name": "quad", "primitives": [
        {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES, "colors": colors}]}])
    (mesh,) = load_model(path).meshes.values()
    expected = SRGB_BYTES.copy()
    if encoding.startswith("rgb"):
        expected[:, 3] = 255
    tolerance = 2 if kind == "uint8" else 1  # 8 bits of linear light are coarse in the dark
    np.testing.assert_allclose(mesh.colors.astype(int), expected, atol=tolerance)


def test_vertex_colours_out_of_range_or_no_numbers_are_clamped(gltf_writer, tmp_path):
    colors = np.array([[np.nan, 2.0, -1.0, 1.0], [np.inf, -np.inf, 0.5, 3.0],
                       [0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]], np.float32)
    path = gltf_writer(tmp_path / "hostile.gltf", meshes=[{"name": "quad", "primitives": [
        {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES, "colors": colors}]}])
    (mesh,) = load_model(path).meshes.values()
    np.testing.assert_array_equal(mesh.colors[:2], [[0, 255, 0, 255], [255, 0, 188, 255]])


def _with_cameras(folder, change):
    def cameras_then_change(header):
        header["cameras"] = [{"type": "perspective",
                              "perspective": {"yfov": 0.8, "znear": 0.1, "aspectRatio": 1.5}}]
        change(header)

    folder.mkdir(exist_ok=True)
    return edited_quad_gltf(folder / "rig.gltf", cameras_then_change)


def test_a_mesh_on_a_camera_s_node_is_drawn(tmp_path):
    """trimesh left a node that carries a camera out of the scene, its mesh with it."""
    path = _with_cameras(tmp_path, lambda h: h["nodes"][0].__setitem__("camera", 0))
    assert list(load_model(path).meshes) == ["q0"]


def test_a_part_under_a_camera_rig_keeps_the_rig_s_move(tmp_path):
    def rig(header):
        header["nodes"].append({"name": "rig", "camera": 0, "translation": [5.0, 0.0, 0.0],
                                "children": [0]})
        header["scenes"][0]["nodes"] = [1]

    plain = load_model(_with_cameras(tmp_path / "a", lambda h: None))
    moved = load_model(_with_cameras(tmp_path / "b", rig))
    shift = next(iter(moved.meshes.values())).vertices - next(iter(plain.meshes.values())).vertices
    np.testing.assert_allclose(shift, [[5.0, 0.0, 0.0]] * len(shift), atol=1e-6)


def test_a_camera_trimesh_cannot_read_does_not_stop_the_model(tmp_path):
    def broken(header):
        header["cameras"][0]["perspective"]["yfov"] = "wide"
        header["nodes"][0]["camera"] = 0

    assert list(load_model(_with_cameras(tmp_path, broken)).meshes) == ["q0"]


def test_lines_beside_a_surface_are_named_as_not_drawn(tmp_path):
    """A primitive of lines (mode 1) was left out without a word."""
    def outline(header):
        header["meshes"].append({"name": "outline", "primitives": [
            {"attributes": {"POSITION": 0}, "mode": 1}]})
        header["nodes"].append({"name": "outline", "mesh": 1})
        header["scenes"][0]["nodes"].append(1)

    path = edited_quad_gltf(tmp_path / "wire.gltf", outline)
    model = load_model(path)
    assert list(model.meshes) == ["q0"]
    assert any("part(s) of points or lines not drawn" in w and "outline" in w
               for w in model.warnings), model.warnings


@pytest.mark.parametrize("name", ["KHR_xmp", "KHR_xmp_json_ld", "FB_ngon_encoding"])
def test_metadata_extensions_leave_nothing_out(gltf_writer, tmp_path, name):
    """XMP metadata (Khronos' TransmissionTest carries it) and assimp's note that triangles
    fan out of n-gons hold nothing to draw: no warning that the model is drawn without them."""
    model = load_model(quad_file(gltf_writer, tmp_path / "q.gltf", extensionsUsed=[name]))
    assert model.warnings == ()


@pytest.mark.parametrize("required", [False, True])
def test_the_file_s_lights_are_named_as_not_used(gltf_writer, tmp_path, required):
    """Whether only used or required (Blender's exporter writes its lights as required), a
    file's lights leave the product as the studio lights it: it is drawn, with a warning."""
    path = quad_file(gltf_writer, tmp_path / "q.gltf", extensionsUsed=["KHR_lights_punctual"],
                     **({"extensionsRequired": ["KHR_lights_punctual"]} if required else {}))
    (warning,) = load_model(path).warnings
    assert warning == (f"{path}: uses the glTF extension 'KHR_lights_punctual': its lights are "
                       "not used: every product is lit by the app's studio environment, in "
                       "the live view and the still alike")
