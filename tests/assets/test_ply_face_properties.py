"""Binary PLY files whose faces differ in corner count and carry more than their corners: a
colour per face as MeshLab writes it, flags, a list of texture coordinates per face. They load
as their ASCII twins do, each face a fan of triangles that keeps the face's values; broken or
hostile ones are refused naming the file and the element, never with a numpy or struct
message, a hang or a huge allocation."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc

import pytest
import trimesh

from app.assets.model_loading import load_model
from app.assets.ply_faces import read_ply_header
from app.assets.ply_polygons import fanned_binary_ply
from app.errors import AssetError
from tests.assets.test_hostile_mesh_formats import quiet  # noqa: F401 (a fixture)
from tests.assets.test_ply_polygons import FACES, FANS, VERTICES, expected, triangles

pytestmark = pytest.mark.usefixtures("quiet")  # nothing logged, warned of or printed to stderr

CODES = {"char": "b", "uchar": "B", "short": "h", "ushort": "H", "int": "i", "uint": "I",
         "float": "f", "double": "d"}
COLOURS = [(255, 0, 0, 255), (0, 255, 0, 128), (0, 0, 255, 255)]
# MeshLab's face element: the corners, then a colour
MESHLAB = [("list", "vertex_indices"), ("uchar", "red"), ("uchar", "green"), ("uchar", "blue"),
           ("uchar", "alpha")]


def meshlab_values(faces=FACES) -> list[dict]:
    return [dict(zip(("red", "green", "blue", "alpha"), COLOURS[n % 3], strict=True))
            for n in range(len(faces))]


def face_ply(path, properties=MESHLAB, values=None, faces=FACES, *,
             file_format="binary_little_endian", count="uchar", index="int", vertices=VERTICES,
             cut=0, declared=None):
    """A PLY of ``vertices`` and ``faces`` whose face element has ``properties`` (``("list",
    name)`` the corners, ``("list", name, count, item)`` another list, else ``(type, name)``),
    each face's values of the other properties in ``values``; ``cut`` bytes off its end,
    ``declared`` faces in its header."""
    values = meshlab_values(faces) if values is None else values
    lines = ["ply", f"format {file_format} 1.0", "comment VCGLIB generated",
             f"element vertex {len(vertices)}", "property float x", "property float y",
             "property float z", f"element face {len(faces) if declared is None else declared}"]
    for prop in properties:
        if prop[0] == "list":
            lines.append(f"property list {prop[2] if len(prop) > 2 else count} "
                         f"{prop[3] if len(prop) > 2 else index} {prop[1]}")
        else:
            lines.append(f"property {prop[0]} {prop[1]}")
    head = ("\n".join([*lines, "end_header"]) + "\n").encode()
    if file_format == "ascii":
        rows = [" ".join(map(str, v)) for v in vertices]
        for face, value in zip(faces, values, strict=True):
            row = []
            for prop in properties:
                items = face if len(prop) == 2 and prop[0] == "list" else value[prop[1]]
                row += [len(items), *items] if prop[0] == "list" else [items]
            rows.append(" ".join(map(str, row)))
        return _written(path, head + ("\n".join(rows) + "\n").encode(), cut)
    end = "<" if "little" in file_format else ">"
    body = b"".join(struct.pack(f"{end}3f", *v) for v in vertices)
    for face, value in zip(faces, values, strict=True):
        for prop in properties:
            if prop[0] == "list":
                items = face if len(prop) == 2 else value[prop[1]]
                count_type, item_type = (count, index) if len(prop) == 2 else prop[2:]
                body += struct.pack(f"{end}{CODES[count_type]}{len(items)}{CODES[item_type]}",
                                    len(items), *items)
            else:
                body += struct.pack(f"{end}{CODES[prop[0]]}", value[prop[1]])
    return _written(path, head + body, cut)


def _written(path, data: bytes, cut: int):
    path.write_bytes(data[:len(data) - cut])
    return path


def refusal(path) -> AssetError:
    with pytest.raises(AssetError) as caught:
        load_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: element face"), message
    assert "cannot be read as" not in message  # trimesh's own words, a numpy message in them
    return caught.value


# -- what loads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("endian", ["little", "big"])
@pytest.mark.parametrize(("count", "index"), [("uchar", "int"), ("uchar", "uint"),
                                              ("ushort", "int"), ("int", "uint")])
def test_meshlab_s_faces_with_a_colour_load_as_fans(tmp_path, endian, count, index):
    path = face_ply(tmp_path / "m.ply", file_format=f"binary_{endian}_endian", count=count,
                    index=index)
    assert triangles(path)[0] == expected()
    assert triangles(path)[0] == triangles(face_ply(tmp_path / "a.ply", file_format="ascii"))[0]


@pytest.mark.parametrize("properties", [
    [("int", "flags"), ("list", "vertex_indices")],
    [("list", "vertex_indices"), ("int", "flags")],
    [("uchar", "quality"), ("list", "vertex_indices"), ("double", "area"), ("short", "flags")],
], ids=["before", "after", "around"])
@pytest.mark.parametrize("endian", ["little", "big"])
def test_faces_with_scalars_before_and_after_their_corners_load_as_fans(tmp_path, properties,
                                                                        endian):
    values = [{"flags": -n, "quality": 7 * n, "area": 0.5 + n} for n in range(len(FACES))]
    path = face_ply(tmp_path / "m.ply", properties, values,
                    file_format=f"binary_{endian}_endian")
    twin = face_ply(tmp_path / "a.ply", properties, values, file_format="ascii")
    assert triangles(path)[0] == triangles(twin)[0] == expected()


@pytest.mark.parametrize("endian", ["little", "big"])
def test_each_fan_triangle_keeps_its_face_s_colour_and_values(tmp_path, endian):
    properties = [("short", "flags"), *MESHLAB]
    values = [{**colour, "flags": 100 + n} for n, colour in enumerate(meshlab_values())]
    path = face_ply(tmp_path / "m.ply", properties, values, file_format=f"binary_{endian}_endian")
    mesh = trimesh.load(io.BytesIO(fanned_binary_ply(path, read_ply_header(path, "m"), "m")),
                        file_type="ply", process=False)
    faces = [0, 0, 1, 2, 2, 2]  # the face each of FANS is cut from
    assert mesh.faces.tolist() == [list(fan) for fan in FANS]
    assert mesh.visual.face_colors.tolist() == [list(COLOURS[face]) for face in faces]
    flags = mesh.metadata["_ply_raw"]["face"]["data"]["flags"]
    assert flags.reshape(-1).tolist() == [100 + face for face in faces]


def test_a_list_of_texture_coordinates_per_face_is_cut_with_its_corners(tmp_path):
    def uv(face):
        return [c for i in face for c in (VERTICES[i][0] / 4, VERTICES[i][1] / 4)]
    properties = [("list", "vertex_indices"), ("list", "texcoord", "uchar", "float")]
    path = face_ply(tmp_path / "m.ply", properties, [{"texcoord": uv(f)} for f in FACES])
    # the same triangles, written as their own faces (all of one length: trimesh reads them)
    cut = face_ply(tmp_path / "t.ply", properties, [{"texcoord": uv(f)} for f in FANS], FANS)
    mixed, fanned = load_model(path).meshes["m.ply"], load_model(cut).meshes["t.ply"]
    assert mixed.uv is not None
    assert sorted(zip(map(tuple, mixed.vertices.tolist()), map(tuple, mixed.uv.tolist()),
                      strict=True)) == sorted(zip(map(tuple, fanned.vertices.tolist()),
                                                  map(tuple, fanned.uv.tolist()), strict=True))
    assert triangles(path)[0] == expected()


def test_another_list_per_face_is_passed_over(tmp_path):
    properties = [("list", "neighbours", "uchar", "int"), ("list", "vertex_indices"),
                  ("uchar", "red"), ("uchar", "green"), ("uchar", "blue")]
    values = [{"neighbours": list(range(n)), "red": 1, "green": 2, "blue": 3}
              for n in range(len(FACES))]
    path = face_ply(tmp_path / "m.ply", properties, values)
    assert triangles(path)[0] == expected()


def test_meshlab_s_triangles_alone_load_as_before(tmp_path):
    faces = [(0, 1, 2), (1, 4, 2)]
    path = face_ply(tmp_path / "m.ply", faces=faces, values=meshlab_values(faces))
    assert fanned_binary_ply(path, read_ply_header(path, "m"), "m") is None  # read as it is
    assert triangles(path)[0] == expected([(0, 1, 2), (1, 4, 2)])


# -- what is refused ------------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 3, 5, 13, 26])
def test_a_truncated_file_is_refused(tmp_path, cut):
    error = refusal(face_ply(tmp_path / "m.ply", cut=cut))
    assert str(error).endswith("runs past the end of the file: the file is truncated, or a "
                               "count in it is wrong")


def test_a_count_past_the_end_of_the_file_is_refused(tmp_path):
    path = face_ply(tmp_path / "m.ply", faces=[(0, 1, 2, 3), (1, 4, 2)], count="ushort")
    data = path.read_bytes()
    at = data.index(b"end_header\n") + 11 + 12 * len(VERTICES) + 2 + 4 * 4 + 4  # face 2's count
    path.write_bytes(data[:at] + struct.pack("<H", 9_000) + data[at + 2:])
    assert str(refusal(path)).endswith(
        "element face: face 2 of 2 runs past the end of the file: the file is truncated, or "
        "a count in it is wrong")


def test_faces_that_end_before_the_file_does_are_refused(tmp_path):
    path = face_ply(tmp_path / "m.ply")
    path.write_bytes(path.read_bytes() + b"\0" * 7)
    assert str(refusal(path)).endswith(
        "element face: the 3 faces end 7 bytes before the end of the file: a count in it is "
        "wrong, or the file holds more than its header declares")


@pytest.mark.parametrize("declared", [4, 1000, 2_000_000_000])
def test_more_faces_declared_than_the_file_holds_are_refused_without_reading_them(tmp_path,
                                                                                  declared):
    path = face_ply(tmp_path / "m.ply", declared=declared)
    tracemalloc.start()
    started = time.perf_counter()
    error = refusal(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - started < 5 and peak < 20_000_000
    assert str(error).startswith(f"{path}: element face: ")
    assert str(error).endswith("the file is truncated, or a count in it is wrong")


@pytest.mark.parametrize(("index", "corner", "message"), [
    ("int", 40, "face 2: vertex index 40 is out of range: the file has 10 vertices"),
    ("int", -4, "face 2: vertex index -4 is out of range: the file has 10 vertices"),
    ("uint", 10, "face 2: vertex index 10 is out of range: the file has 10 vertices")])
def test_a_vertex_index_past_the_vertices_is_refused_naming_the_face(tmp_path, index, corner,
                                                                      message):
    faces = [FACES[0], (1, corner, 2), FACES[2]]
    path = face_ply(tmp_path / "m.ply", faces=faces, index=index)
    assert str(refusal(path)) == f"{path}: element face, property vertex_indices: {message}"


@pytest.mark.parametrize("faces", [FACES, [(0, 1, 2), (1, 4, 2)]], ids=["mixed", "triangles"])
def test_a_list_counted_by_a_float_is_refused_naming_it(tmp_path, faces):
    path = face_ply(tmp_path / "m.ply", faces=faces, values=meshlab_values(faces), count="float")
    assert str(refusal(path)) == (
        f"{path}: element face, property vertex_indices: the count of a list must be of a "
        "whole-number type (char, uchar, short, ushort, int, uint), not a floating-point one")


def test_vertex_indices_that_are_floats_are_refused(tmp_path):
    path = face_ply(tmp_path / "m.ply", index="float")
    assert str(refusal(path)) == (
        f"{path}: element face, property vertex_indices: vertex indices must be of a "
        "whole-number type (char, uchar, short, ushort, int, uint), not a floating-point one")


def test_a_negative_count_is_refused(tmp_path):
    path = face_ply(tmp_path / "m.ply", count="char")
    data = path.read_bytes()
    at = data.index(b"end_header\n") + 11 + 12 * len(VERTICES) + 1 + 4 * 4 + 4
    path.write_bytes(data[:at] + struct.pack("<b", -3) + data[at + 1:])
    assert str(refusal(path)).endswith("element face, property vertex_indices: face 2: a list "
                                       "of -3 values: a count is 0 or more")


def test_texture_coordinates_not_two_for_each_corner_are_refused(tmp_path):
    properties = [("list", "vertex_indices"), ("list", "texcoord", "uchar", "float")]
    values = [{"texcoord": [0.0] * (2 * len(f) - (n == 1))} for n, f in enumerate(FACES)]
    path = face_ply(tmp_path / "m.ply", properties, values)
    assert str(refusal(path)) == (f"{path}: element face, property texcoord: face 2 has 3 "
                                  "corners and 5 texture coordinates: expected two for each "
                                  "corner")


def test_a_polygon_of_too_many_corners_among_colours_is_refused(tmp_path):
    ring = tuple(i % len(VERTICES) for i in range(20_000))
    faces = [(0, 1, 2), ring]
    path = face_ply(tmp_path / "m.ply", faces=faces, values=meshlab_values(faces),
                    count="ushort")
    assert str(refusal(path)).endswith("element face, property vertex_indices: face 2: a "
                                       "polygon of 20000 corners is over the limit of 10000 "
                                       "corners")


def test_more_vertices_declared_than_the_file_holds_are_refused_naming_them(tmp_path):
    path = face_ply(tmp_path / "m.ply")
    path.write_bytes(path.read_bytes().replace(b"element vertex 10\n", b"element vertex 9000\n"))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: element vertex: its 9000 rows of 12 bytes run past "
                                 "the end of the file: the file is truncated, or a count in it "
                                 "is wrong")


def test_another_list_counted_past_the_end_of_the_file_is_refused(tmp_path):
    properties = [("list", "vertex_indices"), ("list", "neighbours", "uint", "int")]
    values = [{"neighbours": [n]} for n in range(len(FACES))]
    path = face_ply(tmp_path / "m.ply", properties, values)
    data = path.read_bytes()
    at = data.index(b"end_header\n") + 11 + 12 * len(VERTICES) + 1 + 4 * 4  # face 1's
    path.write_bytes(data[:at] + struct.pack("<I", 2 ** 32 - 1) + data[at + 4:])
    assert str(refusal(path)) == (f"{path}: element face, property neighbours: face 1: a list "
                                  "of 4294967295 values runs past the end of the file: the "
                                  "file is truncated, or a count in it is wrong")
