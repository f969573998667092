"""Pixels read back from a VTK render window."""

from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkRenderingCore import vtkRenderWindow, vtkWindowToImageFilter


def read_pixels(window: vtkRenderWindow, *, alpha: bool = False, front: bool = True
                ) -> np.ndarray:
    """The frame ``window`` drew last as (H, W, 3) uint8, or (H, W, 4) with ``alpha``, top row
    first; nothing is drawn again. ``front`` reads the resolved frame that was put on show
    (the back buffer holds the same frame once it is shown)."""
    window.MakeCurrent()  # read in the window's own context, whichever drew last
    grab = vtkWindowToImageFilter()
    grab.SetInput(window)
    grab.ShouldRerenderOff()
    grab.FixBoundaryOn()
    grab.SetReadFrontBuffer(front)
    if alpha:
        grab.SetInputBufferTypeToRGBA()
    else:
        grab.SetInputBufferTypeToRGB()
    grab.Update()
    image = grab.GetOutput()
    width, height, _ = image.GetDimensions()
    channels = 4 if alpha else 3
    rows = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(height, width, channels)
    return rows[::-1].copy()  # VTK's first row is the bottom
