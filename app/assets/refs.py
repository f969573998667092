"""Handles that name an asset without holding it: what the scene asks the assets layer for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GeometryRef:
    """Which mesh to draw: a model file (absolute path) loaded with given units and up axis, and
    the node or mesh name inside it. The assets layer turns it into ``MeshData``."""

    model: str
    node: str
    units: str = "m"
    up: str = "y"


@dataclass(frozen=True)
class TextureRef:
    """A texture file or an image embedded in a model (``"<model path>#<key>"``)."""

    source: str
    srgb: bool
