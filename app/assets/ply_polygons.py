"""Binary PLY files whose faces have different numbers of corners, made readable.

Blender (and most tools) write a binary PLY's faces as they are, quads and triangles and
n-gons in one list; trimesh reads a binary file's faces only when each is as long as the
first, and refuses the rest as "unexpected length". Such a file is read here, face by face,
and handed to trimesh with each face a fan of triangles (from its first corner, as trimesh
cuts the polygons of an ASCII PLY), the rest of the file as it is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.assets.obj_faces import too_many_corners, too_many_triangles
from app.assets.ply_faces import PlyHeader
from app.errors import AssetError
from app.limits import MAX_POLYGON_VERTICES, MAX_TRIANGLES

_FACE = "face"


def fanned_binary_ply(path: Path, header: PlyHeader, label: str) -> bytes | None:
    """The binary PLY file at ``path`` (with ``header``) with its faces cut into triangles,
    where its faces are of different lengths and laid out as such a file is (the faces the
    last element, their corner list their one property, no list before them); None for any
    other file (trimesh reads it as it is, or refuses it). ``AssetError`` naming the face for
    one of more than ``MAX_POLYGON_VERTICES`` corners, or more than ``MAX_TRIANGLES`` in
    all."""
    elements = list(header.elements.items())
    if not header.binary or not header.readable or not elements or elements[-1][0] != _FACE:
        return None
    face = header.elements[_FACE]
    if len(face.properties) != 1 or face.count <= 0:
        return None
    name, corners = next(iter(face.properties.items()))
    if corners.count_type is None:
        return None
    if any(p.count_type is not None for _, e in elements[:-1] for p in e.properties.values()):
        return None
    start = header.size + sum(e.count * sum(np.dtype(p.type).itemsize
                                            for p in e.properties.values())
                              for _, e in elements[:-1])
    endian = ">" if header.big_endian else "<"
    count_type = np.dtype(endian + corners.count_type)
    index_type = np.dtype(endian + corners.type)
    if count_type.kind not in "iu" or index_type.kind not in "iu":
        return None
    if _as_long_as_the_first(path, start, face.count, count_type, index_type):
        return None  # trimesh reads it as it is (ply_faces.check_ply_faces checks it)
    data = path.read_bytes()
    found = _faces(data, start, face.count, count_type, index_type, label,
                   f"element face, property {name}")
    if found is None:
        return None
    triangles = _fans(data, *found, index_type)
    rows = np.empty(len(triangles), [("count", "u1"), ("corners", index_type, 3)])
    rows["count"], rows["corners"] = 3, triangles
    return (_header_of_triangles(data[:header.size], len(triangles))
            + data[header.size:start] + rows.tobytes())


def _as_long_as_the_first(path: Path, start: int, count: int, count_type: np.dtype,
                          index_type: np.dtype) -> bool:
    """Whether the ``count`` faces from ``start`` are all as long as the first, as trimesh
    reads them: the file ends where such faces end, and each count, read where such faces
    put it, is the first's (faces of different lengths may add up to the same size)."""
    size = path.stat().st_size
    if start + count_type.itemsize > size:
        return False
    counts = np.memmap(path, count_type, "r", offset=start, shape=(1,))
    row = count_type.itemsize + int(counts[0]) * index_type.itemsize
    if row <= 0 or start + count * row != size:
        return False
    of_each = np.dtype({"names": ["count"], "formats": [count_type], "offsets": [0],
                        "itemsize": row})
    counts = np.memmap(path, of_each, "r", offset=start, shape=(count,))["count"]
    return bool((counts == counts[0]).all())


def _faces(data: bytes, start: int, count: int, count_type: np.dtype, index_type: np.dtype,
           label: str, where: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Each face's corner count and where its first corner lies, read one face after
    another; None where the faces do not end where the file does."""
    size, order = count_type.itemsize, "big" if count_type.byteorder == ">" else "little"
    signed = count_type.kind == "i"
    step, at = index_type.itemsize, start
    counts, firsts = [0] * count, [0] * count
    triangles = 0
    for number in range(count):
        if at + size > len(data):
            return None
        corners = int.from_bytes(data[at:at + size], order, signed=signed)
        if corners > MAX_POLYGON_VERTICES:
            raise AssetError(f"face {number + 1}: {too_many_corners(corners)}", file=label,
                             field=where)
        if corners < 0:
            return None
        triangles += max(corners - 2, 0)
        counts[number], firsts[number] = corners, at + size
        at += size + corners * step
    if at != len(data):
        return None
    if triangles > MAX_TRIANGLES:
        raise AssetError(too_many_triangles(), file=label, field=where)
    return np.asarray(counts, np.int64), np.asarray(firsts, np.int64)


def _fans(data: bytes, counts: np.ndarray, firsts: np.ndarray,
          index_type: np.dtype) -> np.ndarray:
    """(T, 3) the corners of each face's fan of triangles: (0, i, i + 1) for i from 1."""
    fans = np.maximum(counts - 2, 0)
    face = np.repeat(np.arange(len(counts)), fans)
    within = np.arange(len(face)) - np.repeat(np.cumsum(fans) - fans, fans) + 1
    raw = np.frombuffer(data, np.uint8)
    step = index_type.itemsize
    columns = []
    for corner in (np.zeros_like(within), within, within + 1):
        places = firsts[face] + corner * step
        picked = raw[places[:, None] + np.arange(step)]
        columns.append(picked.reshape(-1).view(index_type))
    return np.stack(columns, axis=1)


def _header_of_triangles(header: bytes, triangles: int) -> bytes:
    """``header`` with its face element's count ``triangles`` and its corner list counted by
    an uchar (three each), its index type and name as they were."""
    lines, in_faces = [], False
    for line in header.split(b"\n"):
        words, end = line.split(), b"\r" if line.endswith(b"\r") else b""
        if words[:1] == [b"element"]:
            in_faces = words[1:2] == [_FACE.encode()]
            if in_faces:
                line = b"element face %d" % triangles + end
        elif in_faces and words[:2] == [b"property", b"list"] and len(words) == 5:
            line = b" ".join([*words[:2], b"uchar", *words[3:]]) + end
        lines.append(line)
    return b"\n".join(lines)
