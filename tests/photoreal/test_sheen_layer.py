"""glTF's sheen in the still: a layer of its own colour and roughness over the base, which gives
way to it, with no light made or lost (white furnace), a lobe that holds the fibre sheen's
albedo from every view, and a velvet's rim that glows."""

from __future__ import annotations

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.render import render_photoreal
from app.photoreal.sheen_layer import SHEEN_LAYER
from app.scene.sheen import fibre_albedo
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
    for roughness in (0.3, 0.6, 1.0):
        albedo = fibre_albedo(np.linspace(0.05, 1.0, 8), roughness)
        assert np.all(np.diff(albedo) < 0), roughness
    assert fibre_albedo(1.0, 0.3) < 0.01  # a smooth sheen sends little back head-on
    assert fibre_albedo(1.0, 1.0) == pytest.approx(0.34, abs=0.02)  # a rough one a third


def test_a_white_sheen_over_black_reflects_its_albedo():
    black = {"type": "principled", "base_color": BLACK, "roughness": 1.0, "specular": 0.0}
    assert seen_head_on(black) == pytest.approx(0.0, abs=1e-3)
    assert seen_head_on(sheen(black)) == pytest.approx(float(fibre_albedo(1.0, 1.0)), rel=0.05)


def test_a_sheen_over_white_makes_no_light():
    white = {"type": "diffuse", "reflectance": WHITE}
    assert seen_head_on(sheen(white)) == pytest.approx(1.0, abs=0.03)
    assert seen_head_on(sheen(white, roughness=0.3)) == pytest.approx(1.0, abs=0.03)


def test_the_velvet_rim_glows_in_the_still(builtin_root):
    def render(scene, source):
        return render_photoreal(scene, source, size=velvet_sphere.SIZE, spp=16).display

    with_sheen = velvet_sphere.rim_over_middle(builtin_root, render, sheen=True)
    without = velvet_sphere.rim_over_middle(builtin_root, render, sheen=False)
    assert with_sheen > 1.5 * without, (with_sheen, without)  # Disney's sheen: 1.1 times


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


@pytest.mark.parametrize("roughness", [0.3, 0.6, 1.0])
@pytest.mark.parametrize("cos_view", [0.2, 0.6, 1.0])
def test_the_lobe_reflects_the_sheen_s_albedo_from_every_view(roughness, cos_view):
    """A white sheen over black, integrated over every light direction, reflects the fibre
    sheen's directional albedo: the lobe is turned towards the view and holds all its share."""
    import drjit as dr

    mi = activate_mitsuba()
    black = {"type": "principled", "base_color": BLACK, "roughness": 1.0, "specular": 0.0}
    bsdf = mi.load_dict(sheen(black, roughness=roughness))
    side = 400  # stratified directions over the hemisphere, uniform in solid angle
    u, v = np.meshgrid((np.arange(side) + 0.5) / side, (np.arange(side) + 0.5) / side)
    directions = mi.warp.square_to_uniform_hemisphere(mi.Point2f(u.ravel(), v.ravel()))
    si = dr.zeros(mi.SurfaceInteraction3f, side * side)
    si.sh_frame = mi.Frame3f(mi.Vector3f(0.0, 0.0, 1.0))
    si.n = mi.Vector3f(0.0, 0.0, 1.0)
    sin_view = float(np.sqrt(1.0 - cos_view ** 2))
    si.wi = mi.Vector3f(sin_view * 0.6, sin_view * 0.8, cos_view)  # any azimuth
    value = bsdf.eval(mi.BSDFContext(), si, directions)
    reflected = float(np.mean(np.asarray(value[0]))) * 2.0 * np.pi
    assert reflected == pytest.approx(float(fibre_albedo(cos_view, roughness)), rel=0.03,
                                      abs=1e-3)


def test_the_fibres_send_more_light_back_the_way_it_came():
    """The lobe leans towards the view (the transform's frame has its x axis there): a rough
    fibre sheen reflects a light from beside the camera more than one from across the surface
    at the same height, by about a quarter at roughness 0.8."""
    import drjit as dr

    mi = activate_mitsuba()
    black = {"type": "principled", "base_color": BLACK, "roughness": 1.0, "specular": 0.0}
    bsdf = mi.load_dict(sheen(black, roughness=0.8))
    si = dr.zeros(mi.SurfaceInteraction3f, 1)
    si.sh_frame = mi.Frame3f(mi.Vector3f(0.0, 0.0, 1.0))
    si.wi = mi.Vector3f(0.0, 0.8, 0.6)
    back = float(bsdf.eval(mi.BSDFContext(), si, mi.Vector3f(0.0, 0.8, 0.6))[0][0])
    across = float(bsdf.eval(mi.BSDFContext(), si, mi.Vector3f(0.0, -0.8, 0.6))[0][0])
    assert back > 1.15 * across > 0.0, (back, across)
