"""The denoiser's guides: the integrator and BSDFs of the passes that give it albedo and
normals.

- ``guidepaths``: the albedo and normal of what the camera sees, looking through clear glass
  along the paths the glass's own BSDF samples (``guide_paths``), so that what a glass bends
  or blurs is what the denoiser is told lies there (past the glass unbent, a thick glass's
  bottom drew a seam through a lens's picture, and a frosted pane's blur was drawn sharp).
- ``normalguide``: black and scattering nothing; its "diffuse reflectance" is the shading
  normal the camera's first hit sees, normal map included, as (n + 1) / 2 in world space. The
  albedo AOV of a scene of these is the normal guide: Mitsuba's ``sh_normal`` AOV leaves normal
  maps out, and the denoiser then takes a normal map's relief (an engraving's, a leather's
  grain) for noise.
- ``maskedalbedo``: an alpha-cut surface's albedo times its opacity, which Mitsuba's ``mask``
  leaves out of the albedo AOV (or a glass's times the share of it that is rough, where its
  roughness texture makes it clear in places); what lies behind it is added by the render (see
  ``guide_passes._guides_through_masks``). Without it a decal's clear pixels doubled the albedo the
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


GUIDE_PATHS = "guidepaths"


def guide_paths(through: list[str], *, tinted: bool = True) -> dict:
    """The integrator of the guide passes: the albedo AOV (3 channels, as the film's colour)
    and the shading normal (3) of the first surface a camera ray meets that is not one of the
    shapes named ``through`` (clear glass), following the refracted path each sample of such
    glass's own BSDF takes (bent, and blurred by its roughness, as the lit pass sees what lies
    behind it), as Cycles' denoising features do; where ``tinted``, times the colour of what
    the glass passes on (see ``register_integrators``)."""
    return {"type": GUIDE_PATHS, "through": ",".join(through), "tinted": tinted}


# steps of a guide path at most: surfaces of glass crossed (a bowl's four) and the samples a
# glass's BSDF spent on its reflection, drawn again (a thin principled glass spends half of
# them there, a solid one about 4 %: at 16 steps one path in a few hundred through a thin
# ball was lost)
GUIDE_PATH_STEPS = 40
# tries at one point of glass before it is its own guide: a thin principled glass reflects
# 12 tries in a row once in 4096; where metal lies over the glass, every one
GUIDE_GLASS_TRIES = 12


@once_per_variant
def register_integrators(mi) -> None:
    """Make ``guidepaths`` loadable in the active (vectorised) variant.

    At glass, a guide path follows the light the glass lets through: a sample its BSDF spends
    on the reflection (a principled BSDF picks its lobe by chance, whatever the context asks)
    is drawn again from the same point, up to ``GUIDE_GLASS_TRIES`` times, after which the
    glass there is its own guide (its albedo and normal). What the path carries is the colour
    of each transmission, scaled to 1 in its brightest channel: the chance of the lobe picked
    is not known outside the BSDF, and light a clear glass passes on in full is what the guide
    should show (a blue glass's blue, not the few per cent its surfaces reflect)."""
    import drjit as dr

    def one_of(shape, shapes):
        found = mi.Bool(False)
        for each in shapes:  # opaque: a pointer's value in the kernel would compile it anew
            found |= shape == dr.opaque(mi.ShapePtr, each)
        return found

    class GuidePaths(mi.SamplingIntegrator):
        def __init__(self, props):
            mi.SamplingIntegrator.__init__(self, props)
            self.through = {n for n in props.get("through", "").split(",") if n}
            self.tinted = bool(props.get("tinted", True))

        def aov_names(self):
            return ["nn.x", "nn.y", "nn.z"]

        def sample(self, scene, sampler, ray, medium=None, active=True):
            glass = [s for s in scene.shapes() if s.id() in self.through]
            tinted = self.tinted
            context = mi.BSDFContext(mi.TransportMode.Importance, mi.BSDFFlags.Transmission)

            def step(sampler, ray, alive, steps, tries, tint, albedo, normal):
                si = scene.ray_intersect(ray, alive)
                # a glass reflecting every try here (a gilt rim on it) is its own guide
                ends = (alive & si.is_valid()
                        & (~one_of(si.shape, glass) | (tries >= GUIDE_GLASS_TRIES)))
                bsdf = si.bsdf(ray)
                albedo = dr.select(ends, tint * bsdf.eval_diffuse_reflectance(si, ends), albedo)
                normal = dr.select(ends, si.sh_frame.n, normal)
                alive &= si.is_valid() & ~ends
                sample, weight = bsdf.sample(context, si, sampler.next_1d(alive),
                                             sampler.next_2d(alive), alive)
                brightest = dr.max(weight)
                through = (alive & (sample.pdf > 0) & (brightest > 0)
                           & (mi.Frame3f.cos_theta(sample.wo) * mi.Frame3f.cos_theta(si.wi)
                              < 0))
                if tinted:
                    tint = dr.select(through, tint * weight / brightest, tint)
                ray = dr.select(through, si.spawn_ray(si.to_world(sample.wo)), ray)
                tries = dr.select(through, 0, tries + 1)
                return sampler, ray, alive, steps + 1, tries, tint, albedo, normal

            state = (sampler, mi.Ray3f(ray), mi.Bool(active), mi.UInt32(0), mi.UInt32(0),
                     mi.Spectrum(1.0), mi.Spectrum(0.0), mi.Vector3f(0.0))
            state = dr.while_loop(state, lambda *s: s[2] & (s[3] < GUIDE_PATH_STEPS), step,
                                  label="guide paths")
            albedo, normal = state[6], state[7]
            return albedo, mi.Bool(True), [normal.x, normal.y, normal.z]

        def to_string(self):
            return f"GuidePaths[through={sorted(self.through)}]"

    mi.register_integrator(GUIDE_PATHS, lambda props: GuidePaths(props))
