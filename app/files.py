"""Files the app writes, written atomically: a temporary file in the same folder, flushed to
disk, then renamed over the target. A crash, an error or Ctrl-C leaves the old file or the new
one, never half of one. Temporaries are named ``.<name>.<random>.tmp<suffix>`` (the suffix kept,
for writers that choose the format by it), so a later run can find leftovers.

``durable=False`` skips the flush to disk: the file still survives the app being killed or
crashing (the system holds it), only not a power cut. Autosave, written on every change, uses it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.errors import AppError

TEMPORARY_MARK = ".tmp"
FILE_MODE = 0o644


def write_atomically(path: str | os.PathLike, write: Callable[[Path], None], *,
                     create_folder: bool = False, durable: bool = True) -> Path:
    """Call ``write(temporary_path)``, then move the temporary file onto ``path``."""
    target = Path(path)
    if create_folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    elif not target.parent.is_dir():
        raise AppError("expected an existing folder to write into", file=str(target))
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.",
                                    suffix=TEMPORARY_MARK + target.suffix, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        if durable:
            with open(temporary, "rb+") as stream:
                os.fsync(stream.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def write_bytes_atomically(path: str | os.PathLike, data: bytes, *,
                           create_folder: bool = False) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_bytes(data), create_folder=create_folder)


def write_text_atomically(path: str | os.PathLike, text: str, *,
                          create_folder: bool = False, durable: bool = True) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"),
                            create_folder=create_folder, durable=durable)


def leftover_temporaries(folder: Path) -> list[Path]:
    """Temporary files that a killed writer left in ``folder``."""
    return [p for p in folder.glob(f".*{TEMPORARY_MARK}*") if p.is_file()
            and (p.name.endswith(TEMPORARY_MARK) or p.name.endswith(TEMPORARY_MARK + p.suffix))]
