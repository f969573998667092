"""A glowing part's point light: at its centre, sending out its whole glow."""

import math
from dataclasses import replace

import numpy as np
import pytest

from app.assets.mesh import MeshData
from app.scene.description import ResolvedMaterial, TextureRef, slot
from app.scene.glow_lights import glow_light
from tests.viewport.scenes import drawable

GLOW = ResolvedMaterial("lamp", emissive=(2.0, 1.0, 0.0))


def square(side: float = 1.0) -> MeshData:
    """A side x side square in the z = 0 plane, centred on (0.5, 0.5) x side."""
    vertices = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], np.float32) * side
    return MeshData("square", vertices, np.array([[0, 1, 2], [0, 2, 3]], np.int32),
                    np.tile([0, 0, 1], (4, 1)).astype(np.float32))


def no_texture(ref):
    raise AssertionError("no texture to read")


def test_a_glowing_square_sends_its_glow_from_its_centre():
    light = glow_light(drawable("square", GLOW), square(), no_texture)
    assert light.position == pytest.approx((0.5, 0.5, 0.0))
    assert light.intensity == pytest.approx((0.5, 0.25, 0.0))  # radiance x area / 4
    assert light.radius == pytest.approx(math.sqrt(1 / (4 * math.pi)))


def test_the_light_follows_the_parts_transform():
    moved = ((2.0, 0, 0, 1.0), (0, 2.0, 0, 0), (0, 0, 2.0, 0), (0, 0, 0, 1))
    light = glow_light(drawable("square", GLOW, transform=moved), square(), no_texture)
    assert light.position == pytest.approx((2.0, 1.0, 0.0))
    assert light.intensity == pytest.approx((2.0, 1.0, 0.0))  # four times the area


def test_an_emissive_texture_glows_at_its_mean_and_a_blended_part_as_much_as_it_is_there():
    textured = replace(GLOW, emissive_texture=slot(TextureRef("glow.png", srgb=True)),
                       opacity=0.5, alpha_mode="BLEND")
    light = glow_light(drawable("square", textured), square(), lambda ref: (0.2, 0.4, 1.0))
    assert light.intensity == pytest.approx((0.05, 0.05, 0.0))


@pytest.mark.parametrize("material", [
    ResolvedMaterial("dark"),
    replace(GLOW, unlit=True),  # shows its colour, lights nothing
])
def test_no_light_without_a_lit_glow(material):
    assert glow_light(drawable("square", material), square(), no_texture) is None


def test_no_light_from_a_hidden_part():
    assert glow_light(drawable("square", GLOW, visible=False), square(), no_texture) is None
