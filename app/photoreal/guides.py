"""The denoiser's guides: BSDFs for the passes that give it albedo and normals.

- ``normalguide``: black and scattering nothing; its "diffuse reflectance" is the shading
  normal the camera's first hit sees, normal map included, as (n + 1) / 2 in world space. The
  albedo AOV of a scene of these is the normal guide: Mitsuba's ``sh_normal`` AOV leaves normal
  maps out, and the denoiser then takes a normal map's relief (an engraving's, a leather's
  grain) for noise.
- ``maskedalbedo``: an alpha-cut surface's albedo times its opacity, which Mitsuba's ``mask``
  leaves out of the albedo AOV (or a glass's times the share of it that is rough, where its
  roughness texture makes it clear in places); what lies behind it is added by the render (see
  ``render._guides_through_masks``). Without it a decal's clear pixels doubled the albedo the
  denoiser was given, and it drew the decal's rectangle round an embossed logo.
"""

from __future__ import annotations

from app.photoreal.normal_maps import VALID_NORMAL_MAP, bent_interaction
from app.photoreal.plugins import as_texture, once_per_variant

NORMAL_GUIDE = "normalguide"
MASKED_ALBEDO = "maskedalbedo"


def normal_guide(bsdf: dict) -> dict:
    """The ``normalguide`` BSDF for a shape drawn with ``bsdf``: with the normal map of the
    first ``validnormalmap`` in it (its base's), if any."""
    found = _first_normal_map(bsdf)
    return {"type": NORMAL_GUIDE} if found is None else {"type": NORMAL_GUIDE,
                                                         "normalmap": found}


def albedo_guide(bsdf: dict, opacity=None) -> dict:
    """The BSDF whose albedo AOV is what the denoiser should see of a shape drawn with
    ``bsdf``: its albedo times ``opacity`` where it is given (an alpha-cut one's: its own
    opacity), any other as drawn."""
    if opacity is None:
        return bsdf
    nested = bsdf["bsdf"] if bsdf.get("type") == "mask" else bsdf
    return {"type": MASKED_ALBEDO, "opacity": opacity, "bsdf": nested}


def _first_normal_map(bsdf: dict):
    if bsdf.get("type") == VALID_NORMAL_MAP and "normalmap" in bsdf:
        return bsdf["normalmap"]
    for key in ("bsdf", "bsdf_0", "bsdf_1"):
        nested = bsdf.get(key)
        if isinstance(nested, dict):
            found = _first_normal_map(nested)
            if found is not None:
                return found
    return None


@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``normalguide`` and ``maskedalbedo`` loadable in the active variant."""
    import drjit as dr

    class GuideOnly(mi.BSDF):
        """Scatters nothing: only its ``eval_diffuse_reflectance`` is read (an AOV)."""

        def __init__(self, props):
            mi.BSDF.__init__(self, props)
            self.m_components = [mi.BSDFFlags.DiffuseReflection | mi.BSDFFlags.FrontSide
                                 | mi.BSDFFlags.BackSide]
            self.m_flags = self.m_components[0] | mi.BSDFFlags.SpatiallyVarying

        def sample(self, ctx, si, sample1, sample2, active=True):
            return dr.zeros(mi.BSDFSample3f), mi.Color3f(0.0)

        def eval(self, ctx, si, wo, active=True):
            return mi.Color3f(0.0)

        def pdf(self, ctx, si, wo, active=True):
            return mi.Float(0.0)

        def eval_pdf(self, ctx, si, wo, active=True):
            return mi.Color3f(0.0), mi.Float(0.0)

    class NormalGuide(GuideOnly):
        def __init__(self, props):
            GuideOnly.__init__(self, props)
            self.normalmap = props["normalmap"] if "normalmap" in props else None

        def eval_diffuse_reflectance(self, si, active=True):
            n = (si.sh_frame.n if self.normalmap is None
                 else bent_interaction(mi, dr, self.normalmap, si, active).sh_frame.n)
            return mi.Color3f(n * 0.5 + 0.5)

        def traverse(self, callback):
            if self.normalmap is not None:
                callback.put_object("normalmap", self.normalmap, mi.ParamFlags.Differentiable)

        def to_string(self):
            return "NormalGuide[]"

    class MaskedAlbedo(GuideOnly):
        def __init__(self, props):
            GuideOnly.__init__(self, props)
            self.opacity = as_texture(mi, props["opacity"])
            self.nested = props["bsdf"]

        def eval_diffuse_reflectance(self, si, active=True):
            opacity = dr.clip(self.opacity.eval_1(si, active), 0.0, 1.0)
            return self.nested.eval_diffuse_reflectance(si, active) * opacity

        def traverse(self, callback):
            callback.put_object("opacity", self.opacity, mi.ParamFlags.Differentiable)
            callback.put_object("bsdf", self.nested, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"MaskedAlbedo[bsdf={self.nested}]"

    mi.register_bsdf(NORMAL_GUIDE, lambda props: NormalGuide(props))
    mi.register_bsdf(MASKED_ALBEDO, lambda props: MaskedAlbedo(props))
