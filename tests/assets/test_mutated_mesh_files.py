"""OBJ, PLY (binary, with faces of mixed sizes and colours per face, and ASCII) and STL files
damaged at random: bytes changed, the file cut short, a comment, a line continuation, a huge
count or a wrong type put in, a word replaced. Every one loads or is refused with an
``AssetError`` naming the file; none stops the loader with another exception. The damage is
drawn from a fixed seed, so a failure here is the same on every machine."""

from __future__ import annotations

import random
import struct

import numpy as np
import pytest
import trimesh
from PIL import Image

from app.assets.model_loading import load_model
from tests.assets.test_mutated_models import assert_loads_or_is_refused_naming_it

OBJ = (b"mtllib m.mtl # the library\no a # an object\nv 0 0 0 # a corner\nv 1 0 0\nv 1 1 0\n"
       b"v 0 1 0\nvt 0 0\nvt 1 0\nvt 1 1\nvn 0 0 1\nusemtl red # paint\n"
       b"f 1/1/1 2/2/1 3/3/1 4/1/1 # a quad\nf -4/-3/-1 -3/-2/-1 -2/-1/-1\n  f 1 2 3\nf 1 2\n")
MTL = b"newmtl red # the name\nKd 1 0 0 # red\nmap_Kd t.png # albedo\n"
ASCII_PLY = (b"ply\nformat ascii 1.0\nelement vertex 5\nproperty float x\nproperty float y\n"
             b"property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"
             b"element face 3\nproperty list uchar int vertex_indices\nend_header\n"
             b"0 0 0 1 2 3\n1 0 0 4 5 6\n1 1 0 7 8 9\n0 1 0 1 1 1\n2 2 0 3 3 3\n"
             b"4 0 1 2 3\n3 1 4 2\n3 4 2 3\n")
INSERTED = (b"#", b"\\\n", b"\n", b"-", b"/", b" 99999999999 ", b"\x00", b"nan", b"1e999", b"f",
            b"element face 4000000000\n", b"property list float int vertex_indices\n")
WORDS = (b"-1", b"0", b"4294967295", b"1e308", b"nan", b"x", b"", b"#", b"-999999",
         b"2147483648")


def blender_ply(colours: bool) -> bytes:
    """A binary PLY of a quad and three triangles, with an RGBA colour per face or none."""
    vertices = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [2, 0, 0], [2, 1, 0],
                         [3, 0.5, 0]], "<f4")
    faces = [[0, 1, 2, 3], [1, 4, 5], [4, 6, 5], [1, 5, 2]]
    colour = b"property uchar red\nproperty uchar green\nproperty uchar blue\n" \
             b"property uchar alpha\n" if colours else b""
    body = vertices.tobytes() + b"".join(
        struct.pack(f"<B{len(f)}i", len(f), *f) + (bytes([200, 10, 10, 255]) if colours else b"")
        for f in faces)
    return (b"ply\nformat binary_little_endian 1.0\nelement vertex 7\nproperty float x\n"
            b"property float y\nproperty float z\nelement face 4\n"
            b"property list uchar int vertex_indices\n" + colour + b"end_header\n" + body)


def damaged(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    kind = rng.choice(("bytes", "cut", "insert", "word"))
    if kind == "cut":
        at = rng.randrange(1, len(data))
        return data[:at], f"cut at byte {at}"
    if kind == "bytes":
        changed = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            changed[rng.randrange(len(changed))] = rng.randrange(256)
        return bytes(changed), "bytes changed"
    if kind == "insert":
        at, junk = rng.randrange(len(data)), rng.choice(INSERTED)
        return data[:at] + junk + data[at:], f"{junk!r} put in at byte {at}"
    words = data.split(b" ")
    at, word = rng.randrange(len(words)), rng.choice(WORDS)
    words[at] = word
    return b" ".join(words), f"word {at} replaced by {word!r}"


def original(fmt: str, rng: random.Random, folder) -> tuple[bytes, str]:
    """The undamaged file of format ``fmt`` and its name (with what it names, written)."""
    if fmt == "obj":
        (folder / "m.mtl").write_bytes(MTL)
        Image.new("RGB", (4, 4), (9, 9, 9)).save(folder / "t.png")
        return OBJ, "m.obj"
    if fmt == "binary ply":
        return blender_ply(rng.random() < 0.7), "m.ply"
    if fmt == "ascii ply":
        return ASCII_PLY, "m.ply"
    return trimesh.creation.icosphere(subdivisions=1).export(file_type="stl"), "m.stl"


@pytest.mark.parametrize("fmt", ["obj", "binary ply", "ascii ply", "stl"])
@pytest.mark.parametrize("seed", range(40))
def test_a_damaged_mesh_file_loads_or_is_refused_naming_the_file(tmp_path, fmt, seed):
    rng = random.Random(f"{fmt} {seed}")
    data, name = original(fmt, rng, tmp_path)
    data, change = damaged(rng, data)
    path = tmp_path / name
    path.write_bytes(data)
    assert_loads_or_is_refused_naming_it(path, change)


@pytest.mark.parametrize("fmt", ["obj", "binary ply", "ascii ply", "stl"])
def test_the_undamaged_files_load(tmp_path, fmt):
    data, name = original(fmt, random.Random(fmt), tmp_path)
    (tmp_path / name).write_bytes(data)
    assert load_model(tmp_path / name).meshes
