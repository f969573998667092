"""OBJ and PLY files read as their formats mean them: negative OBJ indices counted back from
their own line, indented OBJ lines, textures beside a material library in a subfolder, and PLY
faces of absurd sizes refused before trimesh builds their triangles. What is checked is what
is drawn: each test looks at the loaded triangles or pixels."""

from __future__ import annotations

import os
import struct

import numpy as np
import pytest
from PIL import Image

from app.assets.model_loading import load_model
from app.assets.ply_faces import PLY_TYPES
from app.cli import main
from app.errors import AssetError
from app.limits import MAX_POLYGON_VERTICES
from tests.assets.test_hostile_mesh_formats import quiet  # noqa: F401 (a fixture)
from tests.conftest import EXTERNAL_DIR
from tests.file_opens import assert_not_opened, opens

pytestmark = pytest.mark.usefixtures("quiet")  # nothing logged, warned of or printed to stderr

# -- reading as OBJ means it ----------------------------------------------------------------------


def reference_triangles(text: str) -> list[tuple]:
    """The triangles of the OBJ ``text`` as the format means them: each index from 1, a
    negative one counted back from the line it is on, each polygon a fan; a corner is its
    position and its (u, 1 - v) texture coordinate, or None."""
    found: dict[str, list] = {"v": [], "vt": [], "vn": []}
    triangles = []
    for line in text.replace("\\\n", " ").splitlines():
        words = line.split()
        if words and words[0] in found:
            found[words[0]].append(tuple(float(w) for w in words[1:]))
        elif words and words[0] == "f":
            corners = []
            for word in words[1:]:
                indices = [int(i) if i else None for i in (word.split("/") + ["", ""])[:3]]
                v, vt = (None if i is None else found[kind][i - 1 if i > 0 else len(found[kind])
                                                            + i]
                         for i, kind in zip(indices[:2], ("v", "vt"), strict=True))
                corners.append((v, None if vt is None else (vt[0], 1.0 - vt[1])))
            triangles += [(corners[0], corners[i], corners[i + 1])
                          for i in range(1, len(corners) - 1)]
    return sorted(_turned(t) for t in triangles)


def loaded_triangles(path) -> list[tuple]:
    """The triangles of the model at ``path`` as ``reference_triangles`` writes them."""
    triangles = []
    for mesh in load_model(path).meshes.values():
        for face in mesh.faces:
            triangles.append(tuple(
                (tuple(float(c) for c in mesh.vertices[i]),
                 None if mesh.uv is None else tuple(float(c) for c in mesh.uv[i]))
                for i in face))
    return sorted(_turned(t) for t in triangles)


def _turned(triangle: tuple) -> tuple:
    """``triangle`` turned to start at its least corner (the same triangle, the same way)."""
    first = min(range(3), key=lambda i: repr(triangle[i]))
    return triangle[first:] + triangle[:first]


TWO_OBJECTS = ("o first\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf -3 -2 -1\n"
               "o second\nv 2 0 0\nv 3 0 0\nv 2 1 0\nv 3 1 0\nf -4 -3 -1 -2\n")


def test_negative_indices_count_back_from_their_own_line(tmp_path):
    path = tmp_path / "m.obj"
    path.write_text(TWO_OBJECTS)
    triangles = loaded_triangles(path)
    assert triangles == reference_triangles(TWO_OBJECTS)
    assert {corner[0] for triangle in triangles[:1] for corner in triangle} == {
        (0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)}
    assert len(triangles) == 3


def test_negative_texture_coordinate_indices_count_back_from_their_own_line(tmp_path):
    text = ("v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\nvn 0 0 1\n"
            "f -3/-3/-1 -2/-2/-1 -1/-1/-1\n"
            "v 0 0 1\nv 1 0 1\nv 0 1 1\nvt 0.5 0.5\nvt 0.25 0.5\nvt 0.5 0.25\n"
            "f -3/-3 -2/-2 -1/-1\n")
    path = tmp_path / "m.obj"
    path.write_text(text)
    assert loaded_triangles(path) == reference_triangles(text)
    (mesh,) = load_model(path).meshes.values()
    corners = {tuple(map(float, p)): tuple(map(float, t)) for p, t in zip(mesh.vertices, mesh.uv,
                                                                           strict=True)}
    assert corners[(1.0, 0.0, 1.0)] == (0.25, 0.5)  # vt 0.25 0.5, v flipped
    assert corners[(1.0, 0.0, 0.0)] == (1.0, 1.0)


