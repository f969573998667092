"""Files of a batch folder: written atomically; leftovers of killed runs found and removed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX,
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def remove_temporaries(folder: Path) -> int:
    """Delete ``.<name>.*.tmp`` files that a killed run left behind; how many were found."""
    count = 0
    for leftover in folder.glob(f".*{TEMPORARY_SUFFIX}"):
        if leftover.is_file():
            leftover.unlink(missing_ok=True)
            count += 1
    return count
