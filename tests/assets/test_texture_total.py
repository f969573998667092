"""All the textures of one model file are held to one budget of pixels, checked from the images'
headers before any is decoded: a 1.2 MB GLB of six flat 7900-pixel PNGs took 1.6 GB to load,
so a file of a hundred would have filled the memory. Within the budget the file loads; an image
that several materials share counts once."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import app.assets.model_loading as model_loading
import app.assets.textures as textures
from app.assets.model_loading import load_model
from app.errors import AssetError
from tests.assets.conftest import QUAD_INDICES, QUAD_POSITIONS, write_gltf

SIDE = 64  # each image 64 x 64 = 4096 pixels
BUDGET = 10_000  # two images fit, three do not


@pytest.fixture(autouse=True)
def small_budget(monkeypatch):
    monkeypatch.setattr(textures, "MAX_MODEL_TEXTURE_PIXELS", BUDGET)


def png(path, colour) -> str:
    Image.new("RGB", (SIDE, SIDE), colour).save(path)
    return path.name


def quads_with_textures(tmp_path, count: int, *, images: int | None = None):
    """A .gltf of ``count`` quads, each textured with an image of its own (or one of
    ``images`` shared ones)."""
    images = count if images is None else images
    names = [png(tmp_path / f"t{i}.png", (40 * i % 256, 80, 120)) for i in range(images)]
    uv = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    path = write_gltf(
        tmp_path / "textured.gltf",
        meshes=[{"name": f"q{i}", "primitives": [{"positions": np.asarray(QUAD_POSITIONS) + i,
                                                  "indices": QUAD_INDICES, "uv": uv,
                                                  "material": i}]} for i in range(count)],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": i % images}}}
                   for i in range(count)],
        images=[{"uri": name} for name in names])
    header = json.loads(path.read_text())
    header["textures"] = [{"source": i} for i in range(images)]
    path.write_text(json.dumps(header))
    return path


def test_images_past_the_budget_are_refused_before_any_is_decoded(tmp_path, monkeypatch):
    def decoded(*args, **kwargs):
        raise AssertionError("an image was decoded")

    monkeypatch.setattr(model_loading, "texture_from_image", decoded)
    path = quads_with_textures(tmp_path, 3)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (
        f"{path}: its images hold more than the {BUDGET} pixels allowed in all (12288 in the "
        "first 3): scale its textures down (4096 pixels a side is plenty for a product seen "
        "whole) or let materials share them")


def test_images_within_the_budget_load(tmp_path):
    model = load_model(quads_with_textures(tmp_path, 2))
    assert len(model.meshes) == 2


def test_an_image_three_materials_share_counts_once(tmp_path):
    model = load_model(quads_with_textures(tmp_path, 3, images=1))
    assert len(model.meshes) == 3


def obj_with_textures(tmp_path, names: list[str]):
    materials = "".join(f"newmtl m{i}\nmap_Kd {name}\n" for i, name in enumerate(names))
    (tmp_path / "m.mtl").write_text(materials)
    faces = "".join(f"usemtl m{i}\nf {3 * i + 1}/1 {3 * i + 2}/2 {3 * i + 3}/3\n"
                    for i in range(len(names)))
    vertices = "".join(f"v {i} 0 0\nv {i + 1} 0 0\nv {i} 1 0\n" for i in range(len(names)))
    path = tmp_path / "m.obj"
    path.write_text(f"mtllib m.mtl\n{vertices}vt 0 0\nvt 1 0\nvt 0 1\n{faces}")
    return path


def test_an_obj_whose_materials_name_images_past_the_budget_is_refused(tmp_path):
    names = [png(tmp_path / f"t{i}.png", (40 * i, 80, 120)) for i in range(3)]
    path = obj_with_textures(tmp_path, names)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.file == str(path)
    assert "(12288 in the first 3)" in caught.value.message
    shared = png(tmp_path / "shared.png", (10, 20, 30))
    assert load_model(obj_with_textures(tmp_path, [shared] * 3)).meshes
