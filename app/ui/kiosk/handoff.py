"""The customer leaves with their design: a QR code to scan (the kiosk's link to their AR files,
the share link, or the code itself), the short hand-off code in big type (``K7M-4QX-9A``, which
staff or the desktop app open again), and a printed spec sheet where a printer is configured.
Every text wraps inside the panel, a long share code (the fallback when no hand-off code could
be kept) included."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

QR_PIXELS = 280
QR_MIN_PIXELS, QR_MAX_PIXELS = 100, 560  # the QR grows with the panel, within these
PREPARING = "Preparing your files..."
# A share code (longer than LONG_CODE_CHARS: the fallback when no hand-off code could be kept)
# is shown smaller, in lines of BREAK_EVERY characters: as many as the narrowest panel (a
# 1024 px screen) holds, so that the label's smallest size is the size it has
LONG_CODE_CHARS = 12
BREAK_EVERY = 32
ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str, every: int = BREAK_EVERY) -> str:
    """``text`` with an invisible line-break opportunity every ``every`` characters of a run
    without blanks, so a label that wraps never widens to fit it."""
    words = []
    for word in text.split(" "):
        words.append(ZERO_WIDTH_SPACE.join(word[i:i + every]
                                           for i in range(0, len(word), every)))
    return " ".join(words)


def qr_pixmap(data: str, pixels: int = QR_PIXELS) -> QPixmap | None:
    """The QR code of ``data``, or None while the QR export is not available."""
    try:
        from app.export.qr import qr_image  # noqa: PLC0415 (optional part)
    except ImportError:
        return None
    image = qr_image(data, scale=8, border=2).convert("RGB")
    raw = image.tobytes()
    qimage = QImage(raw, image.width, image.height, image.width * 3,
                    QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(qimage).scaled(pixels, pixels, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.FastTransformation)


class HandoffPage(QWidget):
    back_requested = Signal()
    print_requested = Signal()
    finished = Signal()

    def __init__(self, can_print: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("handoffPage")
        self._link = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # as the configurator's: the window has margins
        title = QLabel("Take it with you")
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.hint = QLabel()
        self.hint.setObjectName("handoffHint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.qr = QLabel()
        self.qr.setObjectName("qrCode")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.qr)
        self.code = QLabel()
        self.code.setObjectName("shareCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setWordWrap(True)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(self.code)
        self.print_button = QPushButton("Print the spec sheet")
        self.print_button.clicked.connect(self.print_requested)
        self.print_button.setVisible(can_print)
        layout.addWidget(self.print_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        back = QPushButton("Keep designing")
        back.clicked.connect(self.back_requested)
        layout.addWidget(back)
        done = QPushButton("I'm done: start over")
        done.setObjectName("primary")
        done.clicked.connect(self.finished)
        layout.addWidget(done)
        layout.addStretch(1)

    def _show_code(self, code: str) -> None:
        """``code`` in big type; a long one (a share code) smaller, so that it takes few lines."""
        long = len(code) > LONG_CODE_CHARS
        self.code.setText(breakable(code) if long else code)
        if self.code.property("long") != long:
            self.code.setProperty("long", long)
            self.code.style().unpolish(self.code)
            self.code.style().polish(self.code)

    def show_status(self, text: str) -> None:
        """A line under the code (printing), the QR made smaller where it needs the room."""
        self.status.setText(text)
        self._fit_qr_soon()

    def shown_code(self) -> str:
        """The code on the page, as the customer reads it."""
        return self.code.text().replace(ZERO_WIDTH_SPACE, "")

    def show_preparing(self, share_code: str) -> None:
        """The code at once; the QR follows once the files for the phone are ready."""
        self.status.setText("")
        self._show_code(share_code)
        self._link = ""
        self.qr.clear()
        self.qr.hide()
        self.hint.setText(PREPARING)

    def show_design(self, share_code: str, link: str, note: str = "") -> None:
        """The QR of ``link``; ``note`` goes before the usual hint."""
        self.status.setText("")
        self._show_code(share_code)
        self._link = link
        pixmap = qr_pixmap(link, QR_MIN_PIXELS)  # grown to fit once the texts have their lines
        if pixmap is None:
            self._link = ""
            self.qr.clear()
            self.qr.hide()
            hint = "Note your code: staff bring your design back with it."
        else:
            self.qr.setPixmap(pixmap)
            self.qr.show()
            hint = "Scan the square or note your code: staff bring your design back with it."
        self.hint.setText(f"{note} {hint}".strip())
        self._fit_qr_soon()

    def _qr_side(self) -> int:
        """The QR's side in pixels: what the page's width and the room its other lines leave
        allow, within QR_MIN_PIXELS..QR_MAX_PIXELS."""
        layout = self.layout()
        margins = layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        others = margins.top() + margins.bottom()
        shown = [w for w in self.findChildren(QWidget) if w.parentWidget() is self
                 and w is not self.qr and not w.isHidden()]
        for widget in shown:
            hint = widget.sizeHint().height()
            if widget.hasHeightForWidth():
                hint = max(hint if not isinstance(widget, QLabel) else 0,
                           widget.heightForWidth(width))
            others += max(hint, widget.minimumHeight()) + layout.spacing()
        return max(QR_MIN_PIXELS, min(QR_MAX_PIXELS, width, self.height() - others))

    def _fit_qr(self) -> None:
        """The QR at the size the page has room for now."""
        if not self._link or self.qr.pixmap().isNull():
            return
        side = self._qr_side()
        if self.qr.pixmap().width() != side:
            pixmap = qr_pixmap(self._link, side)
            if pixmap is not None:
                self.qr.setPixmap(pixmap)

    def _fit_qr_soon(self) -> None:
        """Once the texts just set have their lines: the QR fits what is left."""
        QTimer.singleShot(0, self._fit_qr)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_qr_soon()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._fit_qr_soon()
