"""EXT_meshopt_compression: compressed buffer views decoded before anything reads them.

gltfpack (and the web tools built on meshoptimizer) compress a glTF's vertex and index data
view by view: each such buffer view names, in its extension, where its compressed bytes lie,
how they were encoded (``mode``), how many elements of how many bytes they decode to, and a
filter to undo (``OCTAHEDRAL`` normals, ``QUATERNION`` rotations, ``EXPONENTIAL`` floats). The
view itself points into a *fallback* buffer, which such files often leave without data. Each
view is decoded here with meshoptimizer's own Python binding and pointed at its decoded bytes,
so what reads the file afterwards (the accessor rewrites, instancing, trimesh) sees plain
buffer views. Every number is checked before the decoder is called (modes, strides and filters
the format allows; the decoded sizes against the view and the file-size limit), so hostile
numbers are refused naming the field, and damaged data is refused as the decoder reports it.
"""

from __future__ import annotations

import numpy as np

from app.assets.gltf_buffers import AccessorReader, BufferWriter
from app.assets.gltf_document import GltfDocument
from app.errors import AssetError
from app.limits import MAX_FILE_BYTES

MESHOPT = "EXT_meshopt_compression"
MODES = ("ATTRIBUTES", "TRIANGLES", "INDICES")
# the byte strides each filter undoes (meshoptimizer's decoders take no others)
FILTER_STRIDES = {"NONE": None, "OCTAHEDRAL": (4, 8), "QUATERNION": (8,), "EXPONENTIAL": None}
MAX_ATTRIBUTE_STRIDE = 256
# what the decoded views of one file may come to: as much as one uncompressed buffer may hold
MAX_DECODED_BYTES = MAX_FILE_BYTES


def _extension(view: object) -> object:
    extensions = view.get("extensions") if isinstance(view, dict) else None
    return extensions.get(MESHOPT) if isinstance(extensions, dict) else None


def has_meshopt(header: dict) -> bool:
    views = header.get("bufferViews")
    return isinstance(views, list) and any(_extension(view) is not None for view in views)


def meshopt_decoded(document: GltfDocument, header: dict,
                    binary: bytes | None) -> tuple[dict, bytes | None]:
    """``header`` (a copy for trimesh) and its BIN chunk with every compressed buffer view
    decoded and pointed at its data; the fallback buffers left empty."""
    if not has_meshopt(header):
        return header, binary
    import meshoptimizer

    label = str(document.path)
    reader = AccessorReader(document, header, binary)  # each buffer read once
    writer = BufferWriter(header, binary)
    decoded_bytes = 0
    for index, view in enumerate(header["bufferViews"]):
        extension = _extension(view)
        if extension is None:
            continue
        where = f"bufferViews[{index}].extensions.{MESHOPT}"
        mode, filter_name, count, stride = _settings(extension, view, label, where)
        decoded_bytes += count * stride
        if decoded_bytes > MAX_DECODED_BYTES:
            raise AssetError(f"the compressed buffer views decode to more than "
                             f"{MAX_DECODED_BYTES} bytes", file=label, field=f"{where}.count")
        compressed = _compressed(reader, extension, label, where)
        try:
            data = _decode(meshoptimizer, mode, filter_name, count, stride, compressed)
        except (RuntimeError, ValueError) as error:
            raise AssetError(f"the compressed data cannot be decoded ({error}); the file may "
                             "be truncated or damaged", file=label, field=where) from None
        del view["extensions"][MESHOPT]
        view.update(writer.place(data))
    writer.finish()
    _empty_fallbacks(header, label)
    for key in ("extensionsUsed", "extensionsRequired"):
        if isinstance(header.get(key), list):
            header[key] = [name for name in header[key] if name != MESHOPT]
    return header, writer.binary if writer.in_bin else binary


def _integer(extension: dict, key: str, label: str, where: str, *, low: int,
             default: int | None = None) -> int:
    value = extension.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise AssetError(f"expected a whole number of at least {low}, got {value!r:.40}",
                         file=label, field=f"{where}.{key}")
    return value


