"""Off-screen render windows, safe to create and draw on a worker thread while the live view
draws on the GUI thread.

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

import numpy as np
from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow

from app.viewport.pixels import read_pixels

WINDOW_VARIABLE = "VTK_DEFAULT_OPENGL_WINDOW"
EGL_WINDOW = "vtkEGLRenderWindow"
_environment = threading.Lock()  # the variable is the process's: one window made at a time


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
    """Make the one-time check for EGL here (call it on the GUI thread at start): on a worker,
    the first window would make it while holding the interpreter lock."""
    egl_available()


class OffScreenWindow:
    """An off-screen render window of ``size`` (width, height) with one renderer and no lights
    of its own, on EGL where there is EGL.

    Draw it on a thread where no other GL context is current: not on the GUI thread of a
    window with a live view, whose GLX context Qt keeps current there (libglvnd does not make
    an EGL context current over it, and the frames would go into Qt's context).
    """

    def __init__(self, size: tuple[int, int]):
        self.ren_win = _new_render_window()
        self.ren_win.SetOffScreenRendering(1)
        self.ren_win.SetMultiSamples(0)
        self.renderer = vtkRenderer()
        self.renderer.AutomaticLightCreationOff()
        self.ren_win.AddRenderer(self.renderer)
        self.size = size

    @property
    def size(self) -> tuple[int, int]:
        width, height = self.ren_win.GetSize()
        return width, height

    @size.setter
    def size(self, size: tuple[int, int]) -> None:
        width, height = (int(v) for v in size)
        self.ren_win.SetSize(width, height)

    def render(self) -> None:
        self.ren_win.Render()

    def pixels(self, *, alpha: bool = False) -> np.ndarray:
        """The window drawn now, as (H, W, 3) uint8, or (H, W, 4) with ``alpha``."""
        self.render()
        return read_pixels(self.ren_win, alpha=alpha)

    def close(self) -> None:
        if self.ren_win is not None:
            self.ren_win.Finalize()  # its GPU objects freed in its own context
            self.ren_win = None


def _new_render_window() -> vtkRenderWindow:
    import vtkmodules.vtkRenderingOpenGL2  # noqa: F401 (registers the OpenGL windows)

    if not egl_available():
        return vtkRenderWindow()
    with _environment:
        before = os.environ.get(WINDOW_VARIABLE)
        os.environ[WINDOW_VARIABLE] = EGL_WINDOW
        try:
            return vtkRenderWindow()
        finally:
            if before is None:
                del os.environ[WINDOW_VARIABLE]
            else:
                os.environ[WINDOW_VARIABLE] = before
