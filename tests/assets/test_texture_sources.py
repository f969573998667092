"""EXT_texture_webp textures drawn from their WebP image; KHR_texture_basisu textures drawn from
their PNG/JPEG fallback, their KTX2 image not read (tests/assets/test_ktx2.py: those only in
KTX2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.assets.ktx2 import KTX2_IDENTIFIER
from app.assets.model_loading import load_model
from app.errors import AssetError


def avocado(external_dir: Path, folder: Path) -> tuple[Path, dict]:
    source = external_dir / "khronos/Avocado/glTF-Quantized"
    shutil.copytree(source, folder)
    path = folder / "Avocado.gltf"
    return path, json.loads(path.read_text())


def base_colour(model) -> np.ndarray:
    (mesh,) = model.meshes.values()
    return np.asarray(mesh.material.base_color_texture.pixels)


def test_a_webp_texture_is_drawn_from_its_webp_image(external_dir, tmp_path):
    path, header = avocado(external_dir, tmp_path / "webp")
    blue = Image.new("RGB", (64, 64), (20, 40, 230))
    blue.save(path.parent / "baseColor.webp", lossless=True)
    header["images"].append({"uri": "baseColor.webp", "mimeType": "image/webp"})
    header["textures"][0] = {"extensions": {"EXT_texture_webp": {"source": 3}}}
    header["extensionsUsed"] = [*header.get("extensionsUsed", []), "EXT_texture_webp"]
    header["extensionsRequired"] = [*header["extensionsRequired"], "EXT_texture_webp"]
    path.write_text(json.dumps(header))
    model = load_model(path)
    pixels = base_colour(model)
    assert pixels.shape[:2] == (64, 64)
    np.testing.assert_array_equal(pixels[0, 0, :3], [20, 40, 230])
    assert model.warnings == ()


def test_a_webp_texture_with_a_fallback_prefers_the_webp(external_dir, tmp_path):
    path, header = avocado(external_dir, tmp_path / "webp")
    Image.new("RGB", (32, 32), (200, 10, 10)).save(path.parent / "c.webp", lossless=True)
    header["images"].append({"uri": "c.webp"})
    header["textures"][0]["extensions"] = {"EXT_texture_webp": {"source": 3}}
    header["extensionsUsed"] = ["EXT_texture_webp"]
    path.write_text(json.dumps(header))
    np.testing.assert_array_equal(base_colour(load_model(path))[5, 5, :3], [200, 10, 10])


def test_a_basisu_texture_is_drawn_from_its_fallback_its_ktx2_unread(external_dir, tmp_path):
    """The fallback is the image the KTX2 was compressed from: drawn, without a word; the
    KTX2 file (here nothing but its identifier) is not read."""
    path, header = avocado(external_dir, tmp_path / "basisu")
    (path.parent / "baseColor.ktx2").write_bytes(KTX2_IDENTIFIER + b"\x00" * 200)
    header["images"].append({"uri": "baseColor.ktx2", "mimeType": "image/ktx2"})
    header["textures"][0]["extensions"] = {"KHR_texture_basisu": {"source": 3}}
    header["extensionsUsed"] = ["KHR_texture_basisu"]
    path.write_text(json.dumps(header))
    model = load_model(path)
    png = np.asarray(Image.open(path.parent / "Avocado_baseColor.png").convert("RGB"))
    np.testing.assert_array_equal(base_colour(model)[..., :3], png)
    assert model.warnings == ()


def test_a_damaged_texture_only_in_ktx2_is_refused_naming_it(external_dir, tmp_path):
    path, header = avocado(external_dir, tmp_path / "basisu")
    (path.parent / "baseColor.ktx2").write_bytes(KTX2_IDENTIFIER + b"\x00" * 200)
    header["images"].append({"uri": "baseColor.ktx2", "mimeType": "image/ktx2"})
    header["textures"][0] = {"extensions": {"KHR_texture_basisu": {"source": 3}}}
    header["extensionsUsed"] = ["KHR_texture_basisu"]
    header["extensionsRequired"] = [*header["extensionsRequired"], "KHR_texture_basisu"]
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.file == str(path)
    assert "baseColor.ktx2: image is damaged" in str(caught.value)
    assert "KTX2 header declares depth 0, 0 layers and 0 faces" in caught.value.message


@pytest.mark.parametrize("source", [99, -1, "0", None, True])
def test_a_webp_source_that_names_no_image_is_refused(external_dir, tmp_path, source):
    path, header = avocado(external_dir, tmp_path / "bad")
    header["textures"][0] = {"extensions": {"EXT_texture_webp": {"source": source}}}
    header["extensionsUsed"] = ["EXT_texture_webp"]
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.field == "textures[0].extensions.EXT_texture_webp.source"


def test_a_webp_bomb_is_refused_before_it_is_decoded(external_dir, tmp_path):
    path, header = avocado(external_dir, tmp_path / "bomb")
    Image.new("L", (9000, 9000)).save(path.parent / "big.webp", lossless=True, quality=0)
    header["images"].append({"uri": "big.webp"})
    header["textures"][0] = {"extensions": {"EXT_texture_webp": {"source": 3}}}
    header["extensionsUsed"] = ["EXT_texture_webp"]
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError, match="pixels|limit"):
        load_model(path, max_texture_pixels=1_000_000)
