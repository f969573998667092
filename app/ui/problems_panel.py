"""Problems in product and material files (and anything else that went wrong), each with its
file and field, so that a designer can go straight to it."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.errors import AppError


class ProblemsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("problemsPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel("No problems")
        layout.addWidget(self.summary)
        self.list = QListWidget()
        layout.addWidget(self.list)
        self._catalog: list[AppError] = []
        self._runtime: list[str] = []

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

    def messages(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _refresh(self) -> None:
        self.list.clear()
        for problem in self._catalog:
            item = QListWidgetItem(str(problem))
            line = "line {}, column {}".format(*problem.position) if problem.position else "-"
            item.setToolTip(f"file: {problem.file or '-'}\nfield: {problem.field or '-'}\n"
                            f"where: {line}\n{problem.message}")
            self.list.addItem(item)
        for message in self._runtime:
            self.list.addItem(QListWidgetItem(message))
        count = self.list.count()
        self.summary.setText("No problems" if count == 0 else
                             f"{count} problem{'s' if count > 1 else ''}: the app keeps the last "
                             "good version of each product")