@pytest.mark.parametrize("seed", range(4))
def test_interleaved_objects_with_negative_and_positive_indices_load_as_written(tmp_path, seed):
    rng = np.random.default_rng(seed)
    lines, v, vt = [], 0, 0
    for _ in range(30):
        for _ in range(int(rng.integers(3, 6))):
            lines.append(f"{' ' * int(rng.integers(0, 2))}v {int(rng.integers(-9, 9))} "
                         f"{int(rng.integers(-9, 9))} {v}")
            lines.append(f"vt {rng.integers(0, 8) / 8} {rng.integers(0, 8) / 8}")
            v, vt = v + 1, vt + 1
        corners = []
        for _ in range(3):
            back = int(rng.integers(1, min(v, 5) + 1))
            positive = rng.random() < 0.3
            corners.append(f"{v - back + 1}/{vt - back + 1}" if positive else f"-{back}/-{back}")
        lines.append("\t" * int(rng.integers(0, 2)) + "f " + " ".join(corners))
    text = "\n".join(lines) + "\n"
    path = tmp_path / "m.obj"
    path.write_text(text)
    assert loaded_triangles(path) == reference_triangles(text.replace("\t", ""))


def test_negative_indices_on_a_continued_line_count_from_its_start(tmp_path):
    text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nf -3 -2 \\\n-1\nv 5 5 5\n"
    path = tmp_path / "m.obj"
    path.write_text(text)
    assert loaded_triangles(path) == reference_triangles(text)


def test_a_negative_index_before_the_first_vertex_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf -3 -2 -1\nf -1 -2 -4\nv 1 1 0\n")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: f: vertex index -4 is out of range: 3 v lines come "
                                 "before it (line 5, column 9)")


def test_a_negative_index_before_any_vertex_names_nothing(tmp_path):
    path = tmp_path / "m.obj"
    path.write_text("f -1 -2 -3\nv 0 0 0\nv 1 0 0\nv 0 1 0\n")
    with pytest.raises(AssetError, match=r"vertex index -1 names nothing: no v line comes "
                                         r"before it \(line 1, column 3\)$"):
        load_model(path)


def test_a_negative_texture_coordinate_before_the_first_is_warned_of(tmp_path):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nf 1/-1 2/-1 3/-2\nvt 1 1\nvt 1 0\n")
    model = load_model(path)
    assert model.warnings == (
        f"{path}: f: texture coordinate index -2 is out of range: 1 vt line comes before it; "
        "the part it is in is drawn without texture coordinates (line 5, column 13)",)
    (mesh,) = model.meshes.values()
    assert mesh.uv is None and len(mesh.faces) == 1


def test_validate_refuses_an_interleaved_file_whose_index_reaches_back_too_far(tmp_path,
                                                                               capfd):
    path = tmp_path / "m.obj"
    path.write_text(TWO_OBJECTS.replace("f -4 -3 -1 -2", "f -4 -3 -1 -9"))
    assert main(["--root", str(tmp_path), "validate", str(path)]) == 1
    assert "vertex index -9 is out of range: 7 v lines come before it (line 11, column 12)" in (
        capfd.readouterr().out)


def test_a_corner_with_a_lone_sign_is_refused_naming_it(tmp_path):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1/- 2/- 3/-\n")
    with pytest.raises(AssetError, match=r"got '1/-' \(line 4, column 3\)$"):
        load_model(path)


# -- indented lines -------------------------------------------------------------------------------


