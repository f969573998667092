"""Khronos' sample models, each with one value of its glTF header replaced by something glTF
does not allow, or its binary chunk damaged or cut short: every one loads or is refused with an
``AssetError`` naming the file, never stops the loader with another exception. The mutations
are drawn from a fixed seed, so a failure here is the same on every machine."""

import copy
import math
import random

import pytest

from app.assets.gltf_document import document_bytes
from app.assets.model_loading import load_model
from app.errors import AppError
from tests.conftest import EXTERNAL_DIR
from tests.gltf_compare import split_glb

MODELS = ("UnlitTest", "SimpleInstancing", "EmissiveStrengthTest", "TextureCoordinateTest",
          "VertexColorTest", "OrientationTest", "TextureSettingsTest", "MultiUVTest",
          "AttenuationTest", "NegativeScaleTest", "ClearCoatCarPaint", "IridescenceSuzanne")
BAD_VALUES = (-1, 0, 2**31, 2**53, 1e308, math.nan, math.inf, "x", "", [], {}, None, True,
              [1e30] * 16, [-1] * 3, 0.5)


def places(value, path=()):
    """Every place in the header (the first few items of each list)."""
    yield path
    items = value.items() if isinstance(value, dict) else (
        enumerate(value[:4]) if isinstance(value, list) else ())
    for key, inner in items:
        yield from places(inner, (*path, key))


def mutated(seed: int) -> tuple[str, bytes, str]:
    """A model's name, its damaged bytes and what was done to them."""
    rng = random.Random(seed)
    name = rng.choice(MODELS)
    data = (EXTERNAL_DIR / "khronos" / name / "glTF-Binary" / f"{name}.glb").read_bytes()
    header, binary = split_glb(data)
    kind = rng.choice(("value", "value", "value", "delete", "bytes", "cut"))
    if kind == "cut":
        at = rng.randrange(12, len(data))
        return name, data[:at], f"cut at byte {at}"
    if kind == "bytes":
        damaged = bytearray(binary)
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        return name, document_bytes(header, bytes(damaged)), "binary chunk damaged"
    header = copy.deepcopy(header)
    path = rng.choice([p for p in places(header) if p])
    parent = header
    for key in path[:-1]:
        parent = parent[key]
    if kind == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
        return name, document_bytes(header, binary), f"{path} removed"
    value = rng.choice(BAD_VALUES)
    parent[path[-1]] = value
    return name, document_bytes(header, binary), f"{path} = {value!r:.30}"


@pytest.mark.parametrize("seed", range(80))
def test_a_damaged_model_loads_or_is_refused_naming_the_file(tmp_path, seed):
    name, data, change = mutated(seed)
    path = tmp_path / f"{name}.glb"
    path.write_bytes(data)
    assert_loads_or_is_refused_naming_it(path, change)


def assert_loads_or_is_refused_naming_it(path, change: str) -> None:
    """The file at ``path`` (damaged by ``change``) loads with meshes, or is refused with an
    ``AppError`` whose message starts with the file; any other exception fails."""
    try:
        model = load_model(path)
    except AppError as error:
        assert str(error).startswith(f"{path}: "), (change, str(error))
    else:
        assert model.meshes, change
