"""How a file is named in messages: relative to the project root when it is inside it."""

from __future__ import annotations

from pathlib import Path


def file_label(path: Path, root: Path | None) -> str:
    """The file's place in the project (a link is named where it is, not where it points)."""
    if root is not None:
        for inner, outer in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
            try:
                return inner.relative_to(outer).as_posix()
            except ValueError:
                pass
    return str(path)
