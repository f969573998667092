"""The faces of an OBJ file checked, and the file written as trimesh is to read it.

trimesh takes index 0 for the first vertex (OBJ counts from 1), counts a negative index back
from the end of the file (OBJ: from the line it is on), passes over a line that starts with a
blank or has a tab after its ``v`` or ``f``, fails on a vertex index past the file's vertices,
draws a part without its texture coordinates or normals when one of their indices is past
theirs, passes over a face of fewer than three corners, and makes a fan of triangles of a
polygon of any size. Here a vertex index that names no vertex or an outsized polygon is
refused, and a texture-coordinate or normal index that names none, or a face of fewer than
three corners (``f 1 2``, or ``f 1 2 # 3`` once its comment is left out; left out, as trimesh
leaves it) is a warning, each naming the line and column; a file whose faces are all such is
refused. trimesh gets the file with no blanks before its lines, a space
for the tab after ``v``, ``vt``, ``vn`` or ``f``, and each negative index as the one from 1 it
means (one that names none as one past the last, drawn as the warning says).

Faces are the lines whose first word is ``f``. The file is read in slices of whole lines with
numpy: where every corner of a slice has one of the forms ``1``, ``1/2``, ``1//3`` or
``1/2/3`` (as in nearly every file) they are read at once as numbers, otherwise one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.errors import AssetError
from app.limits import FEWER_TRIANGLES, MAX_POLYGON_VERTICES, MAX_TRIANGLES

_SLICE = 1 << 24  # bytes of the file read at a time
_CORNER = re.compile(rb"([+-]?\d+)(?:/([+-]?\d+)?(?:/([+-]?\d+)?)?)?")
_WORD = re.compile(rb"\S+")
_NOT_BLANK = re.compile(rb"[^ \t]")
# each byte of a face line as one of five kinds
_OTHER, _GAP, _DIGIT, _SIGN, _SLASH = range(5)
_KIND = np.full(256, _OTHER, np.uint8)
_KIND[list(b" \t\n\r\x0b\x0c")] = _GAP  # what bytes.split() splits at
_KIND[list(b"0123456789")] = _DIGIT
_KIND[list(b"+-")] = _SIGN
_KIND[ord("/")] = _SLASH
_BLANK = np.zeros(256, bool)  # what may stand before a line's first word, and after it
_BLANK[list(b" \t")] = True
# the forms of a corner (1, 1/2, 1/2/3, 1//3) by the columns (v, vt, vn) each fills, and the
# form of a corner by 2 x its slashes + its double slashes (-1: none)
_COLUMNS = ((0,), (0, 1), (0, 1, 2), (0, 2))
_FORM_OF = np.array([0, -1, 1, -1, 2, 3])
_NONE = np.iinfo(np.int64).min  # a corner with no index of that kind
_KINDS = ("v", "vt", "vn")  # the first words of the lines indices count; a face's is "f"
_FACE = len(_KINDS)
_WORD_LENGTHS = np.array([1, 2, 2, 1])  # of v, vt, vn and f
_WHAT = {"v": "vertex", "vt": "texture coordinate", "vn": "normal"}
# what trimesh draws for a texture-coordinate or normal index that names none
_DRAWN = {"vt": "the part it is in is drawn without texture coordinates",
          "vn": "the part it is in is drawn with normals made from its surface"}


@dataclass
class CheckedFaces:
    """An OBJ file whose faces are checked, as trimesh is to read it."""

    source: bytes
    warnings: list[str]  # about texture-coordinate and normal indices that name none


@dataclass
class _Wrong:
    """The first corner with a wrong index of one kind, and how many there are."""

    index: str  # as the file writes it
    line: int
    column: int
    before: int  # lines of its kind before its face (for a negative index)
    corners: int = 0


@dataclass
class _Lines:
    """The lines of a slice of the file (a line continued after a backslash is one)."""

    starts: np.ndarray  # where each starts
    ends: np.ndarray  # where the next starts
    first: np.ndarray  # where its first word starts (its first byte that is no blank)
    words: np.ndarray  # its first word: the place of v, vt, vn in ``_KINDS``, _FACE, or -1


@dataclass
class _Faces:
    """The faces of one slice of the file, their corners side by side."""

    source: bytes  # the slice as the file has it
    lines: int  # lines of the file before it
    found: _Lines
    face_lines: np.ndarray  # which of ``found`` are faces
    offsets: np.ndarray  # where in ``corners`` each face's bytes start
    corners: bytes  # the corners of every face, blank-separated
    starts: np.ndarray  # where in ``corners`` each corner starts

    def at(self, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The line (of ``found``) and the byte (of the slice) each of ``corners`` starts at."""
        starts = self.starts[corners]
        face = np.searchsorted(self.offsets, starts, side="right") - 1
        line = self.face_lines[face]
        return line, self.found.first[line] + 1 + starts - self.offsets[face]

    def written(self, corner: int) -> bytes:
        return _WORD.match(self.corners, int(self.starts[corner])).group()

    def place(self, corner: int) -> tuple[int, int]:
        """(line, column), from 1, of the ``corner``-th corner."""
        return self.place_of(int(self.at(np.array([corner]))[1][0]))

    def place_of(self, at: int) -> tuple[int, int]:
        """(line, column), from 1, of the byte ``at`` of the slice."""
        return (self.lines + self.source.count(b"\n", 0, at) + 1,
                at - self.source.rfind(b"\n", 0, at))

    def corner_counts(self) -> np.ndarray:
        """How many corners each face of the slice has."""
        return np.diff(np.searchsorted(self.starts, np.append(self.offsets, len(self.corners))))

    def face_at(self, face: int) -> int:
        """The byte of the slice the ``f`` of its ``face``-th face is at."""
        return int(self.found.first[self.face_lines[face]])


