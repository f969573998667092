"""The desktop window's thumbnails: drawn off the GUI thread, one at a time; a job that cannot
be drawn is logged and the others still come."""

from __future__ import annotations

import logging
import threading

import numpy as np
from PySide6.QtGui import QImage

from app.domain.configuration import default_configuration
from app.errors import AssetError
from app.project import open_project
from app.scene.resolve import resolve_scene
from app.ui import thumbnails
from app.ui.thumbnails import ThumbnailQueue


class BrokenMeshes:
    """A geometry source whose meshes cannot be read (a file gone since the catalog loaded)."""

    def __init__(self, source):
        self.source = source

    def mesh(self, ref):
        raise AssetError("the mesh file is gone", file=str(ref))

    def texture(self, ref):
        return self.source.texture(ref)


def picture(pixmap) -> np.ndarray:
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                              image.bytesPerLine())
    return rows[:, :3 * image.width()].reshape(image.height(), image.width(), 3)


def mug_scene(project_root):
    """The sample project and its mug's scene as the mug is at first."""
    project = open_project(project_root)
    product = project.catalog.product("mug")
    return project, resolve_scene(product, default_configuration(product),
                                  project.scene_context())


def test_a_scene_that_cannot_be_made_or_drawn_is_logged_and_the_next_still_comes(
        qtbot, qapp, project_root, caplog):
    project, scene = mug_scene(project_root)
    got: list = []

    def no_scene():
        raise ValueError("the product's configuration is gone")

    broken = ThumbnailQueue(BrokenMeshes(project.assets))
    queue = ThumbnailQueue(project.assets)
    with caplog.at_level(logging.WARNING, logger="app.ui.thumbnails"):
        broken.add(lambda: scene, (64, 48), got.append)
        queue.add(no_scene, (64, 48), got.append)
        queue.add(lambda: scene, (64, 48), got.append)
        qtbot.waitUntil(lambda: bool(got) and not broken.timer.isActive(), timeout=60_000)
    queue.close()
    broken.close()
    messages = [record.getMessage() for record in caplog.records]
    assert any("the product's configuration is gone" in m for m in messages), messages
    assert any("the mesh file is gone" in m for m in messages), messages
    assert len(got) == 1  # the mug, and nothing for the two that failed
    assert picture(got[0]).shape == (48, 64, 3)
    assert picture(got[0]).mean() > 150  # the white mug in the white studio


def test_a_job_no_longer_wanted_is_dropped_unlogged_and_the_next_still_comes(
        qtbot, qapp, project_root, caplog):
    project, scene = mug_scene(project_root)
    got: list = []
    queue = ThumbnailQueue(project.assets)
    with caplog.at_level(logging.WARNING, logger="app.ui.thumbnails"):
        queue.add(lambda: None, (64, 48), got.append)
        queue.add(lambda: scene, (64, 48), got.append)
        qtbot.waitUntil(lambda: bool(got) and not queue.timer.isActive(), timeout=60_000)
    queue.close()
    assert caplog.records == []
    assert len(got) == 1 and picture(got[0]).mean() > 150  # the mug alone


def test_a_finished_batch_gives_its_memory_back_off_the_gui_thread(qtbot, qapp, project_root,
                                                                   monkeypatch):
    """The worker frees what each thumbnail allocated in its own arena; when the last of a
    batch is delivered the memory goes back to the system, on the worker (it takes tens of
    milliseconds), once per batch."""
    given_back: list[str] = []
    monkeypatch.setattr(thumbnails, "give_back_freed_memory",
                        lambda: given_back.append(threading.current_thread().name))
    project, scene = mug_scene(project_root)
    got: list = []
    queue = ThumbnailQueue(project.assets)
    queue.add(lambda: scene, (64, 48), got.append)
    queue.add(lambda: scene, (64, 48), got.append)
    qtbot.waitUntil(lambda: len(got) == 2 and not queue.timer.isActive(), timeout=60_000)
    qtbot.waitUntil(lambda: bool(given_back), timeout=10_000)
    queue.close()
    assert len(given_back) == 1 and given_back[0].startswith("thumbnails"), given_back
