"""The options panel, generated from the product: presets, one row of swatches per option group,
a field set per personalization zone. A view: it emits what the customer asks for."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetricsF, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import ChoiceStatus, choice_statuses
from app.domain.configuration import Configuration, ImageValue, TextValue
from app.domain.material import Material
from app.domain.option_state import inactive_groups
from app.domain.pricing import format_delta
from app.domain.product import OptionKind, Product
from app.ui.labels import literal, wrap_words
from app.ui.swatches import round_swatch, swatch_source
from app.ui.zone_fields import ZoneFields

SWATCH_SIZE = 40
THUMBNAIL_SIZE = 64
COLUMNS = 3
MAX_ICONS_PER_BUTTON = 8
LABEL_WIDTH = 96  # pixels a choice's label wraps at (between words), two lines at most
LABEL_LINES = 2


class ChoiceButton(QToolButton):
    def __init__(self, group_id: str, choice_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.group_id, self.choice_id = group_id, choice_id
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.setAutoRaise(True)
        self.setCheckable(True)
        self.setMinimumWidth(108)
        self.status: ChoiceStatus | None = None
        self.source: tuple[str | None, Path | None] = (None, None)
        self.thumbnail: QPixmap | None = None
        self.colour: str | None = None  # the free colour it shows
        # icons painted for this button, reused: a new QIcon for every change would leave its
        # pixmaps in Qt's pixmap cache
        self.icons: dict[tuple, QIcon] = {}
        self.label = ""

    def show_label(self, label: str, detail: str | None = None) -> bool:
        """Show ``label`` as written ('&' included), wrapped between words; a label longer
        than LABEL_LINES lines ends in an ellipsis (the tooltip has it whole). ``detail`` (the
        price) goes on a line of its own. True when words had to be left out."""
        self.ensurePolished()
        font = self.font()
        font.setBold(True)  # the selected choice is bold: wrap for the wider of the two
        metrics = QFontMetricsF(font)
        lines, cut = wrap_words(label, LABEL_WIDTH, metrics.horizontalAdvance, LABEL_LINES)
        text = "\n".join(literal(line) for line in lines)
        self.setText(text if detail is None else f"{text}\n{detail}")
        self.setAccessibleName(label if detail is None else f"{label}, {detail}")
        self.label = label
        return cut


VIEWED_AFTER_MS = 700  # the pointer resting on a group's choices this long: it was looked at


class OptionsPanel(QWidget):
    choice_clicked = Signal(str, str)  # group id, choice id
    colour_requested = Signal(str)  # group id (a free-colour choice)
    preset_clicked = Signal(str)
    zone_edited = Signal(str, object)  # zone id, TextValue | ImageValue | None
    image_requested = Signal(str)  # zone id
    zone_focused = Signal(str)  # zone id: the customer is personalizing it
    group_viewed = Signal(str)  # group id: the pointer rested on its choices (once a product)
    # typed text waits for the event loop's next pass, not for a pause: keys that arrive while
    # a frame is drawn make one rebuild with the latest text, and a lone key shows at once
    # (posted at normal priority, the rebuild goes before the window's repaint of the field)
    TYPED = QEvent.Type(QEvent.registerEventType())

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("optionsPanel")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(10)
        # never smaller than its contents: a scroll area then scrolls instead of squashing the
        # choices (and cutting their labels) when a product is built into a shown panel
        self._layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.buttons: dict[tuple[str, str], ChoiceButton] = {}
        self.zone_fields: dict[str, ZoneFields] = {}
        self.group_boxes: dict[str, QGroupBox] = {}
        self.preset_buttons: dict[str, QPushButton] = {}
        # per group, a line under its choices for suggestions from the store (hidden: none)
        self.suggestion_rows: dict[str, SuggestionRow] = {}
        self.product: Product | None = None
        self._viewed: set[str] = set()
        self._resting = QTimer(self)
        self._resting.setSingleShot(True)
        self._resting.setInterval(VIEWED_AFTER_MS)
        self._resting.timeout.connect(self._rested)
        self._resting_on: str | None = None
        self._typing_posted = False  # a TYPED event waits in the queue
        self._pending: dict[str, object] = {}

    # building -------------------------------------------------------------------------------

    def build(self, product: Product, materials: Mapping[str, Material], root: Path,
              fonts: list[str]) -> None:
        self._flush_typing()
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # gone from the screen now, freed when the loop is idle
                item.widget().deleteLater()
        self.buttons.clear()
        self.group_boxes.clear()
        self.zone_fields.clear()
        self.preset_buttons.clear()
        self.suggestion_rows.clear()
        self._viewed.clear()
        self._resting.stop()
        self.product = product
        if product.presets:
            self._layout.addWidget(self._presets_box(product))
        for group in product.options:
            self._layout.addWidget(self._group_box(group, materials, root))
        for zone in product.zones:
            fields = ZoneFields(zone, product.currency, fonts, self)
            fields.edited.connect(self._zone_typed)
            fields.image_requested.connect(self.image_requested)
            fields.focused.connect(self.zone_focused)
            fields.cleared.connect(lambda zone_id: self._emit_zone(zone_id, None))
            self.zone_fields[zone.id] = fields
            self._layout.addWidget(fields)
        self._layout.addStretch(1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """A group box the pointer rests on for a moment counts as viewed."""
        kind = event.type()
        if kind in (QEvent.Type.Enter, QEvent.Type.Leave):  # not on every paint
            group_id = watched.property("group_id")
            if kind == QEvent.Type.Enter and group_id and group_id not in self._viewed:
                self._resting_on = group_id
                self._resting.start()
            elif kind == QEvent.Type.Leave and group_id and self._resting_on == group_id:
                self._resting.stop()
        return super().eventFilter(watched, event)

    def _rested(self) -> None:
        group_id, self._resting_on = self._resting_on, None
        if group_id and group_id in self.group_boxes and group_id not in self._viewed:
            self._viewed.add(group_id)
            self.group_viewed.emit(group_id)

    def _presets_box(self, product: Product) -> QGroupBox:
        box = QGroupBox("Looks")
        row = QHBoxLayout(box)
        for preset in product.presets:
            button = QPushButton(literal(preset.label))
            button.setToolTip(preset.description or preset.label)
            button.clicked.connect(lambda _=False, p=preset.id: self.preset_clicked.emit(p))
            self.preset_buttons[preset.id] = button
            row.addWidget(button)
        row.addStretch(1)
        return box

    def _group_box(self, group, materials, root) -> QGroupBox:
        box = QGroupBox(literal(group.label))
        box.setObjectName(f"group_{group.id}")
        box.setProperty("group_id", group.id)
        box.installEventFilter(self)
        self.group_boxes[group.id] = box
        grid = QGridLayout(box)
        grid.setSpacing(4)
        size = THUMBNAIL_SIZE if group.kind is OptionKind.part_swap else SWATCH_SIZE
        for i, choice in enumerate(group.choices):
            button = ChoiceButton(group.id, choice.id, box)
            button.setIconSize(QSize(size, size))
            button.source = swatch_source(choice, group, materials, root)
            button.clicked.connect(lambda _=False, b=button: self._clicked(b))
            self.buttons[(group.id, choice.id)] = button
            grid.addWidget(button, i // COLUMNS, i % COLUMNS)
        row = SuggestionRow(box)
        row.apply_clicked.connect(self.choice_clicked)
        self.suggestion_rows[group.id] = row
        grid.addWidget(row, (len(group.choices) + COLUMNS - 1) // COLUMNS, 0, 1, COLUMNS)
        return box

    def show_suggestions(self, lines: Mapping[str, list]) -> None:
        """Per group id, suggestion lines (``.choice_id``, ``.text``) with a button that asks
        for the choice like a click on its swatch; groups not named show none."""
        for group_id, row in self.suggestion_rows.items():
            row.show_lines(list(lines.get(group_id, ())))

    def set_thumbnail(self, group_id: str, choice_id: str, pixmap: QPixmap) -> None:
        button = self.buttons.get((group_id, choice_id))
        if button is not None:
            button.thumbnail = pixmap
            if button.status is not None:
                self._paint(button, button.colour)

    # state ----------------------------------------------------------------------------------

    def refresh(self, product: Product, configuration: Configuration) -> None:
        """Selected, unavailable and price delta of every control, for ``configuration``."""
        statuses = choice_statuses(product, configuration)
        # a group whose parts the current choices hide has nothing to offer (leather colours
        # with the steel bracelet): it is hidden until its parts show again
        inactive = inactive_groups(product, configuration.selections)
        for group_id, box in self.group_boxes.items():
            box.setHidden(group_id in inactive)
        for group in product.options:
            for status in statuses[group.id]:
                button = self.buttons[(group.id, status.choice_id)]
                colour = None
                if group.choice(status.choice_id).free_colour is not None:
                    colour = configuration.colours.get(group.id)
                button.setChecked(status.selected)
                if button.status == status and button.colour == colour:
                    continue
                button.status, button.colour = status, colour
                self._paint(button, colour)
                delta = format_delta(status.price_delta, product.currency)
                button.show_label(status.label, delta)
                if status.available:
                    tip = f"{status.label} ({delta})"
                else:
                    tip = f"{status.label}: not with the current selection. " + " ".join(
                        status.blocked_by)
                button.setToolTip(tip)
                button.setProperty("available", status.available)
        for zone in product.zones:
            if zone.id not in self._pending:
                self.zone_fields[zone.id].show_value(configuration.personalization.get(zone.id))

    def _paint(self, button: ChoiceButton, colour: str | None) -> None:
        status = button.status
        size = button.iconSize().width()
        ratio = self.devicePixelRatioF()
        thumbnail = button.thumbnail.cacheKey() if button.thumbnail is not None else None
        key = (colour, status.selected, status.available, size, ratio, thumbnail)
        icon = button.icons.get(key)
        if icon is None:
            if len(button.icons) >= MAX_ICONS_PER_BUTTON:  # free colours: new ones without end
                button.icons.clear()
            icon = button.icons[key] = QIcon(self._swatch(button, colour, size, ratio))
        button.setIcon(icon)

    @staticmethod
    def _swatch(button: ChoiceButton, colour: str | None, size: int, ratio: float) -> QPixmap:
        status = button.status
        if button.thumbnail is not None and colour is None:
            pixmap = button.thumbnail
        else:
            fill, image = button.source
            pixmap = round_swatch(colour or fill, image, size, device_pixel_ratio=ratio,
                                  selected=status.selected, available=status.available)
        if not status.available and button.thumbnail is not None and colour is None:
            pixmap = round_swatch(None, None, size, device_pixel_ratio=ratio, available=False)
            pixmap = _overlay(button.thumbnail, pixmap)
        return pixmap

    # events ---------------------------------------------------------------------------------

    def _clicked(self, button: ChoiceButton) -> None:
        self._flush_typing()
        status = button.status
        button.setChecked(bool(status and status.selected))
        if self.product is None:
            return
        choice = self.product.option(button.group_id).choice(button.choice_id)
        if choice.free_colour is not None and status is not None and status.selected:
            self.colour_requested.emit(button.group_id)
            return
        self.choice_clicked.emit(button.group_id, button.choice_id)

    def _zone_typed(self, zone_id: str, value: TextValue | ImageValue | None) -> None:
        self._pending[zone_id] = value
        if not self._typing_posted:  # one update for every key typed before the loop is back
            self._typing_posted = True
            QCoreApplication.postEvent(self, QEvent(self.TYPED))

    def event(self, event: QEvent) -> bool:
        if event.type() == self.TYPED:
            self._typing_posted = False
            self._flush_typing()
            return True
        return super().event(event)

    def _emit_zone(self, zone_id: str, value) -> None:
        self._pending.pop(zone_id, None)
        self.zone_edited.emit(zone_id, value)

    def _flush_typing(self) -> None:
        pending, self._pending = self._pending, {}
        for zone_id, value in pending.items():
            self.zone_edited.emit(zone_id, value)

    def flush(self) -> None:
        """Send any text still waiting for the typing pause (before save, undo, close)."""
        self._flush_typing()


class SuggestionRow(QWidget):
    """Small lines under a group's choices: "Often chosen: White (in 83% of orders
    with Black finish)" and a Use button. Never applied by itself."""

    apply_clicked = Signal(str, str)  # group id, choice id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("suggestionRow")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(2, 4, 2, 0)
        self._layout.setSpacing(2)
        self.lines: list[tuple[str, str, str]] = []  # group id, choice id, text
        self.labels: list[QLabel] = []
        self.buttons: list[QPushButton] = []
        self.hide()

    def show_lines(self, lines: list) -> None:
        wanted = [(line.group_id, line.choice_id, line.text) for line in lines]
        if wanted == self.lines:
            return
        self.lines = wanted
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.labels, self.buttons = [], []
        for group_id, choice_id, text in wanted:
            line = QWidget(self)
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            label = QLabel(text, line)
            label.setObjectName("suggestion")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            button = QPushButton("Use", line)
            button.setObjectName("useSuggestion")
            button.setToolTip(f"Choose this ({text})")
            button.clicked.connect(
                lambda _=False, g=group_id, c=choice_id: self.apply_clicked.emit(g, c))
            row.addWidget(label, 1)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self._layout.addWidget(line)
            self.labels.append(label)
            self.buttons.append(button)
        self.setVisible(bool(wanted))


def _overlay(base: QPixmap, top: QPixmap) -> QPixmap:
    out = QPixmap(base)
    painter = QPainter(out)
    painter.drawPixmap(out.rect(), top)
    painter.end()
    return out
