"""Stills: colours, materials, textures, transparency, framing and files."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.assets.mesh import MeshMaterial
from app.errors import AppError, AssetError
from app.scene.description import ResolvedMaterial, TextureRef, slot
from app.scene.model_materials import model_material
from app.viewport.still import render_still, save_png
from tests.viewport.scenes import (
    FakeSource,
    card_mesh,
    checker_pixels,
    drawable,
    scene_of,
    sphere_mesh,
    translation,
)

SIZE = (160, 120)
CENTER = (60, 80)  # row, column
RED = ResolvedMaterial("red", base_color=(0.8, 0.02, 0.02), roughness=0.4)
BACKGROUND = (0.9, 0.9, 0.9)


def sphere_pixels(image: Image.Image, radius: int = 18) -> np.ndarray:
    pixels = np.asarray(image, dtype=float)
    rows, cols = np.mgrid[: pixels.shape[0], : pixels.shape[1]]
    inside = (rows - CENTER[0]) ** 2 + (cols - CENTER[1]) ** 2 < radius**2
    return pixels[inside][:, :3]


def render_sphere(hdr, material, **options) -> Image.Image:
    source = FakeSource({"sphere": sphere_mesh()})
    scene = scene_of(
        [drawable("sphere", material)],
        hdr,
        background=BACKGROUND,
        ground=options.pop("ground", False),
    )
    options.setdefault("supersample", 1)
    return render_still(scene, source, size=SIZE, **options)


def test_red_material_is_red_on_the_object_and_background_elsewhere(studio_hdr):
    image = render_sphere(studio_hdr, RED)
    assert image.mode == "RGB" and image.size == SIZE
    r, g, b = np.asarray(image)[CENTER].astype(int)
    assert r > 150 and g < 70 and b < 70
    for corner in [(2, 2), (2, 157), (117, 2), (117, 157)]:
        assert tuple(np.asarray(image)[corner]) == (230, 230, 230)


def test_metal_reflects_the_environment_in_its_own_colour(studio_hdr):
    gold = (0.9, 0.5, 0.1)
    plastic = sphere_pixels(
        render_sphere(
            studio_hdr, ResolvedMaterial("plastic", base_color=gold, metallic=0.0, roughness=0.2)
        )
    )
    metal = sphere_pixels(
        render_sphere(
            studio_hdr, ResolvedMaterial("metal", base_color=gold, metallic=1.0, roughness=0.2)
        )
    )
    # a dielectric has a white specular layer over its colour; a metal has no white at all
    plastic_blue_share = plastic[:, 2].sum() / plastic.sum()
    metal_blue_share = metal[:, 2].sum() / metal.sum()
    assert plastic_blue_share > metal_blue_share + 0.015
    # and a mirror-like metal shows more of the environment's contrast
    assert metal.mean(axis=1).std() > 1.3 * plastic.mean(axis=1).std()


def test_emissive_colour_glows_on_a_black_base(studio_hdr):
    glowing = ResolvedMaterial(
        "led", base_color=(0.0, 0.0, 0.0), roughness=1.0, emissive=(0.0, 1.0, 0.0)
    )
    dark = ResolvedMaterial("dark", base_color=(0.0, 0.0, 0.0), roughness=1.0)
    glow = sphere_pixels(render_sphere(studio_hdr, glowing)).mean(axis=0)
    plain = sphere_pixels(render_sphere(studio_hdr, dark)).mean(axis=0)
    assert glow[1] > 150 and glow[1] > glow[0] + 100
    assert plain[1] < 60


def test_a_model_files_material_is_drawn_as_the_scene_resolves_it(studio_hdr):
    green = MeshMaterial(name="green", base_color=(0.02, 0.6, 0.02, 1.0), roughness=0.5)
    scene_material = model_material(sphere_mesh(material=green), "green")
    r, g, b = sphere_pixels(render_sphere(studio_hdr, scene_material)).mean(axis=0)
    assert g > r + 60 and g > b + 60


def test_checker_texture_shows_both_colours(studio_hdr):
    material = ResolvedMaterial(
        "checker",
        base_color=(1.0, 1.0, 1.0),
        roughness=0.8,
        base_color_texture=slot(TextureRef("checker.png", srgb=True)),
    )
    source = FakeSource({"card": card_mesh()}, {"checker.png": checker_pixels()})
    image = render_still(
        scene_of([drawable("card", material)], studio_hdr), source, size=SIZE, supersample=1
    )
    card = np.asarray(image, dtype=int)[35:85, 55:105].reshape(-1, 3)
    reds = (card[:, 0] > card[:, 2] + 80).mean()
    blues = (card[:, 2] > card[:, 0] + 80).mean()
    assert 0.3 < reds < 0.7 and 0.3 < blues < 0.7
    # the glTF top-left texel (red) is drawn at the card's top-left corner
    top_left = np.asarray(image, dtype=int)[40, 60]
    assert top_left[0] > top_left[2] + 80


def test_transparent_background_has_alpha(studio_hdr):
    image = render_sphere(studio_hdr, RED, transparent=True, supersample=2)
    pixels = np.asarray(image)
    assert image.mode == "RGBA" and image.size == SIZE
    assert pixels[2, 2, 3] == 0 and pixels[117, 157, 3] == 0
    assert pixels[CENTER][3] == 255 and pixels[CENTER][0] > 150


def test_ground_shadow_darkens_below_the_object_only_when_the_ground_is_on(studio_hdr):
    below = (92, 80)  # just under the sphere's lowest point, on the ground plane
    with_ground = np.asarray(render_sphere(studio_hdr, RED, ground=True), dtype=int)
    without = np.asarray(render_sphere(studio_hdr, RED, ground=False), dtype=int)
    assert tuple(without[below]) == (230, 230, 230)
    assert with_ground[below].max() < 215
    assert tuple(with_ground[2, 2]) == (230, 230, 230)


def test_scene_without_cameras_is_framed_whole(studio_hdr):
    source = FakeSource({"sphere": sphere_mesh(radius=0.5)})
    offset = translation(3.0, 1.0, -2.0)
    scene = scene_of(
        [drawable("sphere", RED, transform=offset)],
        studio_hdr,
        cameras=(),
        background=BACKGROUND,
        bounds=((2.5, 0.5, -2.5), (3.5, 1.5, -1.5)),
    )
    pixels = np.asarray(render_still(scene, source, size=SIZE, supersample=1), dtype=int)
    red = pixels[..., 0] > pixels[..., 1] + 60
    rows, cols = np.nonzero(red)
    assert red.sum() > 500
    assert rows.min() > 3 and rows.max() < 116 and cols.min() > 3 and cols.max() < 156
    assert abs(rows.mean() - 60) < 8 and abs(cols.mean() - 80) < 8


def test_unknown_camera_and_bad_size_are_user_errors(studio_hdr):
    source = FakeSource({"sphere": sphere_mesh()})
    scene = scene_of([drawable("sphere", RED)], studio_hdr)
    with pytest.raises(AppError, match="unknown camera 'top'"):
        render_still(scene, source, size=SIZE, camera_id="top")
    with pytest.raises(AppError, match="size"):
        render_still(scene, source, size=(0, 10))


def test_missing_hdr_names_the_file(tmp_path):
    missing = str(tmp_path / "nowhere.hdr")
    source = FakeSource({"sphere": sphere_mesh()})
    with pytest.raises(AssetError, match="nowhere.hdr: environment.hdr_path: .*not found"):
        render_still(scene_of([drawable("sphere", RED)], missing), source, size=SIZE)


def test_not_an_hdr_names_the_file(tmp_path):
    fake = tmp_path / "studio.hdr"
    fake.write_bytes(b"not an image")
    source = FakeSource({"sphere": sphere_mesh()})
    with pytest.raises(AssetError, match="studio.hdr: .*Radiance"):
        render_still(scene_of([drawable("sphere", RED)], str(fake)), source, size=SIZE)


def test_save_png_writes_atomically_and_round_trips(tmp_path):
    image = Image.fromarray(
        np.arange(48 * 32 * 4, dtype=np.uint32).astype(np.uint8).reshape(32, 48, 4), "RGBA"
    )
    target = save_png(image, tmp_path / "still.png")
    assert target == tmp_path / "still.png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["still.png"]
    with Image.open(target) as written:
        assert written.mode == "RGBA"
        assert np.array_equal(np.asarray(written), np.asarray(image))
    with pytest.raises(AppError, match="missing"):
        save_png(image, tmp_path / "missing" / "still.png")
