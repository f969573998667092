"""A Blender cube with image textures on its base colour, roughness, metalness, normal and
glow (tests/assets/blender/maps), written by Blender as OBJ and as GLB: the still draws the
two alike; a Blender normal map on its second UV map is read in that map's frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests import khronos_scenes as k
from tests.khronos_scenes import model_file_scene, render

MAPS = Path(__file__).parents[1] / "assets" / "blender" / "maps"


def test_an_obj_s_texture_maps_draw_as_the_same_scene_s_glb():
    glb, obj = (render("photoreal", *model_file_scene(MAPS / name), size=(160, 120),
                       spp=16).astype(int) for name in ("cube.glb", "cube.obj"))
    assert (glb.max(axis=-1) < 200).mean() > 0.1  # the cube is in the picture
    difference = np.abs(glb - obj).max(axis=-1)
    assert difference.mean() < 3.0
    assert (difference > 40).mean() < 0.002


def test_a_normal_map_on_the_second_uv_map_is_read_in_its_frame(tmp_path):
    k.check_a_blender_normal_map_on_its_second_uv_map("photoreal", tmp_path)
