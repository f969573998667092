"""The app's log file for a command run: the app's own ``logging`` records and VTK's log.

The file is per user (``app.user_dirs.app_log_file``); it is moved aside to ``.1`` once it grows
past ``MAX_LOG_BYTES``, so it never fills a disk.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.user_dirs import app_log_file

MAX_LOG_BYTES = 5 * 1024 * 1024
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def start_app_log(*, verbose: bool = False, log_file: Path | None = None) -> Path:
    """Send the ``app`` logger and VTK's log to the log file; ``verbose`` also to stderr."""
    path = log_file or app_log_file()
    logger = logging.getLogger("app")
    logger.setLevel(logging.INFO)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_name(path.name + ".1"))
        if not any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
            handler = logging.FileHandler(path, encoding="utf-8", delay=True)
            handler.setFormatter(logging.Formatter(_FORMAT))
            logger.addHandler(handler)
    except OSError:
        pass  # a read-only home: the app runs on without its log
    if verbose and not any(type(h) is logging.StreamHandler for h in logger.handlers):
        logger.addHandler(logging.StreamHandler())
    from app.viewport.vtk_log import route_vtk_log

    route_vtk_log(path, verbose=verbose)
    return path