def test_indented_lines_are_read_and_drawn(tmp_path):
    (tmp_path / "m.mtl").write_text("newmtl red\nKd 1 0 0\n")
    text = ("  mtllib m.mtl\n\tv 0 0 0\n    v 1 0 0\n v 0 1 0\n\t vt 0 0\n  vt 1 0\n vt 0 1\n"
            "  usemtl red\n\t f 1/1 2/2 3/3\n")
    path = tmp_path / "m.obj"
    path.write_text(text)
    assert loaded_triangles(path) == reference_triangles(text)
    (mesh,) = load_model(path).meshes.values()
    assert mesh.material.base_color == (1.0, 0.0, 0.0, 1.0)


def test_indented_vertices_are_counted_by_the_faces_after_them(tmp_path):
    text = "v 9 9 9\n  v 0 0 0\nv 1 0 0\nv 0 1 0\nf 2 3 4\n"  # 2 is the indented one
    path = tmp_path / "m.obj"
    path.write_text(text)
    assert loaded_triangles(path) == reference_triangles(text)


def test_a_tab_after_v_and_f_is_read_as_a_space(tmp_path):
    text = "v\t0 0 0\nv\t1 0 0\nv 0 1 0\nv\t1 1 0\nf\t1 2 3\nf 2 4 3\n"
    path = tmp_path / "m.obj"
    path.write_text(text)
    assert loaded_triangles(path) == reference_triangles(text.replace("\t", " "))


def test_an_indented_polygon_of_half_a_million_corners_is_refused(tmp_path):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\n   f " + " ".join(
        str(1 + i % 3) for i in range(500_000)) + "\n")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: f: a polygon of 500000 corners is over the limit of "
                                 f"{MAX_POLYGON_VERTICES} corners (line 4, column 4)")


def test_an_indented_vertex_index_past_the_file_is_refused(tmp_path):
    path = tmp_path / "m.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\n\tf 1 2 7\n")
    with pytest.raises(AssetError, match=r"vertex index 7 is out of range: the file has 3 v "
                                         r"lines \(line 4, column 8\)$"):
        load_model(path)


# -- textures beside a material library in a subfolder -------------------------------------------

SQUARE = ("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
          "usemtl a\nf 1/1 2/2 3/3 4/4\n")


def pattern() -> np.ndarray:
    """A 2 x 2 texture of four colours."""
    return np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 0]]], np.uint8)


def subfolder_model(tmp_path, map_line: str = "map_Kd tex.png"):
    (tmp_path / "materials").mkdir()
    Image.fromarray(pattern()).save(tmp_path / "materials" / "tex.png")
    (tmp_path / "materials" / "m.mtl").write_text(f"newmtl a\n{map_line}\n")
    (tmp_path / "m.obj").write_text("mtllib materials/m.mtl\n" + SQUARE)
    return tmp_path / "m.obj"


@pytest.mark.parametrize("map_line", ["map_Kd tex.png", "map_Kd -s 1 1 1 tex.png",
                                      "  map_Kd   tex.png  "])
def test_a_texture_beside_a_library_in_a_subfolder_is_drawn(tmp_path, map_line):
    (mesh,) = load_model(subfolder_model(tmp_path, map_line)).meshes.values()
    texture = mesh.material.base_color_texture
    assert texture is not None and mesh.uv is not None
    np.testing.assert_array_equal(texture.pixels[..., :3], pattern())


def test_a_subfolder_texture_renders_with_its_pixels(tmp_path):
    path = subfolder_model(tmp_path)
    out = tmp_path / "x.png"
    assert main(["render", "--model", str(path), "--size", "64x48",
                 "--out", str(out)]) == 0
    pixels = np.asarray(Image.open(out).convert("RGB"), np.int64)
    # the textured square shows its four colours: some pixels mostly red, green, blue, yellow
    for colour in ((1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0)):
        mask = np.array(colour, bool)
        strong = pixels[..., mask].min(axis=-1) - pixels[..., ~mask].max(axis=-1, initial=0)
        assert (strong > 60).any(), colour


