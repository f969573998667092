"""The window's look: light, roomy, with a clear total."""

STYLE_SHEET = """
QMainWindow { background: #f6f7f9; }
QLabel#productTitle { font-size: 11pt; padding: 8px 8px 0 8px; color: #202124; }
QWidget#optionsPanel { background: #ffffff; }
QGroupBox { font-weight: 600; border: 1px solid #e0e3e7; border-radius: 6px;
            margin-top: 14px; padding-top: 6px; background: #ffffff; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #202124; }
QToolButton { font-size: 8pt; color: #3c4043; padding: 2px; border-radius: 6px; }
QToolButton:checked { background: #e8f0fe; color: #174ea6; font-weight: 600; }
QToolButton:hover { background: #f1f3f4; }
QToolButton[available="false"] { color: #9aa0a6; }
QWidget#pricePanel { background: #ffffff; border-top: 1px solid #e0e3e7; }
QLabel#total { font-size: 14pt; font-weight: 700; color: #174ea6; padding: 4px 0; }
QListWidget#catalogBrowser { background: #ffffff; border: none; }
QWidget#customerPanel { background: #ffffff; }
QLabel#currentCustomer { font-weight: 600; color: #174ea6; }
QLabel#customerMessage { color: #3c4043; }
QLabel#suggestion { font-size: 8pt; color: #5f6368; }
QPushButton#useSuggestion { font-size: 8pt; padding: 1px 10px; }
QLabel#storeStatus { color: #b3261e; }
"""
