"""OBJ and MTL files with comments after the data on a line (``f 1 2 3 # note``), as many
exporters write them: the comment is left out before the line is read, so such a file draws
what the same file without its comments draws; names after ``mtllib`` and ``map_Kd`` still go
through the reference checks, and what is left of a line is checked as any line is."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.assets.model_loading import load_model
from app.cli import main
from app.errors import AssetError
from tests.assets.test_hostile_mesh_formats import quiet  # noqa: F401 (a fixture)
from tests.assets.test_obj_ply_reading import loaded_triangles
from tests.file_opens import assert_not_opened, opens

pytestmark = pytest.mark.usefixtures("quiet")  # nothing logged, warned of or printed to stderr

MTL = "newmtl red\nKd 1 0 0\nmap_Kd tex.png\nnewmtl blue\nKd 0 0 1\n"
OBJ = ("mtllib m.mtl\no body\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 2 0 0\n"
       "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nvn 0 0 1\n"
       "usemtl red\nf 1/1/1 2/2/1 3/3/1 4/4/1\ng side\nusemtl blue\nf 2/2/1 5/1/1 3/3/1\n")
# a comment after the data of each kind of line, written as exporters write them
COMMENTS = {"mtllib": " # the library", "o": " # the object", "v": " # a corner",
            "vt": "\t# uv", "vn": " #normal", "usemtl": " # paint", "f": " # a face",
            "g": "# group"}
MTL_COMMENTS = {"newmtl": " # the name", "Kd": " # the colour", "map_Kd": " # albedo"}


def commented(text: str, comments: dict[str, str]) -> str:
    """``text`` with each line's comment of ``comments`` (by its first word) after its data."""
    return "".join(line + comments.get(line.split()[0], "") + "\n"
                   for line in text.splitlines())


def write(folder, obj: str, mtl: str = MTL):
    folder.mkdir(exist_ok=True)
    Image.fromarray(np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 0]]],
                             np.uint8)).save(folder / "tex.png")
    (folder / "m.mtl").write_text(mtl)
    (folder / "m.obj").write_text(obj)
    return folder / "m.obj"


def drawn(path) -> list[tuple]:
    """Each mesh of the model at ``path``: its name, vertices, faces, normals, UVs and
    material (colour, and whether a texture is drawn)."""
    return [(name, mesh.vertices.tolist(), mesh.faces.tolist(), mesh.normals.tolist(),
             None if mesh.uv is None else mesh.uv.tolist(), mesh.material.name,
             mesh.material.base_color, mesh.material.base_color_texture is not None)
            for name, mesh in sorted(load_model(path).meshes.items())]


def test_trailing_comments_on_every_kind_of_line_draw_what_the_file_without_them_draws(
        tmp_path):
    plain = write(tmp_path / "plain", OBJ)
    noted = write(tmp_path / "noted", commented(OBJ, COMMENTS), commented(MTL, MTL_COMMENTS))
    assert drawn(noted) == drawn(plain)
    assert loaded_triangles(noted) == loaded_triangles(plain)
    colours = {mesh.material.name: (mesh.material.base_color,
                                    mesh.material.base_color_texture is not None)
               for mesh in load_model(noted).meshes.values()}
    assert colours == {"red": ((1.0, 0.0, 0.0, 1.0), True), "blue": ((0.0, 0.0, 1.0, 1.0), False)}


@pytest.mark.parametrize("lines", [
    "# a comment line\n", "   # an indented comment line\n", "#\n", "\t#\t\n",
    "# a comment with f 9 9 9 and v 1 2 and mtllib gone.mtl in it\n"])
def test_comment_lines_and_lines_left_empty_are_passed_over(tmp_path, lines):
    plain = write(tmp_path / "plain", OBJ)
    noted = write(tmp_path / "noted", lines + OBJ.replace("usemtl blue\n", f"usemtl blue\n{lines}"))
    assert drawn(noted) == drawn(plain)


