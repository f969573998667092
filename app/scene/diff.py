"""diff(old, new): the changes that turn one scene into the other, for in-place updates."""

from __future__ import annotations

from app.scene.changes import (
    DecalAdded,
    DecalChanged,
    DecalRemoved,
    DrawableAdded,
    DrawableRemoved,
    MaterialChanged,
    SceneChange,
    TransformChanged,
    VisibilityChanged,
)
from app.scene.description import SceneDescription


def diff(old: SceneDescription, new: SceneDescription) -> list[SceneChange]:
    """Material, visibility and transform changes of drawables both scenes have, plus drawables
    added or removed. A drawable whose geometry changed counts as removed and added."""
    before = {d.id: d for d in old.drawables}
    after = {d.id: d for d in new.drawables}
    changes: list[SceneChange] = []
    for drawable_id, d_old in before.items():
        d_new = after.get(drawable_id)
        if d_new is None or d_new.geometry != d_old.geometry:
            changes.append(DrawableRemoved(drawable_id))
    for drawable_id, d_new in after.items():
        d_old = before.get(drawable_id)
        if d_old is None or d_new.geometry != d_old.geometry:
            changes.append(DrawableAdded(d_new))
            continue
        if d_new.material is not d_old.material and d_new.material != d_old.material:
            changes.append(MaterialChanged(drawable_id, d_new.material))
        if d_new.visible != d_old.visible:
            changes.append(VisibilityChanged(drawable_id, d_new.visible))
        if d_new.transform != d_old.transform:
            changes.append(TransformChanged(drawable_id, d_new.transform))
    changes += decal_changes(old, new)
    return changes


def decal_changes(old: SceneDescription, new: SceneDescription) -> list[SceneChange]:
    """Decals removed, added, or changed (by key: equal keys mean the same pixels and mesh)."""
    before = {d.id: d for d in old.decals}
    after = {d.id: d for d in new.decals}
    changes: list[SceneChange] = [DecalRemoved(i) for i in before if i not in after]
    for decal_id, d_new in after.items():
        d_old = before.get(decal_id)
        if d_old is None:
            changes.append(DecalAdded(d_new))
        elif d_new != d_old:
            changes.append(DecalChanged(d_new))
    return changes
