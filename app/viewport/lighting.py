"""Image-based lighting from an equirectangular HDR, tone mapping and anti-aliasing passes."""

from __future__ import annotations

import math
from pathlib import Path

from vtkmodules.vtkImagingCore import vtkImageResample
from vtkmodules.vtkImagingMath import vtkImageMathematics
from vtkmodules.vtkIOImage import vtkHDRReader
from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow, vtkTexture
from vtkmodules.vtkRenderingOpenGL2 import (
    vtkOpenGLFXAAPass,
    vtkRenderStepsPass,
    vtkToneMappingPass,
)

from app.errors import AssetError
from app.scene.description import Environment

# Larger environments make the first frame's IBL pre-computation take seconds.
ENVIRONMENT_MAX_WIDTH = 512
# The first frame computes the split-sum BRDF table and the prefiltered specular map on the
# GPU; at VTK's defaults (a 1024 px table of 512 samples a texel, 1024 samples per prefiltered
# texel) that is most of the first frame's 4-9 s on llvmpipe. The table is smooth (real-time
# engines ship 128 px or less; 64 px draws metal spheres of roughness 0.05-0.8 within a mean of
# 0.001/255 of 128 px, at most 8/255, and takes 0.15 s less). Against the defaults, the watch
# and the golf cart's hero stills differ by a mean of 0.04 and 0.26 of 255 (bench/first_frame.py
# has the times).
BRDF_TABLE_SIZE = 64
BRDF_TABLE_SAMPLES = 256
PREFILTER_MAX_SAMPLES = 128


def load_environment_texture(
    hdr_path: str, intensity: float = 1.0, max_width: int = ENVIRONMENT_MAX_WIDTH
) -> vtkTexture:
    """A linear float vtkTexture from a Radiance .hdr, at most ``max_width`` wide, scaled by
    ``intensity``."""
    path = Path(hdr_path)
    if not path.is_file():
        raise AssetError(
            "HDR environment file not found", file=hdr_path, field="environment.hdr_path"
        )
    reader = vtkHDRReader()
    if not reader.CanReadFile(str(path)):
        raise AssetError(
            "expected a Radiance .hdr (RGBE) image", file=hdr_path, field="environment.hdr_path"
        )
    if not intensity >= 0:
        raise AssetError(
            f"expected a non-negative intensity, got {intensity}",
            file=hdr_path,
            field="environment.intensity",
        )
    reader.SetFileName(str(path))
    reader.Update()
    width, height, _ = reader.GetOutput().GetDimensions()
    if width < 2 or height < 1:
        raise AssetError(
            f"expected an equirectangular image, got {width}x{height}",
            file=hdr_path,
            field="environment.hdr_path",
        )
    output = reader.GetOutputPort()
    if width > max_width:
        resample = vtkImageResample()
        resample.SetInputConnection(output)
        factor = max_width / width
        resample.SetAxisMagnificationFactor(0, factor)
        resample.SetAxisMagnificationFactor(1, factor)
        resample.SetInterpolationModeToLinear()
        output = resample.GetOutputPort()
    scale = vtkImageMathematics()
    scale.SetOperationToMultiplyByK()
    scale.SetConstantK(float(intensity))
    scale.SetInputConnection(output)
    scale.Update()
    texture = vtkTexture()
    texture.SetInputData(scale.GetOutput())
    texture.SetColorModeToDirectScalars()
    texture.MipmapOn()
    texture.InterpolateOn()
    return texture


def use_environment(renderer: vtkRenderer, texture: vtkTexture, rotation_deg: float,
                    *, turned_over: bool = False) -> None:
    """Light the renderer from ``texture`` only (no lights), Y up, rotated about Y; with
    ``turned_over``, then turned half a turn about X (up down, the right's Z reversed), as the
    still turns it."""
    renderer.RemoveAllLights()
    renderer.AutomaticLightCreationOff()
    renderer.UseImageBasedLightingOn()
    renderer.UseSphericalHarmonicsOn()
    renderer.SetEnvironmentTexture(texture, False)
    table = renderer.GetEnvMapLookupTable()
    table.SetLUTSize(BRDF_TABLE_SIZE)
    table.SetLUTSamples(BRDF_TABLE_SAMPLES)
    renderer.GetEnvMapPrefiltered().SetPrefilterMaxSamples(PREFILTER_MAX_SAMPLES)
    angle = math.radians(rotation_deg)
    flip = -1.0 if turned_over else 1.0
    renderer.SetEnvironmentUp(0.0, flip, 0.0)
    renderer.SetEnvironmentRight(math.cos(angle), 0.0, -flip * math.sin(angle))


def environment_key(environment: Environment) -> tuple[str, float]:
    """What, when it changes, needs the environment texture made again."""
    return (str(Path(environment.hdr_path).resolve()), float(environment.intensity))


class ToneMappedPasses:
    """Scene render steps -> PBR Neutral tone mapping (exposure) -> optional FXAA.

    Khronos PBR Neutral keeps base colours as authored up to the highlights and rolls the
    highlights off to white, which suits product shots.
    """

    def __init__(self, exposure: float = 1.0, fxaa: bool = False):
        self.steps = vtkRenderStepsPass()
        self.tone_mapping = vtkToneMappingPass()
        self.tone_mapping.SetToneMappingType(vtkToneMappingPass.NeutralPBR)
        self.tone_mapping.SetExposure(exposure)
        self.tone_mapping.SetDelegatePass(self.steps)
        self.fxaa = vtkOpenGLFXAAPass()
        self.fxaa.SetDelegatePass(self.tone_mapping)
        self._renderer: vtkRenderer | None = None
        self._use_fxaa = fxaa

    @property
    def exposure(self) -> float:
        return self.tone_mapping.GetExposure()

    @exposure.setter
    def exposure(self, value: float) -> None:
        self.tone_mapping.SetExposure(float(value))

    @property
    def use_fxaa(self) -> bool:
        return self._use_fxaa

    @use_fxaa.setter
    def use_fxaa(self, value: bool) -> None:
        self._use_fxaa = bool(value)
        if self._renderer is not None:
            self.install(self._renderer)

    def install(self, renderer: vtkRenderer) -> None:
        self._renderer = renderer
        renderer.SetPass(self.fxaa if self._use_fxaa else self.tone_mapping)

    def release(self, window: vtkRenderWindow) -> None:
        """Free the passes' GPU objects (VTK complains when they die holding them)."""
        if self._renderer is not None:
            self._renderer.SetPass(None)
        for render_pass in (self.fxaa, self.tone_mapping, self.steps):
            render_pass.ReleaseGraphicsResources(window)
        self._renderer = None
