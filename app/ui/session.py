"""The configuring session as the windows see it: ``app.session.configurator.Configurator``
with Qt signals, and its changes on a QUndoStack (the Edit menu's Undo and Redo)."""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.export.handoff_store import HandoffStore
from app.project import Project
from app.session.autosave import Autosave
from app.session.configurator import Change, Configurator

UNDO_LIMIT = 500
TYPING_COMMAND_ID = 4242


class SetConfiguration(QUndoCommand):
    """A recorded change, done and undone by putting its configuration on show."""

    def __init__(self, session: ConfigSession, change: Change):
        super().__init__(change.text)
        # weak: the stack (the session's child) owns its commands, and a command that held its
        # session would make a cycle that the garbage collector tears down in the wrong order
        self._session = weakref.ref(session)
        self.change = change

    def redo(self) -> None:
        self._show(self.change.after)

    def undo(self) -> None:
        self._show(self.change.before)

    def _show(self, configuration) -> None:
        session = self._session()
        if session is not None:
            session.configurator.show(configuration)

    def id(self) -> int:
        return TYPING_COMMAND_ID if self.change.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt's name)
        if not isinstance(other, SetConfiguration) or \
                other.change.merge_key != self.change.merge_key:
            return False
        self.change = Change(self.change.before, other.change.after, other.change.text,
                             self.change.merge_key)
        self.setText(other.text())
        return True


class ConfigSession(QObject):
    """Undo is one shared history, product switches included (undoing a switch goes back to
    the previous product as it was). Reading and changing go to ``configurator``."""

    changed = Signal()  # the configuration changed (and maybe the product)
    product_changed = Signal()  # another product, or the same one reloaded from its file
    catalog_changed = Signal()

    def __init__(self, project: Project, product_id: str | None = None,
                 autosave: Autosave | None = None, *, remember_products: bool = False,
                 handoffs: HandoffStore | None = None):
        super().__init__()
        self.configurator = Configurator(project, product_id, autosave,
                                         remember_products=remember_products,
                                         handoffs=handoffs)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        # the configurator reaches back weakly, so that a dropped session is freed at once
        me = weakref.ref(self)
        configurator = self.configurator
        configurator.record = lambda change: _call(me, lambda s: s.undo_stack.push(
            SetConfiguration(s, change)))
        configurator.on_changed.append(lambda: _call(me, lambda s: s.changed.emit()))
        configurator.on_product_changed.append(
            lambda: _call(me, lambda s: s.product_changed.emit()))
        configurator.on_catalog_changed.append(
            lambda: _call(me, lambda s: s.catalog_changed.emit()))

    def __getattr__(self, name: str):
        """Reading and changing (``product``, ``configuration``, ``select``, ``scene``, ...)
        are the configurator's."""
        if name == "configurator":  # asked before __init__ set it
            raise AttributeError(name)
        return getattr(self.configurator, name)


def _call(session: weakref.ref[ConfigSession], action) -> None:
    alive = session()
    if alive is not None:
        action(alive)
