"""An OBJ file's comments left out before any of it is read.

In an OBJ file a ``#`` starts a comment anywhere in a line (``f 1 2 3 # note``, ``usemtl red
# paint``), and many exporters write them after the data. trimesh reads only a line that starts
with one as a comment: it took the rest for data (a corner, part of a material's or a library's
name). Here each comment is left out, from its ``#`` to the end of its line, before the faces
are checked, the material libraries named or trimesh handed the file: a name with a ``#`` in it
is read up to it, as OBJ practice has it, and goes through the reference checks as any name
(material names that it cuts to one are named in a warning:
``texture_references.names_a_comment_joins``).

A line continued after a backslash is one line (as the app and trimesh read it): a comment in
it runs to its end. The line breaks stay, so every line keeps its number and every byte before
a comment its column, for the messages that name them.
"""

from __future__ import annotations

import numpy as np

from app.assets.obj_faces import in_ranges, line_slices

_HASH, _FEED, _RETURN, _BACKSLASH = (ord(c) for c in "#\n\r\\")
_CHUNK = 1 << 24  # bytes looked at a time for a #


def without_comments(data: bytes) -> bytes:
    """The OBJ file ``data`` with every comment left out, its line breaks kept."""
    if b"#" not in data:
        return data
    return b"".join(_slice_without_comments(piece) for piece in line_slices(data))


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
