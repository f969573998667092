"""Models written by Blender's own glTF exporter (tests/assets/blender, made by
bench/blender_exports.py): read as Blender shows them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from app.assets.model_loading import load_model

BLENDER = Path(__file__).parent / "blender"


def test_a_shape_key_left_at_a_value_is_drawn_at_it():
    """A sphere of radius 0.5 whose key ``squash`` (x and y 1.6 times, z 0.4 times: Blender's
    z is glTF's y) is at 0.75: 1.45 wide and 0.55 tall, as Blender draws it."""
    [sphere] = load_model(BLENDER / "morph.glb").meshes.values()
    size = np.ptp(np.asarray(sphere.vertices), axis=0)
    assert size == pytest.approx([1.45, 0.55, 1.45], abs=0.01)


@pytest.mark.parametrize("name", ["textured.glb", "textured_draco.glb", "textured_webp.glb"])
def test_a_textured_cube_keeps_its_uv_maps_mapping_and_colours(name):
    model = load_model(BLENDER / name)
    assert model.warnings == ()
    assert sorted(model.meshes) == ["Cube", "Cube.001"]
    cube = model.meshes["Cube"]
    slots = dict(cube.material.texture_slots())
    base, orm = slots["base colour"], slots["metallic-roughness"]
    assert (base.texcoord, orm.texcoord) == (0, 1)
    assert base.transform.scale == pytest.approx((2.0, 2.0))
    assert base.transform.rotation == pytest.approx(math.radians(15), abs=1e-6)
    assert cube.uv is not None and cube.uv1 is not None and cube.colors is not None
    # the second map is the first turned a quarter: (u, v) -> (v, 1 - u), in glTF's v down
    first, second = np.asarray(cube.uv, float), np.asarray(cube.uv1, float)
    np.testing.assert_allclose(second[:, 0], 1.0 - first[:, 1], atol=2e-3)
    # roughness rises across the texture (green), no metal (blue)
    pixels = np.asarray(cube.material.orm_texture.pixels, float)
    across = pixels[..., 1].mean(axis=0)
    assert across[-1] - across[0] > 150 and pixels[..., 2].max() < 8  # WebP: lossy
    mirrored = model.meshes["Cube.001"]
    assert np.ptp(np.asarray(mirrored.vertices), axis=0) == pytest.approx([1.0] * 3, abs=1e-3)


def test_materials_and_a_library_named_with_a_hash_keep_their_names():
    """Blender writes a 3ds Max name ``Material #25`` as ``Material_#25`` in both the OBJ and
    its MTL, and names the library after the file (``Chair #2.mtl``); it reads them back
    whole. So does the app: the red cube and the blue one, no warning (the names had been cut
    at the '#': the library refused as not found)."""
    model = load_model(BLENDER / "hash_names" / "Chair #2.obj")
    assert model.warnings == ()
    colours = {name: mesh.material.base_color for name, mesh in model.meshes.items()}
    assert colours.keys() == {"Material_#25", "Material_#26"}
    assert colours["Material_#25"] == pytest.approx((0.8, 0.05, 0.05, 1.0), abs=1e-6)
    assert colours["Material_#26"] == pytest.approx((0.05, 0.05, 0.8, 1.0), abs=1e-6)


def test_a_scene_exported_with_its_lights_is_drawn_with_a_warning():
    """Blender writes its lights as a required extension (``KHR_lights_punctual``): the cube
    is drawn (it had been refused), the lights named as not used."""
    model = load_model(BLENDER / "lit.glb")
    assert list(model.meshes) == ["Cube"]
    assert len(model.warnings) == 1 and "'KHR_lights_punctual': its lights are not used" in \
        model.warnings[0]


def test_a_posed_armature_bends_the_mesh_as_blender_does():
    """A tube on two bones, the upper one turned 70 degrees in pose mode: its vertices where
    Blender's armature deformation puts them (skinned_posed.json), within 0.1 mm."""
    [tube] = load_model(BLENDER / "skinned.glb").meshes.values()
    ours = np.asarray(tube.vertices, np.float64)
    blender = np.asarray(json.loads((BLENDER / "skinned_posed.json").read_text()))
    assert np.ptp(blender[:, 2]) > 0.5  # bent: the upper half leans out along z
    for found, expected in ((ours, blender), (blender, ours)):
        nearest = np.array([np.linalg.norm(expected - p, axis=1).min() for p in found])
        assert nearest.max() < 1e-4
