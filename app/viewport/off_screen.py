"""Off-screen plotters with a render window of their own, safe to create and draw on a worker
thread while the live view draws on the GUI thread.

VTK's default off-screen window on a desktop is an X window: creating it talks to the display
the live view uses and holds the interpreter lock for a few hundred milliseconds, which freezes
the GUI thread meanwhile. An EGL window needs no display and is created in tens of
milliseconds; VTK makes one when VTK_DEFAULT_OPENGL_WINDOW names it, and reads that variable
each time it makes a window. Where EGL is not available, VTK's default is used.
"""

from __future__ import annotations

import functools
import os
import threading

import pyvista as pv

WINDOW_VARIABLE = "VTK_DEFAULT_OPENGL_WINDOW"
EGL_WINDOW = "vtkEGLRenderWindow"
_environment = threading.Lock()  # the variable is the process's: one plotter made at a time


@functools.cache
def egl_available() -> bool:
    """Whether VTK can draw into an EGL context here (checked once, about 60 ms)."""
    try:
        from vtkmodules.vtkRenderingOpenGL2 import vtkEGLRenderWindow
    except ImportError:
        return False
    window = vtkEGLRenderWindow()
    window.SetOffScreenRendering(1)
    try:
        return bool(window.SupportsOpenGL())
    finally:
        window.Finalize()


def prepare_off_screen() -> None:
    """Make the one-time checks here (call it on the GUI thread at start): whether there is EGL,
    and PyVista's check for a display, which starts a process. On a worker, the first plotter
    would make them while holding the interpreter lock (the fork alone held it for about
    140 ms in the desktop window)."""
    egl_available()
    pv.system_supports_plotting()


def off_screen_plotter(window_size: tuple[int, int]) -> pv.Plotter:
    """A new off-screen plotter of ``window_size`` without default lights, on an EGL window
    where there is EGL."""
    if not egl_available():
        return pv.Plotter(off_screen=True, window_size=window_size, lighting="none")
    with _environment:
        before = os.environ.get(WINDOW_VARIABLE)
        os.environ[WINDOW_VARIABLE] = EGL_WINDOW
        try:
            return pv.Plotter(off_screen=True, window_size=window_size, lighting="none")
        finally:
            if before is None:
                del os.environ[WINDOW_VARIABLE]
            else:
                os.environ[WINDOW_VARIABLE] = before