def check_obj_faces(data: bytes, label: str) -> CheckedFaces:
    """The OBJ file ``data`` as trimesh is to read it, with warnings about its faces (a
    texture-coordinate or normal index that names none, faces of fewer than three corners, left
    out); ``AssetError`` for a vertex index that names none, a corner that is no index, a
    polygon of more than ``MAX_POLYGON_VERTICES`` corners, or more triangles than
    ``MAX_TRIANGLES``. Every message names the line."""
    totals = _totals(data)
    wrong: dict[str, _Wrong] = {}
    triangles = lines = 0
    before = np.zeros(len(_KINDS), np.int64)  # v, vt and vn lines before the slice
    pieces = []
    changed = False
    first_short, short_count = None, 0  # faces of fewer than three corners: left out
    polygons = 0
    for piece in line_slices(data):
        faces = _faces(piece, lines, label)
        corners, bad = _indices(faces)
        if bad is not None:
            token = faces.written(bad).decode("utf-8", errors="replace")[:40]
            raise _at(AssetError("expected a corner as v, v/vt, v//vn or v/vt/vn (whole "
                                 f"numbers), got {token!r}", file=label, field="f"),
                      faces.place(bad))
        counts = faces.corner_counts()
        short = np.flatnonzero(counts < 3)
        if len(short) and first_short is None:
            first_short = (int(counts[short[0]]), faces.place_of(faces.face_at(int(short[0]))))
        short_count += len(short)
        polygons += len(counts) - len(short)
        triangles += int(np.maximum(counts - 2, 0).sum())
        if triangles > MAX_TRIANGLES:
            raise AssetError(too_many_triangles(), file=label)
        counted = _counted(faces, corners, before)
        for column, kind in enumerate(_KINDS):
            indices = counted[:, column]
            outside = (indices != _NONE) & ((indices < 1) | (indices > totals[column]))
            if not outside.any():
                continue
            first = int(np.argmax(outside))
            written = faces.written(first).split(b"/")[column].decode()
            lines_before = int(indices[first] - corners[first, column]) - 1  # if negative
            found = wrong.setdefault(kind, _Wrong(written, *faces.place(first), lines_before))
            found.corners += int(outside.sum())
            if kind == "v":
                raise _at(AssetError(_index_problem(kind, found, int(totals[column])),
                                     file=label, field="f"), (found.line, found.column))
        pieces.append(_as_trimesh_reads(faces, corners, counted, totals))
        changed = changed or pieces[-1] is not piece
        before += np.bincount(faces.found.words[faces.found.words >= 0],
                              minlength=_FACE + 1)[:_FACE]
        lines += piece.count(b"\n")
    in_order = sorted(wrong.items(), key=lambda item: (item[1].line, item[1].column))
    warnings = [_warning(kind, found, int(totals[_KINDS.index(kind)]), label)
                for kind, found in in_order]
    if first_short is not None and not polygons:
        corners, place = first_short
        raise _at(AssetError(f"{_short_face(corners)}, and the file has no other: nothing to "
                             "draw", file=label, field="f"), place)
    if first_short is not None:
        warnings.insert(0, _short_face_warning(*first_short, short_count, label))
    return CheckedFaces(b"".join(pieces) if changed else data, warnings)


