"""Touch-first sizes: at least 9 mm for anything a finger presses, computed from the screen's
physical DPI, and the kiosk's large, high-contrast style."""

from __future__ import annotations

import math

from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QWidget,
)

MIN_TARGET_MM = 9.0
INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QAbstractSlider, QAbstractSpinBox)


def touch_target_px(screen: QScreen | None, mm: float = MIN_TARGET_MM) -> int:
    dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
    if not math.isfinite(dpi) or dpi <= 0:
        dpi = 96.0
    return math.ceil(mm / 25.4 * dpi)


def interactive_widgets(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if isinstance(w, INTERACTIVE)]


def enforce_touch_targets(root: QWidget, px: int) -> None:
    """Every interactive widget under ``root`` at least ``px`` wide and high."""
    for widget in interactive_widgets(root):
        widget.setMinimumSize(max(widget.minimumWidth(), px), max(widget.minimumHeight(), px))


def too_small(root: QWidget, px: int) -> list[str]:
    """Visible interactive widgets smaller than ``px``, described (for checks)."""
    out = []
    for widget in interactive_widgets(root):
        if widget.isVisibleTo(root) and (widget.width() < px or widget.height() < px):
            out.append(f"{type(widget).__name__} '{getattr(widget, 'text', lambda: '')()}'"
                       f" {widget.width()}x{widget.height()}")
    return out


def kiosk_style_sheet(px: int) -> str:
    return f"""
QWidget#kioskWindow {{ background: #f4f1ec; }}
QWidget {{ font-size: 17pt; color: #1d1d1f; }}
QLabel#kioskTitle {{ font-size: 30pt; font-weight: 700; padding: 6px 4px; }}
QLabel#pageTitle {{ font-size: 26pt; font-weight: 700; }}
QLabel#invitation {{ font-size: 40pt; font-weight: 800; color: #ffffff; background: #1a73e8;
                     border-radius: 24px; padding: 28px; }}
QLabel#countdown {{ font-size: 30pt; font-weight: 700; color: #b3261e; }}
QLabel#notice {{ font-size: 17pt; background: #fff4ce; border-radius: 10px; padding: 10px; }}
QLabel#total {{ font-size: 26pt; font-weight: 800; color: #174ea6; }}
QLabel#shareCode {{ font-size: 30pt; font-weight: 800; letter-spacing: 3px; }}
QLabel#shareCode[long="true"] {{ font-size: 13pt; font-weight: 600; letter-spacing: 0px; }}
QLabel#pinDisplay {{ font-size: 32pt; min-height: {px}px; }}
QPushButton {{ min-height: {px}px; min-width: {px}px; padding: 6px 12px; border-radius: 12px;
               background: #ffffff; border: 2px solid #c9ccd1; font-weight: 600; }}
QPushButton:pressed {{ background: #e8f0fe; }}
QPushButton#primary {{ background: #1a73e8; color: #ffffff; border: none; }}
QPushButton#productTab:checked {{ background: #1a73e8; color: #ffffff; border: none; }}
QPushButton#productTab, QGroupBox QPushButton {{ font-size: 14pt; padding: 4px 8px; }}
QToolButton {{ font-size: 12pt; min-width: {px * 3}px; min-height: {px * 3}px;
               border-radius: 12px; padding: 4px; }}
QToolButton:checked {{ background: #d2e3fc; color: #174ea6; font-weight: 700; }}
QToolButton[available="false"] {{ color: #9aa0a6; }}
QGroupBox {{ font-weight: 700; border: 1px solid #d8dade; border-radius: 12px;
             margin-top: 22px; padding-top: 10px; background: #ffffff; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 14px; padding: 0 6px; }}
QLineEdit, QComboBox {{ min-height: {px}px; font-size: 18pt; padding: 4px 8px; }}
QComboBox QAbstractItemView::item {{ min-height: {px}px; }}
QScrollBar:vertical {{ width: {px}px; }}
QScrollBar::handle:vertical {{ min-height: {px}px; background: #c9ccd1; border-radius: 8px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; border: none; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: #eceae6; }}
QWidget#onScreenKeyboard QPushButton {{ font-size: 18pt; padding: 2px; }}
"""
