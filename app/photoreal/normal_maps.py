"""``validnormalmap``: a normal map for the still that keeps reflections above the surface.

A normal map tilts the shading normal; where it tilts away from the viewer far enough (the rim
of a bump seen at a slant), the mirror direction about the tilted normal points into the
surface, and Mitsuba's own ``normalmap`` then returns black (the black rims round the
normal-mapped hemispheres of Khronos' NormalTangentMirrorTest). Blender's Cycles bends such a
normal back towards the geometric normal just enough that the reflection leaves the surface at
no lower an angle than the view came in (``ensure_valid_reflection``); this plugin does the
same, then shades the nested BSDF in that frame as ``normalmap`` does.

Without a normal map it bends the mesh's own interpolated normal, and wraps the ``twosided``
BSDF of an opaque material: ``twosided`` decides which side is seen by the shading normal, and
at a silhouette where a coarse or scanned mesh's interpolated normal turns away from the viewer
it shaded the front as the back (a dark rim round the product, where the live view and Cycles
show none).
"""

from __future__ import annotations

from app.photoreal.plugins import in_frame, once_per_variant, reframed_bsdf

VALID_NORMAL_MAP = "validnormalmap"


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


def bent_interaction(mi, dr, normalmap, si, active):
    """``si`` shaded in the frame of the tangent-space ``normalmap`` (a texture of unit normals
    as 0..1 colours; None: the mesh's own shading normal), its normal bent back as far as a
    mirror reflection needs, ``wi`` in it."""
    if normalmap is None:
        n = si.sh_frame.n
    else:
        tilted = mi.Vector3f(normalmap.eval(si, active)) * 2.0 - 1.0
        # the map's y runs against the UVs' v (glTF's v runs down the image, its bitangent is
        # cross(normal, tangent) times the UVs' handedness); the shading frame's t runs along
        # cross(n, s), the same way except where the UVs are mirrored (a bump drawn as a dent)
        mirrored = dr.dot(dr.cross(si.sh_frame.n, si.dp_du), si.dp_dv) > 0.0
        tilted.y = dr.select(mirrored, -tilted.y, tilted.y)
        n = dr.normalize(si.to_world(tilted))
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
            self.normalmap = props["normalmap"] if props.has_property("normalmap") else None

        def traverse(self, callback):
            super().traverse(callback)
            if self.normalmap is not None:
                callback.put_object("normalmap", self.normalmap, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"ValidNormalMap[bsdf={self.nested}]"

    mi.register_bsdf(VALID_NORMAL_MAP, lambda props: ValidNormalMap(props))