def _short_face_warning(corners: int, place: tuple[int, int], count: int, label: str) -> str:
    """A face of fewer than three corners (an edge, a point, a comment cut it short) has no
    area: it is left out, as a modelling tool's importer leaves it, and said so."""
    more = count - 1
    also = f" ({more} more like it)" if more else ""
    error = AssetError(f"{_short_face(corners)}; left out{also}", file=label, field="f")
    return str(_at(error, place))


def _short_face(corners: int) -> str:
    return (f"a face of {corners} corner{'s' if corners != 1 else ''} is no polygon (a face "
            "needs 3 corners or more)")


def too_many_corners(corners: int) -> str:
    return f"a polygon of {corners} corners is over the limit of {MAX_POLYGON_VERTICES} corners"


def too_many_triangles() -> str:
    return f"its faces make more than {MAX_TRIANGLES} triangles, the limit: {FEWER_TRIANGLES}"


def _index_problem(kind: str, wrong: _Wrong, count: int) -> str:
    index = int(wrong.index)
    if index == 0:
        return f"{_WHAT[kind]} index 0 is not a valid OBJ index: indices count from 1"
    if index < 0 and not wrong.before:
        return f"{_WHAT[kind]} index {wrong.index} names nothing: no {kind} line comes before it"
    if index < 0:
        come = f"{wrong.before} {kind} line{' comes' if wrong.before == 1 else 's come'}"
        return f"{_WHAT[kind]} index {wrong.index} is out of range: {come} before it"
    if not count:
        return f"{_WHAT[kind]} index {wrong.index} names nothing: the file has no {kind} lines"
    return (f"{_WHAT[kind]} index {wrong.index} is out of range: the file has {count} {kind} "
            f"line{'s' if count != 1 else ''}")


def _warning(kind: str, wrong: _Wrong, count: int, label: str) -> str:
    more = wrong.corners - 1
    also = f" ({more} more corner{'s' if more != 1 else ''} like it)" if more else ""
    drawn = "read as 1" if int(wrong.index) == 0 else _DRAWN[kind]
    error = AssetError(f"{_index_problem(kind, wrong, count)}{also}; {drawn}", file=label,
                       field="f")
    return str(_at(error, (wrong.line, wrong.column)))


