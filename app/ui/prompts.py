"""Questions the window asks the user, behind one object so tests can answer them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QDialog, QFileDialog, QMessageBox, QWidget

from app.domain.choices import Proposal
from app.scene.description import Camera
from app.ui.export_dialog import ExportDialog, StillRequest

CONFIG_FILTER = "Configuration (*.json)"
IMAGE_FILTER = "Pictures (*.png *.jpg *.jpeg *.webp)"


class DialogPrompts:
    def __init__(self, parent: QWidget | None = None):
        self.parent = parent

    def confirm_fix(self, proposal: Proposal) -> bool:
        answer = QMessageBox.question(self.parent, "Change other options?", proposal.question())
        return answer == QMessageBox.StandardButton.Yes

    def restore_session(self) -> bool:
        answer = QMessageBox.question(
            self.parent, "Restore session?",
            "The app did not close properly last time. Restore the configuration you were "
            "working on?")
        return answer == QMessageBox.StandardButton.Yes

    def unsaved_changes(self, names: list[str], doing: str) -> str:
        """'save', 'discard' or 'cancel' for unsaved work of the products ``names``."""
        which = ", ".join(names)
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"{which}: the changes are not saved. Save them before {doing}?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.parent)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(
                    QMessageBox.StandardButton(answer), "cancel")

    def error(self, title: str, message: str) -> None:
        # plain text: a message may quote a file name or a code from outside
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def open_path(self, folder: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, "Open configuration", folder,
                                              CONFIG_FILTER)
        return Path(name) if name else None

    def save_path(self, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, "Save configuration", suggested,
                                              CONFIG_FILTER)
        if not name:
            return None
        return Path(name if name.lower().endswith(".json") else name + ".json")

    def image_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, "Upload image", "", IMAGE_FILTER)
        return Path(name) if name else None

    def colour(self, initial: str, title: str) -> str | None:
        colour = QColorDialog.getColor(QColor(initial), self.parent, title)
        return colour.name() if colour.isValid() else None

    def export_path(self, title: str, suggested: Path, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, title, str(suggested), file_filter)
        return Path(name) if name else None

    def still_request(self, cameras: list[Camera], suggested: Path) -> StillRequest | None:
        dialog = ExportDialog(cameras, suggested, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.request()
