"""How a file is named in messages: relative to the project root when it is inside it."""

from __future__ import annotations

from pathlib import Path


def file_label(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
