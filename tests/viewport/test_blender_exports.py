"""Blender's glTF exporter's Draco and WebP options (tests/assets/blender): the live view
draws the compressed files as the plain one; a Blender normal map on its second UV map is read
in that map's frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests import khronos_scenes as k
from tests.khronos_scenes import model_file_scene, render

BLENDER = Path(__file__).parents[1] / "assets" / "blender"


def drawn(name: str) -> np.ndarray:
    scene, assets = model_file_scene(BLENDER / name)
    return render("live", scene, assets, size=(160, 120)).astype(int)


@pytest.mark.parametrize(("name", "mean"), [("textured_draco.glb", 0.5),  # quantized positions
                                            ("textured_webp.glb", 2.0)])  # lossy images
def test_compressed_exports_draw_as_the_plain_one(name, mean):
    plain, compressed = drawn("textured.glb"), drawn(name)
    assert (plain.max(axis=-1) < 200).mean() > 0.1  # the cubes are in the picture
    difference = np.abs(compressed - plain).max(axis=-1)
    assert difference.mean() < mean
    assert (difference > 40).mean() < 0.002


def test_an_obj_s_texture_maps_draw_as_the_same_scene_s_glb():
    """One Blender cube with image textures on its base colour, roughness, metalness, normal
    and glow, written by Blender as OBJ (map_Kd, map_Pr, map_Pm, map_Bump -bm, map_Ke) and as
    GLB: the live view draws the two alike."""
    glb, obj = drawn("maps/cube.glb"), drawn("maps/cube.obj")
    difference = np.abs(glb - obj).max(axis=-1)
    assert difference.mean() < 1.0
    assert (difference > 40).mean() < 0.002


def test_a_normal_map_on_the_second_uv_map_is_read_in_its_frame(tmp_path):
    k.check_a_blender_normal_map_on_its_second_uv_map("live", tmp_path)
