"""A fingerprint of how the live view draws: what a picture it made shows besides the scene.

Pictures kept between runs (the kiosk's choice pictures) are named by what they show; the code
that resolves and draws the scene is part of that, so a picture made before the drawing changed
(a new look for glass, say) is made again."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

_DRAWING_PACKAGES = (Path(__file__).parent, Path(__file__).parents[1] / "scene")


@cache
def drawing_fingerprint() -> bytes:
    """The SHA-256 of the source of the scene and live view packages (a few milliseconds,
    once per process)."""
    digest = hashlib.sha256()
    for package in _DRAWING_PACKAGES:
        for path in sorted(package.glob("*.py")):
            digest.update(f"{package.name}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.digest()
