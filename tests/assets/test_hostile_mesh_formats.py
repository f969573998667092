"""OBJ, STL and PLY files that are valid but unusual, or broken on purpose: each loads, or is
refused (or warned of) with a message that names the file, the field and the line; nothing
reaches the terminal (no traceback, no trimesh or numpy warning)."""

from __future__ import annotations

import logging
import os
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

from app.assets.model_loading import load_model
from app.cli import main
from app.errors import AssetError
from app.limits import FEWER_TRIANGLES, MAX_POLYGON_VERTICES
from tests.file_opens import assert_not_opened, opens

TRIANGLE = "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"


def ply(texture_line: str = "", file_format: str = "ascii") -> bytes:
    """A one-triangle PLY with texture coordinates; ``texture_line`` goes into its header."""
    head = (f"ply\nformat {file_format} 1.0\n{texture_line}"
            "element vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
            "property float s\nproperty float t\n"
            "element face 1\nproperty list uchar int vertex_indices\nend_header\n").encode()
    if file_format == "ascii":
        return head + b"0 0 0 0 0\n1 0 0 1 0\n0 1 0 0 1\n3 0 1 2\n"
    rows = [(0, 0, 0, 0, 0), (1, 0, 0, 1, 0), (0, 1, 0, 0, 1)]
    return head + b"".join(struct.pack("<5f", *row) for row in rows) + struct.pack(
        "<B3i", 3, 0, 1, 2)


@pytest.fixture
def quiet(caplog, capfd):
    """Asserts, after the test, that nothing was logged as a warning or printed to stderr."""
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert [r.getMessage() for r in caplog.records] == []
    assert [str(w.message) for w in caught if not issubclass(w.category, ResourceWarning)] == []
    assert capfd.readouterr().err == ""


def not_there(folder, kind: str, suffix: str = ".png") -> str:
    """The name of a file that is not there to read: missing, a folder, or a pipe."""
    name = f"{kind}{suffix}"
    if kind == "folder":
        (folder / name).mkdir()
    elif kind == "pipe":
        os.mkfifo(folder / name)
    return name


# -- a PLY's texture that is not there ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["missing", "folder", "pipe"])
def test_a_ply_whose_texture_is_not_there_is_refused_naming_texturefile(tmp_path, kind, quiet):
    name = not_there(tmp_path, kind)
    (tmp_path / "m.ply").write_bytes(ply(f"comment TextureFile {name}\n"))
    with pytest.raises(AssetError) as caught:
        load_model(tmp_path / "m.ply")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'm.ply'}: comment TextureFile: ")
    assert repr(name) in message and "mtllib" not in message


def test_a_ply_whose_texture_is_missing_is_drawn_without_it_in_a_viewer(tmp_path, quiet):
    (tmp_path / "m.ply").write_bytes(ply("comment TextureFile missing.png\n"))
    model = load_model(tmp_path / "m.ply", missing_textures="skip")
    assert model.warnings == (f"{tmp_path / 'm.ply'}: comment TextureFile: texture file not "
                              "found: 'missing.png'; drawn without it",)
    assert len(model.meshes) == 1


def test_validate_reports_a_ply_whose_texture_is_missing(tmp_path, capsys):
    (tmp_path / "m.ply").write_bytes(ply("comment TextureFile missing.png\n"))
    assert main(["--root", str(tmp_path), "validate", str(tmp_path / "m.ply")]) == 1
    assert "comment TextureFile: texture file not found: 'missing.png'" in capsys.readouterr().out


def test_a_ply_texture_that_is_there_is_still_drawn(tmp_path, quiet):
    from PIL import Image

    Image.new("RGB", (4, 4), (255, 0, 0)).save(tmp_path / "red.png")
    (tmp_path / "m.ply").write_bytes(ply("comment TextureFile red.png\n"))
    (mesh,) = load_model(tmp_path / "m.ply").meshes.values()
    assert mesh.material.base_color_texture is not None and mesh.uv is not None


# -- a byte order mark ----------------------------------------------------------------------------


def test_an_obj_and_its_library_starting_with_a_byte_order_mark_load(tmp_path, quiet):
    (tmp_path / "m.mtl").write_bytes(b"\xef\xbb\xbfnewmtl red\nKd 1 0 0\n")
    (tmp_path / "m.obj").write_bytes(b"\xef\xbb\xbfmtllib m.mtl\nusemtl red\n" + TRIANGLE.encode())
    (mesh,) = load_model(tmp_path / "m.obj").meshes.values()
    assert len(mesh.faces) == 1
    assert mesh.material.base_color == (1.0, 0.0, 0.0, 1.0)


