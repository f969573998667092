"""Through glass the still shows the backdrop, as a studio photograph does, not the HDR
environment that lights it: a clear glass on the white backdrop is light, a blue one blue; what
lies behind the glass in the product stays; with a transparent background the glass lets what
is behind the image through."""

from __future__ import annotations

import drjit as dr
import numpy as np
import pytest

from app.photoreal.backend import activate_mitsuba
from app.photoreal.compositing import Passes, composite
from app.photoreal.render import render_photoreal
from app.scene.description import ResolvedMaterial
from tests.viewport.scenes import (
    FakeSource,
    card_mesh,
    drawable,
    scene_of,
    sphere_mesh,
    translation,
    write_radiance_hdr,
)

SIZE = (80, 60)
DIM_RED_STUDIO = (0.3, 0.04, 0.04)  # the environment: nothing like the white backdrop


def glass(name: str = "glass", *, thickness: float = 1.0, colour=(1.0, 1.0, 1.0),
          distance: float = float("inf")) -> ResolvedMaterial:
    return ResolvedMaterial(id=name, base_color=(1.0, 1.0, 1.0), metallic=0.0, roughness=0.0,
                            transmission=1.0, ior=1.5, thickness=thickness,
                            attenuation_color=colour, attenuation_distance=distance)


def red_paint() -> ResolvedMaterial:
    return ResolvedMaterial(id="red", base_color=(0.8, 0.02, 0.02), metallic=0.0,
                            roughness=0.6)


def render(tmp_path, drawables, meshes, *, transparent=False) -> np.ndarray:
    hdr = np.ones((16, 32, 3), np.float32) * np.asarray(DIM_RED_STUDIO, np.float32)
    path = write_radiance_hdr(tmp_path / "studio.hdr", hdr)
    scene = scene_of(drawables, str(path))
    return render_photoreal(scene, FakeSource(meshes), size=SIZE, spp=16,
                            transparent=transparent).display


