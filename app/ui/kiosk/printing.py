"""Printing the spec sheet on the kiosk's printer: the PDF from app.export.spec_sheet, drawn
page by page onto a QPrinter through QtPdf. No dialog: the printer is named in kiosk.yaml."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.errors import AppError

PRINT_DPI = 200


def spec_sheet_available() -> bool:
    try:
        import app.export.spec_sheet  # noqa: F401, PLC0415 (optional part)
    except ImportError:
        return False
    return True


def printer_exists(name: str) -> bool:
    return name in QPrinterInfo.availablePrinterNames()


def spec_sheet_bytes(session, pixels: np.ndarray) -> bytes:
    from app.export.spec_sheet import spec_sheet_pdf  # noqa: PLC0415 (optional part)

    return spec_sheet_pdf(session.product, session.configuration, session.project,
                          still=Image.fromarray(pixels))


def print_pdf(data: bytes, printer_name: str) -> int:
    """Print PDF ``data`` on ``printer_name``; returns the number of pages printed."""
    if not printer_exists(printer_name):
        raise AppError(f"printer '{printer_name}' is not available", field="printer")
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise AppError("the spec sheet could not be read back for printing", field="printer")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(printer_name)
    painter = QPainter()
    if not painter.begin(printer):
        raise AppError(f"printer '{printer_name}' did not start the job", field="printer")
    try:
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            size = document.pagePointSize(page)
            pixels = QSize(round(size.width() / 72 * PRINT_DPI),
                           round(size.height() / 72 * PRINT_DPI))
            image = document.render(page, pixels)
            painter.drawImage(painter.viewport(), image)
    finally:
        painter.end()
    return document.pageCount()
