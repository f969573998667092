"""What every backend needs from the assets layer: meshes and textures by reference."""

from __future__ import annotations

from typing import Protocol

from app.assets.mesh import MeshData, TextureImage
from app.scene.description import GeometryRef, TextureRef


class GeometrySource(Protocol):
    """Turns scene references into loaded data (implemented by the assets layer's store)."""

    def mesh(self, ref: GeometryRef) -> MeshData: ...

    def texture(self, ref: TextureRef) -> TextureImage: ...
