"""Problems in product and material files (and anything else that went wrong), each with its
file and field, so that a designer can go straight to it; and, after them, notes on what of
the shown product the renderers draw otherwise than its files say (not problems: the product
is drawn, with the nearest look)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError

NOTE_PREFIX = "Note: "


class ProblemsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("problemsPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel("No problems")
        layout.addWidget(self.summary)
        self.list = QListWidget()
        # a long message wraps to the panel's width rather than running off its side
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.list)
        self._catalog: list[AppError] = []
        self._runtime: list[str] = []
        self._notes: list[str] = []

    def set_catalog_problems(self, problems: Iterable[AppError]) -> None:
        self._catalog = list(problems)
        self._refresh()

    def report(self, message: str) -> None:
        """A problem outside the product files (a bad upload, a missing mesh, a bad file)."""
        self._runtime = [m for m in self._runtime if m != message][-19:] + [message]
        self._refresh()

    def clear_reports(self) -> None:
        self._runtime = []
        self._refresh()

    def set_notes(self, notes: Iterable[str]) -> None:
        """What the shown product's files are drawn otherwise than they say (replacing the
        last product's)."""
        self._notes = list(dict.fromkeys(notes))
        self._refresh()

    def add_notes(self, notes: Iterable[str]) -> None:
        """More notes on the shown product (what a still drew otherwise), until the next
        product's."""
        self._notes = list(dict.fromkeys([*self._notes, *notes]))
        self._refresh()

    def messages(self) -> list[str]:
        """The problems listed (the notes left out)."""
        return [self.list.item(i).text() for i in range(self.list.count() - len(self._notes))]

    def notes(self) -> list[str]:
        """The notes listed, after the problems."""
        return list(self._notes)

    def _refresh(self) -> None:
        self.list.clear()
        icon = self.style().standardIcon
        problem_icon = icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for problem in self._catalog:
            item = QListWidgetItem(problem_icon, str(problem))
            line = "line {}, column {}".format(*problem.position) if problem.position else "-"
            item.setToolTip(f"file: {problem.file or '-'}\nfield: {problem.field or '-'}\n"
                            f"where: {line}\n{problem.message}")
            self.list.addItem(item)
        for message in self._runtime:
            self.list.addItem(QListWidgetItem(problem_icon, message))
        count = self.list.count()
        note_icon = icon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        for note in self._notes:
            item = QListWidgetItem(note_icon, NOTE_PREFIX + note)
            item.setToolTip(note)
            self.list.addItem(item)
        summary = ("No problems" if count == 0 else
                   f"{count} problem{'s' if count > 1 else ''}: the app keeps the last good "
                   "version of each product")
        if self._notes:
            summary += (f"; {len(self._notes)} note{'s' if len(self._notes) > 1 else ''} on "
                        "how this product is drawn")
        self.summary.setText(summary)
