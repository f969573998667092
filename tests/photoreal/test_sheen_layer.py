"""glTF's sheen in the still: a layer of its own colour and roughness over the base, which gives
way to it, with no light made or lost (white furnace), and a velvet's rim that glows."""

from __future__ import annotations

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.render import render_photoreal
from app.photoreal.sheen_layer import SHEEN_LAYER
from app.scene.sheen import charlie_albedo, charlie_alpha, charlie_brdf, charlie_lambda
from tests.scene import velvet_sphere

BLACK = {"type": "rgb", "value": [0.0, 0.0, 0.0]}
WHITE = {"type": "rgb", "value": [1.0, 1.0, 1.0]}


def seen_head_on(bsdf: dict) -> float:
    """What a flat patch of ``bsdf`` sends straight back in a white room (the room is 1)."""
    mi = activate_mitsuba()
    scene = mi.load_dict({
        "type": "scene", "integrator": {"type": "path", "max_depth": 4},
        "room": {"type": "constant", "radiance": WHITE},
        "sensor": {"type": "perspective", "fov": 2.0,
                   "to_world": mi.ScalarTransform4f.look_at(origin=[0, 0, 5], target=[0, 0, 0],
                                                           up=[0, 1, 0]),
                   "film": {"type": "hdrfilm", "width": 8, "height": 8, "pixel_format": "rgb"}},
        "patch": {"type": "rectangle", "bsdf": bsdf}})
    return float(np.asarray(mi.render(scene, spp=512)).mean())


def sheen(base: dict, roughness: float = 1.0, colour=WHITE) -> dict:
    return {"type": SHEEN_LAYER, "bsdf": base, "sheen_color": colour,
            "sheen_roughness": roughness}


def test_the_albedo_of_the_sheen_falls_from_grazing_to_head_on():
    table = charlie_albedo(charlie_alpha(0.4), np.linspace(0.05, 1.0, 8))
    assert np.all(np.diff(table) < 0)
    assert table[-1] == pytest.approx(0.011, abs=0.005)  # head-on it reflects little


def test_a_white_sheen_over_black_reflects_its_albedo():
    black = {"type": "principled", "base_color": BLACK, "roughness": 1.0, "specular": 0.0}
    assert seen_head_on(black) == pytest.approx(0.0, abs=1e-3)
    expected = float(charlie_albedo(charlie_alpha(1.0), np.array([1.0]))[0])  # about 0.14
    assert seen_head_on(sheen(black)) == pytest.approx(expected, rel=0.1)


def test_a_sheen_over_white_makes_no_light():
    white = {"type": "diffuse", "reflectance": WHITE}
    assert seen_head_on(sheen(white)) == pytest.approx(1.0, abs=0.03)
    assert seen_head_on(sheen(white, roughness=0.3)) == pytest.approx(1.0, abs=0.03)


def test_the_velvet_rim_glows_in_the_still(builtin_root):
    def render(scene, source):
        return render_photoreal(scene, source, size=velvet_sphere.SIZE, spp=16).display

    with_sheen = velvet_sphere.rim_over_middle(builtin_root, render, sheen=True)
    without = velvet_sphere.rim_over_middle(builtin_root, render, sheen=False)
    assert with_sheen > 1.8 * without, (with_sheen, without)  # Disney's sheen: 1.1 times


def test_the_sheen_is_sampled_as_it_is_evaluated():
    """Mitsuba's chi-square test: the directions ``sample`` draws follow ``pdf``."""
    from mitsuba.chi2 import BSDFAdapter, ChiSquareTest, SphericalDomain

    activate_mitsuba()
    base = {"type": "principled", "base_color": {"type": "rgb", "value": [0.2, 0.1, 0.3]},
            "roughness": 0.4}
    for wi in ([0.0, 0.0, 1.0], [0.8, 0.0, 0.6]):
        sample, pdf = BSDFAdapter(SHEEN_LAYER, sheen(base, roughness=0.5), wi=wi)
        test = ChiSquareTest(domain=SphericalDomain(), sample_func=sample, pdf_func=pdf,
                             sample_dim=3, res=101, ires=16)
        assert test.run(), test.messages


def uniform_bitmap(value: float) -> dict:
    mi = activate_mitsuba()
    return {"type": "bitmap", "raw": True,
            "bitmap": mi.Bitmap(np.full((4, 4, 1), value, np.float32))}


