"""Mitsuba plugins written here (textures, BSDFs) are registered once per variant: a plugin's
class is made from the variant's types when it is registered. A layer over a nested BSDF
(``sheenlayer``, ``dielectriclayer``) samples as ``sample_layer_or_nested`` does; a plugin
reads a number, colour or texture property as a texture with ``as_texture``, and a table of
precomputed values with ``lerp_table``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import SimpleNamespace


def once_per_variant(register: Callable) -> Callable:
    """``register(mi)`` run the first time for each Mitsuba variant, and not again."""
    done: set[str] = set()

    @functools.wraps(register)
    def wrapper(mi) -> None:
        variant = mi.variant()
        if variant not in done:
            register(mi)
            done.add(variant)

    return wrapper


def jit_ops(dr) -> SimpleNamespace:
    """Dr.Jit's array functions under ``app.scene.array_ops.NUMPY``'s names, for the shading
    formulas written once for both."""
    return SimpleNamespace(sqrt=dr.sqrt, cos=dr.cos, exp=dr.exp, power=dr.power,
                           where=dr.select, clip=dr.clip, maximum=dr.maximum)


def as_texture(mi, value):
    """A plugin's property as a texture: a texture as it is, a number as a uniform one, a
    colour (an ``rgb`` entry arrives as one) as an ``rgb`` one."""
    if isinstance(value, mi.Texture):
        return value
    if isinstance(value, int | float):
        return mi.load_dict({"type": "uniform", "value": float(value)})
    return mi.load_dict({"type": "rgb", "value": [float(c) for c in value]})


def lerp_table(mi, dr, table, shape: tuple[int, int], row, column):
    """A (rows, columns) table (a flat ``mi.Float``, row after row) read between its entries:
    ``row`` and ``column`` run 0..1 from the first entry to the last (clamped)."""
    rows, columns = shape

    def between(value, count):
        x = dr.clip(value, 0.0, 1.0) * (count - 1)
        i = mi.UInt32(dr.minimum(dr.floor(x), count - 2))
        return i, x - mi.Float(i)

    r, fr = between(row, rows)
    c, fc = between(column, columns)

    def at(i, j):
        return dr.gather(mi.Float, table, i * columns + j)

    return dr.lerp(dr.lerp(at(r, c), at(r, c + 1), fc),
                   dr.lerp(at(r + 1, c), at(r + 1, c + 1), fc), fr)


def sample_layer_or_nested(mi, dr, layer, ctx, si, sample1, sample2, active, *, chance,
                           layer_direction, layer_type):
    """A layered BSDF's ``sample``: with probability ``chance`` the direction
    ``layer_direction(sample2)`` of the layer's own lobe (a BSDF type ``layer_type``), otherwise
    the nested BSDF's (``layer.nested``, its sample1 rescaled); weighted by the whole BSDF's
    value over the mixture's pdf, both from ``layer.eval_pdf``."""
    pick_layer = sample1 < chance
    rescaled = dr.select(pick_layer, sample1 / dr.maximum(chance, 1e-6),
                         (sample1 - chance) / dr.maximum(1.0 - chance, 1e-6))
    bs, _ = layer.nested.sample(ctx, si, rescaled, sample2, active & ~pick_layer)
    bs.wo = dr.select(pick_layer, layer_direction(sample2), bs.wo)
    bs.eta = dr.select(pick_layer, 1.0, bs.eta)
    bs.sampled_type = dr.select(pick_layer, mi.UInt32(+layer_type), bs.sampled_type)
    bs.sampled_component = dr.select(pick_layer, mi.UInt32(layer.nested.component_count()),
                                     bs.sampled_component)
    value, pdf = layer.eval_pdf(ctx, si, bs.wo, active)
    bs.pdf = pdf
    usable = active & (pdf > 0.0)
    return bs, dr.select(usable, value / dr.maximum(pdf, 1e-12), 0.0)


def in_frame(mi, dr, si, n, s):
    """``si`` shaded in the frame of unit normal ``n`` and tangent ``s`` (made square to
    ``n``), ``wi`` in that frame."""
    s = dr.normalize(s - n * dr.dot(n, s))
    framed = mi.SurfaceInteraction3f(si)
    framed.sh_frame = mi.Frame3f(s, dr.cross(n, s), n)
    framed.wi = framed.to_local(si.to_world(si.wi))
    return framed


