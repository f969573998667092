"""A glowing material lights what is around it in the still (glTF emission is light, as Cycles
draws it); an unlit material's colour is only what the camera is shown and lights nothing."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.render import render_photoreal
from app.photoreal.scene_build import glowing_faces
from app.scene.description import ResolvedMaterial
from tests.viewport.scenes import (
    FakeSource,
    card_mesh,
    drawable,
    scene_of,
    sphere_mesh,
    studio_environment,
    translation,
    write_radiance_hdr,
)

SIZE = (96, 72)
WALL = ResolvedMaterial(id="wall", base_color=(0.8, 0.8, 0.8), metallic=0.0, roughness=0.9)
BLUE = (0.1, 0.3, 1.0)


def wall_beside_a_ball(tmp_path, ball: ResolvedMaterial) -> np.ndarray:
    """Linear RGB of the wall, in a strip to the left of a ball that hangs in front of it."""
    hdr = write_radiance_hdr(tmp_path / "dim.hdr", studio_environment() * 0.05)
    parts = [drawable("card", WALL),
             drawable("sphere", ball, transform=translation(0.1, 0.0, 0.25))]
    source = FakeSource({"card": card_mesh(2.0), "sphere": sphere_mesh(0.15)})
    image = render_photoreal(scene_of(parts, str(hdr)), source, size=SIZE, spp=64).linear
    h, w = image.shape[:2]
    strip = image[h // 2 - 6:h // 2 + 6, w // 2 - 22:w // 2 - 12, :3]
    return strip.reshape(-1, 3).mean(axis=0)


def test_a_glowing_ball_lights_the_wall_beside_it_in_its_colour(tmp_path):
    dark = wall_beside_a_ball(tmp_path, ResolvedMaterial(id="ball", base_color=(0.1, 0.1, 0.1)))
    glowing = wall_beside_a_ball(tmp_path, ResolvedMaterial(
        id="ball", base_color=(0.1, 0.1, 0.1), emissive=tuple(4.0 * c for c in BLUE)))
    gained = glowing - dark
    # in a dim room, the ball about doubles the blue light on the wall near it (0.035 -> 0.073)
    assert gained[2] > 0.6 * dark[2]
    assert gained == pytest.approx(gained[2] * np.array(BLUE), rel=0.35)  # in its colour


def test_an_unlit_ball_lights_nothing(tmp_path):
    matte = ResolvedMaterial(id="ball", base_color=BLUE)
    shaded = wall_beside_a_ball(tmp_path, dataclasses.replace(matte, base_color=(0.0, 0.0, 0.0)))
    unlit = wall_beside_a_ball(tmp_path, dataclasses.replace(matte, unlit=True))
    assert unlit == pytest.approx(shaded, abs=0.01)


def test_only_the_faces_that_glow_shed_light():
    mi = activate_mitsuba()
    pixels = np.zeros((8, 8, 3), np.float32)
    pixels[:, :4] = 2.0  # the left half of the texture glows
    radiance = {"type": "bitmap", "bitmap": mi.Bitmap(pixels), "raw": True}
    uv = np.array([[0.1, 0.1], [0.4, 0.1], [0.1, 0.9],  # a face over the left half
                   [0.6, 0.1], [0.9, 0.1], [0.9, 0.9],  # one over the right half
                   [0.3, 0.5], [0.9, 0.5], [0.9, 0.6]], np.float32)  # one over both
    faces = np.arange(9).reshape(3, 3)
    assert glowing_faces(faces, uv, radiance).tolist() == [True, False, True]
    assert glowing_faces(faces, uv + 1.0, radiance).tolist() == [True, False, True]  # repeats
    assert glowing_faces(faces, None, radiance).tolist() == [True] * 3
    dark = {**radiance, "bitmap": mi.Bitmap(np.zeros((8, 8, 3), np.float32))}
    assert glowing_faces(faces, uv, dark).tolist() == [False] * 3