def test_the_sheen_roughness_can_be_a_texture():
    """KHR_materials_sheen's sheenRoughnessTexture: per pixel, as its factor would be."""
    black = {"type": "principled", "base_color": BLACK, "roughness": 1.0, "specular": 0.0}
    for roughness in (0.3, 1.0):
        assert seen_head_on(sheen(black, roughness=uniform_bitmap(roughness))) == pytest.approx(
            seen_head_on(sheen(black, roughness=roughness)), rel=0.02)
    assert seen_head_on(sheen(black, roughness=uniform_bitmap(0.3))) < 0.5 * seen_head_on(
        sheen(black, roughness=uniform_bitmap(1.0)))  # a smoother sheen sends less head on


def test_the_still_draws_a_sheen_roughness_texture():
    """The texture's alpha times the factor, on the sheen layer; nothing noted as dropped."""
    from app.assets.mesh import MeshData, TextureImage
    from app.photoreal.materials import MaterialTranslator
    from app.scene.description import ResolvedMaterial, TextureRef, slot

    pixels = np.full((2, 2, 4), 255, np.uint8)
    pixels[..., 3] = 102  # alpha 0.4
    translator = MaterialTranslator(activate_mitsuba(),
                                    lambda ref: TextureImage(pixels, "test#sheen"))
    material = ResolvedMaterial("velvet", base_color=(0.2, 0.1, 0.3), roughness=0.8,
                                sheen_color=(1.0, 1.0, 1.0), sheen_roughness=0.5,
                                sheen_roughness_texture=slot(TextureRef("test#sheen", srgb=False)))
    quad = MeshData("quad", np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0]], np.float32),
                    np.array([[0, 1, 2]], np.int32),
                    np.tile([0, 0, 1], (3, 1)).astype(np.float32),
                    uv=np.array([[0, 0], [1, 0], [1, 1]], np.float32))
    layer = translator.for_material(material, quad).bsdf["bsdf"]["bsdf"]  # in both wrappers
    assert layer["type"] == SHEEN_LAYER
    roughness = layer["sheen_roughness"]
    values = np.asarray(roughness["bitmap"])
    assert np.allclose(values, 0.4 * 0.5, atol=0.01)
    assert not any("sheen_roughness" in note for note in translator.approximations)


@pytest.mark.parametrize("alpha, cos_theta", [(0.25, 0.3), (0.25, 0.8), (0.9, 0.1), (0.5, 0.5)])
def test_the_sheen_s_shadowing_is_charlie_s(alpha, cos_theta):
    """glTF's sheen visibility, 1 / ((1 + Lambda(V) + Lambda(L)) 4 NdotV NdotL), with the
    fitted Lambda of KHR_materials_sheen (its two branches about cos 0.5), not Ashikhmin's
    1 / (4 (NdotL + NdotV - NdotL NdotV)), which reflects more than all the light at grazing
    angles."""
    def spec_l(x):
        q = (1.0 - alpha) ** 2
        a = 21.5473 + (25.3245 - 21.5473) * q
        b = 3.82987 + (3.32435 - 3.82987) * q
        c = 0.19823 + (0.16801 - 0.19823) * q
        d = -1.97760 + (-1.27393 + 1.97760) * q
        e = -4.32054 + (-4.85967 + 4.32054) * q
        return a / (1.0 + b * x ** c) + d * x + e

    expected = (np.exp(spec_l(cos_theta)) if cos_theta < 0.5
                else np.exp(2.0 * spec_l(0.5) - spec_l(1.0 - cos_theta)))
    assert float(charlie_lambda(cos_theta, alpha)) == pytest.approx(expected, rel=1e-6)
    cos_half = 0.9
    visibility = 1.0 / ((1.0 + expected + float(charlie_lambda(0.6, alpha))) * 4.0 * cos_theta
                        * 0.6)
    inverse = 1.0 / alpha
    distribution = (2.0 + inverse) * (1.0 - cos_half ** 2) ** (0.5 * inverse) / (2.0 * np.pi)
    assert float(charlie_brdf(alpha, cos_half, 0.6, cos_theta)) == pytest.approx(
        distribution * visibility, rel=1e-6)
