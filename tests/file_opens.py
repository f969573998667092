"""Which files a piece of code opens: an audit hook (``sys.addaudithook``) that records every
``open`` event (``open()``, ``os.open``, ``io.open``) while ``opens()`` is active."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_opened: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str | bytes | Path):
        path = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        _opened.append(path)


sys.addaudithook(_audit)  # hooks stay for the process: it records only inside `opens()`


@contextmanager
def opens() -> Iterator[list[str]]:
    """The paths opened inside the ``with`` block."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def assert_not_opened(opened: list[str], *targets: Path) -> None:
    """None of ``targets`` (files or folders: the attacker's goals) was opened."""
    for path in opened:
        real = Path(path).resolve()
        for target in targets:
            target = Path(target).resolve()
            assert real != target and not real.is_relative_to(target), f"opened {path}"