def test_a_comment_right_after_the_data_is_left_out_too(tmp_path):
    noted = write(tmp_path / "noted", "v 0 0 0#a\nv 1 0 0#b\nv 0 1 0#c\nf 1 2 3#d\n")
    plain = write(tmp_path / "plain", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    assert loaded_triangles(noted) == loaded_triangles(plain)


def test_lines_keep_their_numbers_and_columns_after_a_comment(tmp_path):
    path = write(tmp_path / "m", "# made by hand\nv 0 0 0 # one\nv 1 0 0\nv 0 1 0\n"
                                 "f 1 2 3 # fine\nf 1 2 7 # past the end\n")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: f: vertex index 7 is out of range: the file has 3 v "
                                 "lines (line 6, column 7)")


def test_a_comment_continued_on_the_next_line_takes_that_line_with_it(tmp_path):
    # a line continued after a backslash is one line, a comment in it to its end included
    path = write(tmp_path / "m", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3 # skip \\\nf 1 2 9\n"
                                 "f 3 2 1\nf 1 2 8 # line 7\n")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: f: vertex index 8 is out of range: the file has 3 v "
                                 "lines (line 7, column 7)")


@pytest.mark.parametrize(("face", "corners", "column"), [
    ("f 1 2 # 3", 2, 1), ("f 1 2", 2, 1), ("  f 1 # 2 3", 1, 3), ("f # 1 2 3", 0, 1)])
def test_a_face_left_with_fewer_than_three_corners_is_left_out_naming_the_line(
        tmp_path, face, corners, column):
    path = write(tmp_path / "m", f"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n{face}\nf 3 2 1\n"
                                 "f 2 3\n")
    model = load_model(path)
    (mesh,) = model.meshes.values()
    assert len(mesh.faces) == 2  # the two triangles, drawn
    assert model.warnings == (
        f"{path}: f: a face of {corners} corner{'s' if corners != 1 else ''} is no polygon (a "
        f"face needs 3 corners or more); left out (1 more like it) (line 5, column {column})",)


def test_faces_of_fewer_than_three_corners_count_no_triangles(tmp_path, monkeypatch):
    monkeypatch.setattr("app.assets.obj_faces.MAX_TRIANGLES", 3)
    path = write(tmp_path / "m", "v 0 0 0\nv 1 0 0\nv 0 1 0\n" + "f\n" * 10
                 + "f 1 2 3\n" * 4)
    with pytest.raises(AssetError, match="more than 3 triangles"):
        load_model(path)


