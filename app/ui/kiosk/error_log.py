"""Errors on the kiosk go to a rotating log file, never to the screen: the logger, the Python
and Qt hooks that feed it, and the journal the health page reads (count, last error)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

from app.errors import AppError

LOGGER_NAME = "app.kiosk"
LOG_FILE_NAME = "kiosk.log"


class ErrorJournal(logging.Handler):
    """Counts the errors logged and keeps the last one (for the health page)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0
        self.last: str | None = None
        self.last_time: float | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.last = record.getMessage().splitlines()[0][:300]
        self.last_time = time.time()


def open_kiosk_log(folder: Path, max_bytes: int, backups: int,
                   journal: ErrorJournal) -> logging.Logger:
    folder.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    handler = RotatingFileHandler(folder / LOG_FILE_NAME, maxBytes=max_bytes,
                                  backupCount=backups, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.addHandler(journal)
    logger.propagate = False
    return logger


def install_error_hooks(logger: logging.Logger, on_error: Callable[[str], None]) -> None:
    """Uncaught Python exceptions and Qt warnings go to ``logger``; ``on_error`` gets the
    friendly sentence the customer may see."""

    def excepthook(kind, value, trace) -> None:
        logger.error("uncaught %s: %s", kind.__name__, value, exc_info=(kind, value, trace))
        on_error(friendly_message(value))

    def qt_messages(mode, _context, message) -> None:
        if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            logger.error("Qt: %s", message)
        elif mode == QtMsgType.QtWarningMsg:
            logger.warning("Qt: %s", message)

    sys.excepthook = excepthook
    qInstallMessageHandler(qt_messages)


def friendly_message(error: BaseException) -> str:
    if isinstance(error, AppError):
        return "That did not work here. Please try another choice."
    return "Something went wrong. Please try again, or ask a member of staff."