# -- several material libraries -------------------------------------------------------------------

TWO_PARTS = ("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\n"
             "usemtl red\nf 1 2 3\nusemtl green\nf 2 4 3\n")


@pytest.mark.parametrize("libraries", ["mtllib a.mtl b.mtl\n", "mtllib a.mtl\nmtllib b.mtl\n"],
                         ids=["one-line", "two-lines"])
def test_every_material_library_an_obj_names_is_read(tmp_path, libraries, quiet):
    (tmp_path / "a.mtl").write_text("newmtl red\nKd 1 0 0\n")
    (tmp_path / "b.mtl").write_text("newmtl green\nKd 0 1 0\n")
    (tmp_path / "m.obj").write_text(libraries + TWO_PARTS)
    colours = {mesh.material.name: mesh.material.base_color
               for mesh in load_model(tmp_path / "m.obj").meshes.values()}
    assert colours == {"red": (1.0, 0.0, 0.0, 1.0), "green": (0.0, 1.0, 0.0, 1.0)}


def test_a_library_name_with_a_space_is_still_one_name(tmp_path, quiet):
    (tmp_path / "my materials.mtl").write_text("newmtl red\nKd 1 0 0\n")
    (tmp_path / "m.obj").write_text("mtllib my materials.mtl\nusemtl red\n" + TRIANGLE)
    (mesh,) = load_model(tmp_path / "m.obj").meshes.values()
    assert mesh.material.base_color == (1.0, 0.0, 0.0, 1.0)


@pytest.mark.parametrize("second", ["../outside/secret.mtl", "OUTSIDE/secret.mtl",
                                    "../../../../../../../etc/hostname"])
def test_a_second_library_outside_the_folder_is_refused(tmp_path, second):
    model_dir, outside = tmp_path / "model", tmp_path / "outside"
    model_dir.mkdir()
    outside.mkdir()
    (outside / "secret.mtl").write_text("newmtl red\nKd 1 0 0\n")
    (model_dir / "a.mtl").write_text("newmtl red\nKd 1 0 0\n")
    second = second.replace("OUTSIDE", str(outside))
    (model_dir / "m.obj").write_text(f"mtllib a.mtl {second}\n{TRIANGLE}")
    with opens() as opened, pytest.raises(AssetError) as caught:
        load_model(model_dir / "m.obj")
    assert_not_opened(opened, outside, Path("/etc/hostname"))
    assert str(caught.value) == (f"{model_dir / 'm.obj'}: mtllib: {second!r} leaves the "
                                 "model's folder (--asset-root DIR allows another)")


@pytest.mark.parametrize("kind", ["missing", "folder", "pipe"])
def test_a_second_library_that_is_not_there_is_refused_naming_it(tmp_path, kind):
    (tmp_path / "a.mtl").write_text("newmtl red\nKd 1 0 0\n")
    name = not_there(tmp_path, kind, ".mtl")
    (tmp_path / "m.obj").write_text(f"mtllib a.mtl {name}\n{TRIANGLE}")
    with pytest.raises(AssetError, match=f"material library.*{name!r}") as caught:
        load_model(tmp_path / "m.obj")
    assert caught.value.file == str(tmp_path / "m.obj")


# -- face indices ---------------------------------------------------------------------------------


def test_texture_coordinate_and_normal_indices_past_the_file_are_warned_of(tmp_path, quiet):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvn 0 0 1\n"
                    "f 1/1/1 2/7/1 3/1/9\nf 1/8/1 2/1/1 3/1/1\n")
    model = load_model(path)
    assert model.warnings == (
        f"{path}: f: texture coordinate index 7 is out of range: the file has 1 vt line "
        "(1 more corner like it); the part it is in is drawn without texture coordinates "
        "(line 6, column 9)",
        f"{path}: f: normal index 9 is out of range: the file has 1 vn line; the part it is "
        "in is drawn with normals made from its surface (line 6, column 15)")
    (mesh,) = model.meshes.values()
    assert mesh.uv is None and len(mesh.faces) == 2


def test_a_vertex_index_past_the_file_is_refused_naming_the_line(tmp_path, quiet):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\nf 1 2 4\n")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: f: vertex index 4 is out of range: the file has 3 "
                                 "v lines (line 5, column 7)")


