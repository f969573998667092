"""Autosave of the session: every change is written to a folder; a marker file says the app is
running, so a start that finds it knows the previous run did not end cleanly. A start also
removes the temporaries that interrupted autosaves left in the folder (see app/files.py for
which: only the exact temporary names, never one a writer is still at work on).

The writing happens on a short-lived thread, newest configuration first, so a click never waits
for the disk; ``on_failure`` hears of a write that did not succeed (on that thread).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

from app.domain.configuration import Configuration
from app.errors import AppError, ConfigurationError
from app.files import remove_abandoned_temporaries, write_text_atomically
from app.limits import MAX_CONFIGURATION_BYTES, load_json

SESSION_FILE = "session.json"
RUNNING_MARKER = "running"


class Autosave:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.session_path = self.folder / SESSION_FILE
        self.marker_path = self.folder / RUNNING_MARKER
        self._last_written: str | None = None
        self._pending: Configuration | None = None
        self._changed = threading.Condition()
        self._writer: threading.Thread | None = None
        self.on_failure: Callable[[str], None] = lambda _message: None

    def unclean_shutdown(self) -> bool:
        """Whether the previous run was killed or crashed with a session saved."""
        return self.marker_path.exists() and self.session_path.exists()

    def recovered(self) -> Configuration | None:
        """The autosaved configuration, or None when there is none or it cannot be read."""
        try:
            data = load_json(self.session_path.read_bytes(), source=str(self.session_path),
                             max_bytes=MAX_CONFIGURATION_BYTES)
            return Configuration.model_validate(data["configuration"])
        except (AppError, OSError, ValueError, KeyError, TypeError):
            return None

    def start(self) -> None:
        """This run begins: leftovers of interrupted autosaves go, the marker is written."""
        remove_abandoned_temporaries(self.folder)
        self.marker_path.write_text("1", encoding="utf-8")

    def save(self, configuration: Configuration) -> None:
        """Write ``configuration`` soon, on the writer thread; a newer one replaces it."""
        with self._changed:
            self._pending = configuration
            if self._writer is None:  # one writer at a time; it ends when nothing is left
                self._writer = threading.Thread(target=self._write_pending, name="autosave")
                self._writer.start()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until what was saved is on disk; False when that took longer than ``timeout``."""
        with self._changed:
            return self._changed.wait_for(lambda: self._writer is None, timeout)

    def _write_pending(self) -> None:
        while True:
            with self._changed:
                configuration, self._pending = self._pending, None
                if configuration is None:
                    self._writer = None
                    self._changed.notify_all()
                    return
            try:
                self._write(configuration)
            except ConfigurationError as exc:
                self.on_failure(str(exc))
            except Exception as exc:  # noqa: BLE001 (the writer must live on to write the next)
                self.on_failure(f"{self.session_path}: cannot autosave: {exc}")

    def _write(self, configuration: Configuration) -> None:
        """Write ``configuration`` now; ConfigurationError naming the file when it cannot be."""
        text = json.dumps({"configuration": configuration.model_dump(mode="json")},
                          sort_keys=True, indent=2) + "\n"
        if text == self._last_written:
            return
        try:
            write_text_atomically(self.session_path, text, durable=False,  # on every change
                                  follow_link=False)  # the app's own file, not a user's path
        except OSError as exc:
            raise ConfigurationError(f"cannot autosave: {exc.strerror}",
                                     file=str(self.session_path)) from None
        self._last_written = text

    def finish(self) -> None:
        """A clean exit: nothing to restore next time."""
        self.flush()
        self.marker_path.unlink(missing_ok=True)