def line_slices(data: bytes, size: int = _SLICE):
    """``data`` in slices of about ``size`` bytes, each ending at the end of a line (a line
    continued after a backslash goes on in the same slice)."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + size)
        while end > 0 and (data.endswith(b"\\", 0, end) or data.endswith(b"\\\r", 0, end)):
            end = data.find(b"\n", end + 1)
        end = len(data) if end < 0 else end + 1
        yield data[start:end]
        start = end


def _joined(source: bytes) -> bytes:
    """``source`` with each line continued after a backslash one line, of the same length."""
    return source.replace(b"\\\r\n", b"   ").replace(b"\\\n", b"  ")


def _lines(text: bytes) -> _Lines:
    size = len(text)
    data = np.frombuffer(text + b"\n\n\n", np.uint8)
    starts = np.flatnonzero(np.concatenate(([True], data[:size - 1] == ord("\n"))))
    first = starts.copy()
    indented = np.flatnonzero(_BLANK[data[first]])
    for _ in range(64):  # a blank further at a time
        if not len(indented):
            break
        first[indented] += 1
        indented = indented[_BLANK[data[first[indented]]]]
    for line in indented:  # indented by more than 64 blanks
        found = _NOT_BLANK.search(text, int(first[line]))
        first[line] = found.start() if found else size
    one, two, three = data[first], data[first + 1], data[first + 2]
    words = np.full(len(starts), -1, np.int8)
    words[(one == ord("v")) & _BLANK[two]] = 0
    words[(one == ord("v")) & (two == ord("t")) & _BLANK[three]] = 1
    words[(one == ord("v")) & (two == ord("n")) & _BLANK[three]] = 2
    words[(one == ord("f")) & _BLANK[two]] = _FACE
    return _Lines(starts, np.append(starts[1:], size), first, words)


def _totals(data: bytes) -> np.ndarray:
    """How many v, vt and vn lines the file has."""
    totals = np.zeros(_FACE + 1, np.int64)
    for piece in line_slices(data):
        words = _lines(_joined(piece)).words
        totals += np.bincount(words[words >= 0], minlength=_FACE + 1)
    return totals[:_FACE]


def in_ranges(starts: np.ndarray, ends: np.ndarray, size: int) -> np.ndarray:
    """A mask of ``size`` bytes, set from each of ``starts`` to the end before (ranges in order,
    apart)."""
    bounds = np.column_stack((starts, ends)).ravel()
    lengths = np.diff(bounds, prepend=0, append=size)
    return np.repeat(np.arange(len(lengths)) % 2 == 1, lengths)


def _faces(source: bytes, lines: int, label: str) -> _Faces:
    """The faces of ``source``, a slice of the file after ``lines`` lines; ``AssetError`` for a
    polygon of more than ``MAX_POLYGON_VERTICES`` corners."""
    text = _joined(source)
    found = _lines(text)
    face_lines = np.flatnonzero(found.words == _FACE)
    starts, ends = found.first[face_lines] + 1, found.ends[face_lines]  # after each "f"
    long = (ends - starts) // 2 > MAX_POLYGON_VERTICES  # a blank before each corner
    for start, end in zip(starts[long], ends[long], strict=True):
        corners = len(text[start:end].split())
        if corners > MAX_POLYGON_VERTICES:
            at = start - 1
            raise _at(AssetError(too_many_corners(corners), file=label, field="f"),
                      (lines + source.count(b"\n", 0, at) + 1, at - source.rfind(b"\n", 0, at)))
    data = np.frombuffer(text, np.uint8)
    corners = data[in_ranges(starts, ends, len(text))]
    blank = _KIND[corners] == _GAP
    first = np.flatnonzero(~blank & np.concatenate(([True], blank[:-1])))
    sizes = ends - starts
    return _Faces(source, lines, found, face_lines, np.cumsum(sizes) - sizes, corners.tobytes(),
                  first)


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


def _counted(faces: _Faces, corners: np.ndarray, before: np.ndarray) -> np.ndarray:
    """``corners`` with each negative index counted back from the line of its face (``before``:
    the v, vt and vn lines before the slice): 0 or less where it reaches before the first."""
    rows = np.flatnonzero(((corners < 0) & (corners != _NONE)).any(axis=1))  # negative ones
    if not len(rows):
        return corners
    line, _ = faces.at(rows)
    counted = corners.copy()
    for column in range(len(_KINDS)):
        of_kind = faces.found.words == column
        earlier = before[column] + (np.cumsum(of_kind) - of_kind)[line]
        indices = corners[rows, column]
        counted[rows, column] = np.where((indices < 0) & (indices != _NONE),
                                         earlier + indices + 1, indices)
    return counted


def _as_trimesh_reads(faces: _Faces, corners: np.ndarray, counted: np.ndarray,
                      totals: np.ndarray) -> bytes:
    """The slice with no blanks before its lines, a space for a tab after a first word v, vt,
    vn or f, and every corner with a negative index written with the indices it means."""
    found = faces.found
    data = np.frombuffer(faces.source, np.uint8)
    indented = np.flatnonzero(found.first > found.starts)
    named = np.flatnonzero(found.words >= 0)
    after = found.first[named] + _WORD_LENGTHS[found.words[named]]
    tabs = after[data[np.minimum(after, len(data) - 1)] == ord("\t")]
    rows = np.flatnonzero(((corners < 0) & (corners != _NONE)).any(axis=1))  # negative ones
    if not len(indented) and not len(tabs) and not len(rows):
        return faces.source
    indices = counted[rows]
    # a texture coordinate or normal before the first: past the last, as the warning says
    before_first = (indices < 1) & (corners[rows] < 0) & (corners[rows] != _NONE)
    indices[before_first] = np.broadcast_to(totals + 1, indices.shape)[before_first]
    text, lengths = _corner_texts(indices)
    gaps = np.append(np.flatnonzero(_KIND[np.frombuffer(faces.corners, np.uint8)] == _GAP),
                     len(faces.corners))
    starts = faces.starts[rows]
    _, at = faces.at(rows)
    if len(tabs):
        data = data.copy()
        data[tabs] = ord(" ")
    return _spliced(data, (found.starts[indented], found.first[indented]),
                    (at, at + gaps[np.searchsorted(gaps, starts)] - starts), text, lengths)


def _corner_texts(indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corners of (v, vt, vn) ``indices`` from 0 (``_NONE`` where a corner has none) written
    out, one after another, and the length of each."""
    present = indices != _NONE
    numbers = np.where(present, indices, 0)
    places = len(str(int(numbers.max()))) if numbers.size else 1
    rest = numbers.astype(np.int32 if places < 10 else np.int64)
    text = np.full((len(indices), 3, places + 1), ord("/"), np.uint8)  # a slash, each number
    for place in range(places, 0, -1):
        rest, digit = np.divmod(rest, 10)
        text[:, :, place] = digit + ord("0")
    widths = (numbers[:, :, None] >= 10 ** np.arange(1, places, dtype=np.int64)).sum(axis=2)
    keep = np.zeros(text.shape, bool)
    keep[:, :, 1:] = (np.arange(places) >= places - 1 - widths[:, :, None]) & present[:, :, None]
    keep[:, 1, 0] = present[:, 1] | present[:, 2]  # the slashes before vt and vn
    keep[:, 2, 0] = present[:, 2]
    return text[keep], keep.sum(axis=(1, 2))


