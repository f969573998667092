"""Every kind of broken model file raises AssetError naming the file."""

import base64
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import trimesh

from app.assets.model_loading import load_model
from app.errors import AssetError

from .conftest import QUAD_INDICES, QUAD_POSITIONS


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that declares ``width`` x ``height`` pixels but holds almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )
    return path


def assert_names_file(error: AssetError, path: Path) -> None:
    assert error.file == str(path)
    assert str(error).startswith(str(path))


def test_missing_file(tmp_path):
    path = tmp_path / "nope.glb"
    with pytest.raises(AssetError, match="model file not found") as caught:
        load_model(path)
    assert_names_file(caught.value, path)


@pytest.mark.parametrize("name", ["empty.glb", "empty.stl", "empty.obj", "empty.gltf"])
def test_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(AssetError, match="file is empty") as caught:
        load_model(path)
    assert_names_file(caught.value, path)


def test_truncated_glb(tmp_path, external_dir):
    source = external_dir / "GlassHurricaneCandleHolder/glTF-Binary/GlassHurricaneCandleHolder.glb"
    data = source.read_bytes()
    path = tmp_path / "half.glb"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AssetError, match="truncated") as caught:
        load_model(path)
    assert_names_file(caught.value, path)
    assert caught.value.field == "header.length"
    assert f"ends after {len(data) // 2} bytes, its header declares {len(data)}" in str(
        caught.value)


def test_glb_whose_chunk_runs_past_its_end(tmp_path, external_dir):
    source = external_dir / "GlassHurricaneCandleHolder/glTF-Binary/GlassHurricaneCandleHolder.glb"
    data = bytearray(source.read_bytes())
    json_length = struct.unpack_from("<I", data, 12)[0]
    struct.pack_into("<I", data, 20 + json_length, len(data))  # the BIN chunk's length
    path = tmp_path / "long_chunk.glb"
    path.write_bytes(bytes(data))
    with pytest.raises(AssetError, match="truncated inside a chunk") as caught:
        load_model(path)
    assert_names_file(caught.value, path)
    assert caught.value.field == "chunks[1].length"


