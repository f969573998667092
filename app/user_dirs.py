"""Where the app keeps a user's own files, found with platformdirs: its log (on Linux under
``$XDG_STATE_HOME``, ``~/.local/state`` by default) and its data, such as the picture store
(under ``$XDG_DATA_HOME``, ``~/.local/share`` by default), and its cache."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "showcraft"


def user_log_folder() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def user_data_folder() -> Path:
    """The app's data folder of this user (the picture store lives in it)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_cache_folder() -> Path:
    """The app's cache folder of this user (pictures it can make again, such as thumbnails;
    ``$XDG_CACHE_HOME``, ``~/.cache`` by default)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_model_cache_folder() -> Path:
    """Loaded models kept between runs (the app reads a model file again without them)."""
    return user_cache_folder() / "models"


def app_log_file() -> Path:
    """The app's log file: one per user; VTK's own messages go there too."""
    return user_log_folder() / f"{APP_NAME}.log"
