"""The fields of one personalization zone: text with font, colour and technique, or an image."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap, QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.configuration import (
    PICTURE_ID_PREFIX,
    ImageValue,
    TextValue,
    charset_allows,
    text_fits,
)
from app.domain.pricing import format_delta
from app.domain.product import Technique, Zone
from app.ui.labels import colour_name, literal

DEFAULT_INK = ["#1d1d1f", "#ffffff", "#b3262e", "#2a5d9f", "#c9a227"]
LINE_BREAK = " / "  # typed between lines when a zone takes more than one


class ZoneFields(QGroupBox):
    edited = Signal(str, object)  # zone id, TextValue | ImageValue
    image_requested = Signal(str)
    cleared = Signal(str)
    focused = Signal(str)  # zone id: the customer turned to this zone (its view turns too)

    def __init__(self, zone: Zone, currency: str, fonts: list[str],
                 parent: QWidget | None = None):
        super().__init__(f"{literal(zone.label)}  ({format_delta(zone.price, currency)})",
                         parent)
        self.zone = zone
        self.setObjectName(f"zone_{zone.id}")
        form = QFormLayout(self)
        self.form = form
        self._showing = False
        self.technique = QComboBox()
        for technique in zone.techniques:
            self.technique.addItem(technique.value.capitalize(), technique.value)
        self.text: QLineEdit | None = None
        self.font: QComboBox | None = None
        self.colour: QComboBox | None = None
        self.image_label: QLabel | None = None
        if zone.kind == "text":
            self.text = QLineEdit()
            self.text.installEventFilter(self)
            self.text.setValidator(ZoneTextLimit(zone, self.text))
            self.text.setPlaceholderText(_hint(zone))
            self.text.setToolTip(_hint(zone))  # the placeholder is cut in a narrow panel
            self.text.setClearButtonEnabled(True)
            self.text.textEdited.connect(self._changed)
            form.addRow("Text", self.text)
            self.font = QComboBox()
            for font in (zone.limits.fonts or fonts):
                self.font.addItem(font.replace("_", " ").capitalize(), font)
            self.font.activated.connect(self._changed)
            form.addRow("Font", self.font)
            self.colour = QComboBox()
            self.colour.setObjectName(f"ink_{zone.id}")
            for ink in (zone.limits.colours or DEFAULT_INK):
                pixmap = QPixmap(14, 14)
                pixmap.fill(QColor(ink))
                self.colour.addItem(QIcon(pixmap), colour_name(ink), ink)
                self.colour.setItemData(self.colour.count() - 1, ink,
                                        Qt.ItemDataRole.ToolTipRole)
            self.colour.activated.connect(self._changed)
            self.colour.currentIndexChanged.connect(self._show_ink)
            form.addRow("Colour", self.colour)
        else:
            row = QHBoxLayout()
            upload = QPushButton("Upload image\u2026")
            upload.setObjectName(f"upload_{zone.id}")
            upload.clicked.connect(lambda: self.focused.emit(zone.id))
            upload.clicked.connect(lambda: self.image_requested.emit(zone.id))
            remove = QPushButton("Remove")
            remove.clicked.connect(lambda: self.cleared.emit(zone.id))
            row.addWidget(upload)
            row.addWidget(remove)
            form.addRow(row)
            self.image_label = QLabel("No image")
            self.image_label.setTextFormat(Qt.TextFormat.PlainText)
            self.image_label.setWordWrap(True)
            form.addRow("Image", self.image_label)
            self.technique.activated.connect(self._changed)
        if zone.kind == "text":
            self.technique.activated.connect(self._changed)
        form.addRow("Technique", self.technique)
        self.technique.currentIndexChanged.connect(self._show_ink)
        self._image: str | None = None
        self._show_ink()

    def ink_shown(self) -> bool:
        return self.colour is not None and self.form.isRowVisible(self.colour)

    def _show_ink(self, *_args) -> None:
        """An engraving or an embossing has no ink: the colour row shows only for techniques
        that take one (``Technique.takes_ink``)."""
        if self.colour is not None:
            self.form.setRowVisible(self.colour,
                                    self.technique.currentData() is None
                                    or Technique(self.technique.currentData()).takes_ink)
        if self.colour is not None and self.colour.currentData():
            self.colour.setToolTip(self.colour.currentData())

    def value(self) -> TextValue | ImageValue | None:
        technique = self.technique.currentData()
        if self.text is not None:
            typed = self.text.text()
            if not typed:
                return None
            inked = self.colour is not None and (technique is None
                                                 or Technique(technique).takes_ink)
            return TextValue(text=zone_text(self.zone, typed), font=self.font.currentData(),
                             colour=self.colour.currentData() if inked else None,
                             technique=technique)
        if self._image is None:
            return None
        return ImageValue(image=self._image, technique=technique)

    def type_text(self, text: str) -> None:
        """Replace the text as if typed (keyboard-free input for tests and tools)."""
        assert self.text is not None
        self.text.setText(text)
        self._changed()

    def show_value(self, value: TextValue | ImageValue | None) -> None:
        """Show ``value`` without emitting edits."""
        self._showing = True
        try:
            if self.text is not None:
                shown = "" if not isinstance(value, TextValue) else value.text.replace(
                    "\n", LINE_BREAK)
                if self.text.text() != shown:
                    self.text.setText(shown)
                if isinstance(value, TextValue):
                    _select(self.font, value.font)
                    _select(self.colour, value.colour)
            elif self.image_label is not None:
                self._image = value.image if isinstance(value, ImageValue) else None
                self.image_label.setText(_picture_label(self._image))
            if value is not None and value.technique is not None:
                _select(self.technique, value.technique.value)
        finally:
            self._showing = False

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.text and event.type() == QEvent.Type.FocusIn:
            self.focused.emit(self.zone.id)
        return super().eventFilter(watched, event)

    def _changed(self, *_args) -> None:
        if self._showing:
            return
        value = self.value()
        if self.text is not None and value is not None:
            bad = [ch for ch in self.text.text() if not charset_allows(self.zone.limits.charset,
                                                                        ch)]
            self.text.setToolTip(f"Cannot be made: {''.join(bad)}" if bad else _hint(self.zone))
        if value is None and self.text is not None:
            self.cleared.emit(self.zone.id)
            return
        self.edited.emit(self.zone.id, value)


def _select(combo: QComboBox | None, data) -> None:
    if combo is None or data is None:
        return
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def zone_text(zone: Zone, typed: str) -> str:
    """The zone's text as the field shows it typed: line breaks written as LINE_BREAK."""
    return typed.replace(LINE_BREAK, "\n") if zone.limits.max_lines > 1 else typed


class ZoneTextLimit(QValidator):
    """As many characters, and lines, as the zone takes: a keystroke past them is refused."""

    def __init__(self, zone: Zone, parent=None):
        super().__init__(parent)
        self.zone = zone

    def validate(self, text: str, pos: int):
        fits = text_fits(self.zone.limits, zone_text(self.zone, text))
        return (QValidator.State.Acceptable if fits else QValidator.State.Invalid), text, pos


def _hint(zone: Zone) -> str:
    limits = zone.limits
    lines = f", {limits.max_lines} lines (separate with '/')" if limits.max_lines > 1 else ""
    return f"Up to {limits.max_chars} characters{lines}"


def _picture_label(picture: str | None) -> str:
    """The picture as the field shows it: by the start of its hash in the picture store."""
    if not picture:
        return "No image"
    return f"Picture {picture.removeprefix(PICTURE_ID_PREFIX)[:12]}"