def test_truncated_binary_stl(tmp_path, external_dir):
    data = (external_dir / "FeatureType_STL/featuretype.STL").read_bytes()
    path = tmp_path / "half.STL"
    path.write_bytes(data[: len(data) // 5])
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert_names_file(caught.value, path)


@pytest.mark.parametrize(
    "name", ["notes.stl", "notes.STL", "notes.glb", "notes.gltf", "notes.obj", "notes.ply"]
)
def test_text_file_renamed_as_a_model(tmp_path, name):
    path = tmp_path / name
    path.write_text("shopping list: milk, eggs, bread\n")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert_names_file(caught.value, path)


def test_unknown_extension(tmp_path):
    path = tmp_path / "chair.fbx"
    path.write_bytes(b"Kaydara FBX Binary")
    with pytest.raises(AssetError, match="unknown model format '.fbx'") as caught:
        load_model(path)
    assert_names_file(caught.value, path)


def test_nan_vertices(tmp_path):
    path = tmp_path / "nan.obj"
    path.write_text("v 0 0 0\nv nan 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(AssetError, match="NaN or infinite") as caught:
        load_model(path)
    assert_names_file(caught.value, path)


def test_obj_texture_coordinates_of_one_number_read_v_as_zero(tmp_path):
    """OBJ's ``vt u [v [w]]``: a coordinate of one number stopped the loader with an
    IndexError."""
    path = tmp_path / "strip.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0.25\nvt 0.5\nvt 0.75\n"
                    "f 1/1 2/2 3/3\n")
    uv = next(iter(load_model(path).meshes.values())).uv
    assert uv is not None
    np.testing.assert_allclose(sorted(uv[:, 0]), [0.25, 0.5, 0.75])
    np.testing.assert_allclose(uv[:, 1], 1.0)  # v = 0 at the bottom, glTF's v = 1


def test_infinite_vertices_in_gltf(tmp_path, gltf_writer):
    positions = [(0.0, 0.0, 0.0), (float("inf"), 0.0, 0.0), (1.0, 1.0, 0.0), (0.0, 1.0, 0.0)]
    primitive = {"positions": positions, "indices": QUAD_INDICES}
    path = gltf_writer(tmp_path / "inf.gltf", meshes=[{"name": "q", "primitives": [primitive]}])
    with pytest.raises(AssetError, match="mesh 'q' has NaN or infinite") as caught:
        load_model(path)
    assert_names_file(caught.value, path)


def test_points_without_faces(tmp_path):
    path = tmp_path / "points.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\n")
    with pytest.raises(AssetError, match="no triangle meshes|no meshes") as caught:
        load_model(path)
    assert_names_file(caught.value, path)


def test_point_cloud_ply(tmp_path):
    path = tmp_path / "cloud.ply"
    trimesh.PointCloud([(0, 0, 0), (1, 0, 0), (0, 1, 0)]).export(path)
    with pytest.raises(AssetError, match="no triangle meshes|no meshes") as caught:
        load_model(path)
    assert_names_file(caught.value, path)


def test_gltf_with_a_missing_texture_names_the_texture(tmp_path, gltf_writer):
    primitive = {
        "positions": QUAD_POSITIONS,
        "indices": QUAD_INDICES,
        "uv": [(0, 0)] * 4,
        "material": 0,
    }
    path = gltf_writer(
        tmp_path / "m.gltf",
        meshes=[{"name": "q", "primitives": [primitive]}],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        images=[{"uri": "label%20art.png"}],
    )
    with pytest.raises(AssetError, match="texture file not found: 'label%20art.png'") as caught:
        load_model(path)
    assert_names_file(caught.value, path)


def test_gltf_texture_uri_with_encoded_space_loads(tmp_path, gltf_writer, corner_png):
    corner_png.rename(tmp_path / "label art.png")
    primitive = {
        "positions": QUAD_POSITIONS,
        "indices": QUAD_INDICES,
        "uv": [(0, 0)] * 4,
        "material": 0,
    }
    path = gltf_writer(
        tmp_path / "m.gltf",
        meshes=[{"name": "q", "primitives": [primitive]}],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        images=[{"uri": "label%20art.png"}],
    )
    texture = load_model(path).meshes["q"].material.base_color_texture
    assert texture is not None and texture.pixels.shape == (8, 8, 3)


def test_obj_with_a_missing_texture_names_the_texture(tmp_path):
    (tmp_path / "m.mtl").write_text("newmtl a\nKd 1 1 1\nmap_Kd gone away.jpg\n")
    (tmp_path / "m.obj").write_text("mtllib m.mtl\nusemtl a\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(AssetError, match="texture file not found: 'gone away.jpg'") as caught:
        load_model(tmp_path / "m.obj")
    # the file the user gave first, then the material library that names the texture
    assert caught.value.file == str(tmp_path / "m.obj")
    assert str(caught.value).startswith(f"{tmp_path / 'm.obj'}: m.mtl: texture file not found")


def test_obj_with_a_missing_material_library(tmp_path):
    (tmp_path / "m.obj").write_text("mtllib lost.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(AssetError, match="material library not found: 'lost.mtl'"):
        load_model(tmp_path / "m.obj")


@pytest.mark.parametrize(
    ("width", "height"),
    [(9000, 9000), (20000, 20000)],  # over the 64 MP limit; over Pillow's own bomb limit
    ids=["over-texture-limit", "pillow-bomb"],
)
def test_gltf_texture_decompression_bomb(tmp_path, gltf_writer, width, height):
    bomb = png_header_only(tmp_path / "bomb.png", width, height)
    primitive = {
        "positions": QUAD_POSITIONS,
        "indices": QUAD_INDICES,
        "uv": [(0, 0)] * 4,
        "material": 0,
    }
    path = gltf_writer(
        tmp_path / "m.gltf",
        meshes=[{"name": "q", "primitives": [primitive]}],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        images=[{"uri": "bomb.png"}],
    )
    with pytest.raises(AssetError, match="decompression bomb") as caught:
        load_model(path)
    assert caught.value.file == str(path)
    assert str(caught.value).startswith(f"{path}: {bomb.name}: image ")
    # over the app's limit or Pillow's own, the designer is told to what size to scale it
    assert "a texture to scale down to 8000 pixels a side or less" in str(caught.value)


def test_obj_texture_decompression_bomb(tmp_path):
    png_header_only(tmp_path / "bomb.png", 9000, 9000)
    (tmp_path / "m.mtl").write_text("newmtl a\nmap_Kd bomb.png\n")
    (tmp_path / "m.obj").write_text("mtllib m.mtl\nusemtl a\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(AssetError, match="decompression bomb") as caught:
        load_model(tmp_path / "m.obj")
    assert str(caught.value).startswith(f"{tmp_path / 'm.obj'}: bomb.png: ")
    assert str(caught.value).endswith("a texture to scale down to 8000 pixels a side or less)")


def test_embedded_image_refusal_names_the_model_then_the_image(tmp_path, gltf_writer):
    header_only = png_header_only(tmp_path / "bomb.png", 9000, 9000).read_bytes()
    uri = "data:image/png;base64," + base64.b64encode(header_only).decode()
    path = gltf_writer(
        tmp_path / "m.gltf",
        meshes=[{"name": "q", "primitives": [{"positions": QUAD_POSITIONS,
                                              "indices": QUAD_INDICES, "uv": [(0, 0)] * 4,
                                              "material": 0}]}],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        images=[{"uri": uri}],
    )
    with pytest.raises(AssetError, match="decompression bomb") as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: images[0]: image is 9000x9000")


def _textured_quad(gltf_writer, path: Path, image: dict) -> Path:
    return gltf_writer(
        path,
        meshes=[{"name": "q", "primitives": [{"positions": QUAD_POSITIONS,
                                              "indices": QUAD_INDICES, "uv": [(0, 0)] * 4,
                                              "material": 0}]}],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        images=[image],
    )


def test_a_damaged_texture_file_is_named_by_its_file(tmp_path, gltf_writer, corner_png):
    whole = corner_png.read_bytes()
    (tmp_path / "label art.png").write_bytes(whole[: len(whole) // 2])
    path = _textured_quad(gltf_writer, tmp_path / "m.gltf", {"uri": "label%20art.png"})
    with pytest.raises(AssetError, match="damaged or truncated") as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: label art.png: image is damaged")
    assert "#image" not in str(caught.value)


def test_a_damaged_embedded_texture_is_named_by_its_field(tmp_path, gltf_writer, corner_png):
    whole = corner_png.read_bytes()
    uri = "data:image/png;base64," + base64.b64encode(whole[: len(whole) // 2]).decode()
    path = _textured_quad(gltf_writer, tmp_path / "m.gltf", {"uri": uri})
    with pytest.raises(AssetError, match="damaged or truncated") as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: images[0]: image is damaged")


def test_a_viewer_draws_a_gltf_whose_texture_is_missing_and_names_the_file(
    tmp_path, gltf_writer
):
    path = gltf_writer(
        tmp_path / "m.gltf",
        meshes=[{"name": "q", "primitives": [{"positions": QUAD_POSITIONS,
                                              "indices": QUAD_INDICES, "uv": [(0, 0)] * 4,
                                              "material": 0}]}],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0},
                                             "baseColorFactor": [1, 0, 0, 1]}}],
        images=[{"uri": "gone.png"}],
    )
    model = load_model(path, missing_textures="skip")
    material = model.meshes["q"].material
    assert material.base_color_texture is None
    assert material.base_color == (1.0, 0.0, 0.0, 1.0)
    assert model.warnings == (
        f"{path}: texture file not found: 'gone.png' (image 0); drawn without it",)


def test_a_viewer_draws_an_obj_whose_texture_is_missing_and_names_the_file(tmp_path):
    (tmp_path / "m.mtl").write_text("newmtl a\nKd 0 0 1\nmap_Kd gone.jpg\n")
    (tmp_path / "m.obj").write_text("mtllib m.mtl\nusemtl a\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    model = load_model(tmp_path / "m.obj", missing_textures="skip")
    [mesh] = model.meshes.values()
    assert mesh.material.base_color_texture is None
    assert mesh.material.base_color[:3] == (0.0, 0.0, 1.0)
    assert model.warnings == (f"{tmp_path / 'm.obj'}: m.mtl: texture file not found: "
                              "'gone.jpg' (map_Kd); drawn without it",)


@pytest.mark.parametrize("first_vertex", ["v 1", "v 1 2"])
def test_an_obj_whose_vertices_have_too_few_coordinates_is_refused(tmp_path, first_vertex):
    path = tmp_path / "flat.obj"
    path.write_text(f"{first_vertex}\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(AssetError, match=r"vertices have [12] coordinates where each needs "
                                         r"three \(x y z\)") as caught:
        load_model(path)
    assert_names_file(caught.value, path)
