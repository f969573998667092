"""A PLY file's header, and the sizes of its faces checked before trimesh reads them.

trimesh makes a fan of triangles of a face of any size before the app sees it: one face of half
a million corners (``property list int int vertex_indices``), or a count that no face has,
stalls it. Here the header is read as trimesh reads it, then the corner count of every face
trimesh is to read, before it does:

- ASCII: each face is a line; the count is picked out of every line at once with numpy (one
  line at a time only where another list stands before the corners in a face).
- binary: trimesh reads every face as long as the first (its lists as long as the first face's
  lists) and refuses a file of another length; the first face's count is read, then, where the
  file is as long as that makes it, every face's count at once from its place in each face.

A face of more than ``MAX_POLYGON_VERTICES`` corners, binary faces of different sizes that
``app.assets.ply_polygons`` does not cut into triangles (which trimesh would read as wrong
faces) or more than ``MAX_TRIANGLES`` triangles in all is refused, naming the element and the
property; where trimesh will refuse the file itself, it is left to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.assets.obj_faces import in_ranges, line_slices, too_many_corners, too_many_triangles
from app.errors import AssetError
from app.limits import MAX_POLYGON_VERTICES, MAX_TRIANGLES

PLY_FORMATS = ("ascii", "binary_little_endian", "binary_big_endian")
# the types trimesh reads, by the names a header gives them (trimesh.exchange.ply._dtypes)
PLY_TYPES = {
    "char": "i1", "uchar": "u1", "short": "i2", "ushort": "u2", "int": "i4", "int8": "i1",
    "int16": "i2", "int32": "i4", "int64": "i8", "uint": "u4", "uint8": "u1", "uint16": "u2",
    "uint32": "u4", "uint64": "u8", "float": "f4", "float16": "f2", "float32": "f4",
    "float64": "f8", "double": "f8",
}
CORNER_NAMES = ("vertex_index", "vertex_indices")  # trimesh's for a face's corners, preferred first
_SPACE = np.zeros(256, bool)  # what numpy reads as a blank between numbers
_SPACE[list(b" \t\n\r\x0b\x0c")] = True
_USUAL = bytes(sorted(set(range(0x80)) - set(b"\r\x0b\x0c\x1c\x1d\x1e")))  # no line break
_SLICE = 1 << 24  # bytes looked at a time


@dataclass
class PlyProperty:
    type: str  # numpy's name of the type of its values ("i4")
    count_type: str | None = None  # of a list: numpy's name of the type of its count


@dataclass
class PlyElement:
    count: int
    properties: dict[str, PlyProperty] = field(default_factory=dict)


@dataclass
class PlyHeader:
    """A PLY file's header, as trimesh reads it."""

    binary: bool
    big_endian: bool
    elements: dict[str, PlyElement] = field(default_factory=dict)
    texture: str | None = None  # the name after "TextureFile"
    size: int = 0  # bytes, its last line's included
    lines: int = 2
    readable: bool = True  # whether trimesh reads it (it refuses the file otherwise)


def read_ply_header(path: Path, label: str) -> PlyHeader | None:
    """The header of the PLY file at ``path``; None for a file that is no PLY (trimesh says
    so). ``AssetError`` naming the line for a format that PLY does not have.

    The texture is named after ``TextureFile`` on the last line that holds the word
    (``comment TextureFile x``), as trimesh reads it."""
    with path.open("rb") as stream:
        if b"ply" not in stream.readline().lower():
            return None
        raw = stream.readline()
        _check_ply_format(raw, label)
        encoding = raw.decode("utf-8", errors="replace").strip().lower()
        header = PlyHeader(binary="ascii" not in encoding, big_endian="big" in encoding)
        element = None
        while raw := stream.readline():
            header.lines += 1
            line = raw.decode("utf-8", errors="replace").strip()
            words = line.split()
            if "end_header" in words:
                break
            if not words or not _is_utf8(raw):
                header.readable = False  # trimesh fails on it
            elif "element" in words[0]:
                try:
                    name, count = words[1:]
                    element = header.elements[name] = PlyElement(int(count))
                except ValueError:
                    header.readable = False
            elif "property" in words[0]:
                header.readable &= element is not None and _add_property(element, words)
            elif "texturefile" in line.lower():
                header.texture = line[line.lower().index("texturefile") + 11:].strip() or None
        else:
            header.readable = False  # no end_header
        header.size = stream.tell()
    return header


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _add_property(element: PlyElement, words: list[str]) -> bool:
    """Whether trimesh reads the property line ``words`` (added to ``element``)."""
    if len(words) < 2:
        return False
    if len(words) == 3:
        if words[1] not in PLY_TYPES:
            return False
        element.properties[words[2]] = PlyProperty(PLY_TYPES[words[1]])
    elif "list" in words[1]:
        if len(words) != 5 or words[2] not in PLY_TYPES or words[3] not in PLY_TYPES:
            return False
        element.properties[words[4]] = PlyProperty(PLY_TYPES[words[3]], PLY_TYPES[words[2]])
    return True  # trimesh passes over a property line of another length


