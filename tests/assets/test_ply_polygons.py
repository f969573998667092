"""Binary PLY files whose faces have different numbers of corners (as Blender writes quads,
triangles and n-gons) load, each face cut into a fan of triangles."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from app.assets.model_loading import load_model
from app.errors import AssetError

# a unit square (a quad), a triangle beside it and a pentagon above
VERTICES = [(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (2, 0, 0),
            (0, 2, 0), (1, 2, 0), (1.5, 2.5, 0), (0.5, 3, 0), (-0.5, 2.5, 0)]
FACES = [(0, 1, 2, 3), (1, 4, 2), (5, 6, 7, 8, 9)]
FANS = [(0, 1, 2), (0, 2, 3), (1, 4, 2), (5, 6, 7), (5, 7, 8), (5, 8, 9)]


def write_ply(path, faces=FACES, *, endian="<", count_type=("uchar", "B"),
              index_type=("uint", "I"), uv=True, body_end=0):
    names = "little" if endian == "<" else "big"
    vertex = "property float x\nproperty float y\nproperty float z\n"
    vertex += "property float s\nproperty float t\n" if uv else ""
    header = (f"ply\nformat binary_{names}_endian 1.0\ncomment Created by Blender\n"
              f"element vertex {len(VERTICES)}\n{vertex}element face {len(faces)}\n"
              f"property list {count_type[0]} {index_type[0]} vertex_indices\nend_header\n")
    rows = b"".join(struct.pack(f"{endian}5f", x, y, z, x / 2, y / 3) if uv
                    else struct.pack(f"{endian}3f", x, y, z) for x, y, z in VERTICES)
    rows += b"".join(struct.pack(f"{endian}{count_type[1]}{len(f)}{index_type[1]}", len(f), *f)
                     for f in faces)
    path.write_bytes(header.encode() + rows[:len(rows) + body_end])
    return path


def _turned(corners: list[tuple]) -> tuple:
    """A triangle's corners from its least, in its own winding: (b, c, a) is (a, b, c)."""
    first = corners.index(min(corners))
    return tuple(corners[first:] + corners[:first])


def triangles(path):
    (mesh,) = load_model(path).meshes.values()
    corners = mesh.vertices[mesh.faces]
    return sorted(_turned([tuple(p) for p in np.round(c, 6).tolist()]) for c in corners), mesh


def expected(fans=FANS):
    return sorted(_turned([tuple(float(v) for v in VERTICES[i]) for i in fan]) for fan in fans)


@pytest.mark.parametrize("endian", ["<", ">"])
@pytest.mark.parametrize(("count_type", "index_type"), [
    (("uchar", "B"), ("uint", "I")), (("uchar", "B"), ("int", "i")),
    (("ushort", "H"), ("ushort", "H")), (("int", "i"), ("uint", "I"))])
def test_a_binary_ply_of_quads_triangles_and_ngons_loads_as_fans(tmp_path, endian, count_type,
                                                                   index_type):
    path = write_ply(tmp_path / "blender.ply", endian=endian, count_type=count_type,
                     index_type=index_type)
    found, mesh = triangles(path)
    assert found == expected()
    assert list(load_model(path).meshes) == ["blender.ply"]  # named after its file, as any PLY
    assert mesh.uv is not None  # the vertices' own texture coordinates are kept


def test_it_draws_the_same_triangles_as_its_ascii_twin(tmp_path):
    binary = write_ply(tmp_path / "b.ply", uv=False)
    ascii_text = ["ply", "format ascii 1.0", f"element vertex {len(VERTICES)}",
                  "property float x", "property float y", "property float z",
                  f"element face {len(FACES)}", "property list uchar int vertex_indices",
                  "end_header", *(f"{x} {y} {z}" for x, y, z in VERTICES),
                  *(" ".join(map(str, [len(f), *f])) for f in FACES)]
    (tmp_path / "a.ply").write_text("\n".join(ascii_text) + "\n")
    assert triangles(binary)[0] == triangles(tmp_path / "a.ply")[0] == expected()


def test_a_binary_ply_of_triangles_alone_loads_as_before(tmp_path):
    path = write_ply(tmp_path / "tris.ply", faces=[(0, 1, 2), (1, 4, 2)])
    assert triangles(path)[0] == expected([(0, 1, 2), (1, 4, 2)])


def test_a_face_of_too_many_corners_is_refused_naming_it(tmp_path):
    ring = tuple(i % len(VERTICES) for i in range(20_000))
    path = write_ply(tmp_path / "ring.ply", faces=[(0, 1, 2), ring],
                     count_type=("ushort", "H"))
    with pytest.raises(AssetError, match="face 2: .*20000 corners") as caught:
        load_model(path)
    assert caught.value.field == "element face, property vertex_indices"
    assert str(caught.value).startswith(str(path))


def test_a_truncated_file_of_mixed_faces_is_still_refused(tmp_path):
    path = write_ply(tmp_path / "cut.ply", body_end=-3)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(str(path))
