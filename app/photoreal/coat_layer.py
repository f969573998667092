"""``coatlayer``: glTF's clear coat (KHR_materials_clearcoat) over a nested BSDF, for the still.

Mitsuba's principled BSDF has Disney's clear coat: a GTR1 lobe drawn at a quarter of its
strength, no rougher than alpha 0.1, and shaded with the base's normal map. glTF's coat is a
full-strength dielectric layer (index 1.5) with a GGX distribution of alpha = roughness^2, on
the geometry's own normal unless the coat has a normal map of its own (``normalmap``, as
``validnormalmap`` reads it), over a base that gives way by the coat's Fresnel reflectance
towards the view; Blender's Cycles draws it so too.
Sharp reflections of the studio's lights on a car's paint over its metal flakes are this layer.
"""

from __future__ import annotations

from app.photoreal.normal_maps import bent_interaction
from app.photoreal.plugins import once_per_variant, sample_layer_or_nested

COAT_LAYER = "coatlayer"
COAT_IOR = 1.5  # glTF's clear coat is a dielectric of index 1.5 (F0 = 0.04)
MIN_COAT_ALPHA = 1e-3  # a mirror coat as a very sharp GGX lobe (its pdf stays finite)



@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``coatlayer`` loadable in the active variant (once per variant)."""
    import drjit as dr

    def as_texture(value):
        if isinstance(value, mi.Texture):
            return value
        return mi.load_dict({"type": "uniform", "value": float(value)})

    class CoatLayer(mi.BSDF):
        def __init__(self, props):
            mi.BSDF.__init__(self, props)
            self.nested = props["bsdf"]
            self.weight = as_texture(props["clearcoat"])
            self.roughness = as_texture(props["clearcoat_roughness"])
            self.normalmap = props["normalmap"] if "normalmap" in props else None
            coat = mi.BSDFFlags.GlossyReflection | mi.BSDFFlags.FrontSide
            self.m_components = [self.nested.flags(i)
                                 for i in range(self.nested.component_count())] + [coat]
            self.m_flags = self.nested.flags() | coat | mi.BSDFFlags.SpatiallyVarying

        def _layer(self, si, active):
            """The coat's weight, its microfacet distribution, the interaction in the coat's
            frame, and the share of the light towards the view the coat takes (the base gives
            way by it)."""
            coat_si = (si if self.normalmap is None
                       else bent_interaction(mi, dr, self.normalmap, si, active))
            weight = dr.clip(self.weight.eval_1(si, active), 0.0, 1.0)
            roughness = dr.clip(self.roughness.eval_1(si, active), 0.0, 1.0)
            alpha = dr.maximum(roughness * roughness, MIN_COAT_ALPHA)
            distribution = mi.MicrofacetDistribution(mi.MicrofacetType.GGX, alpha, True)
            towards_view = mi.fresnel(dr.maximum(mi.Frame3f.cos_theta(coat_si.wi), 0.0),
                                      COAT_IOR)[0]
            return weight, distribution, coat_si, weight * towards_view

        def _in_coat_frame(self, si, coat_si, wo):
            return wo if self.normalmap is None else coat_si.to_local(si.to_world(wo))

        @staticmethod
        def _chance(weight, taken):
            """The chance of sampling the coat's lobe instead of the base."""
            return dr.select(weight > 0.0, dr.clip(0.1 * weight + 2.0 * taken, 0.0, 0.5), 0.0)

        def _coat(self, weight, distribution, si, coat_si, wo, active):
            """The coat lobe's value towards ``wo`` (cosine included) and its pdf."""
            wi, local_wo = coat_si.wi, self._in_coat_frame(si, coat_si, wo)
            cos_i, cos_o = mi.Frame3f.cos_theta(wi), mi.Frame3f.cos_theta(local_wo)
            up = active & (cos_i > 0.0) & (cos_o > 0.0) & (mi.Frame3f.cos_theta(wo) > 0.0)
            m = dr.normalize(wi + local_wo)
            fresnel = mi.fresnel(dr.dot(wi, m), COAT_IOR)[0]
            value = (weight * fresnel * distribution.eval(m) * distribution.G(wi, local_wo, m)
                     / (4.0 * dr.maximum(cos_i, 1e-6)))
            pdf = distribution.pdf(wi, m) / (4.0 * dr.maximum(dr.dot(local_wo, m), 1e-6))
            return dr.select(up, value, 0.0), dr.select(up, pdf, 0.0)

        def eval(self, ctx, si, wo, active=True):
            weight, distribution, coat_si, taken = self._layer(si, active)
            coat, _ = self._coat(weight, distribution, si, coat_si, wo, active)
            return coat + (1.0 - taken) * self.nested.eval(ctx, si, wo, active)

        def pdf(self, ctx, si, wo, active=True):
            weight, distribution, coat_si, taken = self._layer(si, active)
            _, coat_pdf = self._coat(weight, distribution, si, coat_si, wo, active)
            chance = self._chance(weight, taken)
            return chance * coat_pdf + (1.0 - chance) * self.nested.pdf(ctx, si, wo, active)

        def eval_pdf(self, ctx, si, wo, active=True):
            weight, distribution, coat_si, taken = self._layer(si, active)
            coat, coat_pdf = self._coat(weight, distribution, si, coat_si, wo, active)
            nested_value, nested_pdf = self.nested.eval_pdf(ctx, si, wo, active)
            chance = self._chance(weight, taken)
            return (coat + (1.0 - taken) * nested_value,
                    chance * coat_pdf + (1.0 - chance) * nested_pdf)

        def sample(self, ctx, si, sample1, sample2, active=True):
            weight, distribution, coat_si, taken = self._layer(si, active)

            def mirrored(sample):
                m, _ = distribution.sample(coat_si.wi, sample)
                wo = mi.reflect(coat_si.wi, m)
                return wo if self.normalmap is None else si.to_local(coat_si.to_world(wo))

            return sample_layer_or_nested(
                mi, dr, self, ctx, si, sample1, sample2, active,
                chance=self._chance(weight, taken), layer_direction=mirrored,
                layer_type=mi.BSDFFlags.GlossyReflection)

        def eval_diffuse_reflectance(self, si, active=True):
            return self.nested.eval_diffuse_reflectance(si, active)

        def traverse(self, callback):
            callback.put_object("bsdf", self.nested, mi.ParamFlags.Differentiable)
            callback.put_object("clearcoat", self.weight, mi.ParamFlags.Differentiable)
            callback.put_object("clearcoat_roughness", self.roughness,
                                mi.ParamFlags.Differentiable)
            if self.normalmap is not None:
                callback.put_object("normalmap", self.normalmap, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"CoatLayer[bsdf={self.nested}]"

    mi.register_bsdf(COAT_LAYER, lambda props: CoatLayer(props))