def _settings(extension: object, view: dict, label: str,
              where: str) -> tuple[str, str, int, int]:
    """(mode, filter, count, byteStride) of a compressed view, each as the format allows."""
    if not isinstance(extension, dict):
        raise AssetError("expected an object", file=label, field=where)
    mode = extension.get("mode")
    if mode not in MODES:
        raise AssetError(f"expected one of {', '.join(MODES)}, got {mode!r:.40}", file=label,
                         field=f"{where}.mode")
    filter_name = extension.get("filter", "NONE")
    if filter_name not in FILTER_STRIDES:
        raise AssetError(f"expected one of {', '.join(FILTER_STRIDES)}, got "
                         f"{filter_name!r:.40}", file=label, field=f"{where}.filter")
    count = _integer(extension, "count", label, where, low=1)
    stride = _integer(extension, "byteStride", label, where, low=1)
    if mode == "ATTRIBUTES":
        if stride % 4 or stride > MAX_ATTRIBUTE_STRIDE:
            raise AssetError(f"expected a multiple of 4 up to {MAX_ATTRIBUTE_STRIDE} for "
                             f"ATTRIBUTES, got {stride}", file=label,
                             field=f"{where}.byteStride")
        strides = FILTER_STRIDES[filter_name]
        if strides is not None and stride not in strides:
            raise AssetError(f"the {filter_name} filter takes a stride of "
                             f"{' or '.join(map(str, strides))} bytes, got {stride}",
                             file=label, field=f"{where}.byteStride")
    else:
        if stride not in (2, 4):
            raise AssetError(f"expected 2 or 4 for {mode}, got {stride}", file=label,
                             field=f"{where}.byteStride")
        if filter_name != "NONE":
            raise AssetError(f"a filter is for ATTRIBUTES only, not {mode}", file=label,
                             field=f"{where}.filter")
        if mode == "TRIANGLES" and count % 3:
            raise AssetError(f"expected a multiple of 3 indices for TRIANGLES, got {count}",
                             file=label, field=f"{where}.count")
    if count * stride != view.get("byteLength"):
        raise AssetError(f"{count} elements of {stride} bytes decode to {count * stride} "
                         f"bytes; the buffer view holds {view.get('byteLength')!r:.40}",
                         file=label, field=f"{where}.count")
    return mode, filter_name, count, stride


def _compressed(reader: AccessorReader, extension: dict, label: str, where: str) -> bytes:
    count = len(reader.document.header.get("buffers") or [])  # not the decoded data's
    index = extension.get("buffer")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        raise AssetError(f"expected the index of one of the file's {count} buffers, "
                         f"got {index!r:.40}", file=label, field=f"{where}.buffer")
    if _is_fallback(reader.header["buffers"][index]):
        raise AssetError(f"buffers[{index}] is a fallback buffer, which holds no compressed "
                         "data", file=label, field=f"{where}.buffer")
    start = _integer(extension, "byteOffset", label, where, low=0, default=0)
    length = _integer(extension, "byteLength", label, where, low=1)
    blob = reader.buffer(index)
    if start + length > len(blob):
        raise AssetError(f"bytes {start} to {start + length} run past the end of "
                         f"buffers[{index}] ({len(blob)} bytes); the file may be truncated",
                         file=label, field=where)
    return blob[start:start + length]


def _decode(meshoptimizer, mode: str, filter_name: str, count: int, stride: int,
            compressed: bytes) -> bytes:
    """``count`` elements of ``stride`` bytes, decoded and unfiltered."""
    if mode == "ATTRIBUTES":
        data = meshoptimizer.decode_vertex_buffer(count, stride, compressed).view(np.uint8)
        undo = {"OCTAHEDRAL": meshoptimizer.decode_filter_oct,
                "QUATERNION": meshoptimizer.decode_filter_quat,
                "EXPONENTIAL": meshoptimizer.decode_filter_exp}.get(filter_name)
        return (data if undo is None else undo(data, count, stride)).tobytes()
    decode = (meshoptimizer.decode_index_buffer if mode == "TRIANGLES"
              else meshoptimizer.decode_index_sequence)
    indices = decode(count, 4, compressed)  # decoded as 32-bit, written at the view's width
    if stride == 2:
        if len(indices) and int(indices.max()) > 0xFFFF:
            raise ValueError(f"index {int(indices.max())} does not fit the 2-byte stride")
        return indices.astype("<u2").tobytes()
    return indices.astype("<u4").tobytes()


def _is_fallback(buffer: object) -> bool:
    extension = _extension(buffer)
    return isinstance(extension, dict) and extension.get("fallback") is True


def _empty_fallbacks(header: dict, label: str) -> None:
    """The fallback buffers no view reads any more made empty (trimesh would otherwise read
    the GLB's BIN chunk, or a file, for each); one a view still reads is refused."""
    read = {view.get("buffer") for view in header["bufferViews"] if isinstance(view, dict)}
    for index, buffer in enumerate(header.get("buffers") or []):
        if not _is_fallback(buffer):
            continue
        if index in read:
            if "uri" in buffer:
                continue  # a fallback with data of its own, read where a view asks
            view = next(i for i, v in enumerate(header["bufferViews"])
                        if isinstance(v, dict) and v.get("buffer") == index)
            raise AssetError(f"reads buffers[{index}], a fallback buffer for compressed data, "
                             "without compressed data of its own", file=label,
                             field=f"bufferViews[{view}]")
        header["buffers"][index] = {"byteLength": 0, "uri": "data:application/octet-stream;"
                                    "base64,"}
