"""``alongtangent``: an anisotropic BSDF shaded with its tangent along the mesh's smoothed
tangents.

Mitsuba takes a mesh's shading tangent from each triangle's own UV derivative, so the tangent
turns from one triangle to the next; on an anisotropic surface, whose highlight is a thin line
along the tangent, the line breaks into zigzags (Khronos' AnisotropyStrengthTest). The live
view's tangents are smoothed per vertex (VTK's ``vtkPolyDataTangents``); so are these: the
mesh carries them as the ``vertex_tangent`` attribute (``vertex_tangents``), and the BSDF is
shaded in the frame they give with the shading normal. KHR_materials_anisotropy's texture
gives a direction in that frame (RG: along the tangent and along normal x tangent), and its
rotation turns it further about the normal, towards normal x tangent, as the live view's
(VTK's) shader turns it.
"""

from __future__ import annotations

import math

import numpy as np

from app.photoreal.plugins import in_frame, once_per_variant, reframed_bsdf

ALONG_TANGENT = "alongtangent"
VERTEX_TANGENT = "vertex_tangent"  # the mesh attribute: unit tangents as 0..1 (t / 2 + 1/2)


def along_tangents(bsdf: dict, rotation: float = 0.0, direction: dict | None = None) -> dict:
    """``bsdf`` (a dictionary) shaded along the mesh's ``vertex_tangent`` attribute, turned to
    ``direction`` (a texture of the direction in tangent space, 0..1 for -1..1 in its red and
    green) and by ``rotation`` (radians) about the normal."""
    along = {"type": ALONG_TANGENT, "bsdf": bsdf, "rotation": float(rotation),
             "tangent": {"type": "mesh_attribute", "name": VERTEX_TANGENT}}
    if direction is not None:
        along["direction"] = direction
    return along


def encoded(tangents: np.ndarray) -> np.ndarray:
    """(N, 3) unit tangents as the attribute holds them: float32 within 0..1."""
    return (0.5 + 0.5 * np.asarray(tangents, dtype=np.float64)).astype(np.float32)


def tangent_interaction(mi, dr, tangent, si, active, rotation: float = 0.0, direction=None):
    """``si`` with its shading frame's tangent along ``tangent`` (the attribute's texture)
    made square to the shading normal, turned to ``direction`` (a texture, or None) and by
    ``rotation`` towards normal x tangent, ``wi`` in that frame; where the tangent lies along
    the normal, the frame Mitsuba gave."""
    t = mi.Vector3f(tangent.eval(si, active)) * 2.0 - 1.0
    n = si.sh_frame.n
    t = t - n * dr.dot(n, t)
    usable = dr.squared_norm(t) > 1e-8
    t = dr.normalize(dr.select(usable, t, si.sh_frame.s))
    if direction is not None:
        d = mi.Vector3f(direction.eval(si, active)) * 2.0 - 1.0
        turned = d.x * t + d.y * dr.cross(n, t)
        t = dr.select(d.x * d.x + d.y * d.y > 1e-8, turned, t)
    if rotation:
        t = math.cos(rotation) * t + math.sin(rotation) * dr.cross(n, t)
    return in_frame(mi, dr, si, n, t)


@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``alongtangent`` loadable in the active variant (once per variant)."""
    import drjit as dr

    def along(bsdf, si, active):
        return tangent_interaction(mi, dr, bsdf.tangent, si, active, bsdf.rotation,
                                   bsdf.direction)

    class AlongTangent(reframed_bsdf(mi, dr, along)):
        def __init__(self, props):
            super().__init__(props)
            self.tangent = props["tangent"]
            self.rotation = props.get("rotation", 0.0)
            self.direction = props["direction"] if "direction" in props else None

        def traverse(self, callback):
            super().traverse(callback)
            callback.put_object("tangent", self.tangent, mi.ParamFlags.NonDifferentiable)
            if self.direction is not None:
                callback.put_object("direction", self.direction,
                                    mi.ParamFlags.NonDifferentiable)

        def to_string(self):
            return f"AlongTangent[rotation={self.rotation}, bsdf={self.nested}]"

    mi.register_bsdf(ALONG_TANGENT, lambda props: AlongTangent(props))