@pytest.mark.parametrize("faces", ["f 0 1 2\n", "f 1/1 2/1 3/1\nf 1 2 3\nf 0 1 2\n"],
                         ids=["one-form", "mixed-forms"])
def test_index_0_is_refused_as_no_obj_index(tmp_path, faces, quiet):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\n" + faces)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    line = 4 + faces.count("\n")
    assert str(caught.value) == (f"{path}: f: vertex index 0 is not a valid OBJ index: "
                                 f"indices count from 1 (line {line}, column 3)")


def test_a_corner_that_is_no_number_is_refused_naming_the_line(tmp_path, quiet):
    path = tmp_path / "m.obj"
    path.write_text(TRIANGLE + "f 1 2 3 x\n")
    with pytest.raises(AssetError, match=r"got 'x' \(line 5, column 9\)$"):
        load_model(path)


def test_a_face_continued_on_the_next_line_is_read_whole(tmp_path, quiet):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\nf 1 2 \\\n4 3\nf 1 2 \\\n5\n")
    with pytest.raises(AssetError, match=r"index 5 is out of range.*\(line 8, column 1\)$"):
        load_model(path)


# -- a PLY format that does not exist -------------------------------------------------------------


def test_a_ply_in_a_format_ply_does_not_have_is_refused_naming_the_line(tmp_path, quiet):
    path = tmp_path / "m.ply"
    path.write_bytes(ply(file_format="binary_middle_endian"))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (
        f"{path}: format: 'binary_middle_endian' is no PLY format; expected one of ascii, "
        "binary_little_endian, binary_big_endian (line 2, column 8)")


def test_a_binary_ply_still_loads(tmp_path, quiet):
    (tmp_path / "m.ply").write_bytes(ply(file_format="binary_little_endian"))
    (mesh,) = load_model(tmp_path / "m.ply").meshes.values()
    assert len(mesh.faces) == 1


# -- infinite coordinates -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
@pytest.mark.parametrize("binary", [True, False], ids=["binary", "ascii"])
def test_an_stl_with_a_coordinate_no_number_holds_is_refused_quietly(tmp_path, value, binary):
    corners = [(0, 0, 0), (value, 0, 0), (0, 1, 0)]
    path = tmp_path / "m.stl"
    if binary:
        path.write_bytes(b"\0" * 80 + struct.pack("<I", 2) + b"".join(
            struct.pack("<12fH", 0, 0, 1, *np.ravel(points), 0)
            for points in (corners, [(0, 0, 0), (1, 0, 0), (0, 1, 0)])))
    else:
        facets = "".join("facet normal 0 0 1\nouter loop\n" + "".join(
            f"vertex {x} {y} {z}\n" for x, y, z in points) + "endloop\nendfacet\n"
            for points in (corners, [(0, 0, 0), (1, 0, 0), (0, 1, 0)]))
        path.write_text(f"solid s\n{facets}endsolid s\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(AssetError, match="NaN or infinite vertex coordinates"):
            load_model(path)
    assert [str(warning.message) for warning in caught] == []


# -- polygons of absurd size ----------------------------------------------------------------------


def test_a_polygon_of_half_a_million_corners_is_refused_naming_the_line(tmp_path, quiet):
    path = tmp_path / "m.obj"
    path.write_text(TRIANGLE + "f " + " ".join(str(1 + i % 3) for i in range(500_000)) + "\n")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: f: a polygon of 500000 corners is over the limit of "
                                 f"{MAX_POLYGON_VERTICES} corners (line 5, column 1)")


def test_a_polygon_at_the_limit_loads(tmp_path, quiet):
    angles = np.linspace(0.0, 2.0 * np.pi, MAX_POLYGON_VERTICES, endpoint=False)
    vertices = "".join(f"v {np.cos(a):.6f} {np.sin(a):.6f} 0\n" for a in angles)
    path = tmp_path / "m.obj"
    path.write_text(vertices + "f " + " ".join(map(str, range(1, len(angles) + 1))) + "\n")
    (mesh,) = load_model(path).meshes.values()
    assert len(mesh.faces) == MAX_POLYGON_VERTICES - 2


def test_an_obj_with_too_many_triangles_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr("app.assets.obj_faces.MAX_TRIANGLES", 3)
    path = tmp_path / "m.obj"
    path.write_text(TRIANGLE + "f 1 2 3 1 2 3\n")  # 1 + 4 triangles
    with pytest.raises(AssetError, match="more than 3 triangles") as caught:
        load_model(path)
    assert str(caught.value).endswith(f"the limit: {FEWER_TRIANGLES}")
