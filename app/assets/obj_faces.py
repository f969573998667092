"""The corners of an OBJ file's faces, checked before trimesh reads them.

trimesh takes index 0 for the first vertex (OBJ counts from 1), fails with an IndexError on a
vertex index past the file's vertices, draws a part without its texture coordinates or normals
when one of their indices is past theirs, and makes a fan of triangles of a polygon of any
size. Here a vertex index that names no vertex or an outsized polygon is refused, and a
texture-coordinate or normal index that names none is a warning, each naming the line.

Faces are the lines trimesh reads as faces (``f`` first on the line). The file is read in slices
of whole lines with numpy: where every corner of a slice has one of the forms ``1``, ``1/2``,
``1//3`` or ``1/2/3`` (as in nearly every file) they are read at once as numbers, otherwise one
by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.errors import AssetError
from app.limits import MAX_POLYGON_VERTICES, MAX_TRIANGLES

_SLICE = 1 << 24  # bytes of the file read at a time
_CORNER = re.compile(rb"([+-]?\d+)(?:/([+-]?\d*)(?:/([+-]?\d*))?)?")
_WORD = re.compile(rb"\S+")
# each byte of a face line as one of five kinds
_OTHER, _GAP, _DIGIT, _SIGN, _SLASH = range(5)
_KIND = np.full(256, _OTHER, np.uint8)
_KIND[list(b" \t\n\r\x0b\x0c")] = _GAP  # what bytes.split() splits at
_KIND[list(b"0123456789")] = _DIGIT
_KIND[list(b"+-")] = _SIGN
_KIND[ord("/")] = _SLASH
# the forms of a corner (1, 1/2, 1/2/3, 1//3) by the columns (v, vt, vn) each fills, and the
# form of a corner by 2 x its slashes + its double slashes (-1: none)
_COLUMNS = ((0,), (0, 1), (0, 1, 2), (0, 2))
_FORM_OF = np.array([0, -1, 1, -1, 2, 3])
_NONE = np.iinfo(np.int64).min  # a corner with no index of that kind
_KINDS = ("v", "vt", "vn")
_WHAT = {"v": "vertex", "vt": "texture coordinate", "vn": "normal"}
# what trimesh draws for a texture-coordinate or normal index that names none
_DRAWN = {"vt": "the part it is in is drawn without texture coordinates",
          "vn": "the part it is in is drawn with normals made from its surface"}


@dataclass
class _Wrong:
    """The first corner with a wrong index of one kind, and how many there are."""

    index: str  # as the file writes it
    line: int
    column: int
    corners: int = 0


@dataclass
class _Faces:
    """The faces of one slice of the file, their corners side by side."""

    source: bytes  # the slice as the file has it
    lines: int  # lines of the file before it
    count: int  # faces
    mask: np.ndarray  # the bytes of the slice that ``corners`` holds (faces less their ``f``)
    corners: bytes  # the corners of every face, blank-separated
    starts: np.ndarray  # where in ``corners`` each corner starts

    def written(self, corner: int) -> bytes:
        return _WORD.match(self.corners, int(self.starts[corner])).group()

    def place(self, corner: int) -> tuple[int, int]:
        """(line, column), from 1, of the ``corner``-th corner."""
        at = int(np.flatnonzero(self.mask)[self.starts[corner]])
        return (self.lines + self.source.count(b"\n", 0, at) + 1,
                at - self.source.rfind(b"\n", 0, at))


def check_obj_faces(data: bytes, label: str) -> list[str]:
    """Warnings about the faces of the OBJ file ``data`` (a texture-coordinate or normal index
    that names none); ``AssetError`` for a vertex index that names none, a corner that is no
    index, a polygon of more than ``MAX_POLYGON_VERTICES`` corners, or more triangles than
    ``MAX_TRIANGLES``. Every message names the line."""
    counts = {kind: _count(data, kind) for kind in _KINDS}
    wrong: dict[str, _Wrong] = {}
    triangles = lines = 0
    for piece in _pieces(data):
        faces = _faces(piece, lines, label)
        corners, bad = _indices(faces)
        if bad is not None:
            token = faces.written(bad).decode("utf-8", errors="replace")[:40]
            raise _at(AssetError("expected a corner as v, v/vt, v//vn or v/vt/vn (whole "
                                 f"numbers), got {token!r}", file=label, field="f"),
                      faces.place(bad))
        triangles += len(corners) - 2 * faces.count  # fewer where a face is short
        if triangles > MAX_TRIANGLES:
            raise AssetError(f"its faces make more than {MAX_TRIANGLES} triangles, the limit",
                             file=label)
        for column, kind in enumerate(_KINDS):
            indices = corners[:, column]
            outside = (indices != _NONE) & ((indices == 0) | (np.abs(indices) > counts[kind]))
            if not outside.any():
                continue
            first = int(np.argmax(outside))
            written = faces.written(first).split(b"/")[column].decode()
            found = wrong.setdefault(kind, _Wrong(written, *faces.place(first)))
            found.corners += int(outside.sum())
            if kind == "v":
                raise _at(AssetError(_index_problem(kind, found.index, counts[kind]),
                                     file=label, field="f"), (found.line, found.column))
        lines += piece.count(b"\n")
    return [_warning(kind, found, counts[kind], label) for kind, found in wrong.items()]


def _index_problem(kind: str, index: str, count: int) -> str:
    if int(index) == 0:
        return f"{_WHAT[kind]} index 0 is not a valid OBJ index: indices count from 1"
    if not count:
        return f"{_WHAT[kind]} index {index} names nothing: the file has no {kind} lines"
    return (f"{_WHAT[kind]} index {index} is out of range: the file has {count} {kind} "
            f"line{'s' if count != 1 else ''}")


def _warning(kind: str, wrong: _Wrong, count: int, label: str) -> str:
    more = wrong.corners - 1
    also = f" ({more} more corner{'s' if more != 1 else ''} like it)" if more else ""
    drawn = "read as 1" if int(wrong.index) == 0 else _DRAWN[kind]
    error = AssetError(f"{_index_problem(kind, wrong.index, count)}{also}; {drawn}", file=label,
                       field="f")
    return str(_at(error, (wrong.line, wrong.column)))


def _pieces(data: bytes):
    """``data`` in slices of about ``_SLICE`` bytes, each ending at the end of a line."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + _SLICE)
        end = len(data) if end < 0 else end + 1
        yield data[start:end]
        start = end