def _check_ply_format(raw: bytes, label: str) -> None:
    line = raw.decode("utf-8", errors="replace")
    words = line.split()
    if len(words) >= 2 and words[0] == "format" and words[1].lower() in PLY_FORMATS:
        return
    if len(words) >= 2 and words[0] == "format":
        error = AssetError(f"{words[1]!r} is no PLY format; expected one of "
                           f"{', '.join(PLY_FORMATS)}", file=label, field="format")
        error.position = (2, line.find(words[1]) + 1)
    else:
        error = AssetError(f"expected the format as the second line ('format ascii 1.0', "
                           f"'format binary_little_endian 1.0' or 'format binary_big_endian "
                           f"1.0'), got {line.strip()[:80]!r}", file=label, field="format")
        error.position = (2, 1)
    raise error


def check_ply_faces(path: Path, header: PlyHeader, label: str) -> None:
    """``AssetError`` for a face of the PLY file at ``path`` (with ``header``) of more than
    ``MAX_POLYGON_VERTICES`` corners, binary faces of different sizes, or faces that make more
    than ``MAX_TRIANGLES`` triangles."""
    corners = corner_list(header)
    if corners is None:
        return  # trimesh finds no faces, or refuses the file
    where = f"element face, property {corners}"
    if header.binary:
        _check_binary(path, header, corners, label, where)
    else:
        _check_ascii(path, header, corners, label, where)


def corner_list(header: PlyHeader) -> str | None:
    """The name of the list of corners that trimesh reads of each face of a readable PLY file
    with faces; None where it reads no faces."""
    face = header.elements.get("face")
    if not header.readable or face is None or face.count <= 0:
        return None
    names = [name for name in CORNER_NAMES if name in face.properties]
    if header.binary:  # trimesh takes a face's one property, or the first of those names
        names = list(face.properties) if len(face.properties) == 1 else [
            name for name in face.properties if name in CORNER_NAMES]
    if not names or face.properties[names[0]].count_type is None:
        return None
    return names[0]


def _refused(message: str, label: str, where: str, line: int | None = None) -> AssetError:
    error = AssetError(message, file=label, field=where)
    if line is not None:
        error.position = (line, 1)
    return error


def _check_triangles(triangles: int, label: str, where: str) -> None:
    if triangles > MAX_TRIANGLES:
        raise _refused(too_many_triangles(), label, where)


def _check_binary(path: Path, header: PlyHeader, corners: str, label: str, where: str) -> None:
    layout = face_layout(path, header, corners, label, where)
    if layout is None:
        return  # trimesh refuses the file, or reads no faces
    face = header.elements["face"]
    lists = layout[2]
    _check_triangles(face.count * max(lists[corners][2] - 2, 0), label, where)
    other = longer_or_shorter(path, face.count, layout)
    if other is not None:
        key, number, count = other
        raise _refused(f"face {number + 1} has a list of {count} where face 1 has "
                       f"{lists[key][2]}: trimesh reads a binary PLY's faces only when each "
                       "face's lists are as long as the first face's; export it "
                       "triangulated, or as ASCII PLY", label, f"element face, property {key}")


_Lists = dict[str, tuple[int, np.dtype, int]]  # each list's place in a row, type, first count
FaceLayout = tuple[int, int, _Lists]  # where the faces start, the bytes of each, its lists


