"""The lighting every view of the project starts from."""

from __future__ import annotations

from pathlib import Path

from app.scene.description import Environment

STUDIO_HDR = "assets/environments/studio.hdr"


def studio_environment(root: Path, *, transparent: bool = False) -> Environment:
    return Environment(hdr_path=str((root / STUDIO_HDR).resolve()), intensity=1.0,
                       background=(1.0, 1.0, 1.0), ground=not transparent)