def _spliced(data: np.ndarray, cuts: tuple[np.ndarray, np.ndarray],
             replaced: tuple[np.ndarray, np.ndarray], text: np.ndarray,
             lengths: np.ndarray) -> bytes:
    """``data`` without the bytes of ``cuts`` (starts, ends), each range of ``replaced`` in
    turn replaced by the next of ``lengths`` bytes of ``text``."""
    kept = ~(in_ranges(*cuts, len(data)) | in_ranges(*replaced, len(data)))
    emitted = kept.astype(np.int32 if len(data) + lengths.sum() < 2 ** 31 else np.int64)
    emitted[replaced[0]] = lengths
    at = np.cumsum(emitted, dtype=emitted.dtype)
    at -= emitted
    out = np.empty(int(emitted.sum()), np.uint8)
    out[at[kept]] = data[kept]
    if len(lengths):  # each text's bytes one after another from where it goes
        step = np.ones(int(lengths.sum()), at.dtype)
        goes = at[replaced[0]]
        step[np.cumsum(lengths) - lengths] = goes - np.concatenate(([0], goes[:-1] + lengths[:-1]
                                                                     - 1))
        out[np.cumsum(step, dtype=at.dtype)] = text
    return out.tobytes()


def _at(error: AssetError, place: tuple[int, int]) -> AssetError:
    error.position = place
    return error