def test_a_texture_only_beside_the_obj_is_not_drawn_for_a_library_in_a_subfolder(tmp_path):
    path = subfolder_model(tmp_path)
    os.replace(tmp_path / "materials" / "tex.png", tmp_path / "tex.png")
    with pytest.raises(AssetError, match="texture file not found: 'tex.png'"):
        load_model(path)
    model = load_model(path, missing_textures="skip")
    (mesh,) = model.meshes.values()
    assert mesh.material.base_color_texture is None
    assert model.warnings == (f"{path}: m.mtl: texture file not found: 'tex.png' (map_Kd); "
                              "drawn without it",)


@pytest.mark.parametrize(("name", "refusal"), [
    ("../../outside/tex.png", "leaves the model's folder"),
    # an absolute path with no file of its name beside the library (with one, that file is
    # drawn: tests/assets/test_mtl_absolute_paths.py)
    ("OUTSIDE/secret.png", "leaves the model's folder"),
    ("pipe.png", "is no regular file"),
])
def test_a_subfolder_library_s_texture_that_may_not_be_read_stays_refused(tmp_path, name,
                                                                          refusal):
    model_dir, outside = tmp_path / "model", tmp_path / "outside"
    model_dir.mkdir()
    outside.mkdir()
    Image.fromarray(pattern()).save(outside / "tex.png")
    Image.fromarray(pattern()).save(outside / "secret.png")
    path = subfolder_model(model_dir, f"map_Kd {name.replace('OUTSIDE', str(outside))}")
    os.mkfifo(model_dir / "materials" / "pipe.png")
    with opens() as opened, pytest.raises(AssetError, match=refusal) as caught:
        load_model(path)
    assert_not_opened(opened, outside, model_dir / "materials" / "pipe.png")
    assert str(caught.value).startswith(f"{path}: ") and "m.mtl: " in str(caught.value)


def test_a_subfolder_library_s_pipe_is_left_out_in_a_viewer(tmp_path):
    path = subfolder_model(tmp_path, "map_Kd pipe.png")
    os.mkfifo(tmp_path / "materials" / "pipe.png")
    with opens() as opened:
        model = load_model(path, missing_textures="skip")
    assert_not_opened(opened, tmp_path / "materials" / "pipe.png")
    (mesh,) = model.meshes.values()
    assert mesh.material.base_color_texture is None
    assert "is no regular file" in model.warnings[0]


# -- PLY faces of absurd size ---------------------------------------------------------------------

