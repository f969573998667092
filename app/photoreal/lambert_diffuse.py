"""``lambertdiffuse``: Mitsuba's principled BSDF with glTF's diffuse light, for the still.

Mitsuba's principled BSDF draws its diffuse light as Disney's (Burley 2012): darker than a
Lambertian surface where the view or the light is grazing, and, on a rough surface, a
retro-reflection that makes it brighter there. glTF's material model (its specification's
BRDF), Blender's Principled BSDF (Cycles, through Blender's glTF importer) and VTK's PBR shader
(the live view) all draw it Lambertian. A rough white box in Mitsuba came out lighter than in
Cycles and the live view all over (the Box, roughness 1: CIE L +1.7 against Cycles).

This wrapper adds, to the nested principled BSDF's value, the Lambertian diffuse light less
Disney's, with the nested BSDF's own weight for it ((1 - metallic)(1 - transmission)) and
its own base colour, roughness, metallic and transmission textures (read from the nested
BSDF, not made twice). Mitsuba samples the diffuse light by the cosine, as a Lambertian
surface is sampled best, so the nested BSDF's sampling is kept and only its weight corrected.
"""

from __future__ import annotations

from app.photoreal.plugins import nested_bsdf, once_per_variant
from app.scene.material_looks import head_on_reflectance

LAMBERT_DIFFUSE = "lambertdiffuse"
PRINCIPLED_ETA = 1.5  # the principled BSDF's index where its dictionary gives none (specular 0.5)


def lambert_diffuse(principled: dict) -> dict:
    """``principled`` (a ``principled`` BSDF's dictionary) with glTF's diffuse light, under the
    Fresnel of its own reflection (none where its ``eta`` is 1: a layer draws it)."""
    eta = float(principled.get("eta", PRINCIPLED_ETA))
    return {"type": LAMBERT_DIFFUSE, "bsdf": principled, "f0": head_on_reflectance(eta)}


@once_per_variant
def register_bsdfs(mi) -> None:
    """Make ``lambertdiffuse`` loadable in the active variant (once per variant)."""
    import drjit as dr

    class NestedTextures(mi.TraversalCallback):
        """The textures a BSDF hands out when traversed, by name."""

        def __init__(self):
            super().__init__()
            self.found = {}

        def put(self, name, value, flags, *rest):
            if isinstance(value, mi.Texture):
                self.found[name] = value

    def schlick_weight(cosine):
        return dr.power(dr.clip(1.0 - cosine, 0.0, 1.0), 5.0)

    class LambertDiffuse(nested_bsdf(mi)):
        def __init__(self, props):
            super().__init__(props)
            self.f0 = float(props["f0"])
            textures = NestedTextures()
            self.nested.traverse(textures)
            self.base_color = textures.found["base_color"]
            self.roughness = textures.found["roughness"]
            self.metallic = textures.found["metallic"]
            self.spec_trans = textures.found["spec_trans"]

        def _correction(self, si, wo, active):
            """Lambert's diffuse light less Disney's, as the principled BSDF weighs it."""
            cos_i, cos_o = mi.Frame3f.cos_theta(si.wi), mi.Frame3f.cos_theta(wo)
            active = active & (cos_i > 0.0) & (cos_o > 0.0)
            weight = ((1.0 - self.metallic.eval_1(si, active))
                      * (1.0 - self.spec_trans.eval_1(si, active)))
            fo, fi = schlick_weight(cos_o), schlick_weight(cos_i)
            half = dr.normalize(si.wi + wo)
            retro = 2.0 * self.roughness.eval_1(si, active) * dr.square(dr.dot(half, wo))
            disney = (1.0 - 0.5 * fi) * (1.0 - 0.5 * fo) + retro * (fo + fi
                                                                   + fo * fi * (retro - 1.0))
            fresnel = (self.f0 + (1.0 - self.f0) * schlick_weight(dr.abs(dr.dot(half, wo)))
                       if self.f0 > 0.0 else 0.0)
            colour = self.base_color.eval(si, active)
            value = colour * (weight * cos_o * dr.inv_pi * (1.0 - fresnel - disney))
            return dr.select(active & (weight > 0.0), value, 0.0)

        def sample(self, ctx, si, sample1, sample2, active=True):
            bs, weight = self.nested.sample(ctx, si, sample1, sample2, active)
            extra = self._correction(si, bs.wo, active & (bs.pdf > 0.0))
            weight = weight + extra / dr.maximum(bs.pdf, 1e-12)
            return bs, dr.maximum(weight, 0.0)

        def eval(self, ctx, si, wo, active=True):
            return dr.maximum(self.nested.eval(ctx, si, wo, active)
                              + self._correction(si, wo, active), 0.0)

        def eval_pdf(self, ctx, si, wo, active=True):
            value, pdf = self.nested.eval_pdf(ctx, si, wo, active)
            return dr.maximum(value + self._correction(si, wo, active), 0.0), pdf

        def to_string(self):
            return f"LambertDiffuse[bsdf={self.nested}]"

    mi.register_bsdf(LAMBERT_DIFFUSE, lambda props: LambertDiffuse(props))
