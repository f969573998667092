"""Rough glass in the still gives back the light its microfacets scatter more than once: in a
white furnace, clear glass of any roughness is as bright as the room (Mitsuba's single-scattering
principled BSDF lost two thirds of it at roughness 1 and index 1.5, five sixths at 2.42)."""

from __future__ import annotations

import numpy as np
import pytest

from app.assets.mesh import MeshData
from app.photoreal.backend import activate_mitsuba
from app.photoreal.materials import MaterialTranslator
from app.photoreal.rough_glass import (
    ROUGH_GLASS,
    directional_albedo,
    hemisphere_albedo,
    multiple_scattering_tint,
    rough_glass,
)
from app.scene.description import ResolvedMaterial


def glass(kind: str, eta: float, roughness: float, transmission: float = 1.0) -> dict:
    body = {"type": kind, "eta": eta, "roughness": roughness, "spec_trans": transmission,
            "base_color": {"type": "rgb", "value": [1.0, 1.0, 1.0]}}
    if kind == "principled":
        body["metallic"] = 0.0
    return body


def in_furnace(bsdf: dict) -> float:
    """The mean of a sphere of ``bsdf``, filling the middle of the view, in a white room."""
    return float(furnace_colour(bsdf).mean())


def furnace_colour(bsdf: dict) -> np.ndarray:
    """The mean colour of a sphere of ``bsdf``, filling the middle of the view, in a white
    room."""
    mi = activate_mitsuba()
    scene = mi.load_dict({
        "type": "scene", "integrator": {"type": "path", "max_depth": 64},
        "room": {"type": "constant"},
        "ball": {"type": "sphere", "bsdf": bsdf},
        "sensor": {"type": "perspective", "fov": 30,
                   "to_world": mi.ScalarTransform4f.look_at(origin=[0, 0, 6], target=[0, 0, 0],
                                                           up=[0, 1, 0]),
                   "film": {"type": "hdrfilm", "width": 32, "height": 32, "pixel_format": "rgb"},
                   "sampler": {"type": "independent", "sample_count": 128}}})
    image = np.asarray(mi.render(scene))
    return image[12:20, 12:20].reshape(-1, 3).mean(axis=0)


@pytest.mark.parametrize("kind", ["principled", "principledthin"])
@pytest.mark.parametrize("eta", [1.5, 2.42])
def test_rough_glass_in_a_white_furnace_is_as_bright_as_the_room(kind, eta):
    mi = activate_mitsuba()
    bare = in_furnace(glass(kind, eta, 1.0))
    compensated = in_furnace(rough_glass(mi, glass(kind, eta, 1.0)))
    assert bare < 0.75  # what is given back
    assert compensated == pytest.approx(1.0, abs=0.12), (bare, compensated)


@pytest.mark.parametrize("kind", ["principled", "principledthin"])
def test_light_given_back_by_coloured_glass_is_tinted_again(kind):
    """Light scattered between a coloured glass's microfacets is refracted, and tinted, more than
    once: what is given back is tinted by Kulla and Conty's Fms, as Cycles does. A glass white in
    green and blue and a quarter in red, at roughness 1: green and blue are as bright as the room
    (as white glass is), and red keeps well under the share of the blue that the single scattering
    alone keeps (given back untinted, it kept 0.95 of it)."""
    mi = activate_mitsuba()
    tinted = glass(kind, 1.5, 1.0)
    tinted["base_color"] = {"type": "rgb", "value": [0.25, 1.0, 1.0]}
    bare = furnace_colour(tinted)
    compensated = furnace_colour(rough_glass(mi, dict(tinted)))
    assert compensated[1] == pytest.approx(1.0, abs=0.12)
    assert compensated[2] == pytest.approx(1.0, abs=0.12)
    single = bare[0] / bare[2]
    assert bare[0] < compensated[0] < 0.75 * single * compensated[2], (bare, compensated)


def test_the_tint_of_light_scattered_more_than_once():
    assert hemisphere_albedo(np.ones((3, 17))) == pytest.approx(np.ones(3))  # 2 * int mu dmu
    assert multiple_scattering_tint(1.0, 0.6) == pytest.approx(1.0)  # white stays white
    assert multiple_scattering_tint(0.5, 1.0) == pytest.approx(0.5)  # nothing lost: one tint
    # the more is lost to scattering between microfacets, the more often it is tinted
    assert multiple_scattering_tint(0.5, 0.4) < multiple_scattering_tint(0.5, 0.8) < 0.5


def test_smooth_glass_is_left_as_it_is():
    mi = activate_mitsuba()
    table = directional_albedo(mi, "principled", 1.5, inside=False)
    assert np.allclose(table[0, 2:], 1.0, atol=0.02)  # smooth: nothing lost (but at grazing)
    assert in_furnace(rough_glass(mi, glass("principled", 1.5, 0.02))) == pytest.approx(
        in_furnace(glass("principled", 1.5, 0.02)), abs=0.02)


def test_partly_transmissive_glass_gets_back_its_transmitted_share():
    """Half transmission: half the gain, so the opaque half's diffuse light is not brightened."""
    mi = activate_mitsuba()
    half = rough_glass(mi, glass("principled", 1.5, 1.0, transmission=0.5))
    assert in_furnace(glass("principled", 1.5, 1.0, 0.5)) < in_furnace(half) < 1.05


def test_rough_transmissive_materials_are_drawn_as_rough_glass():
    mi = activate_mitsuba()
    translator = MaterialTranslator(mi, lambda ref: None)
    quad = MeshData("quad", np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0]], np.float32),
                    np.array([[0, 1, 2]], np.int32), np.tile([0, 0, 1], (3, 1)).astype(np.float32))
    frosted = ResolvedMaterial(id="frosted", base_color=(0.9, 0.9, 0.9), metallic=0.0,
                               roughness=0.6, transmission=1.0)
    clear = ResolvedMaterial(id="clear", base_color=(0.9, 0.9, 0.9), metallic=0.0,
                             roughness=0.0, transmission=1.0)
    opaque = ResolvedMaterial(id="opaque", base_color=(0.9, 0.9, 0.9), metallic=0.0,
                              roughness=0.6)
    assert translator.for_material(frosted, quad).bsdf["type"] == ROUGH_GLASS
    assert translator.for_material(clear, quad).bsdf["type"] != ROUGH_GLASS
    assert ROUGH_GLASS not in repr(translator.for_material(opaque, quad).bsdf)
