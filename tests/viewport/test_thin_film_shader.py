"""The live view's thin film (``THIN_FILM_GLSL``) gives what ``thin_film_reflectance`` gives:
the shader drawn on the GPU (Mesa here) over a grid of angles and thicknesses, read back."""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkFiltersSources import vtkPlaneSource
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from app.scene.thin_film import THIN_FILM_GLSL, thin_film_reflectance
from app.viewport.off_screen import OffScreenWindow

SIZE = (64, 48)  # columns: cos(theta) 0..1; rows: thickness 0..MAX_THICKNESS nm
MAX_THICKNESS = 900.0


def _drawn(film_ior: float, base_f0, outside_ior: float) -> np.ndarray:
    window = OffScreenWindow(SIZE)
    try:
        plane = vtkPlaneSource()
        plane.SetOrigin(-2.0, -2.0, 0.0)
        plane.SetPoint1(2.0, -2.0, 0.0)
        plane.SetPoint2(-2.0, 2.0, 0.0)
        mapper = vtkPolyDataMapper()
        mapper.SetInputConnection(plane.GetOutputPort())
        actor = vtkActor()
        actor.SetMapper(mapper)
        shaders = actor.GetShaderProperty()
        shaders.AddFragmentShaderReplacement("//VTK::Normal::Dec", True,  # at global scope
                                             "//VTK::Normal::Dec" + THIN_FILM_GLSL, False)
        f0 = ", ".join(f"{c:.6f}" for c in base_f0)
        shaders.AddFragmentShaderReplacement(
            "//VTK::Light::Impl", True,
            "//VTK::Light::Impl\n"  # VTK's lighting first, then the film in place of its colour
            f"  vec2 at = gl_FragCoord.xy / vec2({SIZE[0]}.0, {SIZE[1]}.0);\n"
            f"  gl_FragData[0] = vec4(thinFilmReflectance(at.x, at.y * {MAX_THICKNESS:.1f}, "
            f"{film_ior:.6f}, vec3({f0}), {outside_ior:.6f}), 1.0);", False)
        window.renderer.AddActor(actor)
        camera = window.renderer.GetActiveCamera()
        camera.ParallelProjectionOn()
        camera.SetPosition(0.0, 0.0, 5.0)
        camera.SetFocalPoint(0.0, 0.0, 0.0)
        camera.SetParallelScale(1.0)
        window.renderer.ResetCameraClippingRange()
        return window.pixels()[::-1].astype(float) / 255.0  # row 0 at the bottom, as gl_FragCoord
    finally:
        window.close()


def test_the_shader_s_film_is_the_numpy_film():
    for film_ior, base_f0, outside_ior in ((1.33, (0.04, 0.04, 0.04), 1.0),
                                           (1.8, (0.95, 0.64, 0.54), 1.0),
                                           (1.2, (0.0, 0.3, 0.9), 1.0),
                                           (1.3, (0.04, 0.5, 0.9), 1.5)):  # under a coat
        drawn = _drawn(film_ior, base_f0, outside_ior)
        width, height = SIZE
        cos = (np.arange(width) + 0.5) / width
        thickness = (np.arange(height) + 0.5) / height * MAX_THICKNESS
        c, t = np.meshgrid(cos, thickness)
        expected = np.stack(thin_film_reflectance(c, t, film_ior, base_f0,
                                                  outside_ior=outside_ior), axis=-1)
        assert np.ptp(expected) > 0.1  # colours that vary, not a flat grey
        difference = np.abs(drawn - expected)
        assert difference.mean() < 1.5 / 255, (film_ior, difference.mean() * 255)
        assert difference.max() < 6 / 255, (film_ior, difference.max() * 255)
