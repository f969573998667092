"""``dielectriclayer``: a dielectric's reflection as a layer over a nested BSDF, for the still.

A GGX lobe of alpha = roughness^2 (``roughness``) at ``weight``, over a base that gives way by
the layer's reflectance towards the view (its strongest channel). Its Fresnel is a dielectric's
of index 1.5, or with ``f0`` (a colour) Schlick's from ``f0`` head on to ``f90`` at grazing.
It lies on the interaction's shading frame, or on a normal map of its own (``normalmap``, as
``validnormalmap`` reads it). Two glTF lobes are drawn so:

- the clear coat (KHR_materials_clearcoat). Mitsuba's principled BSDF has Disney's: a GTR1
  lobe at a quarter of its strength, no rougher than alpha 0.1, shaded with the base's normal
  map. glTF's is a full-strength layer of index 1.5 on the geometry's own normal (or the coat's
  normal map); Blender's Cycles draws it so too. Sharp reflections of the studio's lights on a
  car's paint over its metal flakes are this layer.
- the dielectric reflection of KHR_materials_specular, whose colour tints F0 and whose factor
  is F90 too: the principled BSDF's own can be tinted only towards the base colour.
- thin-film iridescence (KHR_materials_iridescence): with ``film_ior``, the Fresnel from
  ``f0`` is mixed by ``film_weight`` with the reflectance of a film of that index and
  ``film_thickness`` nm (``thin_film_reflectance``, at the angle to each microfacet, under a
  medium of index ``film_outside_ior``, air by default) over a
  surface of that F0: a dielectric's (its own reflection off, as for the specular), a metal's
  colour (over black), or, with ``film_over_nested``, a glass that reflects by itself (the
  layer adds what the film reflects beyond the glass's Fresnel).
"""

from __future__ import annotations

from app.photoreal.normal_maps import bent_interaction
from app.photoreal.plugins import (
    as_texture,
    jit_ops,
    once_per_variant,
    sample_layer_or_nested,
)
from app.scene.thin_film import thin_film_reflectance

DIELECTRIC_LAYER = "dielectriclayer"
LAYER_IOR = 1.5  # without f0: a dielectric of index 1.5 (F0 = 0.04), glTF's clear coat
MIN_ALPHA = 1e-3  # a mirror layer as a very sharp GGX lobe (its pdf stays finite)


