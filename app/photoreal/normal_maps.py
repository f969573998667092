"""``validnormalmap``: a normal map for the still that keeps reflections above the surface.

A normal map tilts the shading normal; where it tilts away from the viewer far enough (the rim
of a bump seen at a slant), the mirror direction about the tilted normal points into the
surface, and Mitsuba's own ``normalmap`` then returns black (the black rims round the
normal-mapped hemispheres of Khronos' NormalTangentMirrorTest). Blender's Cycles bends such a
normal back towards the geometric normal just enough that the reflection leaves the surface at
no lower an angle than the view came in (``ensure_valid_reflection``); this plugin does the
same, then shades the nested BSDF in that frame as ``normalmap`` does.

With ``metallic`` (the nested principled BSDF's metalness, a number or texture) it shades as
Cycles shades a principled BSDF: only the reflection's normal is bent, and the diffuse light
follows the map's own normal, so a steep relief (an embossed mark) keeps its shading where the
bent normal would flatten it. The nested BSDF is then drawn in both frames, mixed by the diffuse
share of its light (its base colour's luminance, less its metalness, against the reflection's
4 %), in the mapped frame only where the viewer is in front of it.

Without a normal map it bends the mesh's own interpolated normal, and wraps the ``twosided``
BSDF of an opaque material: ``twosided`` decides which side is seen by the shading normal, and
at a silhouette where a coarse or scanned mesh's interpolated normal turns away from the viewer
it shaded the front as the back (a dark rim round the product, where the live view and Cycles
show none).
"""

from __future__ import annotations

from app.photoreal.plugins import (
    as_texture,
    eval_pdf_in_frame,
    in_frame,
    once_per_variant,
    reframed_bsdf,
)

VALID_NORMAL_MAP = "validnormalmap"
DIELECTRIC_F0 = 0.04  # a dielectric's reflectance head on, against which the diffuse share is taken


def ensure_valid_reflection(dr, mi, ng, i, n):
    """``n`` (unit, world) turned towards ``ng`` until ``i`` (towards the viewer) mirrored
    about it lies above the surface: at least min(0.9 cos(i, ng), 0.01) above it."""
    r = 2.0 * dr.dot(n, i) * n - i
    threshold = dr.minimum(0.9 * dr.dot(ng, i), 0.01)
    fine = dr.dot(ng, r) >= threshold
    # in the plane of ng and n: x along n's part across ng, z along ng
    x = dr.normalize(n - dr.dot(n, ng) * ng)
    ix, iz = dr.dot(i, x), dr.dot(i, ng)
    a = ix * ix + iz * iz
    b = dr.safe_sqrt(ix * ix * (a - threshold * threshold))
    c = iz * threshold + a
    half_over_a = 0.5 / a
    z1, z2 = half_over_a * (b + c), half_over_a * (c - b)  # the two solutions' nz^2
    valid1 = (z1 > 1e-5) & (z1 <= 1.0 + 1e-5)
    valid2 = (z2 > 1e-5) & (z2 <= 1.0 + 1e-5)
    n1x, n1z = dr.safe_sqrt(1.0 - z1), dr.safe_sqrt(z1)
    n2x, n2z = dr.safe_sqrt(1.0 - z2), dr.safe_sqrt(z2)
    r1 = 2.0 * (n1x * ix + n1z * iz) * n1z - iz  # each one's reflection's height
    r2 = 2.0 * (n2x * ix + n2z * iz) * n2z - iz
    up1, up2 = r1 >= 1e-5, r2 >= 1e-5
    first_of_both = dr.select(up1 & up2, r1 < r2, r1 > r2)
    first = dr.select(valid1 & valid2, first_of_both, valid1)
    bent = dr.select(first, n1x, n2x) * x + dr.select(first, n1z, n2z) * ng
    bent = dr.select(valid1 | valid2, bent, ng)
    return dr.select(fine, n, mi.Vector3f(bent))


def mapped_normal(mi, dr, normalmap, si, active):
    """The world-space normal the tangent-space ``normalmap`` (a texture of unit normals as
    0..1 colours; None: the mesh's own shading normal) gives at ``si``."""
    if normalmap is None:
        return si.sh_frame.n
    tilted = mi.Vector3f(normalmap.eval(si, active)) * 2.0 - 1.0
    # the map's y runs against the UVs' v (glTF's v runs down the image, its bitangent is
    # cross(normal, tangent) times the UVs' handedness); the shading frame's t runs along
    # cross(n, s), the same way except where the UVs are mirrored (a bump drawn as a dent)
    mirrored = dr.dot(dr.cross(si.sh_frame.n, si.dp_du), si.dp_dv) > 0.0
    tilted.y = dr.select(mirrored, -tilted.y, tilted.y)
    return dr.normalize(si.to_world(tilted))


def bent_interaction(mi, dr, normalmap, si, active):
    """``si`` shaded in the frame of the tangent-space ``normalmap`` (see ``mapped_normal``),
    its normal bent back as far as a mirror reflection needs, ``wi`` in it."""
    return bent_frame(mi, dr, si, mapped_normal(mi, dr, normalmap, si, active))


