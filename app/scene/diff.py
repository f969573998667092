"""diff(old, new): the changes that turn one scene into the other, for in-place updates."""

from __future__ import annotations

from app.scene.changes import (
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
        if d_new.material != d_old.material:
            changes.append(MaterialChanged(drawable_id, d_new.material))
        if d_new.visible != d_old.visible:
            changes.append(VisibilityChanged(drawable_id, d_new.visible))
        if d_new.transform != d_old.transform:
            changes.append(TransformChanged(drawable_id, d_new.transform))
    return changes
