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
STYLE_SCALE_STEP, MAX_STYLE_SCALE = 0.25, 1.5
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


def style_scale(width: int, height: int) -> float:
    """How much larger the kiosk's type is drawn on a window of this size: 1 up to 1280x800,
    then in steps of STYLE_SCALE_STEP up to MAX_STYLE_SCALE, so a large screen is not mostly
    empty space."""
    fit = min(width / 1280, height / 800)
    steps = math.floor(max(0.0, fit - 1.0) / STYLE_SCALE_STEP + 1e-9)
    return min(MAX_STYLE_SCALE, 1.0 + steps * STYLE_SCALE_STEP)


def kiosk_style_sheet(px: int, scale: float = 1.0) -> str:
    """The kiosk's style; ``scale`` enlarges the type and what is sized by it (see
    style_scale), never below the touch target ``px``."""
    def pt(size: float) -> str:
        return f"{round(size * scale)}pt"

    px = round(px * scale)
    return f"""
QWidget#kioskWindow {{ background: #f4f1ec; }}
QWidget {{ font-size: {pt(17)}; color: #1d1d1f; }}
QLabel#kioskTitle {{ font-size: {pt(30)}; font-weight: 700; padding: 6px 4px; }}
QLabel#pageTitle {{ font-size: {pt(26)}; font-weight: 700; }}
QLabel#invitation {{ font-size: {pt(40)}; font-weight: 800; color: #ffffff; background: #1a73e8;
                     border-radius: 24px; padding: 28px; }}
QLabel#countdown {{ font-size: {pt(30)}; font-weight: 700; color: #b3261e; }}
QLabel#notice {{ font-size: {pt(17)}; background: #fff4ce; border-radius: 10px; padding: 10px; }}
QLabel#total {{ font-size: {pt(26)}; font-weight: 800; color: #174ea6; }}
QLabel#shareCode {{ font-size: {pt(30)}; font-weight: 800; letter-spacing: 3px; }}
QLabel#shareCode[long="true"] {{ font-size: {pt(13)}; font-weight: 600; letter-spacing: 0px; }}
QLabel#pinDisplay {{ font-size: {pt(32)}; min-height: {px}px; }}
QPushButton {{ min-height: {px}px; min-width: {px}px; padding: 6px 12px; border-radius: 12px;
               background: #ffffff; border: 2px solid #c9ccd1; font-weight: 600; }}
QPushButton:pressed {{ background: #e8f0fe; }}
QPushButton#primary {{ background: #1a73e8; color: #ffffff; border: none; }}
QPushButton#productTab:checked {{ background: #1a73e8; color: #ffffff; border: none; }}
QPushButton#productTab, QGroupBox QPushButton {{ font-size: {pt(14)}; padding: 4px 8px; }}
QToolButton {{ font-size: {pt(12)}; min-width: {px * 3}px; min-height: {px * 3}px;
               border-radius: 12px; padding: 4px; }}
QToolButton:checked {{ background: #d2e3fc; color: #174ea6; font-weight: 700; }}
QToolButton[available="false"] {{ color: #9aa0a6; }}
QGroupBox {{ font-weight: 700; border: 1px solid #d8dade; border-radius: 12px;
             margin-top: 22px; padding-top: 10px; background: #ffffff; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 14px; padding: 0 6px; }}
QLineEdit, QComboBox {{ min-height: {px}px; font-size: {pt(18)}; padding: 4px 8px; }}
QComboBox QAbstractItemView::item {{ min-height: {px}px; }}
QScrollBar:vertical {{ width: {px}px; }}
QScrollBar::handle:vertical {{ min-height: {px}px; background: #c9ccd1; border-radius: 8px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; border: none; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: #eceae6; }}
QWidget#onScreenKeyboard QPushButton {{ font-size: {pt(18)}; padding: 2px; }}
"""
