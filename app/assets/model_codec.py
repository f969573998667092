"""A loaded ``Model`` as bytes and back, without pickle: the arrays in an .npz archive (read with
``allow_pickle=False``) and everything else as JSON naming only the dataclasses listed here.

Bytes from elsewhere (a cache folder is a file like any other) can therefore never run code;
anything that is not such an archive, or names another type, is a ``ValueError``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import zipfile
from typing import Any

import numpy as np

from app.assets.mesh import MeshData, MeshMaterial, Model, TextureImage
from app.assets.refs import TextureMapping, TextureSampler, TextureTransform

FORMAT = 1
TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    Model, MeshData, MeshMaterial, TextureImage, TextureMapping, TextureSampler,
    TextureTransform)}
KEPT_PROPERTIES = {"MeshData": ("bounds", "hull_points")}  # cached, worth keeping
MAX_DEPTH = 16


def encode_model(model: Model) -> bytes:
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(model, arrays)
    arrays["__tree__"] = np.frombuffer(json.dumps({"format": FORMAT, "model": tree})
                                       .encode("utf-8"), dtype=np.uint8)
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def decode_model(data: bytes) -> Model:
    """The model ``encode_model`` wrote; ValueError for anything else."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ValueError(f"not a model archive: {error}") from None
    tree_bytes = arrays.pop("__tree__", None)
    if tree_bytes is None:
        raise ValueError("not a model archive: no tree")
    try:
        tree = json.loads(tree_bytes.tobytes().decode("utf-8"))
        if not isinstance(tree, dict) or tree.get("format") != FORMAT:
            raise ValueError("a model archive of another format")
        model = _decode(tree.get("model"), arrays, 0)
    except (KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValueError(f"a damaged model archive: {type(error).__name__}") from None
    if not isinstance(model, Model):
        raise ValueError("the archive holds no model")
    return model


def _encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if dataclasses.is_dataclass(value) and type(value).__name__ in TYPES:
        name = type(value).__name__
        fields = {f.name: _encode(getattr(value, f.name), arrays)
                  for f in dataclasses.fields(value)}
        kept = {p: _encode(value.__dict__[p], arrays)
                for p in KEPT_PROPERTIES.get(name, ()) if p in value.__dict__}
        return {"__type__": name, "fields": fields, "kept": kept}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only text keys can be kept")
        return {"__dict__": {k: _encode(v, arrays) for k, v in value.items()}}
    if isinstance(value, float) and not math.isfinite(value):
        return {"__float__": repr(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__}")


def _decode(node: Any, arrays: dict[str, np.ndarray], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError("a model archive nested too deep")
    if isinstance(node, list):
        return [_decode(v, arrays, depth + 1) for v in node]
    if not isinstance(node, dict):
        return node
    if "__array__" in node:
        return arrays[node["__array__"]]
    if "__tuple__" in node:
        return tuple(_decode(v, arrays, depth + 1) for v in node["__tuple__"])
    if "__dict__" in node:
        return {str(k): _decode(v, arrays, depth + 1) for k, v in node["__dict__"].items()}
    if "__float__" in node:
        if node["__float__"] not in ("inf", "-inf", "nan"):
            raise ValueError("a model archive with a bad number")
        return float(node["__float__"])
    cls = TYPES.get(node.get("__type__", ""))
    if cls is None:
        raise ValueError(f"a model archive naming an unknown type {node.get('__type__')!r}")
    names = {f.name for f in dataclasses.fields(cls)}
    fields = {k: _decode(v, arrays, depth + 1) for k, v in node.get("fields", {}).items()
              if k in names}
    try:
        value = cls(**fields)
    except TypeError as error:
        raise ValueError(f"a model archive with a bad {cls.__name__}: {error}") from None
    for name in KEPT_PROPERTIES.get(cls.__name__, ()):
        if name in node.get("kept", {}):
            value.__dict__[name] = _decode(node["kept"][name], arrays, depth + 1)
    return value
