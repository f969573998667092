"""Binary PLY files whose faces have different numbers of corners, made readable.

Blender, MeshLab and most tools write a binary PLY's faces as they are, quads and triangles and
n-gons in one list, often with more to each face: a colour (MeshLab: ``property uchar red``
... ``alpha`` after the corners), flags, a list of texture coordinates. trimesh reads a binary
file's faces only when each is as long as the first, and refuses the rest as "unexpected
length". Such a file is read here, face by face (each list by its count, each other property
by its size), and handed to trimesh with each face a fan of triangles (from its first corner,
as trimesh cuts the polygons of an ASCII PLY), the rest of the file as it is:

- each triangle keeps its face's other properties (its colour, its flags), as trimesh keeps
  those of a file of triangles;
- a ``texcoord`` list (two numbers a corner, the one other list trimesh reads) is cut with the
  corners; any other list is left out (trimesh keeps such a list only as raw data);
- a file that ends before its faces do, or goes on after them, a count that is no whole
  number or is negative, a vertex index that names no vertex, or a ``texcoord`` list that is
  not two numbers a corner is refused naming the element and the face, before anything of its
  size is made.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.assets.obj_faces import too_many_corners, too_many_triangles
from app.assets.ply_faces import (
    PlyElement,
    PlyHeader,
    PlyProperty,
    corner_list,
    face_layout,
    longer_or_shorter,
)
from app.errors import AssetError
from app.limits import FEWER_TRIANGLES, MAX_POLYGON_VERTICES, MAX_TRIANGLES

_FACE = "face"
_TEXCOORD = "texcoord"  # trimesh's name for a face's texture coordinates, u and v a corner
_WHOLE = "char, uchar, short, ushort, int, uint"  # the whole-number types a header names
_STRUCT = {"i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I", "i8": "q",
           "u8": "Q"}
_ROWS = 1 << 20  # triangles whose bytes are picked at a time
_TRUNCATED = "the file is truncated, or a count in it is wrong"


@dataclass
class _List:
    """A list property of the faces, as read one face after another."""

    name: str
    count: struct.Struct  # its count
    item: int  # bytes of each value
    skip: int  # bytes from the end of the list before it (or the face's start) to its count
    limit: int | None = None  # the most values a face may have in it


def fanned_binary_ply(path: Path, header: PlyHeader, label: str) -> bytes | None:
    """The binary PLY file at ``path`` (with ``header``) with its faces cut into triangles,
    where its faces are of different lengths (trimesh cannot read it) and the faces are the
    last element, after elements of no lists; None for any other file (trimesh reads it as it
    is, or refuses it). ``AssetError`` naming the element for a file whose faces cannot be
    read (see the module's notes), a face of more than ``MAX_POLYGON_VERTICES`` corners, or
    more than ``MAX_TRIANGLES`` in all."""
    corners = corner_list(header)
    if not header.binary or corners is None:
        return None
    face = header.elements[_FACE]
    _check_whole_numbers(face, corners, label)
    elements = list(header.elements.values())
    if elements[-1] is not face or any(p.count_type for e in elements[:-1]
                                       for p in e.properties.values()):
        return None
    where = f"element face, property {corners}"
    layout = face_layout(path, header, corners, label, where)
    if layout is not None and longer_or_shorter(path, face.count, layout) is None:
        return None  # trimesh reads it as it is (ply_faces.check_ply_faces checks it)
    if np.dtype(face.properties[corners].type).kind not in "iu":
        raise AssetError(f"vertex indices must be of a whole-number type ({_WHOLE}), not a "
                         "floating-point one", file=label, field=where)
    endian = ">" if header.big_endian else "<"
    start = _faces_start(path, header, label)
    lists, tail = _lists(face, corners, endian)
    _check_declared(face.count, path.stat().st_size - start, tail + sum(
        one.skip + one.count.size for one in lists), label)
    data = path.read_bytes()
    counts = _walk(data, start, face.count, lists, tail, label)
    rows = _triangles(data, header, start, counts, corners, endian, label)
    kept = {one.name for one in lists if one.name in (corners, _TEXCOORD)}
    return (_header_of_triangles(data[:header.size], len(rows), set(counts) - kept)
            + data[header.size:start] + rows.tobytes())


def _check_whole_numbers(face: PlyElement, corners: str, label: str) -> None:
    """``AssetError`` for a list of the faces counted by a floating-point number (trimesh
    fails on it with a message of its own)."""
    for name, prop in face.properties.items():
        if prop.count_type is not None and np.dtype(prop.count_type).kind not in "iu":
            raise AssetError(f"the count of a list must be of a whole-number type ({_WHOLE}), "
                             "not a floating-point one", file=label,
                             field=f"element face, property {name}")


def _faces_start(path: Path, header: PlyHeader, label: str) -> int:
    """Where the faces start: after the rows of the elements before them (of fixed sizes);
    ``AssetError`` naming one whose rows run past the end of the file."""
    at, size = header.size, path.stat().st_size
    for name, element in header.elements.items():
        if name == _FACE:
            return at
        row = sum(np.dtype(prop.type).itemsize for prop in element.properties.values())
        at += element.count * row
        if at > size:
            raise AssetError(f"its {element.count} rows of {row} bytes run past the end of the "
                             f"file: {_TRUNCATED}", file=label, field=f"element {name}")
    return at


def _lists(face: PlyElement, corners: str, endian: str) -> tuple[list[_List], int]:
    """The faces' lists in order, and the bytes of the properties after the last."""
    lists, skip = [], 0
    for name, prop in face.properties.items():
        if prop.count_type is None:
            skip += np.dtype(prop.type).itemsize
            continue
        lists.append(_List(name, struct.Struct(endian + _STRUCT[np.dtype(prop.count_type).str[1:]]),
                           np.dtype(prop.type).itemsize, skip,
                           MAX_POLYGON_VERTICES if name == corners else None))
        skip = 0
    return lists, skip


def _check_declared(faces: int, left: int, least: int, label: str) -> None:
    """``AssetError`` where the ``faces`` the header declares, of ``least`` bytes each at least,
    cannot fit in the ``left`` bytes after the elements before them, or are more than the
    triangles the app draws; nothing of their number is made before."""
    if faces * least > left:
        raise AssetError(f"{faces} faces are declared, more than the rest of the file holds "
                         f"({left // least} at most, of {least} bytes or more each): "
                         f"{_TRUNCATED}", file=label, field="element face")
    if faces > MAX_TRIANGLES:
        raise AssetError(f"{faces} faces are declared, over the limit of {MAX_TRIANGLES} "
                         f"(each is drawn as one triangle or more): {FEWER_TRIANGLES}",
                         file=label, field="element face")


def _walk(data: bytes, start: int, faces: int, lists: list[_List], tail: int,
          label: str) -> dict[str, np.ndarray]:
    """The count of each list of each of the ``faces`` faces from ``start``, read one face
    after another; ``AssetError`` where they do not end where the file does, or a count is
    negative or over its limit."""
    found = [[0] * faces for _ in lists]
    steps = [(one.skip, one.count.unpack_from, one.count.size, one.item,
              len(data) if one.limit is None else one.limit, counts, one)
             for one, counts in zip(lists, found, strict=True)]
    at, number = start, 0
    try:
        for number in range(faces):
            for skip, read, size, item, limit, counts, one in steps:
                at += skip
                count = read(data, at)[0]
                if not 0 <= count <= limit:
                    raise _bad_count(one, number, count, label)
                counts[number] = count
                at += size + count * item
            at += tail
    except struct.error:  # a count past the end of the file
        at = len(data) + 1
    if at > len(data):
        raise AssetError(f"face {number + 1} of {faces} runs past the end of the file: "
                         f"{_TRUNCATED}", file=label, field="element face")
    if at < len(data):
        raise AssetError(f"the {faces} faces end {len(data) - at} bytes before the end of the "
                         f"file: a count in it is wrong, or the file holds more than its "
                         "header declares", file=label, field="element face")
    return {one.name: np.asarray(counts, np.int64) for one, counts in zip(lists, found,
                                                                           strict=True)}


def _bad_count(one: _List, number: int, count: int, label: str) -> AssetError:
    if count < 0:
        what = f"a list of {count} values: a count is 0 or more"
    elif one.limit is not None:
        what = too_many_corners(count)
    else:
        what = f"a list of {count} values runs past the end of the file: {_TRUNCATED}"
    return AssetError(f"face {number + 1}: {what}", file=label,
                      field=f"element face, property {one.name}")


def _triangles(data: bytes, header: PlyHeader, start: int, counts: dict[str, np.ndarray],
               corners: str, endian: str, label: str) -> np.ndarray:
    """A row of each face's fan of triangles, (0, i, i + 1) of its corners for i from 1, with
    the face's other properties as the file has them: its scalars, its ``texcoord`` cut with
    its corners (other lists left out)."""
    face = header.elements[_FACE]
    corner_counts = counts[corners]
    fans = np.maximum(corner_counts - 2, 0)
    if int(fans.sum()) > MAX_TRIANGLES:
        raise AssetError(too_many_triangles(), file=label, field=f"element face, property "
                                                                 f"{corners}")
    of_face = np.repeat(np.arange(len(fans)), fans)
    within = np.arange(len(of_face)) - np.repeat(np.cumsum(fans) - fans, fans) + 1
    raw = np.frombuffer(data, np.uint8)
    sizes = sum(_bytes(prop, counts.get(name)) for name, prop in face.properties.items())
    at = start + np.cumsum(sizes) - sizes  # where each face, then each of its properties, is
    fields, values = [], []
    for name, prop in face.properties.items():
        item = np.dtype(prop.type).itemsize
        if prop.count_type is None:  # a scalar: each triangle has its face's
            fields.append((name, np.uint8, (item,)))
            values.append(_picked(raw, at, item)[of_face])
        elif name in (corners, _TEXCOORD):  # cut as the corners are, a value or two a corner
            per_corner = item if name == corners else 2 * item
            if name != corners:
                _check_texcoord(counts[name], corner_counts, label)
            first = at[of_face] + np.dtype(prop.count_type).itemsize
            picked = np.concatenate([_picked(raw, first + corner * per_corner, per_corner)
                                     for corner in (0, within, within + 1)], axis=1)
            fields += [(f"{name} count", np.uint8), (name, np.uint8, (3 * per_corner,))]
            values += [np.full(len(of_face), 3 * per_corner // item, np.uint8), picked]
            if name == corners:
                _check_indices(picked, np.dtype(endian + prop.type), of_face, header, label,
                               corners)
        at = at + _bytes(prop, counts.get(name))
    triangles = np.empty(len(of_face), fields)
    for (name, *_), value in zip(fields, values, strict=True):
        triangles[name] = value
    return triangles


def _bytes(prop: PlyProperty, counts: np.ndarray | None) -> int | np.ndarray:
    """The bytes of a property of each face: a scalar's, or a list's of ``counts`` values."""
    item = np.dtype(prop.type).itemsize
    return item if prop.count_type is None else np.dtype(prop.count_type).itemsize + (
        counts * item)


def _picked(raw: np.ndarray, places: np.ndarray, size: int) -> np.ndarray:
    """(len(places), size) the ``size`` bytes of ``raw`` from each of ``places``, picked a few
    rows at a time."""
    picked = np.empty((len(places), size), np.uint8)
    for row in range(0, len(places), _ROWS):
        picked[row:row + _ROWS] = raw[places[row:row + _ROWS, None] + np.arange(size)]
    return picked


def _check_indices(picked: np.ndarray, index_type: np.dtype, of_face: np.ndarray,
                   header: PlyHeader, label: str, corners: str) -> None:
    """``AssetError`` naming the face for a corner of a triangle that names no vertex."""
    vertex = header.elements.get("vertex")
    if vertex is None or not len(picked):
        return  # trimesh reads no vertices: the file is refused as empty
    indices = picked.reshape(-1).view(index_type).astype(np.int64).reshape(len(picked), 3)
    wrong = (indices < 0) | (indices >= vertex.count)
    if wrong.any():
        triangle = int(np.flatnonzero(wrong.any(axis=1))[0])
        index = int(indices[triangle][wrong[triangle]][0])
        raise AssetError(f"face {int(of_face[triangle]) + 1}: vertex index {index} is out of "
                         f"range: the file has {vertex.count} "
                         f"vert{'ex' if vertex.count == 1 else 'ices'}", file=label,
                         field=f"element face, property {corners}")


def _check_texcoord(texcoords: np.ndarray, corners: np.ndarray, label: str) -> None:
    """``AssetError`` naming the face whose ``texcoord`` list is not two numbers a corner."""
    wrong = np.flatnonzero(texcoords != 2 * corners)
    if len(wrong):
        number = int(wrong[0])
        raise AssetError(f"face {number + 1} has {corners[number]} corners and "
                         f"{texcoords[number]} texture coordinates: expected two for each "
                         "corner", file=label, field=f"element face, property {_TEXCOORD}")


def _header_of_triangles(header: bytes, triangles: int, left_out: set[str]) -> bytes:
    """``header`` with its face element's count ``triangles``, the face's lists of
    ``left_out`` left out and its other lists counted by an uchar, their types and names as
    they were."""
    lines, in_faces = [], False
    for line in header.split(b"\n"):
        words, end = line.split(), b"\r" if line.endswith(b"\r") else b""
        if words[:1] == [b"element"]:
            in_faces = words[1:2] == [_FACE.encode()]
            if in_faces:
                line = b"element face %d" % triangles + end
        elif in_faces and words[:2] == [b"property", b"list"] and len(words) == 5:
            if words[4].decode("utf-8", errors="replace") in left_out:
                continue
            line = b" ".join([*words[:2], b"uchar", *words[3:]]) + end
        lines.append(line)
    return b"\n".join(lines)
