"""Files the app writes, written atomically: a temporary file in the same folder, flushed to
disk, then renamed over the target. A crash, an error or Ctrl-C leaves the old file or the new
one, never half of one. Temporaries are named ``.<name>.<random>.tmp<suffix>`` (the suffix kept,
for writers that choose the format by it), so a later run can find leftovers.

``durable=False`` skips the flush to disk: the file still survives the app being killed or
crashing (the system holds it), only not a power cut. Autosave, written on every change, uses it.

A save over an existing file keeps that file's permission bits (a 0600 file stays 0600; a new
file gets FILE_MODE). When the path is a symbolic link, the file it points to is written and the
link stays a link (``follow_link=False``, for the app's own files, replaces the link instead).
This is for paths the user chose; references inside models and products are resolved elsewhere
and never follow a link out of their folder.

Leftovers: while it writes, a writer holds an advisory lock (``flock``) on its temporary. A killed
writer's lock is gone with it, so ``remove_abandoned_temporaries`` removes a temporary only when
its name has the exact pattern above, it is a plain file (not a link), it has not changed for
ABANDONED_AFTER_S and no writer holds its lock; anything else in the folder is left alone, and a
writer at work in another process is never disturbed. Where there are no locks (Windows), the
age alone decides, with the longer UNLOCKED_ABANDONED_AFTER_S.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.errors import AppError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, the age of a temporary decides
    fcntl = None

TEMPORARY_MARK = ".tmp"
FILE_MODE = 0o644
ABANDONED_AFTER_S = 60.0
UNLOCKED_ABANDONED_AFTER_S = 3600.0
# tempfile.mkstemp: ".<name>." + 8 characters of [a-z0-9_] + ".tmp<suffix of name>"
_TEMPORARY_NAME = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp(?P<suffix>.*)", re.DOTALL)


def write_atomically(path: str | os.PathLike, write: Callable[[Path], None], *,
                     create_folder: bool = False, durable: bool = True,
                     follow_link: bool = True, remove_leftovers: bool = False) -> Path:
    """Call ``write(temporary_path)``, then move the temporary file onto ``path``.

    ``remove_leftovers``: first remove abandoned temporaries of earlier, interrupted writes in
    the folder written into (for saves to a folder the user chose)."""
    chosen = Path(path)
    target = real_target(chosen) if follow_link else chosen
    if create_folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    elif not target.parent.is_dir():
        raise AppError("expected an existing folder to write into", file=str(chosen))
    # a path the user chose (links followed) must name a file: the rename would put the file
    # in a device's or a pipe's place; the app's own files (links not followed) replace
    # whatever stands at their path
    try:
        kind = target.stat().st_mode if follow_link else None
    except FileNotFoundError:
        kind = None
    except OSError as exc:  # a name too long, a loop of symbolic links
        raise AppError(f"cannot write there: {exc.strerror}", file=str(chosen)[:300]) from None
    if kind is not None and not stat.S_ISREG(kind):
        what = "a folder" if stat.S_ISDIR(kind) else "a device or a pipe"
        raise AppError(f"expected a file name to write, got {what}", file=str(chosen))
    if remove_leftovers:
        remove_abandoned_temporaries(target.parent)
    mode = _kept_mode(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.",
                                    suffix=TEMPORARY_MARK + target.suffix, dir=target.parent)
    temporary = Path(name)
    try:
        if fcntl is None:
            os.close(handle)  # an open file cannot be renamed there
            handle = -1
        else:
            _lock(handle)
        write(temporary)
        if durable:
            with open(temporary, "rb+") as stream:
                os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        if handle >= 0:
            os.close(handle)
    return chosen


def write_bytes_atomically(path: str | os.PathLike, data: bytes, *,
                           create_folder: bool = False) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_bytes(data), create_folder=create_folder)


def write_text_atomically(path: str | os.PathLike, text: str, *, create_folder: bool = False,
                          durable: bool = True, follow_link: bool = True,
                          remove_leftovers: bool = False) -> Path:
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"),
                            create_folder=create_folder, durable=durable,
                            follow_link=follow_link, remove_leftovers=remove_leftovers)


def real_target(path: Path) -> Path:
    """The file a write to ``path`` changes: ``path`` itself, or where its link points."""
    if not os.path.islink(path):
        return path
    target = Path(os.path.realpath(path))
    if os.path.islink(target):
        raise AppError("cannot save through this link: it points at itself (a loop)",
                       file=str(path))
    return target


def _kept_mode(target: Path) -> int:
    try:
        info = os.stat(target)
    except OSError:
        return FILE_MODE
    return stat.S_IMODE(info.st_mode) & 0o777 if stat.S_ISREG(info.st_mode) else FILE_MODE


def _lock(handle: int) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass  # a file system without locks: the age of a leftover decides alone


def is_temporary_name(name: str) -> bool:
    """Whether ``name`` is exactly how write_atomically names its temporaries."""
    match = _TEMPORARY_NAME.fullmatch(name)
    return match is not None and match["suffix"] == Path(match["name"]).suffix


def leftover_temporaries(folder: Path) -> list[Path]:
    """Temporary files that a killed writer left in ``folder``."""
    return [p for p in folder.glob(f".*{TEMPORARY_MARK}*") if p.is_file()
            and (p.name.endswith(TEMPORARY_MARK) or p.name.endswith(TEMPORARY_MARK + p.suffix))]


def remove_abandoned_temporaries(folder: str | os.PathLike, *,
                                 now: float | None = None) -> list[Path]:
    """Remove the temporaries that interrupted writes left in ``folder`` (see the module's
    text for which count as abandoned); the ones removed. Never raises: a folder that cannot
    be read, or a file that cannot be removed, is left as it is."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    now = time.time() if now is None else now
    min_age = ABANDONED_AFTER_S if fcntl is not None else UNLOCKED_ABANDONED_AFTER_S
    removed = []
    for entry in entries:
        if not is_temporary_name(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and now - info.st_mtime >= min_age \
                and _remove_unless_held(Path(entry.path), info):
            removed.append(Path(entry.path))
    return removed


def _remove_unless_held(path: Path, info: os.stat_result) -> bool:
    if fcntl is None:
        try:
            path.unlink()
            return True
        except OSError:
            return False
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a writer is at work on it
        except OSError:
            pass  # no locks on this file system: the age decides
        if os.fstat(handle).st_ino != info.st_ino:
            return False  # replaced since it was looked at
        path.unlink()
        return True
    except OSError:
        return False
    finally:
        os.close(handle)


def read_plain_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a file the app keeps for itself (a count, a stored picture), read safely:
    a link is not followed, a pipe or device is not waited on, and nothing larger than
    ``max_bytes`` is read. FileNotFoundError when it is not there; OSError for anything else
    (a link, a folder, a pipe, a file over the limit)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    handle = os.open(path, flags)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            raise OSError(f"not a plain file of at most {max_bytes} bytes: {path}")
        data = os.read(handle, max_bytes + 1)
    finally:
        os.close(handle)
    if len(data) > max_bytes:
        raise OSError(f"not a plain file of at most {max_bytes} bytes: {path}")
    return data


# what a spreadsheet reads as the start of a formula when a CSV cell begins with it
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_text(text: str) -> str:
    """Text for a CSV cell that a spreadsheet shows as text, never runs as a formula: a cell
    that begins like one (``=``, ``+``, ``-``, ``@``, a control character) gets a leading
    apostrophe. Names, labels and messages from outside go through it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def source_stamp(folder: Path) -> tuple:
    """(name, mtime, size) of every Python module in ``folder``: what a cache keeps that the
    code there made changes when it does."""
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(Path(folder).glob("*.py")))
