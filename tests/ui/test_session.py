"""The configuring session outside any window: undo steps and its lifetime."""

from __future__ import annotations

import weakref

from app.project import open_project
from app.ui.session import ConfigSession


def test_a_session_with_undo_steps_is_freed_as_soon_as_it_is_dropped(qapp, project_root):
    session = ConfigSession(open_project(project_root), "mug")
    session.select("glaze", "navy")
    session.select("glaze", "sage")
    session.undo_stack.undo()
    assert session.configuration.selections["glaze"] == "navy"
    gone = weakref.ref(session)
    del session
    # no cycle through the undo commands: the Qt objects go in Qt's order, not the collector's
    assert gone() is None
