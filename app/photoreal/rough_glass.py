"""``roughglass``: a transmissive principled BSDF that gives back the light its microfacets
scatter more than once, for the still.

Mitsuba's principled BSDF is single-scattering GGX: light that bounces between a rough
surface's microfacets is lost. On an opaque surface that loses a little; through rough glass it
loses most of the light (a white furnace shows a frosted sphere of index 1.5 at a third of the
light, one of 2.42 at a sixth), so frosted and rough glass drew dark grey to black where
Blender's Cycles (multiple-scattering GGX) and Khronos' renderings show it pale. This wrapper
scales the nested BSDF by 1 / E(mu, roughness), E being the share of light the same BSDF, white
and fully transmissive, sends on from a view at cos(theta) = mu (its directional albedo, with
the transmitted radiance's 1/eta^2 left out): Turquin's compensation ("Practical multiple
scattering compensation for microfacet models", 2019). Where the material only partly
transmits, the gain is scaled by its transmission. Light that scatters between a coloured
glass's microfacets is tinted at every refraction, so what is given back is tinted more than
the single scattering: by Fms = Fss E_avg / (1 - Fss (1 - E_avg)) (Kulla and Conty, "Revisiting
Physically Based Shading at Imageworks", 2017), Fss being the tint one refraction gives (the
principled BSDF's square root of the base colour at each surface of a solid, the thin one's
base colour) and E_avg the albedo averaged over the hemisphere; the gain is
1 + transmission Fms (1 / E - 1), which is 1 / E for white glass, as Cycles' multiple-scattering
GGX glass gives back. The tables are made once per kind of BSDF and index of refraction by
sampling Mitsuba's own BSDF.
"""

from __future__ import annotations

import numpy as np

from app.photoreal.plugins import as_texture, lerp_table, nested_bsdf, once_per_variant

ROUGH_GLASS = "roughglass"
ROUGHNESS_STEPS = 17  # rows of a table: roughness (the principled BSDF's) i / 16, 0 to 1
COSINE_STEPS = 17  # columns: cos(theta) of the view (j / 16)^2, closer together at grazing
SAMPLES = 2048  # BSDF samples per table entry
MIN_ALBEDO = 0.1  # a gain of at most 10

_tables: dict[tuple[str, float, bool], np.ndarray] = {}


def directional_albedo(mi, kind: str, eta: float, inside: bool) -> np.ndarray:
    """(ROUGHNESS_STEPS, COSINE_STEPS) float32: the share of light a white, fully transmissive
    ``kind`` BSDF (``principled`` or ``principledthin``) of index ``eta`` sends on from a view
    at cos(theta) = mu, from outside or (a solid's) inside; made once per kind, index and side.
    Rows and columns as ``ROUGHNESS_STEPS`` and ``COSINE_STEPS`` say."""
    key = (kind, round(float(eta), 4), bool(inside))
    if key in _tables:
        return _tables[key]
    import drjit as dr

    rows, cols, n = ROUGHNESS_STEPS, COSINE_STEPS, SAMPLES
    roughness = (np.arange(rows) / (rows - 1)).astype(np.float32)
    bsdf = mi.load_dict({
        "type": kind, "eta": float(eta), "spec_trans": 1.0,
        "base_color": {"type": "rgb", "value": [1.0, 1.0, 1.0]},
        "roughness": {"type": "bitmap", "raw": True, "filter_type": "nearest",
                      "wrap_mode": "clamp",
                      "bitmap": mi.Bitmap(np.repeat(roughness.reshape(rows, 1, 1), 2, axis=1))}})
    row, col = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    row, col = np.repeat(row.ravel(), n), np.repeat(col.ravel(), n)
    mu = np.maximum((col / (cols - 1)) ** 2, 1e-3).astype(np.float32)
    si = dr.zeros(mi.SurfaceInteraction3f, mu.size)
    si.uv = mi.Point2f(np.full(mu.size, 0.5, np.float32), ((row + 0.5) / rows).astype(np.float32))
    si.n = mi.Vector3f(0.0, 0.0, 1.0)
    si.sh_frame = mi.Frame3f(si.n)
    si.wi = mi.Vector3f(np.sqrt(1.0 - mu * mu), 0.0, -mu if inside else mu)
    sampler = mi.load_dict({"type": "independent"})
    sampler.seed(7, mu.size)
    # importance transport: the transmitted weight without radiance's 1/eta^2 (energy only)
    _, weight = bsdf.sample(mi.BSDFContext(mi.TransportMode.Importance), si,
                            sampler.next_1d(), sampler.next_2d())
    albedo = np.asarray(weight.y, dtype=np.float64).reshape(rows, cols, n).mean(axis=2)
    _tables[key] = albedo.astype(np.float32)
    return _tables[key]


