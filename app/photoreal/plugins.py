"""Mitsuba plugins written here (textures, BSDFs) are registered once per variant: a plugin's
class is made from the variant's types when it is registered. A layer over a nested BSDF
(``sheenlayer``, ``dielectriclayer``) samples as ``sample_layer_or_nested`` does; a plugin
reads a number, colour or texture property as a texture with ``as_texture``, and a table of
precomputed values with ``lerp_table``."""

from __future__ import annotations

import functools
from collections.abc import Callable


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
