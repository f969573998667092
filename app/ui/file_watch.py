"""Watches product files and materials; one ``changed`` signal after a burst of saves."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from app.catalog.catalog import CONFIGS_DIR, MATERIALS_DIR

SETTLE_MS = 150


class ProjectWatcher(QObject):
    changed = Signal()

    def __init__(self, root: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.root = Path(root)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._touched)
        self.watcher.directoryChanged.connect(self._touched)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self._settled)
        self._watch()

    def _watch(self) -> None:
        """(Re)watch every file: editors that save by renaming drop the old watch."""
        folders = [self.root / CONFIGS_DIR, self.root / MATERIALS_DIR]
        files = [p for f in folders if f.is_dir() for p in sorted(f.glob("*.yaml"))]
        wanted = {str(p) for p in [*folders, *files] if p.exists()}
        current = set(self.watcher.files()) | set(self.watcher.directories())
        missing = sorted(wanted - current)
        if missing:
            self.watcher.addPaths(missing)

    def _touched(self, _path: str) -> None:
        self.settle.start()

    def _settled(self) -> None:
        self._watch()
        self.changed.emit()
