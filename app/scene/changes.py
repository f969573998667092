"""What changed between two scene descriptions, as the viewport applies it in place.

``diff(old, new)`` produces these; a backend mutates the actor named by ``drawable_id`` and never
rebuilds it, except for ``DrawableAdded`` (new geometry) and ``DrawableRemoved``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.scene.description import Decal, Drawable, Matrix4, ResolvedMaterial


@dataclass(frozen=True)
class MaterialChanged:
    drawable_id: str
    material: ResolvedMaterial


@dataclass(frozen=True)
class VisibilityChanged:
    drawable_id: str
    visible: bool


@dataclass(frozen=True)
class TransformChanged:
    drawable_id: str
    transform: Matrix4


@dataclass(frozen=True)
class DrawableAdded:
    drawable: Drawable

    @property
    def drawable_id(self) -> str:
        return self.drawable.id


@dataclass(frozen=True)
class DrawableRemoved:
    drawable_id: str


@dataclass(frozen=True)
class DecalAdded:
    decal: Decal

    @property
    def decal_id(self) -> str:
        return self.decal.id


@dataclass(frozen=True)
class DecalRemoved:
    decal_id: str


@dataclass(frozen=True)
class DecalChanged:
    """New pixels and/or geometry for a zone's decal (``decal.geometry_key`` tells which)."""

    decal: Decal

    @property
    def decal_id(self) -> str:
        return self.decal.id


SceneChange = (
    MaterialChanged | VisibilityChanged | TransformChanged | DrawableAdded | DrawableRemoved
    | DecalAdded | DecalRemoved | DecalChanged
)
