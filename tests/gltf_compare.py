"""Two GLB files compared for what they mean, not for their bytes.

numpy picks SIMD kernels per CPU, so the same script writes float data that differs in the last
bits from one machine to the next. Two GLBs are the same model when their JSON is the same (floats
within a tolerance), every accessor decodes to the same values (integers exactly, floats within a
tolerance) and every embedded image decodes to the same pixels (within one level).
"""

from __future__ import annotations

import io
import json
import math
import struct

import numpy as np
from PIL import Image

_COMPONENT_TYPES = {5120: np.int8, 5121: np.uint8, 5122: np.int16, 5123: np.uint16,
                    5125: np.uint32, 5126: np.float32}
_WIDTHS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}


def split_glb(data: bytes) -> tuple[dict, bytes]:
    magic, version, _length = struct.unpack_from("<4sII", data)
    assert (magic, version) == (b"glTF", 2), "not a GLB 2.0 file"
    json_length, _ = struct.unpack_from("<II", data, 12)
    header = json.loads(data[20:20 + json_length])
    offset = 20 + json_length
    binary = b""
    if offset + 8 <= len(data):
        bin_length, _ = struct.unpack_from("<II", data, offset)
        binary = data[offset + 8:offset + 8 + bin_length]
    return header, binary


def accessor_values(header: dict, binary: bytes, index: int) -> np.ndarray:
    accessor = header["accessors"][index]
    dtype = np.dtype(_COMPONENT_TYPES[accessor["componentType"]])
    width = _WIDTHS[accessor["type"]]
    view = header["bufferViews"][accessor["bufferView"]]
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    stride = view.get("byteStride", width * dtype.itemsize)
    count = accessor["count"]
    rows = [np.frombuffer(binary, dtype, width, start + i * stride) for i in range(count)] \
        if stride != width * dtype.itemsize else \
        [np.frombuffer(binary, dtype, count * width, start).reshape(count, width)]
    return np.vstack(rows) if rows else np.zeros((0, width), dtype)


def _assert_json_close(a, b, where: str, rel: float, abs_: float) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{where}: keys {sorted(a)} != {sorted(b)}"
        for key in a:
            _assert_json_close(a[key], b[key], f"{where}.{key}", rel, abs_)
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{where}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_json_close(x, y, f"{where}[{i}]", rel, abs_)
    elif isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), f"{where}: {a!r} != {b!r}"
        assert math.isclose(a, b, rel_tol=rel, abs_tol=abs_), f"{where}: {a!r} != {b!r}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def assert_glb_equivalent(
    actual: bytes, expected: bytes, *, rel: float = 1e-5, abs_: float = 1e-6
) -> None:
    """Fail with the first difference that matters between two GLB files."""
    header_a, binary_a = split_glb(actual)
    header_b, binary_b = split_glb(expected)
    # the byte length of a buffer may differ only if the layout does, which the views show
    _assert_json_close(header_a, header_b, "gltf", rel, abs_)
    for index, accessor in enumerate(header_a.get("accessors", [])):
        a = accessor_values(header_a, binary_a, index)
        b = accessor_values(header_b, binary_b, index)
        where = f"accessor {index} ({accessor['type']})"
        assert a.shape == b.shape, f"{where}: shape {a.shape} != {b.shape}"
        if a.dtype.kind == "f":
            assert np.isfinite(a).all() == np.isfinite(b).all(), where
            assert np.allclose(a, b, rtol=rel, atol=abs_), (
                f"{where}: values differ by up to {np.abs(a - b).max():.3g}")
        else:
            assert np.array_equal(a, b), f"{where}: integer values differ"
    for index, image in enumerate(header_a.get("images", [])):
        if "bufferView" not in image:
            continue
        pixels = []
        for header, binary in ((header_a, binary_a), (header_b, binary_b)):
            view = header["bufferViews"][image["bufferView"]]
            start = view.get("byteOffset", 0)
            blob = binary[start:start + view["byteLength"]]
            pixels.append(np.asarray(Image.open(io.BytesIO(blob))).astype(np.int16))
        assert pixels[0].shape == pixels[1].shape, f"image {index}: sizes differ"
        assert np.abs(pixels[0] - pixels[1]).max() <= 1, f"image {index}: pixels differ"
