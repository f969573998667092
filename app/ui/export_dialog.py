"""Export a still: size, transparent background, camera (a preset or the current view)."""

from __future__ import annotations

from dataclasses import dataclass, replace
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

from app.files import real_target, remove_abandoned_temporaries
from app.scene.description import Camera, SceneDescription
from app.scene.geometry_source import GeometrySource
from app.viewport.still import render_still, save_png

CURRENT_VIEW = "view"


@dataclass(frozen=True)
class StillRequest:
    path: Path
    size: tuple[int, int] = (1600, 1200)
    transparent: bool = False
    camera_id: str = CURRENT_VIEW
    photoreal: bool = False
    spp: int = 64


def _scene_for(request: StillRequest, scene: SceneDescription,
               current_view: Camera) -> SceneDescription:
    if request.camera_id == CURRENT_VIEW:
        scene = replace(scene, cameras=(replace(current_view, id=CURRENT_VIEW), *scene.cameras))
    if request.transparent:
        scene = replace(scene, environment=replace(scene.environment, ground=False))
    return scene


def export_still(request: StillRequest, scene: SceneDescription, source: GeometrySource,
                 current_view: Camera) -> Path:
    """Render ``scene`` with the live view's renderer as the request says; write the PNG
    atomically (after removing what interrupted writes left in its folder)."""
    scene = _scene_for(request, scene, current_view)
    remove_abandoned_temporaries(real_target(request.path).parent)
    image = render_still(scene, source, size=request.size, camera_id=request.camera_id,
                         transparent=request.transparent)
    return save_png(image, request.path)


def photoreal_still_job(request: StillRequest, scene: SceneDescription, source: GeometrySource,
                        current_view: Camera):
    """A job for PhotorealProgress: path trace the still and write it; nothing is written when
    it is cancelled."""
    scene = _scene_for(request, scene, current_view)

    def job(progress, cancelled) -> Path:
        from app.photoreal.output import write_image
        from app.photoreal.render import render_photoreal

        image = render_photoreal(scene, source, size=request.size, spp=request.spp,
                                 camera_id=request.camera_id, transparent=request.transparent,
                                 progress=progress, cancel=cancelled)
        remove_abandoned_temporaries(real_target(request.path).parent)
        return write_image(image, request.path, "png")

    return job


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
