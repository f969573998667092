"""A flat patch of one BSDF seen straight from above: the scenes the tests of the still's BSDF
plugins render, and the normal maps they tilt it with."""

from __future__ import annotations

import numpy as np


def tilted_normal_map(mi, degrees: float = 40.0) -> dict:
    """A tangent-space normal map that tilts the normal by ``degrees`` towards +x everywhere."""
    tilt = np.radians(degrees)
    normal = (np.array([np.sin(tilt), 0.0, np.cos(tilt)]) + 1.0) / 2.0
    return {"type": "bitmap", "raw": True,
            "bitmap": mi.Bitmap(np.tile(normal.astype(np.float32), (4, 4, 1)))}


def patch_from_above(mi, bsdf: dict, *, integrator: dict, fov: float = 2.0, pixels: int = 8,
                     **lights: dict) -> dict:
    """A square of ``bsdf`` facing +z under a camera 5 units above it looking down (``fov``
    degrees, ``pixels`` square, a one-pixel box filter), with ``lights`` (name: emitter)."""
    return {
        "type": "scene", "integrator": integrator,
        "sensor": {"type": "perspective", "fov": fov,
                   "to_world": mi.ScalarTransform4f.look_at(origin=[0, 0, 5], target=[0, 0, 0],
                                                           up=[0, 1, 0]),
                   "film": {"type": "hdrfilm", "width": pixels, "height": pixels,
                            "pixel_format": "rgba", "rfilter": {"type": "box"}}},
        "patch": {"type": "rectangle", "bsdf": bsdf},
        **lights}
