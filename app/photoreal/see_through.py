"""What the camera sees through glass: the backdrop, as in a studio photograph.

The lit pass lights the product with the HDR environment, and a path that leaves through glass
meets that environment: a clear glass on the white backdrop drew the studio's grey walls
through it, dark where the live view (and a photograph, and Khronos' renderings) shows the
backdrop, tinted by the glass. Two passes of the glass alone fix that: every other surface
black and each glass's reflections off (``transmittedonly``), the lit pass's integrator,

- ``through``: under the environment, what the lit pass drew through glass;
- ``share``: under a white environment of radiance 1, the share of what lies behind that the
  glass passes on (less its reflections, tinted by an absorbing volume).

The still is then ``lit - through`` with ``share`` of the backdrop behind it
(app.photoreal.compositing). Its reflections of the studio stay (a window shows the
softboxes), and so does what lies behind the glass of the product itself (a candle in its
holder): only the environment seen through it gives way to the backdrop. With a transparent
background the share the glass passes on in every channel becomes transparency: an image of a
glass over a web page shows the page through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.photoreal.plugins import nested_bsdf, once_per_variant
from app.photoreal.scene_build import mitsuba_mesh
from app.scene.description import Camera
from app.scene.framing import half_view_tangents, view_axes

TRANSMITTED_ONLY = "transmittedonly"
BLACK = {"type": "diffuse", "reflectance": {"type": "rgb", "value": [0.0, 0.0, 0.0]}}
SEED = 17


@dataclass
class ThroughGlass:
    through: np.ndarray  # (H, W, 3) linear: the environment the lit pass drew through glass
    share: np.ndarray  # (H, W, 3) 0..1: the share of the backdrop the glass passes on


def glass_passes(mi, meshes: list, load, integrator: dict, spp: int, view: Camera,
                 size: tuple[int, int]) -> ThroughGlass:
    """The two passes of the glass in ``meshes`` (those whose look ``transmits``), traced with
    ``integrator`` (the lit pass's) at ``spp`` over the part of the frame (``size``) where the
    camera ``view`` sees glass; ``load(integrator, spp, extra=, drawn=, crop=)`` makes the scene
    (the still's camera and environment, ``extra`` overriding its entries)."""
    width, height = size
    through = np.zeros((height, width, 3), np.float32)
    share = np.zeros((height, width, 3), np.float32)
    glass = [m.vertices for m in meshes if m.look.transmits and len(m.vertices)]
    crop = pixel_box(view, size, np.concatenate(glass)) if glass else None
    if crop is None:
        return ThroughGlass(through, share)
    x, y, w, h = crop

    drawn = {f"shape{i}": mitsuba_mesh(mi, m, _glass_only(m.look), keep_medium=True)
             for i, m in enumerate(meshes)}
    for out, extra in ((through, None),
                       (share, {"environment": {"type": "constant", "radiance": 1.0}})):
        scene = load(integrator, spp, extra=extra, drawn=drawn, crop=crop)
        out[y:y + h, x:x + w] = np.asarray(mi.render(scene, spp=spp, seed=SEED))[..., :3]
    return ThroughGlass(through, share)


def pixel_box(view: Camera, size: tuple[int, int], points: np.ndarray
              ) -> tuple[int, int, int, int] | None:
    """(x, y, width, height): the pixels of a frame of ``size`` where ``view`` sees
    ``points`` (their bounding box, a pixel wider each way, within the frame); the whole frame
    when a point lies behind the camera's plane; None when none is in the frame."""
    width, height = size
    right, up, forward = view_axes(view)
    offsets = np.asarray(points, np.float64).reshape(-1, 3) - np.asarray(view.position,
                                                                        np.float64)
    depth = offsets @ forward
    if np.any(depth <= 1e-9):
        return (0, 0, width, height)
    tan_x, tan_y = half_view_tangents(view.fov_deg, width / height)
    column = ((offsets @ right) / (depth * tan_x) + 1.0) * 0.5 * width
    row = (1.0 - (offsets @ up) / (depth * tan_y)) * 0.5 * height
    x0, x1 = max(0, int(np.floor(column.min())) - 1), min(width, int(np.ceil(column.max())) + 1)
    y0, y1 = max(0, int(np.floor(row.min())) - 1), min(height, int(np.ceil(row.max())) + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1 - x0, y1 - y0)


def _glass_only(look) -> dict:
    """A glass's BSDF with its reflections off; any other surface black (what an alpha cut
    leaves clear stays clear)."""
    if look.transmits:
        return {"type": TRANSMITTED_ONLY, "bsdf": look.bsdf}
    if look.bsdf.get("type") == "mask":
        return {"type": "mask", "opacity": look.bsdf["opacity"], "bsdf": BLACK}
    return BLACK


@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``transmittedonly`` loadable in the active variant (once per variant)."""
    import drjit as dr

    def through(si, wo):
        return mi.Frame3f.cos_theta(si.wi) * mi.Frame3f.cos_theta(wo) <= 0.0

    class TransmittedOnly(nested_bsdf(mi)):
        """The nested BSDF where light passes through the surface; nothing it reflects."""

        def sample(self, ctx, si, sample1, sample2, active=True):
            bs, weight = self.nested.sample(ctx, si, sample1, sample2, active)
            return bs, dr.select(through(si, bs.wo), weight, 0.0)

        def eval(self, ctx, si, wo, active=True):
            return dr.select(through(si, wo), self.nested.eval(ctx, si, wo, active), 0.0)

        def eval_pdf(self, ctx, si, wo, active=True):
            value, pdf = self.nested.eval_pdf(ctx, si, wo, active)
            return dr.select(through(si, wo), value, 0.0), pdf

        def eval_diffuse_reflectance(self, si, active=True):
            return mi.Color3f(0.0)

        def to_string(self):
            return f"TransmittedOnly[bsdf={self.nested}]"

    mi.register_bsdf(TRANSMITTED_ONLY, lambda props: TransmittedOnly(props))