def test_validate_names_the_line_of_a_face_a_comment_left_short(tmp_path, capfd):
    path = write(tmp_path / "m", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 # 3\n")
    assert main(["--root", str(tmp_path), "validate", str(path)]) == 1
    assert "a face of 2 corners is no polygon (a face needs 3 corners or more), and the file " \
           "has no other: nothing to draw (line 4, column 1)" in capfd.readouterr().out


def test_a_library_named_before_a_comment_is_read(tmp_path):
    path = write(tmp_path / "m", "mtllib m.mtl # materials.mtl\nusemtl red # x\n"
                                 "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    (mesh,) = load_model(path).meshes.values()
    assert mesh.material.base_color == (1.0, 0.0, 0.0, 1.0)


def test_an_mtllib_line_of_a_comment_alone_names_no_library(tmp_path):
    path = write(tmp_path / "m", "mtllib # none yet\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    (mesh,) = load_model(path).meshes.values()
    assert mesh.material.base_color_texture is None


@pytest.mark.parametrize("line", ["mtllib ../outside/m.mtl # lib", "mtllib OUTSIDE # lib"])
def test_a_library_before_a_comment_that_leaves_the_folder_stays_refused(tmp_path, line):
    model, outside = tmp_path / "model", tmp_path / "outside"
    outside.mkdir()
    (outside / "m.mtl").write_text("newmtl red\nKd 1 0 0\n")
    path = write(model, line.replace("OUTSIDE", str(outside / "m.mtl")) + "\n"
                 "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with opens() as opened, pytest.raises(AssetError, match="leaves the model's folder"):
        load_model(path)
    assert_not_opened(opened, outside)


def test_a_library_named_with_a_hash_is_read_by_its_whole_name_where_that_file_is(tmp_path):
    """``mtllib Chair #2.mtl``, as Blender names the library of ``Chair #2.obj``."""
    path = write(tmp_path / "m", "mtllib my #1.mtl\nusemtl red\nv 0 0 0\nv 1 0 0\nv 0 1 0\n"
                                 "f 1 2 3\n")
    (tmp_path / "m" / "my #1.mtl").write_text("newmtl red\nKd 1 0 0\n")
    (mesh,) = load_model(path).meshes.values()
    assert mesh.material.base_color == (1.0, 0.0, 0.0, 1.0)


def test_a_library_name_is_read_up_to_a_hash_where_no_file_has_the_whole_name(tmp_path):
    path = write(tmp_path / "m", "mtllib my#1.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(AssetError, match="material library not found: 'my'"):
        load_model(path)


def test_a_comment_that_names_a_file_outside_is_no_library_name(tmp_path):
    """Hostile: the whole line ``mtllib m.mtl # ../outside/x.mtl`` would leave the folder:
    it is refused as a whole name before anything is looked at, and the line read up to its
    '#'; a whole name outside is refused by the part before the '#' as any name is."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.mtl").write_text("newmtl red\nKd 0 1 0\n")
    (outside / "m #1.mtl").write_text("newmtl red\nKd 0 1 0\n")
    path = write(tmp_path / "m", "mtllib m.mtl # ../outside/x.mtl\nusemtl red\n"
                                 "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with opens() as opened:
        (mesh,) = load_model(path).meshes.values()
    assert mesh.material.base_color == (1.0, 0.0, 0.0, 1.0)
    assert_not_opened(opened, outside)
    path = write(tmp_path / "n", "mtllib ../outside/m #1.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\n"
                                 "f 1 2 3\n")
    with opens() as opened, pytest.raises(AssetError, match="leaves the model's folder"):
        load_model(path)
    assert_not_opened(opened, outside)


def test_a_texture_named_before_a_comment_is_drawn(tmp_path):
    path = write(tmp_path / "m", OBJ, "newmtl red # paint\nmap_Kd tex.png # albedo\n"
                                      "newmtl blue\n")
    meshes = {mesh.material.name: mesh for mesh in load_model(path).meshes.values()}
    texture = meshes["red"].material.base_color_texture
    assert texture is not None and texture.pixels[0, 0, :3].tolist() == [255, 0, 0]


@pytest.mark.parametrize(("line", "refusal"), [
    ("map_Kd missing.png # albedo", "texture file not found: 'missing.png' (map_Kd)"),
    ("map_Kd ../outside/tex.png # albedo", "leaves the model's folder")])
def test_a_texture_before_a_comment_is_checked_by_its_name_alone(tmp_path, line, refusal):
    (tmp_path / "outside").mkdir()
    Image.new("RGB", (2, 2)).save(tmp_path / "outside" / "tex.png")
    path = write(tmp_path / "m", OBJ, f"newmtl red\n{line}\n")
    with opens() as opened, pytest.raises(AssetError, match=refusal.replace("(", r"\(")
                                          .replace(")", r"\)")):
        load_model(path)
    assert_not_opened(opened, tmp_path / "outside")


def test_a_commented_obj_renders(tmp_path):
    path = write(tmp_path / "m", commented(OBJ, COMMENTS), commented(MTL, MTL_COMMENTS))
    out = tmp_path / "x.png"
    assert main(["render", "--model", str(path), "--size", "64x48", "--out", str(out)]) == 0
    pixels = np.asarray(Image.open(out).convert("RGB"), np.int64)
    blue = pixels[..., 2] - pixels[..., :2].max(axis=-1)
    assert (blue > 60).any()  # the blue triangle is drawn in its material's colour


def reference_without_comments(data: bytes) -> bytes:
    """``data`` with each comment left out, byte by byte: from a ``#`` to the end of its line
    (a line continued after a backslash, alone or before a carriage return, included), the
    breaks of continued lines kept."""
    out, in_comment = bytearray(), False
    for at, byte in enumerate(data):
        if byte == ord("\n"):
            continued = data[:at].endswith(b"\\") or data[:at].endswith(b"\\\r")
            if in_comment and continued:
                out += b"\\\r" if data[:at].endswith(b"\\\r") else b"\\"
            in_comment = in_comment and continued
            out.append(byte)
        elif byte == ord("#") or in_comment:
            in_comment = True
        else:
            out.append(byte)
    return bytes(out)


@pytest.mark.parametrize("seed", range(20))
def test_comments_are_left_out_as_the_format_means_them(seed, monkeypatch):
    from app.assets import obj_comments, obj_faces  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    data = bytes(rng.choice(list(b"f1 #\\\r\n\t"), int(rng.integers(0, 400))).tolist())
    # in slices of a few bytes, so that lines meet the ends of slices
    monkeypatch.setattr(obj_comments, "line_slices",
                        lambda text: obj_faces.line_slices(text, int(rng.integers(1, 9))))
    left = obj_comments.without_comments(data)
    assert left == reference_without_comments(data)
    assert left.count(b"\n") == data.count(b"\n")  # every line keeps its number


def test_materials_named_with_a_hash_in_both_files_keep_their_names(tmp_path):
    """``Material #25`` and ``Material #26`` (3ds Max's names; Blender writes and reads them
    whole) used whole by the OBJ file: each drawn in its own colour, by its whole name."""
    path = write(tmp_path / "m", "mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\n"
                                 "usemtl Material #25\nf 1 2 3\nusemtl Material #26\nf 2 4 3\n",
                 "newmtl Material #25\nKd 1 0 0\nnewmtl Material #26\nKd 0 0 1\n")
    model = load_model(path)
    assert model.warnings == ()
    assert {name: mesh.material.base_color for name, mesh in model.meshes.items()} == {
        "Material #25": (1.0, 0.0, 0.0, 1.0), "Material #26": (0.0, 0.0, 1.0, 1.0)}


@pytest.mark.parametrize(("usemtl", "newmtl", "name"), [
    ("red # paint", "red # paint", "red # paint"),  # both whole: Blender's reading
    ("red # paint", "red", "red"),  # a comment after the OBJ's name
    ("red", "red # paint", "red"),  # a comment after the library's name
    ("red # paint", "red # the colour", "red")])  # a comment after each
def test_a_hash_after_a_material_name_is_a_comment_unless_both_files_write_it(
        tmp_path, usemtl, newmtl, name):
    path = write(tmp_path / "m", f"mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\n"
                                 f"usemtl {usemtl}\nf 1 2 3\n", f"newmtl {newmtl}\nKd 1 0 0\n")
    model = load_model(path)
    assert [(m.material.name, m.material.base_color) for m in model.meshes.values()] == [
        (name, (1.0, 0.0, 0.0, 1.0))]


def test_materials_a_hash_cuts_to_one_name_are_named_in_a_warning(tmp_path):
    """``Material #25`` and ``Material #26``, which the OBJ file does not use whole, both read
    as ``Material``: the designer is told which two to rename (the last is drawn for both, as
    trimesh takes the last of a name)."""
    path = write(tmp_path / "m", "mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\n"
                                 "usemtl Material\nf 1 2 3\nusemtl Material # 26\nf 2 4 3\n",
                 "newmtl Material #25\nKd 1 0 0\nnewmtl Material #26\nKd 0 0 1\n")
    model = load_model(path)
    assert model.warnings == (
        "m.mtl: a '#' starts a comment in an MTL file, so materials are read by one name: "
        "'Material #25', 'Material #26' as 'Material'; the last of each is drawn for all; "
        "rename them without '#'",)
    assert [m.material.base_color for m in model.meshes.values()] == [(0.0, 0.0, 1.0, 1.0)]


@pytest.mark.parametrize("mtl", [
    "newmtl red # paint\nKd 1 0 0\nnewmtl blue # glass\nKd 0 0 1\n",  # comments on two names
    "newmtl red # paint\nKd 1 0 0\nnewmtl red # paint\nKd 1 0 0\n",  # one name written twice
    "newmtl red\nKd 1 0 0\nnewmtl blue\nKd 0 0 1\n"])
def test_names_a_hash_leaves_apart_draw_without_a_warning(tmp_path, mtl):
    path = write(tmp_path / "m", OBJ, mtl)
    assert load_model(path).warnings == ()


def test_a_library_of_many_names_cut_by_a_hash_makes_one_note(tmp_path):
    """Hostile: 200,000 materials, each pair of names cut to one, make one note that lists
    three pairs and counts the rest (not a note for each)."""
    from app.assets.texture_references import names_a_comment_joins  # noqa: PLC0415

    names = "".join(f"newmtl m{i // 2} #{i}\nKd 1 0 0\n" for i in range(200_000))
    (note,) = names_a_comment_joins(tmp_path / "big.mtl", names.encode())
    assert note.startswith("big.mtl: a '#' starts a comment in an MTL file, so materials are "
                           "read by one name: 'm0 #0', 'm0 #1' as 'm0'; 'm1 #2', 'm1 #3' as "
                           "'m1'; 'm2 #4', 'm2 #5' as 'm2'; and 99,997 more;")


def test_lines_kept_whole_keep_their_hash_and_every_line_its_number():
    from app.assets.obj_comments import (  # noqa: PLC0415
        lines_naming_with_a_hash,
        with_lines_whole,
        without_comments,
    )

    data = (b"v 0 0 0 # a\r\nusemtl A #1\r\nusemtl B #2\nf 1 2 3 # x \\\nusemtl A #1\n"
            b"mtllib m #1.mtl\nusemtl A #1\no usemtl #9\n  usemtl\tC #3")
    named = lines_naming_with_a_hash(data)
    # the fifth line goes on the fourth's comment: no name of its own; an object named
    # "usemtl #9" names no material
    assert [(line.keyword, line.name) for line in named] == [
        (b"usemtl", b"A #1"), (b"usemtl", b"B #2"), (b"mtllib", b"m #1.mtl"),
        (b"usemtl", b"A #1"), (b"usemtl", b"C #3")]
    assert all(data[line.start:].lstrip(b" \t").startswith(line.keyword) for line in named)
    stripped = without_comments(data)
    assert stripped == reference_without_comments(data)
    kept = [line for line in named if line.name in (b"A #1", b"m #1.mtl")]
    assert with_lines_whole(stripped, data, kept) == (
        b"v 0 0 0 \nusemtl A #1\r\nusemtl B \nf 1 2 3 \\\n\nmtllib m #1.mtl\n"
        b"usemtl A #1\no usemtl \n  usemtl\tC ")


def test_a_file_of_many_material_names_with_a_hash_reads_in_one_pass(tmp_path):
    """Hostile: 100,000 ``usemtl`` lines of names with a '#', kept whole, each a face."""
    from app.assets.obj_comments import (  # noqa: PLC0415
        lines_naming_with_a_hash,
        with_lines_whole,
        without_comments,
    )

    lines = b"".join(b"usemtl m #%d\nf 1 2 3 # face\n" % (i % 7) for i in range(100_000))
    named = lines_naming_with_a_hash(lines)
    assert len(named) == 100_000
    left = with_lines_whole(without_comments(lines), lines, named)
    assert left == lines.replace(b" # face", b" ")