@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``dielectriclayer`` loadable in the active variant (once per variant)."""
    import drjit as dr

    ops = jit_ops(dr)

    class DielectricLayer(mi.BSDF):
        def __init__(self, props):
            mi.BSDF.__init__(self, props)
            self.nested = props["bsdf"]
            self.weight = as_texture(mi, props["weight"])
            self.roughness = as_texture(mi, props["roughness"])
            self.normalmap = props["normalmap"] if "normalmap" in props else None
            self.f0 = as_texture(mi, props["f0"]) if "f0" in props else None
            self.f90 = as_texture(mi, props["f90"] if "f90" in props else 1.0)
            self.film_ior = float(props["film_ior"]) if "film_ior" in props else None
            if self.film_ior is not None:
                self.film_thickness = as_texture(mi, props["film_thickness"])
                self.film_weight = as_texture(mi, props["film_weight"])
                self.film_outside_ior = (float(props["film_outside_ior"])
                                         if "film_outside_ior" in props else 1.0)
                self.film_over_nested = ("film_over_nested" in props
                                         and bool(props["film_over_nested"]))
            layer = mi.BSDFFlags.GlossyReflection | mi.BSDFFlags.FrontSide
            self.m_components = [self.nested.flags(i)
                                 for i in range(self.nested.component_count())] + [layer]
            self.m_flags = self.nested.flags() | layer | mi.BSDFFlags.SpatiallyVarying

        def _fresnel(self, cos_theta, si, active):
            """The layer's reflectance (a colour) at ``cos_theta`` to its microfacet."""
            if self.f0 is None:
                return mi.Color3f(mi.fresnel(cos_theta, LAYER_IOR)[0])
            f0 = dr.clip(self.f0.eval(si, active), 0.0, 1.0)
            f90 = dr.clip(self.f90.eval_1(si, active), 0.0, 1.0)
            plain = f0 + (f90 - f0) * dr.power(1.0 - dr.clip(cos_theta, 0.0, 1.0), 5.0)
            if self.film_ior is None:
                return plain
            film = mi.Color3f(*thin_film_reflectance(
                cos_theta, self.film_thickness.eval_1(si, active), self.film_ior,
                (f0[0], f0[1], f0[2]), outside_ior=self.film_outside_ior, ops=ops))
            weight = dr.clip(self.film_weight.eval_1(si, active), 0.0, 1.0)
            if self.film_over_nested:
                return weight * dr.maximum(film - plain, 0.0)
            return plain + weight * (film - plain)

        def _layer(self, si, active):
            """The layer's weight, its microfacet distribution, the interaction in the
            layer's frame, and the share of the light towards the view the layer takes (the
            base gives way by it)."""
            layer_si = (si if self.normalmap is None
                        else bent_interaction(mi, dr, self.normalmap, si, active))
            weight = dr.clip(self.weight.eval_1(si, active), 0.0, 1.0)
            roughness = dr.clip(self.roughness.eval_1(si, active), 0.0, 1.0)
            alpha = dr.maximum(roughness * roughness, MIN_ALPHA)
            distribution = mi.MicrofacetDistribution(mi.MicrofacetType.GGX, alpha, True)
            towards_view = self._fresnel(mi.Frame3f.cos_theta(layer_si.wi), si, active)
            return weight, distribution, layer_si, weight * dr.max(towards_view)

        def _in_layer_frame(self, si, layer_si, wo):
            return wo if self.normalmap is None else layer_si.to_local(si.to_world(wo))

        @staticmethod
        def _chance(weight, taken):
            """The chance of sampling the layer's lobe instead of the base."""
            return dr.select(weight > 0.0, dr.clip(0.1 * weight + 2.0 * taken, 0.0, 0.5), 0.0)

        def _lobe(self, weight, distribution, si, layer_si, wo, active):
            """The layer lobe's value towards ``wo`` (cosine included) and its pdf."""
            wi, local_wo = layer_si.wi, self._in_layer_frame(si, layer_si, wo)
            cos_i, cos_o = mi.Frame3f.cos_theta(wi), mi.Frame3f.cos_theta(local_wo)
            up = active & (cos_i > 0.0) & (cos_o > 0.0) & (mi.Frame3f.cos_theta(wo) > 0.0)
            m = dr.normalize(wi + local_wo)
            fresnel = self._fresnel(dr.dot(wi, m), si, active)
            value = (weight * fresnel * distribution.eval(m) * distribution.G(wi, local_wo, m)
                     / (4.0 * dr.maximum(cos_i, 1e-6)))
            pdf = distribution.pdf(wi, m) / (4.0 * dr.maximum(dr.dot(local_wo, m), 1e-6))
            return dr.select(up, value, 0.0), dr.select(up, pdf, 0.0)

        def eval(self, ctx, si, wo, active=True):
            weight, distribution, layer_si, taken = self._layer(si, active)
            lobe, _ = self._lobe(weight, distribution, si, layer_si, wo, active)
            return lobe + (1.0 - taken) * self.nested.eval(ctx, si, wo, active)

        def pdf(self, ctx, si, wo, active=True):
            weight, distribution, layer_si, taken = self._layer(si, active)
            _, lobe_pdf = self._lobe(weight, distribution, si, layer_si, wo, active)
            chance = self._chance(weight, taken)
            return chance * lobe_pdf + (1.0 - chance) * self.nested.pdf(ctx, si, wo, active)

        def eval_pdf(self, ctx, si, wo, active=True):
            weight, distribution, layer_si, taken = self._layer(si, active)
            lobe, lobe_pdf = self._lobe(weight, distribution, si, layer_si, wo, active)
            nested_value, nested_pdf = self.nested.eval_pdf(ctx, si, wo, active)
            chance = self._chance(weight, taken)
            return (lobe + (1.0 - taken) * nested_value,
                    chance * lobe_pdf + (1.0 - chance) * nested_pdf)

        def sample(self, ctx, si, sample1, sample2, active=True):
            weight, distribution, layer_si, taken = self._layer(si, active)

            def mirrored(sample):
                m, _ = distribution.sample(layer_si.wi, sample)
                wo = mi.reflect(layer_si.wi, m)
                return wo if self.normalmap is None else si.to_local(layer_si.to_world(wo))

            return sample_layer_or_nested(
                mi, dr, self, ctx, si, sample1, sample2, active,
                chance=self._chance(weight, taken), layer_direction=mirrored,
                layer_type=mi.BSDFFlags.GlossyReflection)

        def eval_diffuse_reflectance(self, si, active=True):
            return self.nested.eval_diffuse_reflectance(si, active)

        def traverse(self, callback):
            callback.put_object("bsdf", self.nested, mi.ParamFlags.Differentiable)
            callback.put_object("weight", self.weight, mi.ParamFlags.Differentiable)
            callback.put_object("roughness", self.roughness, mi.ParamFlags.Differentiable)
            callback.put_object("f90", self.f90, mi.ParamFlags.Differentiable)
            if self.f0 is not None:
                callback.put_object("f0", self.f0, mi.ParamFlags.Differentiable)
            if self.film_ior is not None:
                callback.put_object("film_thickness", self.film_thickness,
                                    mi.ParamFlags.Differentiable)
                callback.put_object("film_weight", self.film_weight,
                                    mi.ParamFlags.Differentiable)
            if self.normalmap is not None:
                callback.put_object("normalmap", self.normalmap, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"DielectricLayer[bsdf={self.nested}]"

    mi.register_bsdf(DIELECTRIC_LAYER, lambda props: DielectricLayer(props))
