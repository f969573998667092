"""Off-screen windows for worker threads: a window of their own, EGL where VTK has it."""

from __future__ import annotations

import os
import threading

from vtkmodules.vtkFiltersSources import vtkSphereSource
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from app.viewport.off_screen import WINDOW_VARIABLE, OffScreenWindow, egl_available


def red_sphere() -> vtkActor:
    source = vtkSphereSource()
    mapper = vtkPolyDataMapper()
    mapper.SetInputConnection(source.GetOutputPort())
    actor = vtkActor()
    actor.SetMapper(mapper)
    actor.GetProperty().SetColor(1.0, 0.0, 0.0)
    actor.GetProperty().LightingOff()  # the window has no lights of its own
    return actor


def test_a_window_made_on_a_worker_thread_draws_and_leaves_the_environment_alone():
    before = os.environ.get(WINDOW_VARIABLE)
    result = {}

    def draw() -> None:
        window = OffScreenWindow((64, 48))
        try:
            window.renderer.AddActor(red_sphere())
            window.renderer.ResetCamera()
            result["window"] = type(window.ren_win).__name__
            result["pixels"] = window.pixels()
            result["rgba"] = window.pixels(alpha=True)
        finally:
            window.close()

    worker = threading.Thread(target=draw)
    worker.start()
    worker.join(60)
    pixels = result["pixels"]
    assert pixels.shape == (48, 64, 3) and result["rgba"].shape == (48, 64, 4)
    assert tuple(pixels[24, 32]) == (255, 0, 0)  # the sphere in the middle
    assert tuple(pixels[0, 0]) == (0, 0, 0)  # VTK's black background in the corner
    assert result["rgba"][24, 32, 3] == 255 and result["rgba"][0, 0, 3] == 0
    if egl_available():
        assert result["window"] == "vtkEGLRenderWindow"
    assert os.environ.get(WINDOW_VARIABLE) == before


def test_a_window_has_no_lights_of_its_own_and_takes_a_new_size():
    window = OffScreenWindow((32, 16))
    try:
        window.renderer.AddActor(red_sphere())
        window.render()
        assert window.renderer.GetLights().GetNumberOfItems() == 0
        window.size = (20, 30)
        assert window.pixels().shape == (30, 20, 3)
    finally:
        window.close()