def longer_or_shorter(path: Path, faces: int,
                      layout: FaceLayout) -> tuple[str, int, int] | None:
    """The first list of the ``faces`` faces (laid out as ``layout``, see ``face_layout``) of
    another length than in the first face: its name, the face (from 0) and its count; None
    where every face's lists are as long as the first's (trimesh reads the faces as they
    are)."""
    start, row, lists = layout
    for key, (place, count_type, first) in lists.items():
        of_each = np.dtype({"names": ["count"], "formats": [count_type], "offsets": [place],
                            "itemsize": row})
        counts = np.memmap(path, of_each, "r", offset=start, shape=(faces,))["count"]
        other = np.flatnonzero(counts != first)
        if len(other):
            return key, int(other[0]), int(counts[other[0]])
    return None


def face_layout(path: Path, header: PlyHeader, corners: str, label: str,
                where: str) -> FaceLayout | None:
    """Where the faces start, the bytes of each and its lists, as trimesh reads a binary file:
    each element's lists as long as in its first row; None where trimesh refuses the file
    (another length than that makes it) or reads no faces. ``AssetError`` where the first
    face has more than ``MAX_POLYGON_VERTICES`` corners."""
    endian = ">" if header.big_endian else "<"
    face = header.elements["face"]
    at, found = header.size, None
    with path.open("rb") as stream:
        for element in header.elements.values():
            row, lists = 0, {}
            properties = list(element.properties.values())
            for number, (key, prop) in enumerate(element.properties.items()):
                if prop.count_type is None:
                    row += np.dtype(prop.type).itemsize
                    continue
                count_type = np.dtype(endian + prop.count_type)
                stream.seek(at + row)
                blob = stream.read(count_type.itemsize)
                if not blob and element is not face:  # trimesh drops it and what follows
                    if any(later.count_type for later in properties[number + 1:]):
                        return None
                    row += sum(np.dtype(later.type).itemsize for later in properties[number + 1:])
                    break
                if len(blob) < count_type.itemsize or count_type.kind == "f":
                    return None
                count = int(np.frombuffer(blob, count_type)[0])
                if count < 0:
                    return None
                if element is face and key == corners and count > MAX_POLYGON_VERTICES:
                    raise _refused(f"face 1: {too_many_corners(count)}", label, where)
                lists[key] = (row, count_type, count)
                row += count_type.itemsize + count * np.dtype(prop.type).itemsize
            if element is face:
                found = (at, row, lists)
            at += element.count * row
    if at != path.stat().st_size or found is None or not found[1]:
        return None
    return found


def _check_ascii(path: Path, header: PlyHeader, corners: str, label: str, where: str) -> None:
    face = header.elements["face"]
    properties = list(face.properties.items())
    place = [key for key, _ in properties].index(corners)
    if any(element.count < 0 for element in header.elements.values()):
        return  # trimesh reads no such file as it should
    with path.open("rb") as stream:
        stream.seek(header.size)
        body = _with_line_feeds(stream.read())
    if body is None:
        return  # trimesh cannot decode it
    first_row = start = 0  # trimesh reads an element's rows after those of the elements before
    for name, element in header.elements.items():
        if name == "face":
            break
        end = _line_start(body, element.count, start)
        if not any(prop.count_type for prop in element.properties.values()):
            _check_row_lengths(body[start:end], len(element.properties), label, name,
                               header.lines + first_row)
        first_row, start = first_row + element.count, end
    rows = body[start:_line_start(body, face.count, start)]
    if any(prop.count_type for _, prop in properties[:place]):
        counts = _counts_line_by_line(rows, properties, corners)
    else:
        counts = _nth_numbers(rows, place)
    if counts is None:
        return  # trimesh refuses the file: a word that is no number, a line too short
    over = np.flatnonzero(counts > MAX_POLYGON_VERTICES)
    if len(over):
        number = int(over[0])
        raise _refused(f"face {number + 1}: {too_many_corners(int(counts[number]))}", label,
                       where, header.lines + first_row + number + 1)
    _check_triangles(int(np.maximum(counts - 2, 0).sum()), label, where)
    if sum(1 for _, prop in properties if prop.count_type) == 1:
        _check_row_lengths(rows, counts + len(properties), label, "face",
                           header.lines + first_row)


