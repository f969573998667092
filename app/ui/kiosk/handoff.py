"""The customer leaves with their design: a QR code to scan (the kiosk's link to their AR files,
the share link, or the code itself), the short hand-off code in big type (``K7M-4QX-9A``, which
staff or the desktop app open again), and a printed spec sheet where a printer is configured.
Every text wraps inside the panel, a long share code (the fallback when no hand-off code could
be kept) included."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

QR_PIXELS = 280
PREPARING = "Preparing your files..."
BREAK_EVERY = 12
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
        layout = QVBoxLayout(self)
        title = QLabel("Take your design with you")
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

    def shown_code(self) -> str:
        """The code on the page, as the customer reads it."""
        return self.code.text().replace(ZERO_WIDTH_SPACE, "")

    def show_preparing(self, share_code: str) -> None:
        """The code at once; the QR follows once the files for the phone are ready."""
        self.status.setText("")
        self.code.setText(breakable(share_code))
        self.qr.clear()
        self.qr.hide()
        self.hint.setText(PREPARING)

    def show_design(self, share_code: str, link: str, note: str = "") -> None:
        """The QR of ``link``; ``note`` goes before the usual hint."""
        self.status.setText("")
        self.code.setText(breakable(share_code))
        pixmap = qr_pixmap(link)
        if pixmap is None:
            self.qr.clear()
            self.qr.hide()
            hint = "Note your code: staff or our website bring your design back with it."
        else:
            self.qr.setPixmap(pixmap)
            self.qr.show()
            hint = ("Scan the square with your phone, or note your code: staff bring your "
                    "design back with it.")
        self.hint.setText(f"{note} {hint}".strip())