QUAD_VERTICES = [(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (2, 0, 0), (2, 1, 0)]


def ply(faces: list[list[int]], file_format: str = "ascii", count: str = "uchar",
        index: str = "int", declared: list[int] | None = None, before: str = "") -> bytes:
    """A PLY of ``QUAD_VERTICES`` and ``faces``; ``declared`` writes other corner counts than
    the faces have, ``before`` properties before the face's corners."""
    head = (f"ply\nformat {file_format} 1.0\nelement vertex {len(QUAD_VERTICES)}\n"
            "property float x\nproperty float y\nproperty float z\n"
            f"element face {len(faces)}\n{before}property list {count} {index} vertex_indices\n"
            "end_header\n").encode()
    declared = declared or [len(face) for face in faces]
    if file_format == "ascii":
        return head + "".join(f"{x} {y} {z}\n" for x, y, z in QUAD_VERTICES).encode() + "".join(
            f"{n} {' '.join(map(str, face))}\n" for n, face in zip(declared, faces, strict=True)
        ).encode()
    end = ">" if "big" in file_format else "<"
    kinds = {name: code for name, code in (("uchar", "B"), ("ushort", "H"), ("int", "i"),
                                           ("uint", "I"))}
    return head + b"".join(struct.pack(f"{end}3f", *v) for v in QUAD_VERTICES) + b"".join(
        struct.pack(f"{end}{kinds[count]}{len(face)}{kinds[index]}", n, *face)
        for n, face in zip(declared, faces, strict=True))


FORMATS = ["ascii", "binary_little_endian", "binary_big_endian"]


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_ply_face_of_half_a_million_corners_is_refused(tmp_path, file_format):
    path = tmp_path / "m.ply"
    path.write_bytes(ply([[i % 6 for i in range(500_000)]], file_format, count="int"))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    where = " (line 16, column 1)" if file_format == "ascii" else ""
    assert str(caught.value) == (f"{path}: element face, property vertex_indices: face 1: a "
                                 f"polygon of 500000 corners is over the limit of "
                                 f"{MAX_POLYGON_VERTICES} corners{where}")


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize(("count", "value"), [("ushort", 65_535), ("int", 2 ** 31 - 1),
                                              ("uint", 2 ** 32 - 1)])
def test_a_ply_face_count_no_face_has_is_refused(tmp_path, file_format, count, value):
    path = tmp_path / "m.ply"
    path.write_bytes(ply([[0, 1, 2], [0, 2, 3]], file_format, count=count, declared=[3, value]))
    if file_format != "ascii":  # a binary file is read as long as its first face
        path.write_bytes(ply([[0, 1, 2]], file_format, count=count, declared=[value]))
    with pytest.raises(AssetError, match=f"face {2 if file_format == 'ascii' else 1}: a polygon "
                                         f"of {value} corners is over the limit"):
        load_model(path)


def test_a_ply_face_after_another_list_is_counted_too(tmp_path):
    path = tmp_path / "m.ply"
    path.write_bytes(ply([[0, 1, 2]], declared=[600_000],
                         before="property list uchar float texcoord\n").replace(
        b"\n600000 ", b"\n2 0.5 0.5 600000 "))
    with pytest.raises(AssetError, match=r"face 1: a polygon of 600000 corners .* \(line 17, "):
        load_model(path)


def test_ply_lines_that_end_in_carriage_returns_alone_are_counted_as_trimesh_reads_them(
        tmp_path):
    data = ply([[0, 1, 2], [0, 2, 3]], declared=[3, 70_000])
    head, _, body = data.partition(b"end_header\n")
    (tmp_path / "m.ply").write_bytes(head + b"end_header\n" + body.replace(b"\n", b"\r"))
    with pytest.raises(AssetError, match=r"face 2: a polygon of 70000 corners .* \(line 17, "):
        load_model(tmp_path / "m.ply")


def test_a_binary_ply_face_counted_past_the_end_of_the_file_is_refused(tmp_path):
    # a quad counted as 5 corners: its list would run past the end of the file
    path = tmp_path / "m.ply"
    path.write_bytes(ply([[0, 1, 2, 3], [1, 4, 5, 2]], "binary_little_endian").replace(
        struct.pack("<B4i", 4, 1, 4, 5, 2), struct.pack("<B4i", 5, 1, 4, 5, 2)))
    with pytest.raises(AssetError, match="element face: face 2 of 2 runs past the end of the "
                                         "file: the file is truncated, or a count in it is "
                                         "wrong"):
        load_model(path)


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_ply_of_too_many_triangles_is_refused_before_trimesh_reads_it(tmp_path, file_format,
                                                                         monkeypatch):
    monkeypatch.setattr("app.assets.ply_faces.MAX_TRIANGLES", 3)
    monkeypatch.setattr("trimesh.exchange.ply._ply_ascii", None)  # reading the faces fails
    monkeypatch.setattr("trimesh.exchange.ply._ply_binary", None)
    path = tmp_path / "m.ply"
    path.write_bytes(ply([[0, 1, 2, 3], [1, 4, 5, 2]], file_format))  # 4 triangles
    with pytest.raises(AssetError, match="element face, property vertex_indices: its faces make "
                                         "more than"):
        load_model(path)


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_valid_ply_of_quads_and_triangles_loads_as_its_faces_say(tmp_path, file_format):
    faces = [[0, 1, 2, 3], [1, 4, 5, 2]] if file_format != "ascii" else [[0, 1, 2, 3], [1, 4, 2]]
    path = tmp_path / "m.ply"
    path.write_bytes(ply(faces, file_format))
    triangles = loaded_triangles(path)
    expected = [(QUAD_VERTICES[face[0]], QUAD_VERTICES[face[i]], QUAD_VERTICES[face[i + 1]])
                for face in faces for i in range(1, len(face) - 1)]
    assert triangles == sorted(_turned(tuple((tuple(map(float, c)), None) for c in t))
                               for t in expected)


def test_the_fuze_bottle_ply_loads_with_its_texture():
    model = load_model(EXTERNAL_DIR / "FuzeBottle_OBJ_PLY" / "fuze.ply")
    (mesh,) = model.meshes.values()
    assert len(mesh.faces) == 1000 and mesh.material.base_color_texture is not None


def test_the_ply_types_are_those_trimesh_reads():
    from trimesh.exchange.ply import _dtypes  # noqa: PLC0415

    assert PLY_TYPES == _dtypes


@pytest.mark.parametrize(("row", "values"), [("0 0 0 7 7", 5), ("0 0", 2), ("", 0)])
def test_an_ascii_ply_row_of_other_values_than_its_properties_is_refused(tmp_path, row,
                                                                         values):
    # trimesh reads a row as far as it goes: a vertex with a value too many or too few, or a
    # blank line among the rows, came out as a part drawn wrong, with no word of it
    path = tmp_path / "m.ply"
    data = ply([[0, 1, 2], [0, 2, 3]]).decode().split("\n")
    data[10] = row  # the second vertex
    path.write_text("\n".join(data))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: element vertex: row 2 has {values} value"
                                 f"{'s' if values != 1 else ''} where it takes 3 "
                                 "(line 11, column 1)")


