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

        def _share(self, si, active):
            """The sheen colour, its roughness, and the share of the light towards the view
            the sheen takes (the base gives way by it: glTF's albedo scaling in its simple
            form; with the light's direction too it lost a tenth of a white furnace's light)."""
            colour = self.colour.eval(si, active)
            roughness = self.roughness.eval_1(si, active)
            strongest = dr.maximum(dr.maximum(colour[0], colour[1]), colour[2])
            return colour, roughness, strongest * self._albedo(mi.Frame3f.cos_theta(si.wi),
                                                               roughness)

        def _sheen(self, colour, roughness, si, wo, active):
            """The sheen lobe's value towards ``wo``, cosine included."""
            cos_i, cos_o = mi.Frame3f.cos_theta(si.wi), mi.Frame3f.cos_theta(wo)
            both_up = active & (cos_i > 0.0) & (cos_o > 0.0)
            value = self._albedo(cos_i, roughness) * self._lobe_pdf(si, roughness, wo)
            return dr.select(both_up, colour * value, 0.0)

        @staticmethod
        def _chance(taken):
            """The chance of sampling the sheen's lobe (a cosine lobe) instead of the base."""
            return dr.clip(taken, 0.0, 0.5)

        def _mixed_pdf(self, si, roughness, taken, wo, nested_pdf):
            up = (mi.Frame3f.cos_theta(wo) > 0.0) & (mi.Frame3f.cos_theta(si.wi) > 0.0)
            lobe = dr.select(up, self._lobe_pdf(si, roughness, wo), 0.0)
            chance = self._chance(taken)
            return chance * lobe + (1.0 - chance) * nested_pdf

        def eval(self, ctx, si, wo, active=True):
            colour, roughness, taken = self._share(si, active)
            return (self._sheen(colour, roughness, si, wo, active)
                    + dr.clip(1.0 - taken, 0.0, 1.0) * self.nested.eval(ctx, si, wo, active))

        def pdf(self, ctx, si, wo, active=True):
            _, roughness, taken = self._share(si, active)
            return self._mixed_pdf(si, roughness, taken, wo, self.nested.pdf(ctx, si, wo, active))

        def eval_pdf(self, ctx, si, wo, active=True):
            colour, roughness, taken = self._share(si, active)
            nested_value, nested_pdf = self.nested.eval_pdf(ctx, si, wo, active)
            return (self._sheen(colour, roughness, si, wo, active)
                    + dr.clip(1.0 - taken, 0.0, 1.0) * nested_value,
                    self._mixed_pdf(si, roughness, taken, wo, nested_pdf))

        def sample(self, ctx, si, sample1, sample2, active=True):
            _, roughness, taken = self._share(si, active)
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
