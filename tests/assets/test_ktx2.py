"""Textures only in KTX2 (KHR_texture_basisu, tests/assets/ktx2): drawn from their Basis
Universal images as from the PNGs they were made from; a KTX2 image held to the texture limits
from its header before a pixel is made, and a damaged one refused naming it, never a crash."""

from __future__ import annotations

import io
import random
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.assets.gltf_document import document_bytes, split_glb
from app.assets.ktx2 import KTX2_IDENTIFIER
from app.assets.model_loading import load_model
from app.errors import AssetError
from tests.assets.conftest import outcomes_in_own_process
from tests.khronos_scenes import RENDERERS, drawn_apart

KTX2 = Path(__file__).parent / "ktx2"
SOURCE = Path(__file__).parent / "blender" / "textured.glb"
# mean difference per channel (0..255) from the PNG each was made from
CODECS = {"uastc": 1.0, "etc1s": 4.0}


def _pixels(texture) -> np.ndarray:
    return np.asarray(texture.pixels, dtype=float)[..., :3]


@pytest.mark.parametrize("codec", CODECS)
def test_a_texture_only_in_ktx2_draws_as_its_png(codec):
    source = load_model(SOURCE)
    model = load_model(KTX2 / f"textured_{codec}.glb")
    assert model.warnings == ()
    assert sorted(model.meshes) == sorted(source.meshes)
    for name, mesh in model.meshes.items():
        theirs = source.meshes[name].material
        for slot in ("base_color_texture", "orm_texture"):
            ours, png = getattr(mesh.material, slot), getattr(theirs, slot)
            assert ours.pixels.shape[:2] == png.pixels.shape[:2]
            assert np.abs(_pixels(ours) - _pixels(png)).mean() < CODECS[codec]
        # the slots keep their UV sets and transforms (KHR_texture_transform on the KTX2)
        assert dict(mesh.material.texture_slots()).keys() == dict(
            theirs.texture_slots()).keys()
        assert mesh.material.base_color_mapping == theirs.base_color_mapping


@pytest.mark.parametrize("kind", RENDERERS)
def test_the_ktx2_cube_draws_as_its_source(kind):
    product, apart = drawn_apart(kind, SOURCE, KTX2 / "textured_uastc.glb")
    assert product > 0.1 and apart < 3


def _ktx2_images(path: Path) -> tuple[dict, bytearray, list[tuple[int, int]]]:
    header, binary = split_glb(path.read_bytes(), path)
    spans = []
    for image in header["images"]:
        view = header["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        spans.append((start, start + view["byteLength"]))
    return header, bytearray(binary), spans


def _written(tmp_path: Path, header: dict, binary: bytearray, name: str = "changed.glb") -> Path:
    out = tmp_path / name
    out.write_bytes(document_bytes(header, bytes(binary)))
    return out


def test_the_header_s_size_is_held_to_the_limit_before_decoding():
    """The 256 x 256 checker against a limit of 10,000 pixels: refused from its header."""
    with pytest.raises(AssetError, match="256x256 = 65536 pixels; the limit"):
        load_model(KTX2 / "textured_uastc.glb", max_texture_pixels=10_000)


@pytest.mark.parametrize(("field", "value", "message"), [
    (24, 100_000, "the KTX2 file cannot be read"),  # pixelHeight: not its levels' size
    (28, 4, "depth 4"),  # pixelDepth: a 3D texture
    (32, 6, "6 layers"),  # layerCount: an array
    (36, 6, "6 faces"),  # faceCount: a cube map
])
def test_a_ktx2_header_that_is_no_2d_texture_is_refused(tmp_path, field, value, message):
    header, binary, spans = _ktx2_images(KTX2 / "textured_uastc.glb")
    start, _ = spans[0]
    struct.pack_into("<I", binary, start + field, value)
    path = _written(tmp_path, header, binary)
    with pytest.raises(AssetError, match=message) as caught:
        load_model(path)
    assert caught.value.file == str(path) and caught.value.field == "images[0]"


def test_a_ktx2_cut_short_is_refused_naming_the_image(tmp_path):
    header, binary, spans = _ktx2_images(KTX2 / "textured_etc1s.glb")
    start, end = spans[1]
    binary[start + 200:end] = bytes(end - start - 200)
    path = _written(tmp_path, header, binary)
    with pytest.raises(AssetError, match="KTX2") as caught:
        load_model(path)
    assert caught.value.field == "images[1]"


def test_pillow_reads_a_ktx2_file_by_its_identifier_alone():
    """The format is told by the file's first twelve bytes, whatever its name or MIME type
    says; a PNG is still read as a PNG."""
    _, binary, spans = _ktx2_images(KTX2 / "textured_uastc.glb")
    start, end = spans[0]
    data = bytes(binary[start:end])
    assert data.startswith(KTX2_IDENTIFIER)
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.mode, image.size) == ("KTX2", "RGB", (256, 256))
        assert np.asarray(image).shape == (256, 256, 3)
    with Image.open(io.BytesIO(_png())) as image:
        assert image.format == "PNG"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def test_bytes_changed_at_random_load_or_are_refused(tmp_path):
    """Forty files, each with bytes of one KTX2 image changed (fixed seeds), read in a process
    of their own: each loads or is refused naming the model; none stops the process."""
    names = []
    for seed in range(40):
        rng = random.Random(seed)
        header, binary, spans = _ktx2_images(KTX2 / ("textured_uastc.glb", "textured_etc1s.glb")[
            seed % 2])
        start, end = rng.choice(spans)
        for _ in range(rng.randint(1, 8)):
            binary[rng.randrange(start, end)] = rng.randrange(256)
        folder = tmp_path / str(seed)
        folder.mkdir()
        names.append(_written(folder, header, binary))
    outcomes = outcomes_in_own_process(names)
    assert len(outcomes) == 40 and set(outcomes) == {"loaded", "refused"}
