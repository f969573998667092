"""glTF's sheen (KHR_materials_sheen): the "Charlie" microfiber distribution with Charlie's
visibility term (the fit of its shadowing glTF's sheen gives), and the share of light a sheen
layer reflects towards a view (its directional albedo), in numpy. The still's sheen layer
(app/photoreal/sheen_layer.py) draws the lobe with them; the live view, which has no sheen
lobe, draws the light the layer reflects and the base's giving way by the albedo.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from app.scene.array_ops import NUMPY

MIN_SHEEN_ROUGHNESS = 0.07  # below it the distribution's exponent runs away (glTF viewers clamp)
ALBEDO_SAMPLES = 32  # cos(theta) points of the albedo table (its columns)
ROUGHNESS_SAMPLES = 16  # sheen roughness points of the albedo table (its rows), MIN_SHEEN_.. 1


def charlie_alpha(sheen_roughness: float) -> float:
    roughness = min(max(float(sheen_roughness), MIN_SHEEN_ROUGHNESS), 1.0)
    return roughness * roughness


def charlie_albedo(alpha: float, cos_view: np.ndarray, steps: int = 96) -> np.ndarray:
    """The share of light a white sheen layer reflects towards a view at ``cos_view`` (its
    directional albedo), integrated over the hemisphere of light directions."""
    mu = np.clip(np.asarray(cos_view, dtype=np.float64), 1e-4, 1.0)
    theta = (np.arange(steps) + 0.5) * (0.5 * math.pi / steps)
    phi = (np.arange(2 * steps) + 0.5) * (math.pi / steps)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    light = np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], axis=-1)
    weight = np.sin(t) * (0.5 * math.pi / steps) * (math.pi / steps)  # solid angle
    result = []
    for m in mu.ravel():
        view = np.array([math.sqrt(1.0 - m * m), 0.0, m])
        half = light + view
        half /= np.linalg.norm(half, axis=-1, keepdims=True)
        value = charlie_brdf(alpha, half[..., 2], light[..., 2], m)
        result.append(float((value * light[..., 2] * weight).sum()))
    return np.asarray(result).reshape(mu.shape)


@functools.cache
def charlie_albedo_table() -> np.ndarray:
    """(ROUGHNESS_SAMPLES, ALBEDO_SAMPLES) float32: ``charlie_albedo`` at sheen roughness
    MIN_SHEEN_ROUGHNESS .. 1 (rows) and cos(theta) 0 .. 1 (columns), at most 1; made once."""
    rows = [charlie_albedo(charlie_alpha(r), np.linspace(0.0, 1.0, ALBEDO_SAMPLES))
            for r in np.linspace(MIN_SHEEN_ROUGHNESS, 1.0, ROUGHNESS_SAMPLES)]
    return np.clip(np.asarray(rows), 0.0, 1.0).astype(np.float32)


# the fit of Charlie's shadowing exponent (Conty and Kulla 2017, as glTF's sheen gives it):
# each coefficient runs from its first value at alpha 1 to its second at alpha 0
_LAMBDA_FIT = ((21.5473, 25.3245), (3.82987, 3.32435), (0.19823, 0.16801),
               (-1.97760, -1.27393), (-4.32054, -4.85967))


def _charlie_l(x, alpha, ops):
    """Charlie's fitted l(x) for ``alpha``."""
    q = (1.0 - alpha) * (1.0 - alpha)
    a, b, c, d, e = (low + (high - low) * q for low, high in _LAMBDA_FIT)
    return a / (1.0 + b * ops.power(x, c)) + d * x + e


def charlie_lambda(cos_theta, alpha, *, ops=NUMPY):
    """Charlie's shadowing Lambda at ``cos_theta`` (``ops``: numpy's by default; the plugin
    passes Dr.Jit's, ``app.scene.array_ops``)."""
    x = abs(cos_theta)
    low = ops.exp(_charlie_l(x, alpha, ops))
    high = ops.exp(2.0 * _charlie_l(0.5, alpha, ops) - _charlie_l(1.0 - x, alpha, ops))
    return ops.where(x < 0.5, low, high)


def charlie_visibility(cos_view, cos_light, alpha, *, ops=NUMPY):
    """Charlie's visibility term, 1 / ((1 + Lambda(V) + Lambda(L)) 4 NdotV NdotL) (``ops``:
    numpy's by default; the plugin passes Dr.Jit's)."""
    def shadowing(cos_theta):
        return charlie_lambda(cos_theta, alpha, ops=ops)

    return 1.0 / ((1.0 + shadowing(cos_view) + shadowing(cos_light)) * 4.0
                  * ops.maximum(cos_view, 1e-6) * ops.maximum(cos_light, 1e-6))


def charlie_brdf(alpha: float, cos_half, cos_light, cos_view):
    """The white sheen BRDF: Charlie's distribution times Charlie's visibility (numpy; the
    plugin writes the same in Dr.Jit)."""
    inverse = 1.0 / alpha
    sin2 = np.maximum(1.0 - cos_half * cos_half, 0.0)
    distribution = (2.0 + inverse) * np.power(sin2, 0.5 * inverse) / (2.0 * math.pi)
    return distribution * charlie_visibility(cos_view, cos_light, alpha)

