"""Where the app keeps a user's own files: its log, found with platformdirs (on Linux under
``$XDG_STATE_HOME``, ``~/.local/state`` by default)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "showcraft"


def user_log_folder() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def app_log_file() -> Path:
    """The app's log file: one per user; VTK's own messages go there too."""
    return user_log_folder() / f"{APP_NAME}.log"
