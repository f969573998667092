"""Reading a glTF's accessors as arrays, and writing new ones, for the rewrites the loader
makes of a file before trimesh reads it (Draco and meshopt decoded, sparse accessors made
whole, strips and fans made triangle lists)."""

from __future__ import annotations

import base64
import dataclasses

import numpy as np

from app.assets.gltf_document import GltfDocument, buffer_bytes
from app.errors import AssetError

COMPONENT_TYPES = {5120: np.int8, 5121: np.uint8, 5122: np.int16, 5123: np.uint16,
                   5125: np.uint32, 5126: np.float32}
WIDTHS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16}
# what glTF divides a normalized integer component type's values by (KHR_mesh_quantization)
NORMALIZED_SCALES = {5120: 127.0, 5121: 255.0, 5122: 32767.0, 5123: 65535.0}


class AccessorReader:
    """The values of the accessors of ``header`` (a rewritten copy of ``document``'s JSON,
    whose BIN chunk is ``binary``), each buffer read once."""

    def __init__(self, document: GltfDocument, header: dict, binary: bytes | None):
        self.document = document
        self.header = header
        self.binary = binary
        self._rewritten = dataclasses.replace(document, header=header, binary=binary)
        self._buffers: dict[int, bytes] = {}

    def buffer(self, index: int) -> bytes:
        """The bytes of buffer ``index`` of ``header``, read once."""
        if index not in self._buffers:
            self._buffers[index] = buffer_bytes(self._rewritten, index)
        return self._buffers[index]

    def _view(self, view_index: int, dtype, width: int, count: int, offset: int,
              where: str) -> np.ndarray:
        view = self.header["bufferViews"][view_index]
        item = np.dtype(dtype).itemsize * width
        stride = int(view.get("byteStride", item)) or item
        start = int(view.get("byteOffset", 0)) + offset
        blob = self.buffer(int(view.get("buffer", 0)))
        end = start + stride * max(count - 1, 0) + item
        if end > len(blob) or stride < item:
            raise AssetError("the accessor runs past the end of its buffer",
                             file=str(self.document.path), field=where)
        rows = np.lib.stride_tricks.as_strided(
            np.frombuffer(blob, dtype=np.uint8, count=end - start, offset=start),
            shape=(count, item), strides=(stride, 1))
        return np.ascontiguousarray(rows).view(dtype).reshape(count, width)

    def values(self, index: int) -> np.ndarray:
        """Accessor ``index`` as stored (count, width), in its own component type: its
        buffer view's values, or zeros where it has none, with its sparse values put in."""
        accessor = self.header["accessors"][index]
        where = f"accessors[{index}]"
        label = str(self.document.path)
        width = WIDTHS.get(accessor.get("type"))
        dtype = COMPONENT_TYPES.get(accessor.get("componentType"))
        if width is None or dtype is None:
            raise AssetError("only scalar, vector and 4x4 matrix accessors can be read here",
                             file=label, field=where)
        count = int(accessor["count"])
        if "bufferView" in accessor:
            values = self._view(accessor["bufferView"], dtype, width, count,
                                int(accessor.get("byteOffset", 0)), where).copy()
        else:
            values = np.zeros((count, width), dtype=dtype)
        sparse = accessor.get("sparse")
        if sparse:
            where = f"{where}.sparse"
            indices, given = sparse["indices"], sparse["values"]
            changed = int(sparse["count"])
            at = self._view(indices["bufferView"], COMPONENT_TYPES[indices["componentType"]], 1,
                            changed, int(indices.get("byteOffset", 0)), f"{where}.indices")
            at = at.reshape(-1).astype(np.int64)
            if len(at) and (at.min() < 0 or at.max() >= count):
                raise AssetError(f"expected indices from 0 to {count - 1}, got {int(at.max())}",
                                 file=label, field=f"{where}.indices")
            if np.any(np.diff(at) <= 0):
                raise AssetError("expected indices that only increase", file=label,
                                 field=f"{where}.indices")
            values[at] = self._view(given["bufferView"], dtype, width, changed,
                                    int(given.get("byteOffset", 0)), f"{where}.values")
        return values


    def checked_floats(self, index: object, where: str,
                       types: tuple[str, ...] | None = None) -> np.ndarray:
        """``floats`` of the accessor a user's file names at ``where``: ``AssetError`` naming
        that field unless ``index`` is one of the file's accessors (of one of ``types``,
        where given) whose values are finite."""
        label = str(self.document.path)
        accessors = self.header.get("accessors", []) or []
        if (isinstance(index, bool) or not isinstance(index, int)
                or not 0 <= index < len(accessors)):
            raise AssetError(f"expected an accessor index, got {index!r:.40}", file=label,
                             field=where)
        kind = accessors[index].get("type")
        if types is not None and kind not in types:
            raise AssetError(f"expected a {' or '.join(types)} accessor, got {kind!r:.20}",
                             file=label, field=where)
        values = self.floats(index)
        if not np.isfinite(values).all():
            raise AssetError("expected finite numbers", file=label, field=where)
        return values

    def floats(self, index: int) -> np.ndarray:
        """Accessor ``index`` (count, width) as float64, as glTF reads it: normalized integers
        as the fractions they stand for (signed ones no lower than -1), other integers as the
        numbers they are."""
        accessor = self.header["accessors"][index]
        values = self.values(index).astype(np.float64)
        scale = NORMALIZED_SCALES.get(accessor.get("componentType"))
        if scale is not None and accessor.get("normalized") is True:
            values = np.maximum(values / scale, -1.0)
        return values