def bent_frame(mi, dr, si, n):
    """``si`` shaded in the frame of the world-space normal ``n``, bent back as far as a mirror
    reflection needs, ``wi`` in it."""
    towards_viewer = si.to_world(si.wi)
    side = dr.select(dr.dot(si.n, towards_viewer) >= 0.0, 1.0, -1.0)
    n = side * ensure_valid_reflection(dr, mi, side * si.n, towards_viewer, side * n)
    return in_frame(mi, dr, si, n, si.dp_du)


@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``validnormalmap`` loadable in the active variant (once per variant)."""
    import drjit as dr

    def bent(bsdf, si, active):
        return bent_interaction(mi, dr, bsdf.normalmap, si, active)

    class ValidNormalMap(reframed_bsdf(mi, dr, bent)):
        def __init__(self, props):
            super().__init__(props)
            self.normalmap = props["normalmap"] if "normalmap" in props else None
            self.metallic = (as_texture(mi, props["metallic"])
                             if "metallic" in props and self.normalmap is not None
                             else None)

        def _frames(self, si, active):
            """The interaction in the mapped frame and in the bent one, and the mapped
            frame's share: the diffuse share of the light, 0 where the viewer is behind the
            mapped normal."""
            n = mapped_normal(mi, dr, self.normalmap, si, active)
            mapped = in_frame(mi, dr, si, n, si.dp_du)
            bent_si = bent_frame(mi, dr, si, n)
            metallic = dr.clip(self.metallic.eval_1(si, active), 0.0, 1.0)
            base = mi.luminance(self.nested.eval_diffuse_reflectance(si, active))
            diffuse = (1.0 - metallic) * dr.clip(base, 0.0, 1.0) * (1.0 - DIELECTRIC_F0)
            reflected = metallic * dr.clip(base, 0.0, 1.0) + (1.0 - metallic) * DIELECTRIC_F0
            share = diffuse / dr.maximum(diffuse + reflected, 1e-6)
            share = dr.select(mi.Frame3f.cos_theta(mapped.wi) > 0.0, share, 0.0)
            return mapped, bent_si, share

        def _mixed_eval_pdf(self, ctx, si, wo, active, frames):
            mapped, bent_si, share = frames
            value_m, pdf_m = eval_pdf_in_frame(mi, dr, self.nested, ctx, si, mapped, wo,
                                               active & (share > 0.0))
            value_b, pdf_b = eval_pdf_in_frame(mi, dr, self.nested, ctx, si, bent_si, wo,
                                               active & (share < 1.0))
            return (share * value_m + (1.0 - share) * value_b,
                    share * pdf_m + (1.0 - share) * pdf_b)

        def eval_pdf(self, ctx, si, wo, active=True):
            if self.metallic is None:
                return super().eval_pdf(ctx, si, wo, active)
            return self._mixed_eval_pdf(ctx, si, wo, active, self._frames(si, active))

        def eval(self, ctx, si, wo, active=True):
            if self.metallic is None:
                return super().eval(ctx, si, wo, active)
            return self.eval_pdf(ctx, si, wo, active)[0]

        def pdf(self, ctx, si, wo, active=True):
            if self.metallic is None:
                return super().pdf(ctx, si, wo, active)
            return self.eval_pdf(ctx, si, wo, active)[1]

        def sample(self, ctx, si, sample1, sample2, active=True):
            if self.metallic is None:
                return super().sample(ctx, si, sample1, sample2, active)
            frames = self._frames(si, active)
            mapped, bent_si, share = frames
            in_mapped = sample1 < share
            rescaled = dr.select(in_mapped, sample1 / dr.maximum(share, 1e-6),
                                 (sample1 - share) / dr.maximum(1.0 - share, 1e-6))
            framed = mi.SurfaceInteraction3f(si)
            framed.sh_frame = mi.Frame3f(
                dr.select(in_mapped, mapped.sh_frame.s, bent_si.sh_frame.s),
                dr.select(in_mapped, mapped.sh_frame.t, bent_si.sh_frame.t),
                dr.select(in_mapped, mapped.sh_frame.n, bent_si.sh_frame.n))
            framed.wi = dr.select(in_mapped, mapped.wi, bent_si.wi)
            bs, _ = self.nested.sample(ctx, framed, dr.clip(rescaled, 0.0, 0.99999994),
                                       sample2, active)
            bs.wo = si.to_local(framed.to_world(bs.wo))
            value, pdf = self._mixed_eval_pdf(ctx, si, bs.wo, active, frames)
            bs.pdf = pdf
            usable = active & (pdf > 0.0)
            return bs, dr.select(usable, value / dr.maximum(pdf, 1e-12), 0.0)

        def traverse(self, callback):
            super().traverse(callback)
            if self.normalmap is not None:
                callback.put_object("normalmap", self.normalmap, mi.ParamFlags.Differentiable)
            if self.metallic is not None:
                callback.put_object("metallic", self.metallic, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"ValidNormalMap[bsdf={self.nested}]"

    mi.register_bsdf(VALID_NORMAL_MAP, lambda props: ValidNormalMap(props))
