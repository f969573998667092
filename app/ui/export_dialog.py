"""Export a still: size, transparent background, camera (a preset or the current view)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.scene.description import Camera

CURRENT_VIEW = "view"


@dataclass(frozen=True)
class StillRequest:
    path: Path
    size: tuple[int, int] = (1600, 1200)
    transparent: bool = False
    camera_id: str = CURRENT_VIEW
    photoreal: bool = False
    spp: int = 64


class ExportDialog(QDialog):
    def __init__(self, cameras: list[Camera], suggested: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export still")
        form = QFormLayout(self)
        self.width_box = _spin(1600)
        self.height_box = _spin(1200)
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_box)
        size_row.addWidget(self.height_box)
        form.addRow("Size (px)", size_row)
        self.transparent = QCheckBox("Transparent background")
        form.addRow("", self.transparent)
        self.photoreal = QCheckBox("Photorealistic (path traced; takes a while)")
        form.addRow("", self.photoreal)
        self.spp = QSpinBox()
        self.spp.setRange(4, 4096)
        self.spp.setValue(64)
        self.spp.setSuffix(" samples per pixel")
        self.spp.setEnabled(False)
        self.photoreal.toggled.connect(self.spp.setEnabled)
        form.addRow("Quality", self.spp)
        self.camera = QComboBox()
        self.camera.addItem("Current view", CURRENT_VIEW)
        for camera in cameras:
            self.camera.addItem(camera.label, camera.id)
        form.addRow("Camera", self.camera)
        path_row = QHBoxLayout()
        self.path = QLineEdit(str(suggested))
        browse = QPushButton("Browse\u2026")
        browse.clicked.connect(self._browse)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow("File", path_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def request(self) -> StillRequest:
        return StillRequest(path=Path(self.path.text()).expanduser(),
                            size=(self.width_box.value(), self.height_box.value()),
                            transparent=self.transparent.isChecked(),
                            camera_id=self.camera.currentData(),
                            photoreal=self.photoreal.isChecked(), spp=self.spp.value())

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export still", self.path.text(),
                                              "PNG image (*.png)")
        if name:
            self.path.setText(name if name.lower().endswith(".png") else name + ".png")


def _spin(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(16, 8192)
    box.setValue(value)
    box.setSuffix(" px")
    return box
