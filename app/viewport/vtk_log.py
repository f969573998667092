"""VTK's own log (render window warnings, reader errors) goes to the app's log file instead of
the terminal; ``verbose`` shows it on the terminal as well."""

from __future__ import annotations

from pathlib import Path

from vtkmodules.vtkCommonCore import vtkLogger

_files_logged_to: set[str] = set()  # VTK's logger is one per process: each file is added once


def route_vtk_log(log_file: Path, *, verbose: bool = False) -> None:
    vtkLogger.SetStderrVerbosity(
        vtkLogger.VERBOSITY_INFO if verbose else vtkLogger.VERBOSITY_OFF)
    key = str(log_file)
    if key in _files_logged_to:
        return
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # no log folder (read-only home): VTK stays quiet rather than stop the app
    vtkLogger.LogToFile(key, vtkLogger.APPEND, vtkLogger.VERBOSITY_WARNING)
    _files_logged_to.add(key)
