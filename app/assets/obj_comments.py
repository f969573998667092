"""An OBJ file's comments left out before any of it is read.

In an OBJ file a ``#`` starts a comment anywhere in a line (``f 1 2 3 # note``, ``usemtl red
# paint``), and many exporters write them after the data. trimesh reads only a line that starts
with one as a comment: it took the rest for data (a corner, part of a material's or a library's
name). Here each comment is left out, from its ``#`` to the end of its line, before the faces
are checked, the material libraries named or trimesh handed the file: a name with a ``#`` in it
is read up to it, as OBJ practice has it, and goes through the reference checks as any name
(material names that it cuts to one are named in a warning:
``texture_references.names_a_comment_joins``). Except where the whole name is meant, as
Blender reads and writes it (``Material_#25``, ``Chair #2.mtl``): a ``usemtl`` or ``mtllib``
line whose whole name is meant (a material its library names whole too, a library file that
is there by the whole name) is put back whole (``with_lines_whole``).

A line continued after a backslash is one line (as the app and trimesh read it): a comment in
it runs to its end. The line breaks stay, so every line keeps its number and every byte before
a comment its column, for the messages that name them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from app.assets.obj_faces import in_ranges, line_slices

_HASH, _FEED, _RETURN, _BACKSLASH = (ord(c) for c in "#\n\r\\")
_CHUNK = 1 << 24  # bytes looked at a time for a #
_NAMING = (b"usemtl", b"mtllib")  # the lines whose names may hold a # (Blender's reading)


class NamedLine(NamedTuple):
    """A ``usemtl`` or ``mtllib`` line whose whole name (the rest of the line) has a ``#``."""

    start: int  # where the line starts in the file
    keyword: bytes
    name: bytes  # stripped


def lines_naming_with_a_hash(data: bytes) -> list[NamedLine]:
    """The ``usemtl`` and ``mtllib`` lines of the OBJ file ``data`` whose whole names have a
    ``#`` in them (each keyword found by a plain search, kept where it starts a line); a line
    continued after a backslash, or continuing one, is left out (a comment runs on over it)."""
    if b"#" not in data:
        return []
    found = []
    for keyword in _NAMING:
        at = data.find(keyword)
        while at >= 0:
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end
            after = data[at + len(keyword):at + len(keyword) + 1]
            if not data[start:at].strip(b" \t") and after in (b" ", b"\t"):
                name = data[at + len(keyword):end].strip()
                continued = name.endswith(b"\\") or data[max(start - 3, 0):start].rstrip(
                    b"\r\n").endswith(b"\\")
                if b"#" in name and not continued:
                    found.append(NamedLine(start, keyword, name))
            at = data.find(keyword, end)
    return sorted(found)


def without_comments(data: bytes) -> bytes:
    """The OBJ file ``data`` with every comment left out, its line breaks kept."""
    if b"#" not in data:
        return data
    return b"".join(_slice_without_comments(piece) for piece in line_slices(data))


def with_lines_whole(stripped: bytes, data: bytes, lines: Sequence[NamedLine]) -> bytes:
    """``stripped`` (``without_comments(data)``) with ``lines`` of ``data`` put back whole,
    their '#' and all: names meant whole (``lines_naming_with_a_hash``)."""
    if not lines:
        return stripped
    # every line keeps its number: the kept lines' places in both by the line breaks
    breaks = np.flatnonzero(np.frombuffer(data, np.uint8) == _FEED)
    left_breaks = np.flatnonzero(np.frombuffer(stripped, np.uint8) == _FEED)
    pieces, at = [], 0
    for number in np.searchsorted(breaks, sorted(line.start for line in lines)):
        begin = 0 if number == 0 else int(left_breaks[number - 1]) + 1
        end = int(left_breaks[number]) if number < len(left_breaks) else len(stripped)
        whole_begin = 0 if number == 0 else int(breaks[number - 1]) + 1
        whole_end = int(breaks[number]) if number < len(breaks) else len(data)
        pieces += [stripped[at:begin], data[whole_begin:whole_end]]
        at = end
    pieces.append(stripped[at:])
    return b"".join(pieces)


def _slice_without_comments(piece: bytes) -> bytes:
    """``piece``, whole lines (see ``line_slices``), with every comment left out."""
    if b"#" not in piece:
        return piece
    data = np.frombuffer(piece, np.uint8)
    feeds = np.flatnonzero(data == _FEED)
    before = data[np.maximum(feeds - 1, 0)]
    # a feed after a backslash, or after a backslash and a carriage return, continues its line
    continued = (feeds > 0) & ((before == _BACKSLASH) | (
        (before == _RETURN) & (feeds > 1) & (data[np.maximum(feeds - 2, 0)] == _BACKSLASH)))
    ends = np.append(feeds[~continued], len(piece))  # where each line ends, its feed left
    starts, lines = _first_hashes(data, ends)
    comment = in_ranges(starts, ends[lines], len(piece))  # from each line's first #
    joins = feeds[continued]  # the breaks of continued lines stay, in a comment too
    comment[joins] = False
    comment[joins - 1] = False
    returns = joins[data[joins - 1] == _RETURN]
    comment[returns - 2] = False
    return data[~comment].tobytes()


def _first_hashes(data: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the first ``#`` of each line (ending at ``ends``) that has one is, and which line
    that is; looked for a chunk at a time, so that a line of a billion of them takes no more
    memory than a chunk's."""
    starts, lines = [], []
    for at in range(0, len(data), _CHUNK):
        hashes = np.flatnonzero(data[at:at + _CHUNK] == _HASH) + at
        of = np.searchsorted(ends, hashes)
        first = np.flatnonzero(np.diff(of, prepend=-1))  # the first of each line
        starts.append(hashes[first])
        lines.append(of[first])
    starts, lines = np.concatenate(starts), np.concatenate(lines)
    first = np.flatnonzero(np.diff(lines, prepend=-1))  # a line that goes on in the next chunk
    return starts[first], lines[first]
