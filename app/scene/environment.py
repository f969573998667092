"""The lighting every view of the project starts from."""

from __future__ import annotations

from pathlib import Path

from app.scene.description import Environment, SceneDescription

STUDIO_HDR = "assets/environments/studio.hdr"


def studio_environment(root: Path, *, transparent: bool = False) -> Environment:
    return Environment(hdr_path=str((root / STUDIO_HDR).resolve()), intensity=1.0,
                       background=(1.0, 1.0, 1.0), ground=not transparent)


def seen_from_below(scene: SceneDescription, position) -> bool:
    """Whether a camera at ``position`` looks at the product from under the ground it stands
    on (the caseback's zone view). The studio is then turned over with it, as a person turns a watch
    over under the lights to look at its back: what the product mirrors is the studio's
    lights, not its dark floor."""
    return float(position[1]) < float(scene.bounds[0][1])
