"""``sheenlayer``: glTF's sheen (KHR_materials_sheen) over a nested BSDF, for the still.

Mitsuba's principled BSDF has Disney's sheen: a weak grazing term, white or tinted towards the
base colour, without a roughness. glTF's sheen is a layer of its own colour and roughness: the
"Charlie" microfiber distribution with Charlie's visibility term (the fit of its shadowing
that glTF's sheen gives; Ashikhmin's simpler term reflects more than all the light at grazing
angles, and a velvet came out lighter than in Cycles), over a base dimmed by the share of light
the sheen takes towards the view (its directional albedo, app.scene.sheen), which is how
Blender's Cycles draws it too. A velvet's silhouette then glows in its sheen colour.
"""

from __future__ import annotations

from app.photoreal.plugins import (
    as_texture,
    jit_ops,
    lerp_table,
    once_per_variant,
    sample_layer_or_nested,
)
from app.scene.sheen import (
    ALBEDO_SAMPLES,
    MIN_SHEEN_ROUGHNESS,
    ROUGHNESS_SAMPLES,
    charlie_albedo_table,
    charlie_visibility,
)

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
            self.albedo = mi.Float(charlie_albedo_table().ravel())
            sheen = mi.BSDFFlags.DiffuseReflection | mi.BSDFFlags.FrontSide
            self.m_components = [self.nested.flags(i)
                                 for i in range(self.nested.component_count())] + [sheen]
            self.m_flags = self.nested.flags() | sheen | mi.BSDFFlags.SpatiallyVarying

        def _roughness(self, si, active):
            return dr.clip(self.roughness.eval_1(si, active), MIN_SHEEN_ROUGHNESS, 1.0)

        def _albedo(self, cos_theta, roughness):
            return lerp_table(mi, dr, self.albedo, (ROUGHNESS_SAMPLES, ALBEDO_SAMPLES),
                              (roughness - MIN_SHEEN_ROUGHNESS) / (1.0 - MIN_SHEEN_ROUGHNESS),
                              cos_theta)

        def _share(self, si, active):
            """The sheen colour, its roughness, and the share of the light towards the view
            the sheen takes (the base gives way by it: glTF's albedo scaling in its simple
            form; with the light's direction too it lost a tenth of a white furnace's light)."""
            colour = self.colour.eval(si, active)
            roughness = self._roughness(si, active)
            strongest = dr.maximum(dr.maximum(colour[0], colour[1]), colour[2])
            return colour, roughness, strongest * self._albedo(mi.Frame3f.cos_theta(si.wi),
                                                               roughness)

        def _sheen(self, colour, roughness, si, wo, active):
            """The sheen lobe's value towards ``wo``, cosine included."""
            cos_i, cos_o = mi.Frame3f.cos_theta(si.wi), mi.Frame3f.cos_theta(wo)
            both_up = active & (cos_i > 0.0) & (cos_o > 0.0)
            half = dr.normalize(si.wi + wo)
            sin2 = dr.maximum(1.0 - half.z * half.z, 0.0)
            inverse = 1.0 / (roughness * roughness)  # Charlie's alpha
            distribution = (2.0 + inverse) * dr.power(sin2, 0.5 * inverse) / (2.0 * dr.pi)
            visibility = charlie_visibility(cos_i, cos_o, roughness * roughness,
                                            ops=jit_ops(dr))
            return dr.select(both_up, colour * distribution * visibility * cos_o, 0.0)

        @staticmethod
        def _chance(taken):
            """The chance of sampling the sheen's lobe (a cosine lobe) instead of the base."""
            return dr.clip(taken, 0.0, 0.5)

        def _mixed_pdf(self, taken, wo, nested_pdf):
            cosine = dr.select(mi.Frame3f.cos_theta(wo) > 0.0,
                               mi.warp.square_to_cosine_hemisphere_pdf(wo), 0.0)
            chance = self._chance(taken)
            return chance * cosine + (1.0 - chance) * nested_pdf

        def eval(self, ctx, si, wo, active=True):
            colour, roughness, taken = self._share(si, active)
            return (self._sheen(colour, roughness, si, wo, active)
                    + dr.clip(1.0 - taken, 0.0, 1.0) * self.nested.eval(ctx, si, wo, active))

        def pdf(self, ctx, si, wo, active=True):
            _, _, taken = self._share(si, active)
            return self._mixed_pdf(taken, wo, self.nested.pdf(ctx, si, wo, active))

        def eval_pdf(self, ctx, si, wo, active=True):
            colour, roughness, taken = self._share(si, active)
            nested_value, nested_pdf = self.nested.eval_pdf(ctx, si, wo, active)
            return (self._sheen(colour, roughness, si, wo, active)
                    + dr.clip(1.0 - taken, 0.0, 1.0) * nested_value,
                    self._mixed_pdf(taken, wo, nested_pdf))

        def sample(self, ctx, si, sample1, sample2, active=True):
            _, _, taken = self._share(si, active)
            return sample_layer_or_nested(
                mi, dr, self, ctx, si, sample1, sample2, active, chance=self._chance(taken),
                layer_direction=mi.warp.square_to_cosine_hemisphere,
                layer_type=mi.BSDFFlags.DiffuseReflection)

        def traverse(self, callback):
            callback.put_object("bsdf", self.nested, mi.ParamFlags.Differentiable)
            callback.put_object("sheen_color", self.colour, mi.ParamFlags.Differentiable)

        def to_string(self):
            return f"SheenLayer[bsdf={self.nested}]"

    mi.register_bsdf(SHEEN_LAYER, lambda props: SheenLayer(props))