def test_an_ascii_ply_face_row_of_more_values_than_its_count_is_refused(tmp_path):
    path = tmp_path / "m.ply"
    path.write_bytes(ply([[0, 1, 2], [0, 2, 3]]).replace(b"\n3 0 2 3\n", b"\n3 0 2 3 1\n"))
    with pytest.raises(AssetError, match=r"element face: row 2 has 5 values where it takes 4 "
                                         r"\(line 17, column 1\)"):
        load_model(path)


def test_an_ascii_ply_of_mixed_faces_with_a_colour_each_loads(tmp_path):
    path = tmp_path / "m.ply"
    data = ply([[0, 1, 2, 3], [1, 4, 2]], before="").replace(
        b"property list uchar int vertex_indices\n",
        b"property list uchar int vertex_indices\nproperty uchar red\n")
    data = data.replace(b"\n4 0 1 2 3\n", b"\n4 0 1 2 3 200\n").replace(b"\n3 1 4 2\n",
                                                                         b"\n3 1 4 2 10\n")
    path.write_bytes(data)
    (mesh,) = load_model(path).meshes.values()
    assert len(mesh.faces) == 3


# -- UVs without a texture --------------------------------------------------------------------

UV_TRIANGLE_PLY = """ply
format ascii 1.0
comment Created in Blender version 5.0.1
element vertex 3
property float x
property float y
property float z
property float s
property float t
element face 1
property list uchar uint vertex_indices
end_header
0 0 0 0 0
1 0 0 1 0
0 1 0 0 1
3 0 1 2
"""


@pytest.mark.parametrize(("name", "text"), [
    ("uv.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\nf 1/1 2/2 3/3\n"),
    ("uv.ply", UV_TRIANGLE_PLY),
])
def test_uvs_without_a_texture_draw_the_default_colour(tmp_path, name, text):
    """An OBJ with UVs and no material, a PLY with UVs and no texture (as Blender writes it):
    trimesh gives such a mesh a 2x2 grey stand-in image, which drew it dark grey (100 of
    255); it is drawn as a mesh without a material is, light grey."""
    (tmp_path / name).write_text(text)
    (mesh,) = load_model(tmp_path / name).meshes.values()
    assert mesh.material.base_color_texture is None
    assert mesh.material.base_color == pytest.approx((0.8, 0.8, 0.8, 1.0))
