"""Autosave of the session: every change is written to a folder; a marker file says the app is
running, so a start that finds it knows the previous run did not end cleanly."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain.configuration import Configuration
from app.errors import ConfigurationError
from app.files import write_text_atomically

SESSION_FILE = "session.json"
RUNNING_MARKER = "running"


class Autosave:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.session_path = self.folder / SESSION_FILE
        self.marker_path = self.folder / RUNNING_MARKER
        self._last_written: str | None = None

    def unclean_shutdown(self) -> bool:
        """Whether the previous run was killed or crashed with a session saved."""
        return self.marker_path.exists() and self.session_path.exists()

    def recovered(self) -> Configuration | None:
        """The autosaved configuration, or None when there is none or it cannot be read."""
        try:
            data = json.loads(self.session_path.read_text(encoding="utf-8"))
            return Configuration.model_validate(data["configuration"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def start(self) -> None:
        self.marker_path.write_text("1", encoding="utf-8")

    def save(self, configuration: Configuration) -> None:
        text = json.dumps({"configuration": configuration.model_dump(mode="json")},
                          sort_keys=True, indent=2) + "\n"
        if text == self._last_written:
            return
        try:
            write_text_atomically(self.session_path, text, durable=False)  # on every change
        except OSError as exc:
            raise ConfigurationError(f"cannot autosave: {exc.strerror}",
                                     file=str(self.session_path)) from None
        self._last_written = text

    def finish(self) -> None:
        """A clean exit: nothing to restore next time."""
        self.marker_path.unlink(missing_ok=True)
