"""glTF's sheen (KHR_materials_sheen) as a volume of fibres: Zeltner, Burley and Chiang's
"Practical Multiple-Scattering Sheen Using Linearly Transformed Cosines" (2022), the sheen
Blender's Cycles draws (and OpenPBR gives), with their closed-form fits of its directional albedo
and of the transform of its lobe, in numpy or Dr.Jit (``ops``). glTF's specification suggests the
"Charlie" distribution, whose lobe reflects less: with it a rough velvet came out lighter and
less tinted by its sheen (SheenCloth a* 2.2 less red and L 1.6 lighter than in Cycles). The
still's sheen layer (app/photoreal/sheen_layer.py) draws the lobe; the live view, which has no
sheen lobe, draws the light the layer reflects and the base's giving way by its albedo.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from app.scene.array_ops import NUMPY

MIN_SHEEN_ROUGHNESS = 0.01  # the fits' range (a smoother sheen is drawn as this one)
ALBEDO_SAMPLES = 32  # cos(theta) points of the live view's albedo table (its columns)
ROUGHNESS_SAMPLES = 16  # sheen roughness points of that table (its rows), MIN_SHEEN_.. 1


def fibre_albedo(cos_view, roughness, *, ops=NUMPY):
    """The share of light a white fibre sheen of ``roughness`` reflects towards a view at
    ``cos_view`` (the fit of its directional albedo), 0..1."""
    x = ops.clip(cos_view, 0.0, 1.0)
    y = ops.clip(roughness, MIN_SHEEN_ROUGHNESS, 1.0)
    s = y * (0.0206607 + 1.58491 * y) / (0.0379424 + y * (1.32227 + y))
    m = y * (-0.193854 + y * (-1.14885 + y * (1.7932 - 0.95943 * y * y))) / (0.046391 + y)
    o = y * (0.000654023 + (-0.0207818 + 0.119681 * y) * y) / (1.26264 + y * (-1.92021 + y))
    g = (x - m) / s
    return ops.clip(ops.exp(-0.5 * g * g) / (s * math.sqrt(2.0 * math.pi)) + o, 0.0, 1.0)


def fibre_transform(cos_view, roughness, *, ops=NUMPY):
    """(a, b): the inverse of the transform that makes the lobe of a fibre sheen of
    ``roughness`` seen at ``cos_view`` of a clamped cosine, (a 0 b; 0 a 0; 0 0 1) in the frame
    whose x axis leans towards the view."""
    x = ops.clip(cos_view, 0.0, 1.0)
    y = ops.clip(roughness, MIN_SHEEN_ROUGHNESS, 1.0)
    a = (2.58126 * x + 0.813703 * y) * y / (1.0 + 0.310327 * x * x + 2.60994 * x * y)
    b = (ops.sqrt(ops.maximum(1.0 - x, 0.0)) * (y - 1.0) * y * y * y
         / (0.0000254053 + 1.71228 * x - 1.71506 * x * y + 1.34174 * y * y))
    return a, b


@functools.cache
def fibre_albedo_table() -> np.ndarray:
    """(ROUGHNESS_SAMPLES, ALBEDO_SAMPLES) float32: ``fibre_albedo`` at sheen roughness
    MIN_SHEEN_ROUGHNESS .. 1 (rows) and cos(theta) 0 .. 1 (columns), for the live view's shader
    to read between its entries; made once."""
    roughness = np.linspace(MIN_SHEEN_ROUGHNESS, 1.0, ROUGHNESS_SAMPLES)[:, None]
    return fibre_albedo(np.linspace(0.0, 1.0, ALBEDO_SAMPLES)[None, :], roughness).astype(
        np.float32)