def towards_in_frame(mi, si, framed, wo, active):
    """``wo`` (in ``si``'s frame) in the frame of ``framed``, and whether it lies on the same
    side of both frames (a direction below the surface in one and above it in the other is
    dropped)."""
    local_wo = framed.to_local(si.to_world(wo))
    return local_wo, active & (mi.Frame3f.cos_theta(wo) * mi.Frame3f.cos_theta(local_wo) > 0.0)


def eval_pdf_in_frame(mi, dr, nested, ctx, si, framed, wo, active):
    """``nested``'s value and pdf towards ``wo`` (in ``si``'s frame), shaded in the frame of
    ``framed``; none where ``towards_in_frame`` drops ``wo``."""
    local_wo, keep = towards_in_frame(mi, si, framed, wo, active)
    value, pdf = nested.eval_pdf(ctx, framed, local_wo, keep)
    return dr.select(keep, value, 0.0), dr.select(keep, pdf, 0.0)


def nested_bsdf(mi) -> type:
    """A base class (of the active variant's types, like the plugin itself) for a BSDF that
    changes the value of its nested ``bsdf`` and nothing else: the nested BSDF's lobes,
    density, diffuse reflectance and parameters as its own (a subclass gives ``sample``,
    ``eval`` and ``eval_pdf``)."""

    class Nested(mi.BSDF):
        def __init__(self, props):
            mi.BSDF.__init__(self, props)
            self.nested = props["bsdf"]
            self.m_components = [self.nested.flags(i)
                                 for i in range(self.nested.component_count())]
            self.m_flags = self.nested.flags()

        def pdf(self, ctx, si, wo, active=True):
            return self.nested.pdf(ctx, si, wo, active)

        def eval_diffuse_reflectance(self, si, active=True):
            return self.nested.eval_diffuse_reflectance(si, active)

        def traverse(self, callback):
            callback.put_object("bsdf", self.nested, mi.ParamFlags.Differentiable)

    return Nested


def reframed_bsdf(mi, dr, perturbed: Callable) -> type:
    """A base class for a BSDF that shades its nested ``bsdf`` in a frame of its own:
    ``perturbed(bsdf, si, active)`` gives the interaction in that frame with ``wi`` in it (a
    normal map's, a smoothed tangent's). Directions below the surface in one frame and above
    it in the other are dropped."""

    class Reframed(mi.BSDF):
        def __init__(self, props):
            mi.BSDF.__init__(self, props)
            self.nested = props["bsdf"]
            self.m_components = [self.nested.flags(i)
                                 for i in range(self.nested.component_count())]
            self.m_flags = self.nested.flags() | mi.BSDFFlags.SpatiallyVarying

        def _perturbed(self, si, active):
            return perturbed(self, si, active)

        def sample(self, ctx, si, sample1, sample2, active=True):
            perturbed = self._perturbed(si, active)
            bs, weight = self.nested.sample(ctx, perturbed, sample1, sample2, active)
            world_wo = perturbed.to_world(bs.wo)
            bs.wo = si.to_local(world_wo)
            keep = active & (mi.Frame3f.cos_theta(bs.wo)
                             * mi.Frame3f.cos_theta(perturbed.to_local(world_wo)) > 0.0)
            bs.pdf = dr.select(keep, bs.pdf, 0.0)
            return bs, dr.select(keep, weight, 0.0)

        def _towards(self, si, wo, active):
            """The interaction in the new frame, ``wo`` in it, and whether ``wo`` lies on the
            same side of both frames."""
            perturbed = self._perturbed(si, active)
            return (perturbed, *towards_in_frame(mi, si, perturbed, wo, active))

        def eval(self, ctx, si, wo, active=True):
            perturbed, local_wo, keep = self._towards(si, wo, active)
            return dr.select(keep, self.nested.eval(ctx, perturbed, local_wo, keep), 0.0)

        def pdf(self, ctx, si, wo, active=True):
            perturbed, local_wo, keep = self._towards(si, wo, active)
            return dr.select(keep, self.nested.pdf(ctx, perturbed, local_wo, keep), 0.0)

        def eval_pdf(self, ctx, si, wo, active=True):
            return eval_pdf_in_frame(mi, dr, self.nested, ctx, si, self._perturbed(si, active),
                                     wo, active)

        def eval_diffuse_reflectance(self, si, active=True):
            return self.nested.eval_diffuse_reflectance(self._perturbed(si, active), active)

        def traverse(self, callback):
            callback.put_object("bsdf", self.nested, mi.ParamFlags.Differentiable)

    return Reframed