def middle(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    return image[h // 2 - 4:h // 2 + 4, w // 2 - 4:w // 2 + 4].reshape(-1, image.shape[-1]
                                                                        ).mean(axis=0)


def test_a_clear_glass_shows_the_white_backdrop_not_the_studio(tmp_path):
    for material, mesh in ((glass(), sphere_mesh(0.5)),  # a solid, refracting
                           (glass(thickness=0.0), card_mesh(0.8))):  # a thin wall
        rgb = middle(render(tmp_path, [drawable("glass", material)], {"glass": mesh}))
        # the dim red studio drew it dark red (0.3, 0.08, 0.08 and less)
        assert rgb.min() > 0.8, (material.thickness, rgb)
        assert rgb.max() - rgb.min() < 0.05


def test_a_blue_glass_tints_the_backdrop(tmp_path):
    blue = glass(colour=(0.3, 0.7, 1.0), distance=1.0)
    rgb = middle(render(tmp_path, [drawable("glass", blue)], {"glass": sphere_mesh(0.5)}))
    assert rgb[2] > 0.85
    assert rgb[0] < rgb[1] < rgb[2] - 0.05
    assert rgb[0] < 0.8


def test_what_lies_behind_the_glass_stays(tmp_path):
    drawables = [drawable("glass", glass()),
                 drawable("wall", red_paint(), transform=translation(z=-1.0))]
    rgb = middle(render(tmp_path, drawables, {"glass": sphere_mesh(0.5),
                                              "wall": card_mesh(3.0)}))
    assert rgb[0] > 2.5 * rgb[1]  # the red wall through the glass, not the white backdrop


def test_with_a_transparent_background_clear_glass_lets_the_page_through(tmp_path):
    meshes = {"glass": sphere_mesh(0.5)}
    clear = render(tmp_path, [drawable("glass", glass())], meshes, transparent=True)
    assert middle(clear)[3] < 0.2
    paint = render(tmp_path, [drawable("glass", red_paint())], meshes, transparent=True)
    assert middle(paint)[3] > 0.99
    # over the white the still would have had, the same picture
    opaque = render(tmp_path, [drawable("glass", glass())], meshes)
    over_white = clear[..., :3] * clear[..., 3:] + (1.0 - clear[..., 3:])
    assert np.abs(over_white - opaque).mean() < 0.02


def test_the_backdrop_through_glass_is_added_in_light():
    colour = np.zeros((1, 2, 3), np.float32)
    colour[0, 1] = 0.2  # a reflection over the glass
    passes = Passes(colour=colour, coverage=np.ones((1, 2), np.float32),
                    through=np.array([[[1.0, 1.0, 1.0], [0.2, 0.5, 0.9]]], np.float32))
    grey = (0.5, 0.5, 0.5)
    display, _ = composite(passes, background=grey, transparent=False)
    assert display[0, 0] == pytest.approx(grey, abs=1e-4)  # all of it passes: the backdrop
    tint_alone = (np.array([0.2, 0.5, 0.9]) * 0.5 ** 2.2) ** (1 / 2.2)
    assert np.all(display[0, 1] > tint_alone + 0.1)  # tinted, with the reflection added
    assert display[0, 1, 0] < display[0, 1, 1] < display[0, 1, 2]
    shown, _ = composite(passes, background=grey, transparent=True)
    assert shown[0, 0, 3] == pytest.approx(0.0, abs=1e-4)
    assert shown[0, 1, 3] == pytest.approx(0.8, abs=1e-3)  # the least channel passes
    over = shown[0, 1, :3] * shown[0, 1, 3] + (1 - shown[0, 1, 3]) * np.asarray(grey)
    assert over == pytest.approx(display[0, 1], abs=1e-3)


def test_the_glass_passes_keep_only_what_the_glass_transmits():
    mi = activate_mitsuba()

    def furnace(bsdf: dict) -> float:
        scene = mi.load_dict({
            "type": "scene", "integrator": {"type": "path", "hide_emitters": True},
            "environment": {"type": "constant", "radiance": 1.0},
            "ball": {"type": "sphere", "bsdf": bsdf},
            "sensor": {"type": "perspective", "fov": 10.0,
                       "to_world": mi.ScalarTransform4f().look_at(
                           origin=[0, 0, 5], target=[0, 0, 0], up=[0, 1, 0]),
                       "film": {"type": "hdrfilm", "width": 8, "height": 8,
                                "pixel_format": "rgb"},
                       "sampler": {"type": "independent", "sample_count": 16}}})
        return float(np.asarray(mi.render(scene, seed=dr.opaque(mi.UInt32, 1))).mean())

    glass_ball = {"type": "dielectric", "int_ior": 1.5}
    assert furnace(glass_ball) == pytest.approx(1.0, abs=0.03)  # all the light, one way or other
    through = furnace({"type": "transmittedonly", "bsdf": glass_ball})
    assert 0.8 < through < 0.97  # less what the two faces reflect
    assert furnace({"type": "transmittedonly", "bsdf": {"type": "diffuse"}}) == 0.0


def test_the_glass_passes_cover_the_pixels_where_the_glass_is_seen(tmp_path):
    from app.photoreal.see_through import pixel_box
    from tests.viewport.scenes import FRONT_CAMERA

    mesh = sphere_mesh(0.5)
    shifted = mesh.vertices + np.array([0.6, 0.2, 0.0])  # off centre: the box moves with it
    seen = render(tmp_path, [drawable("ball", red_paint(), transform=translation(0.6, 0.2))],
                  {"ball": mesh}, transparent=True)[..., 3] > 0
    rows, columns = np.nonzero(seen)
    x, y, w, h = pixel_box(FRONT_CAMERA, SIZE, shifted)
    assert x <= columns.min() and columns.max() < x + w
    assert y <= rows.min() and rows.max() < y + h
    assert w <= np.ptp(columns) + 1 + 4 and h <= np.ptp(rows) + 1 + 4  # no more than a margin
    behind = np.array([[0.0, 0.0, 5.0], [0.0, 0.0, 0.0]])
    assert pixel_box(FRONT_CAMERA, SIZE, behind) == (0, 0, *SIZE)
    assert pixel_box(FRONT_CAMERA, SIZE, np.array([[50.0, 0.0, 0.0]])) is None
