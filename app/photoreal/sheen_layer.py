"""``sheenlayer``: glTF's sheen (KHR_materials_sheen) over a nested BSDF, for the still.

Mitsuba's principled BSDF has Disney's sheen: a weak grazing term, white or tinted towards the
base colour, without a roughness. glTF's sheen is a layer of its own colour and roughness: the
"Charlie" microfiber distribution with Charlie's visibility term (the fit of its shadowing
that glTF's sheen gives; Ashikhmin's simpler term reflects more than all the light at grazing
angles, and a velvet came out lighter than in Cycles), over a base dimmed by the share of light
the sheen takes towards the view (its directional albedo, ``charlie_albedo``), which is how
Blender's Cycles draws it too. A velvet's silhouette then glows in its sheen colour.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from app.photoreal.plugins import (
    as_texture,
    lerp_table,
    once_per_variant,
    sample_layer_or_nested,
)

SHEEN_LAYER = "sheenlayer"
MIN_SHEEN_ROUGHNESS = 0.07  # below it the distribution's exponent runs away (glTF viewers clamp)
ALBEDO_SAMPLES = 32  # cos(theta) points of the albedo table (its columns)
ROUGHNESS_SAMPLES = 16  # sheen roughness points of the albedo table (its rows), MIN_SHEEN_.. 1



def charlie_alpha(sheen_roughness: float) -> float:
    roughness = min(max(float(sheen_roughness), MIN_SHEEN_ROUGHNESS), 1.0)
    return roughness * roughness


def charlie_albedo(alpha: float, cos_view: np.ndarray, steps: int = 96) -> np.ndarray:
    """The share of light a white sheen layer reflects towards a view at ``cos_view`` (its
    directional albedo), integrated over the hemisphere of light directions."""
    mu = np.clip(np.asarray(cos_view, dtype=np.float64), 1e-4, 1.0)
    theta = (np.arange(steps) + 0.5) * (0.5 * math.pi / steps)
    phi = (np.arange(2 * steps) + 0.5) * (math.pi / steps)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    light = np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], axis=-1)
    weight = np.sin(t) * (0.5 * math.pi / steps) * (math.pi / steps)  # solid angle
    result = []
    for m in mu.ravel():
        view = np.array([math.sqrt(1.0 - m * m), 0.0, m])
        half = light + view
        half /= np.linalg.norm(half, axis=-1, keepdims=True)
        value = charlie_brdf(alpha, half[..., 2], light[..., 2], m)
        result.append(float((value * light[..., 2] * weight).sum()))
    return np.asarray(result).reshape(mu.shape)


@functools.cache
def charlie_albedo_table() -> np.ndarray:
    """(ROUGHNESS_SAMPLES, ALBEDO_SAMPLES) float32: ``charlie_albedo`` at sheen roughness
    MIN_SHEEN_ROUGHNESS .. 1 (rows) and cos(theta) 0 .. 1 (columns), at most 1; made once."""
    rows = [charlie_albedo(charlie_alpha(r), np.linspace(0.0, 1.0, ALBEDO_SAMPLES))
            for r in np.linspace(MIN_SHEEN_ROUGHNESS, 1.0, ROUGHNESS_SAMPLES)]
    return np.clip(np.asarray(rows), 0.0, 1.0).astype(np.float32)


# the fit of Charlie's shadowing exponent (Conty and Kulla 2017, as glTF's sheen gives it):
# each coefficient runs from its first value at alpha 1 to its second at alpha 0
_LAMBDA_FIT = ((21.5473, 25.3245), (3.82987, 3.32435), (0.19823, 0.16801),
               (-1.97760, -1.27393), (-4.32054, -4.85967))


def _charlie_l(x, alpha, power):
    """Charlie's fitted l(x) for ``alpha`` (``power``: numpy's or Dr.Jit's)."""
    q = (1.0 - alpha) * (1.0 - alpha)
    a, b, c, d, e = (low + (high - low) * q for low, high in _LAMBDA_FIT)
    return a / (1.0 + b * power(x, c)) + d * x + e


def charlie_lambda(cos_theta, alpha, *, power=np.power, exp=np.exp, where=np.where):
    """Charlie's shadowing Lambda at ``cos_theta`` (numpy by default; the plugin passes
    Dr.Jit's functions)."""
    x = abs(cos_theta)
    low = exp(_charlie_l(x, alpha, power))
    high = exp(2.0 * _charlie_l(0.5, alpha, power) - _charlie_l(1.0 - x, alpha, power))
    return where(x < 0.5, low, high)


def charlie_visibility(cos_view, cos_light, alpha, *, power=np.power, exp=np.exp,
                       where=np.where, maximum=np.maximum):
    """Charlie's visibility term, 1 / ((1 + Lambda(V) + Lambda(L)) 4 NdotV NdotL) (numpy by
    default; the plugin passes Dr.Jit's functions)."""
    def shadowing(cos_theta):
        return charlie_lambda(cos_theta, alpha, power=power, exp=exp, where=where)

    return 1.0 / ((1.0 + shadowing(cos_view) + shadowing(cos_light)) * 4.0
                  * maximum(cos_view, 1e-6) * maximum(cos_light, 1e-6))


def charlie_brdf(alpha: float, cos_half, cos_light, cos_view):
    """The white sheen BRDF: Charlie's distribution times Charlie's visibility (numpy; the
    plugin writes the same in Dr.Jit)."""
    inverse = 1.0 / alpha
    sin2 = np.maximum(1.0 - cos_half * cos_half, 0.0)
    distribution = (2.0 + inverse) * np.power(sin2, 0.5 * inverse) / (2.0 * math.pi)
    return distribution * charlie_visibility(cos_view, cos_light, alpha)


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
                                            power=dr.power, exp=dr.exp, where=dr.select,
                                            maximum=dr.maximum)
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