def _check_row_lengths(rows: bytes, wanted: int | np.ndarray, label: str, element: str,
                       lines_before: int) -> None:
    """``AssetError`` for the first line of ``rows`` (an element's, one row a line) that has
    another number of values than ``wanted`` (per line, or for all): trimesh reads such a row
    as far as it goes, so a value too many or too few shifts nothing it warns of, and the part
    comes out wrong."""
    counts = _words_per_line(rows)
    wrong = np.flatnonzero(counts != wanted)
    if not len(wrong):
        return
    row = int(wrong[0])
    want = int(wanted if np.ndim(wanted) == 0 else wanted[row])
    raise _refused(f"row {row + 1} has {int(counts[row])} value"
                   f"{'s' if counts[row] != 1 else ''} where it takes {want}", label,
                   f"element {element}", lines_before + row + 1)


def _words_per_line(rows: bytes) -> np.ndarray:
    """How many words (runs of what is no blank) each line of ``rows`` has."""
    found = []
    for piece in line_slices(rows):
        _, _, words, ends = _words_of(piece)
        found.append(np.diff(np.searchsorted(words, ends), prepend=0))
    return np.concatenate(found) if found else np.zeros(0, np.int64)


def _words_of(piece: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A slice of whole lines as bytes (a line feed put at its end where it has none), which
    of them are blanks, where each word starts and where each line ends."""
    data = np.frombuffer(piece if piece.endswith(b"\n") else piece + b"\n", np.uint8)
    space = _SPACE[data]
    words = np.flatnonzero(~space & np.concatenate(([True], space[:-1])))
    return data, space, words, np.flatnonzero(data == ord("\n"))


def _with_line_feeds(body: bytes) -> bytes | None:
    """``body`` with a line feed at the end of each line trimesh reads (it splits lines where
    ``str.splitlines`` does); None where it is no UTF-8 (trimesh refuses the file)."""
    unusual = body.translate(None, _USUAL)
    if not unusual.replace(b"\r", b"") and body.count(b"\r\n") == len(unusual):
        return body  # line feeds, carriage returns before some
    try:
        return "\n".join(body.decode("utf-8").splitlines()).encode() + b"\n"
    except UnicodeDecodeError:
        return None


def _line_start(body: bytes, number: int, start: int = 0) -> int:
    """Where the ``number``-th line (from 0) after ``start`` starts; the end where there are
    fewer lines."""
    if not number:
        return start
    seen = 0
    for at in range(start, len(body), _SLICE):
        size = min(_SLICE, len(body) - at)
        found = body.count(b"\n", at, at + size)
        if seen + found >= number:
            feeds = np.flatnonzero(np.frombuffer(body, np.uint8, size, at) == ord("\n"))
            return at + int(feeds[number - seen - 1]) + 1
        seen += found
    return len(body)


def _nth_numbers(rows: bytes, place: int) -> np.ndarray | None:
    """The ``place``-th number (from 0) of each line of ``rows``; None where a line has fewer
    numbers or one is no number."""
    found = []
    for piece in line_slices(rows):
        data, space, words, ends = _words_of(piece)
        wanted = np.searchsorted(words, np.concatenate(([0], ends[:-1] + 1))) + place
        if (wanted >= len(words)).any() or (words[np.minimum(wanted, len(words) - 1)]
                                            > ends).any():
            return None
        starts = words[wanted]
        blanks = np.flatnonzero(space)
        picked = data[in_ranges(starts, blanks[np.searchsorted(blanks, starts)] + 1, len(data))]
        try:
            numbers = np.fromstring(picked.tobytes(), sep=" ")
        except ValueError:
            return None
        if len(numbers) != len(starts) or not np.isfinite(numbers).all():
            return None
        found.append(np.clip(numbers, -1, 2 ** 62).astype(np.int64))
    return np.concatenate(found) if found else np.zeros(0, np.int64)


def _counts_line_by_line(rows: bytes, properties: list[tuple[str, PlyProperty]],
                         corners: str) -> np.ndarray | None:
    """Each line's count of the list ``corners``, read as trimesh reads a face whose lists
    differ in length from face to face; None where trimesh refuses the file."""
    counts = []
    for line in rows.splitlines():
        try:
            numbers = np.fromstring(line, sep=" ")
        except ValueError:
            return None
        at = 0
        for key, prop in properties:
            if at >= len(numbers) or not np.isfinite(numbers[at]):
                return None
            if key == corners:
                counts.append(min(int(numbers[at]), 2 ** 62))
                break
            at += 1 + (int(numbers[at]) if prop.count_type else 0)
    return np.array(counts, np.int64)