def hemisphere_albedo(table: np.ndarray) -> np.ndarray:
    """(ROUGHNESS_STEPS,) float32: E_avg = 2 * integral of E(mu) mu dmu over 0..1 for each row
    of a ``directional_albedo`` table (its columns at mu = (j / (COSINE_STEPS - 1))^2)."""
    mu = (np.arange(COSINE_STEPS) / (COSINE_STEPS - 1)) ** 2
    weighted = np.asarray(table, dtype=np.float64) * mu
    return (2.0 * np.sum((weighted[:, 1:] + weighted[:, :-1]) / 2 * np.diff(mu), axis=1)
            ).astype(np.float32)


def multiple_scattering_tint(single, average_albedo):
    """Kulla and Conty's Fms: the tint of light scattered between microfacets more than once,
    from the tint ``single`` one scattering gives and the hemisphere albedo ``average_albedo``
    (arrays or Dr.Jit values alike)."""
    return single * average_albedo / (1.0 - single * (1.0 - average_albedo))


def rough_glass(mi, principled: dict) -> dict:
    """``principled`` (a ``principled`` or ``principledthin`` dict with ``spec_trans``) inside
    a ``roughglass`` that gives back its multiply scattered light (its tables made here, before
    the scene loads)."""
    kind, eta = principled["type"], float(principled["eta"])
    for inside in (False, True) if kind == "principled" else (False,):
        directional_albedo(mi, kind, eta, inside)
    colour = principled["base_color"]
    if isinstance(colour, dict):  # one texture, read by the BSDF and by the gain
        colour = mi.load_dict(colour)
        principled = {**principled, "base_color": colour}
    return {"type": ROUGH_GLASS, "bsdf": principled, "roughness": principled["roughness"],
            "transmission": principled["spec_trans"], "base_color": colour,
            "kind": kind, "eta": eta}


@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``roughglass`` loadable in the active variant (once per variant)."""
    import drjit as dr

    class RoughGlass(nested_bsdf(mi)):
        def __init__(self, props):
            super().__init__(props)
            self.roughness = as_texture(mi, props["roughness"])
            self.transmission = as_texture(mi, props["transmission"])
            self.base_color = as_texture(mi, props["base_color"])
            kind, eta = props["kind"], props["eta"]
            self.solid = kind == "principled"  # its tint: the base colour's root per surface
            outside = directional_albedo(mi, kind, eta, inside=False)
            inside = (directional_albedo(mi, kind, eta, inside=True) if self.solid
                      else outside)  # a thin wall: one side
            self.outside, self.inside = mi.Float(outside.ravel()), mi.Float(inside.ravel())
            # E_avg by roughness, two equal columns for lerp_table
            self.outside_avg, self.inside_avg = (
                mi.Float(np.repeat(hemisphere_albedo(t)[:, None], 2, axis=1).ravel())
                for t in (outside, inside))

        def _gain(self, si, active):
            cos_view = mi.Frame3f.cos_theta(si.wi)
            roughness = self.roughness.eval_1(si, active)
            column = dr.sqrt(dr.abs(cos_view))  # the columns' spacing

            def albedo_from(table):
                return lerp_table(mi, dr, table, (ROUGHNESS_STEPS, COSINE_STEPS), roughness,
                                  column)

            outside = cos_view >= 0.0
            albedo = dr.select(outside, albedo_from(self.outside), albedo_from(self.inside))
            average = dr.select(outside, *(
                lerp_table(mi, dr, table, (ROUGHNESS_STEPS, 2), roughness, 0.0)
                for table in (self.outside_avg, self.inside_avg)))
            base = dr.clip(self.base_color.eval(si, active), 0.0, 1.0)
            single = dr.sqrt(base) if self.solid else base
            share = self.transmission.eval_1(si, active)
            missing = 1.0 / dr.maximum(albedo, MIN_ALBEDO) - 1.0
            return 1.0 + share * multiple_scattering_tint(single, average) * missing

        def sample(self, ctx, si, sample1, sample2, active=True):
            bs, weight = self.nested.sample(ctx, si, sample1, sample2, active)
            return bs, weight * self._gain(si, active)

        def eval(self, ctx, si, wo, active=True):
            return self.nested.eval(ctx, si, wo, active) * self._gain(si, active)

        def eval_pdf(self, ctx, si, wo, active=True):
            value, pdf = self.nested.eval_pdf(ctx, si, wo, active)
            return value * self._gain(si, active), pdf

        def to_string(self):
            return f"RoughGlass[bsdf={self.nested}]"

    mi.register_bsdf(ROUGH_GLASS, lambda props: RoughGlass(props))
