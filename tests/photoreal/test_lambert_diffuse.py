"""The still's diffuse light as glTF's: Lambertian, under the dielectric reflection's Fresnel
(``lambertdiffuse`` over Mitsuba's principled BSDF, whose own is Disney's)."""

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.lambert_diffuse import lambert_diffuse
from app.photoreal.materials import MaterialTranslator
from app.scene.description import ResolvedMaterial
from tests.photoreal.test_model_materials import quad

# (wi, wo) pairs in the shading frame: head on, a slant, grazing, far from the mirror direction
PAIRS = [((0.0, 0.0, 1.0), (0.6, 0.0, 0.8)), ((0.5, 0.3, 0.81), (-0.2, -0.7, 0.68)),
         ((0.95, 0.0, 0.31), (0.0, 0.96, 0.28)), ((0.1, 0.0, 0.99), (-0.99, 0.0, 0.14))]


def _unit(v):
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def _evaluate(bsdf, wi, wo) -> np.ndarray:
    mi = activate_mitsuba()
    import drjit as dr

    si = dr.zeros(mi.SurfaceInteraction3f)
    si.n = mi.Vector3f(0.0, 0.0, 1.0)
    si.sh_frame = mi.Frame3f(si.n)
    si.wi = mi.Vector3f(*map(float, _unit(wi)))
    return np.asarray(bsdf.eval(mi.BSDFContext(), si, mi.Vector3f(*map(float, _unit(wo))))).ravel()


def _principled(colour, roughness, metallic=0.0, eta=1.5) -> dict:
    return {"type": "principled", "base_color": {"type": "rgb", "value": list(colour)},
            "roughness": roughness, "metallic": metallic, "eta": eta}


@pytest.mark.parametrize("roughness", [0.1, 0.5, 1.0])
@pytest.mark.parametrize("metallic", [0.0, 0.4])
def test_the_diffuse_light_is_lambert_under_the_fresnel(roughness, metallic):
    """The wrapped BSDF is the principled BSDF's reflection (its value with a black base
    colour, which tints no dielectric reflection) plus (1 - metallic) * colour / pi * cos *
    (1 - F), F Schlick's Fresnel of index 1.5 at the angle between the view and the half-way
    vector: the glTF specification's BRDF."""
    mi = activate_mitsuba()
    colour = (0.8, 0.5, 0.2)
    wrapped = mi.load_dict(lambert_diffuse(_principled(colour, roughness, metallic)))
    plain = mi.load_dict(_principled(colour, roughness, metallic))
    reflection_only = mi.load_dict(_principled((0.0, 0.0, 0.0), roughness, 0.0))
    for wi, wo in PAIRS:
        i, o = _unit(wi), _unit(wo)
        half = _unit(i + o)
        fresnel = 0.04 + 0.96 * (1.0 - half @ o) ** 5
        lambert = (1.0 - metallic) * np.asarray(colour) / np.pi * o[2] * (1.0 - fresnel)
        # the reflection: the plain BSDF less its own diffuse light, or (no metal) the same
        # BSDF with a black base colour
        reflection = _evaluate(plain, wi, wo) - _disney(colour, roughness, metallic, i, o)
        if not metallic:
            np.testing.assert_allclose(reflection, _evaluate(reflection_only, wi, wo),
                                       rtol=1e-3, atol=1e-5)
        expected = lambert + reflection
        np.testing.assert_allclose(_evaluate(wrapped, wi, wo), expected, rtol=1e-3, atol=1e-5)


def _disney(colour, roughness, metallic, i, o) -> np.ndarray:
    """Mitsuba's principled diffuse light (Burley's), as its source computes it."""
    fo, fi = (1.0 - o[2]) ** 5, (1.0 - i[2]) ** 5
    half = _unit(i + o)
    retro = 2.0 * roughness * (half @ o) ** 2
    disney = (1 - 0.5 * fi) * (1 - 0.5 * fo) + retro * (fo + fi + fo * fi * (retro - 1.0))
    return (1.0 - metallic) * np.asarray(colour) / np.pi * o[2] * disney


def test_a_rough_white_surface_is_not_brighter_than_lambert_at_a_slant():
    """Disney's retro-reflection lit a rough surface seen and lit at a slant above a
    Lambertian one (the Box lighter than in Cycles and the live view); glTF's is below it."""
    mi = activate_mitsuba()
    white = _principled((1.0, 1.0, 1.0), 1.0)
    wrapped = mi.load_dict(lambert_diffuse(white))
    plain = mi.load_dict(white)
    wi, wo = (0.9, 0.0, 0.44), (0.85, 0.1, 0.52)  # both at a slant, near each other
    lambert = _unit(wo)[2] / np.pi
    assert _evaluate(plain, wi, wo)[0] > 1.1 * lambert
    assert _evaluate(wrapped, wi, wo)[0] < lambert * 1.05  # its reflection adds a little


def test_sampling_weighs_as_the_value_over_the_density():
    """The nested BSDF's samples with the corrected weight: weight * pdf == eval."""
    mi = activate_mitsuba()
    import drjit as dr

    bsdf = mi.load_dict(lambert_diffuse(_principled((0.7, 0.6, 0.5), 0.8, 0.2)))
    n = 4096
    rng = np.random.default_rng(3)
    si = dr.zeros(mi.SurfaceInteraction3f, n)
    si.n = mi.Vector3f(0.0, 0.0, 1.0)
    si.sh_frame = mi.Frame3f(si.n)
    si.wi = mi.Vector3f(0.6, 0.0, 0.8)
    bs, weight = bsdf.sample(mi.BSDFContext(), si, mi.Float(rng.random(n)),
                             mi.Point2f(rng.random(n), rng.random(n)))
    value = np.asarray(bsdf.eval(mi.BSDFContext(), si, bs.wo))
    pdf = np.asarray(bs.pdf)
    kept = pdf > 1e-3
    assert kept.mean() > 0.7
    np.testing.assert_allclose(np.asarray(weight)[:, kept] * pdf[kept],
                               value[:, kept], rtol=2e-3, atol=1e-5)


def test_opaque_materials_and_decals_get_it_and_glass_does_not():
    translator = MaterialTranslator(activate_mitsuba(), lambda ref: None)
    paint = ResolvedMaterial("paint", base_color=(0.5, 0.5, 0.5), roughness=0.7)
    glass = ResolvedMaterial("glass", base_color=(0.9, 0.9, 0.9), roughness=0.0,
                             transmission=1.0)
    assert "lambertdiffuse" in repr(translator.for_material(paint, quad(False)).bsdf)
    assert "lambertdiffuse" not in repr(translator.for_material(glass, quad(False)).bsdf)
