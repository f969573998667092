"""``sheenlayer``: glTF's sheen (KHR_materials_sheen) over a nested BSDF, for the still.

Mitsuba's principled BSDF has Disney's sheen: a weak grazing term, white or tinted towards the
base colour, without a roughness. glTF's sheen is a layer of its own colour and roughness, drawn
here as a volume of fibres (Zeltner et al. 2022, app.scene.sheen: the sheen Blender's Cycles
draws): a lobe that is a transformed cosine, sampled exactly, of the fibres' directional albedo,
over a base dimmed by that share of the light towards the view, which is how Cycles layers it
too. A velvet's silhouette then glows in its sheen colour.
"""

from __future__ import annotations

from app.photoreal.plugins import as_texture, jit_ops, once_per_variant, sample_layer_or_nested
from app.scene.sheen import fibre_albedo, fibre_transform

SHEEN_LAYER = "sheenlayer"


@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``sheenlayer`` loadable in the active variant (once per variant)."""
    import drjit as dr

    class SheenLayer(mi.BSDF):
        def __init__(self, props):
            mi.BSDF.__init__(self, props)
            self.nested = props["bsdf"]
            self.colour = as_texture(mi, props["sheen_color"])
            self.roughness = as_texture(mi, props["sheen_roughness"])
            self.ops = jit_ops(dr)
            sheen = mi.BSDFFlags.DiffuseReflection | mi.BSDFFlags.FrontSide
            self.m_components = [self.nested.flags(i)
                                 for i in range(self.nested.component_count())] + [sheen]
            self.m_flags = self.nested.flags() | sheen | mi.BSDFFlags.SpatiallyVarying

        def _albedo(self, cos_theta, roughness):
            return fibre_albedo(cos_theta, roughness, ops=self.ops)

        def _lobe_frame(self, si):
            """The x and y axes (in the shading frame) of the frame the lobe's transform is
            written in: x towards the view along the surface."""
            along = dr.norm(mi.Vector2f(si.wi.x, si.wi.y))
            leaning = along > 1e-6
            x = mi.Vector3f(dr.select(leaning, si.wi.x / along, 1.0),
                            dr.select(leaning, si.wi.y / along, 0.0), 0.0)
            return x, mi.Vector3f(-x.y, x.x, 0.0)

        def _lobe_pdf(self, si, roughness, wo):
            """The fibre sheen's lobe towards ``wo``, a density of directions (the BRDF times
            the cosine, over its albedo)."""
            a, b = fibre_transform(mi.Frame3f.cos_theta(si.wi), roughness, ops=self.ops)
            x, y = self._lobe_frame(si)
            w = mi.Vector3f(dr.dot(wo, x), dr.dot(wo, y), wo.z)
            v = mi.Vector3f(a * w.x + b * w.z, a * w.y, w.z)
            length2 = dr.squared_norm(v)
            return dr.maximum(v.z, 0.0) / dr.pi * dr.square(a / dr.maximum(length2, 1e-12))

        def _lobe_direction(self, si, roughness, sample2):
            """A direction drawn from the lobe: a cosine's, transformed."""
            a, b = fibre_transform(mi.Frame3f.cos_theta(si.wi), roughness, ops=self.ops)
            c = mi.warp.square_to_cosine_hemisphere(sample2)
            a = dr.maximum(a, 1e-6)
            w = dr.normalize(mi.Vector3f(c.x / a - c.z * b / a, c.y / a, c.z))
            x, y = self._lobe_frame(si)
            return x * w.x + y * w.y + mi.Vector3f(0.0, 0.0, w.z)

        def _layer(self, si, active):
            """The sheen colour, its roughness, its albedo towards the view, and the share of
            the light towards the view the sheen takes (the base gives way by it: glTF's
            albedo scaling in its simple form; with the light's direction too it lost a tenth
            of a white furnace's light)."""
            colour = self.colour.eval(si, active)
            roughness = self.roughness.eval_1(si, active)
            albedo = self._albedo(mi.Frame3f.cos_theta(si.wi), roughness)
            strongest = dr.maximum(dr.maximum(colour[0], colour[1]), colour[2])
            return colour, roughness, albedo, strongest * albedo

        def _lobe(self, si, roughness, wo):
            """The lobe's density towards ``wo``; none where the view or ``wo`` is below."""
            up = (mi.Frame3f.cos_theta(wo) > 0.0) & (mi.Frame3f.cos_theta(si.wi) > 0.0)
            return dr.select(up, self._lobe_pdf(si, roughness, wo), 0.0)

        @staticmethod
        def _chance(taken):
            """The chance of sampling the sheen's lobe (a cosine lobe) instead of the base."""
            return dr.clip(taken, 0.0, 0.5)

        def _value_and_pdf(self, ctx, si, wo, active, nested_value, nested_pdf):
            """The whole BSDF's value (cosine included) and pdf towards ``wo``, from the
            nested BSDF's: the sheen's lobe worked out once for both."""
            colour, roughness, albedo, taken = self._layer(si, active)
            lobe = self._lobe(si, roughness, wo)
            chance = self._chance(taken)
            value = (dr.select(active, colour * (albedo * lobe), 0.0)
                     + dr.clip(1.0 - taken, 0.0, 1.0) * nested_value)
            return value, chance * lobe + (1.0 - chance) * nested_pdf

        def eval(self, ctx, si, wo, active=True):
            return self._value_and_pdf(ctx, si, wo, active,
                                       self.nested.eval(ctx, si, wo, active), 0.0)[0]

        def pdf(self, ctx, si, wo, active=True):
            return self._value_and_pdf(ctx, si, wo, active, 0.0,
                                       self.nested.pdf(ctx, si, wo, active))[1]

        def eval_pdf(self, ctx, si, wo, active=True):
            return self._value_and_pdf(ctx, si, wo, active,
                                       *self.nested.eval_pdf(ctx, si, wo, active))

        def sample(self, ctx, si, sample1, sample2, active=True):
            _, roughness, _, taken = self._layer(si, active)
            return sample_layer_or_nested(
                mi, dr, self, ctx, si, sample1, sample2, active, chance=self._chance(taken),
                layer_direction=lambda s: self._lobe_direction(si, roughness, s),
                layer_type=mi.BSDFFlags.DiffuseReflection)

        def traverse(self, callback):
            callback.put_object("bsdf", self.nested, mi.ParamFlags.Differentiable)
            callback.put_object("sheen_color", self.colour, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"SheenLayer[bsdf={self.nested}]"

    mi.register_bsdf(SHEEN_LAYER, lambda props: SheenLayer(props))
