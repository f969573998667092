"""Loaded models kept as bytes without pickle: a round trip gives the same model, and bytes that
are not such an archive, or that name other types, are refused and run nothing."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from app.assets.model_codec import decode_model, encode_model
from app.assets.store import AssetStore


def models(external_dir):
    for path in ("khronos/DamagedHelmet/glTF-Binary/DamagedHelmet.glb",
                 "MaterialsVariantsShoe/glTF/MaterialsVariantsShoe.gltf",
                 "khronos/AlphaBlendModeTest/glTF-Binary/AlphaBlendModeTest.glb"):
        file = external_dir / path
        yield AssetStore(allowed_roots=[file.parent]).model(file)


def same(a, b) -> None:
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)  # stored as they were: the same values
    elif hasattr(a, "__dataclass_fields__"):
        assert type(a) is type(b)
        for name in a.__dataclass_fields__:
            same(getattr(a, name), getattr(b, name))
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            same(a[key], b[key])
    elif isinstance(a, list | tuple):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            same(x, y)
    elif isinstance(a, float):
        assert a == pytest.approx(b, nan_ok=True) or (a == b)
    else:
        assert a == b


def test_a_model_comes_back_the_same_with_its_hull(external_dir):
    for model in models(external_dir):
        for mesh in model.meshes.values():
            _ = mesh.hull_points
        back = decode_model(encode_model(model))
        same(model, back)
        mesh = next(iter(back.meshes.values()))
        assert "hull_points" in mesh.__dict__  # kept, not computed again


def archive(tree) -> bytes:
    out = io.BytesIO()
    np.savez(out, __tree__=np.frombuffer(json.dumps(tree).encode(), dtype=np.uint8))
    return out.getvalue()


@pytest.mark.parametrize("data", [
    b"",
    b"not an archive",
    pickle.dumps({"a": 1}),
    archive({"format": 99, "model": None}),
    archive({"format": 1, "model": {"__type__": "Popen", "fields": {}}}),
    archive({"format": 1, "model": {"__type__": "TextureImage", "fields": {}}}),
    archive({"format": 1, "model": {"__float__": "1e999999"}}),
    archive({"format": 1, "model": {"__array__": "a7"}}),
    archive({"format": 1, "model": {"__type__": "Model", "fields": [1, 2]}}),
    b"PK" + archive({"format": 1})[2:],
], ids=["empty", "text", "pickle", "other-format", "unknown-type", "not-a-model", "bad-float",
        "missing-array", "fields-not-a-mapping", "damaged-zip"])
def test_anything_else_is_refused(data):
    with pytest.raises(ValueError):
        decode_model(data)


def test_an_object_array_is_never_unpickled():
    out = io.BytesIO()
    np.savez(out, __tree__=np.array([{"format": 1}], dtype=object))
    with pytest.raises(ValueError):
        decode_model(out.getvalue())
    assert zipfile.is_zipfile(io.BytesIO(out.getvalue()))


def test_a_deeply_nested_tree_is_refused():
    text = '{"format": 1, "model": ' + "[" * 100_000 + "]" * 100_000 + "}"
    out = io.BytesIO()
    np.savez(out, __tree__=np.frombuffer(text.encode(), dtype=np.uint8))
    with pytest.raises(ValueError):
        decode_model(out.getvalue())
