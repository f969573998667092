"""Off-screen plotters for worker threads: a window of their own, EGL where VTK has it."""

from __future__ import annotations

import os
import threading

import numpy as np
import pyvista as pv

from app.viewport.off_screen import WINDOW_VARIABLE, egl_available, off_screen_plotter


def test_a_plotter_made_on_a_worker_thread_draws_and_leaves_the_environment_alone():
    before = os.environ.get(WINDOW_VARIABLE)
    result = {}

    def draw() -> None:
        plotter = off_screen_plotter((64, 48))
        try:
            plotter.add_mesh(pv.Sphere(), color="red")
            result["window"] = type(plotter.render_window).__name__
            result["pixels"] = plotter.screenshot(return_img=True)
        finally:
            plotter.close()

    worker = threading.Thread(target=draw)
    worker.start()
    worker.join(60)
    assert result["pixels"].shape == (48, 64, 3)
    assert np.ptp(result["pixels"]) > 0  # the sphere is there
    if egl_available():
        assert result["window"] == "vtkEGLRenderWindow"
    assert os.environ.get(WINDOW_VARIABLE) == before