class BufferWriter:
    """Arrays appended to one new buffer: the GLB's BIN chunk when the file has one, else a
    new buffer held in a data URI; each array gets its own buffer view (and accessor)."""

    def __init__(self, header: dict, binary: bytes | None):
        self._header = header
        buffers = header.setdefault("buffers", [])
        self.in_bin = binary is not None and bool(buffers) and "uri" not in buffers[0]
        self._chunks: list[bytes] = [binary] if self.in_bin else []
        self._length = len(binary) if self.in_bin and binary is not None else 0
        self._index = 0 if self.in_bin else len(buffers)
        if not self.in_bin:
            buffers.append({"byteLength": 0})

    @property
    def binary(self) -> bytes:
        return b"".join(self._chunks)

    def place(self, data: bytes) -> dict:
        """``data`` appended on a 4-byte boundary: where it lies, as a buffer view's
        ``buffer``, ``byteOffset`` and ``byteLength``."""
        padding = -self._length % 4
        if padding:
            self._chunks.append(b"\x00" * padding)
            self._length += padding
        where = {"buffer": self._index, "byteOffset": self._length, "byteLength": len(data)}
        self._chunks.append(data)
        self._length += len(data)
        return where

    def view(self, values: np.ndarray) -> int:
        """``values`` appended (little-endian, on a 4-byte boundary) as a new buffer view."""
        data = np.ascontiguousarray(values).astype(values.dtype.newbyteorder("<")).tobytes()
        views = self._header.setdefault("bufferViews", [])
        views.append(self.place(data))
        return len(views) - 1

    def accessor(self, values: np.ndarray, component_type: int, type_name: str,
                 extra: dict) -> int:
        """``values`` as a new accessor (and buffer view)."""
        view = self.view(values)
        accessors = self._header.setdefault("accessors", [])
        accessors.append({"bufferView": view, "componentType": component_type,
                          "count": int(len(values)), "type": type_name, **extra})
        return len(accessors) - 1

    def finish(self) -> None:
        buffer = self._header["buffers"][self._index]
        buffer["byteLength"] = self._length
        if not self.in_bin:
            buffer["uri"] = ("data:application/octet-stream;base64,"
                             + base64.b64encode(self.binary).decode("ascii"))