def _count(data: bytes, kind: str) -> int:
    """How many ``kind`` lines (v, vt or vn) the file has: at the start of a line, where
    trimesh reads them."""
    gaps = (b" ", b"\t") if b"\t" in data else (b" ",)
    return sum(data.startswith(kind.encode() + gap) + data.count(b"\n" + kind.encode() + gap)
               for gap in gaps)


def _faces(source: bytes, lines: int, label: str) -> _Faces:
    """The faces of ``source``, a slice of the file after ``lines`` lines; ``AssetError`` for a
    polygon of more than ``MAX_POLYGON_VERTICES`` corners."""
    text = source.replace(b"\\\n", b"  ")  # a continued line: one line, of the same length
    size = len(text)
    data = np.frombuffer(text + b"\n\n", np.uint8)
    starts = np.flatnonzero(np.concatenate(([True], data[:size - 1] == ord("\n"))))
    lengths = np.diff(np.append(starts, size))
    is_face = (data[starts] == ord("f")) & ((data[starts + 1] == ord(" "))
                                           | (data[starts + 1] == ord("\t")))
    long = is_face & ((lengths - 1) // 2 > MAX_POLYGON_VERTICES)  # a blank before each corner
    for start, length in zip(starts[long], lengths[long], strict=True):
        corners = len(text[start + 1:start + length].split())
        if corners > MAX_POLYGON_VERTICES:
            raise _at(AssetError(f"a polygon of {corners} corners is over the limit of "
                                 f"{MAX_POLYGON_VERTICES} corners", file=label, field="f"),
                      (lines + source.count(b"\n", 0, start) + 1, 1))
    mask = np.repeat(is_face, lengths)
    mask[starts[is_face]] = False  # the "f"
    corners = data[:size][mask]
    blank = _KIND[corners] == _GAP
    first = np.flatnonzero(~blank & np.concatenate(([True], blank[:-1])))
    return _Faces(source, lines, int(is_face.sum()), mask, corners.tobytes(), first)


def _indices(faces: _Faces) -> tuple[np.ndarray, int | None]:
    """(corners, 3) v, vt and vn indices (``_NONE`` where a corner has none), and the number of
    the first corner that is no index (else None)."""
    forms = _forms(faces)
    if forms is not None:
        numbers = np.fromstring(faces.corners.replace(b"/", b" "), dtype=np.int64, sep=" ")
        sizes = np.array([len(columns) for columns in _COLUMNS])[forms]
        if len(numbers) == sizes.sum():
            indices = np.full((len(forms), 3), _NONE, np.int64)
            starts = np.cumsum(sizes) - sizes  # where each corner's numbers start
            for form, columns in enumerate(_COLUMNS):
                which = forms == form
                for offset, column in enumerate(columns):
                    indices[which, column] = numbers[starts[which] + offset]
            return indices, None
    rows = []
    for number, token in enumerate(faces.corners.split()):
        corner = _CORNER.fullmatch(token)
        if corner is None:
            return np.zeros((0, 3), np.int64), number
        rows.append([max(-2 ** 62, min(2 ** 62, int(g))) if g else _NONE
                     for g in corner.groups()])
    return np.array(rows, np.int64).reshape(-1, 3), None


def _forms(faces: _Faces) -> np.ndarray | None:
    """The form of each corner (its place in ``_COLUMNS``) where every corner is whole numbers
    in one of those forms, else None."""
    kinds = _KIND[np.frombuffer(faces.corners, np.uint8)]
    if (kinds == _OTHER).any():
        return None
    gap = np.array([_GAP], np.uint8)
    before, after = np.concatenate((gap, kinds[:-1])), np.concatenate((kinds[1:], gap))
    slash = kinds == _SLASH
    if ((kinds == _SIGN) & ~(((before == _GAP) | (before == _SLASH)) & (after == _DIGIT))).any():
        return None  # a sign starts a number
    if (slash & ~(((before == _DIGIT) | (before == _SLASH)) & (after != _GAP))).any():
        return None  # a slash stands between numbers, or is one of two
    if not len(faces.starts):
        return np.zeros(0, np.int64)
    slashes = np.add.reduceat(slash, faces.starts, dtype=np.int64)  # of each corner
    doubles = np.add.reduceat(slash & (after == _SLASH), faces.starts, dtype=np.int64)
    if (slashes > 2).any():
        return None
    forms = _FORM_OF[2 * slashes + doubles]
    return None if (forms < 0).any() else forms


def _at(error: AssetError, place: tuple[int, int]) -> AssetError:
    error.position = place
    return error
