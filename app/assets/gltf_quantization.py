"""KHR_mesh_quantization's normalized positions, normals and tangents made floats before trimesh
reads the file.

trimesh reads an accessor's integers as they are and leaves ``normalized`` out. For normals and
tangents that keeps their directions, but a position of normalized shorts (what gltf-transform's
``quantize`` writes: the mesh scaled into -1..1 and the node scaled back) came out 32,767 times
too large, so that the nodes' offsets between parts were lost beside it (a candle standing out
of its glass holder, instances heaped on each other). Every POSITION, NORMAL and TANGENT of a
primitive or a morph target whose accessor is normalized integers is written out as the floats
glTF reads them as (c / 127, 255, 32,767 or 65,535; signed ones no lower than -1). Integers
that are not normalized are the numbers they are, as trimesh reads them.
"""

from __future__ import annotations

import numpy as np

from app.assets.gltf_buffers import NORMALIZED_SCALES, AccessorReader, BufferWriter
from app.assets.gltf_document import GltfDocument

QUANTIZED = ("POSITION", "NORMAL", "TANGENT")
_FLOAT = 5126


def _normalized_integers(accessors: list, index: object) -> bool:
    accessor = (accessors[index] if isinstance(index, int) and not isinstance(index, bool)
                and 0 <= index < len(accessors) else None)
    return (isinstance(accessor, dict) and accessor.get("normalized") is True
            and accessor.get("componentType") in NORMALIZED_SCALES)


def dequantized(document: GltfDocument, header: dict, binary: bytes | None
                ) -> tuple[dict, bytes | None]:
    """``header`` (a copy for trimesh) and its BIN chunk with every normalized integer
    POSITION, NORMAL and TANGENT (of primitives and morph targets) as floats."""
    accessors = header.get("accessors", []) or []
    holders = []  # (the attributes object, its semantic), for each one to rewrite
    for mesh in header.get("meshes", []) or []:
        for primitive in (mesh.get("primitives", []) if isinstance(mesh, dict) else []) or []:
            if not isinstance(primitive, dict):
                continue
            for attributes in [primitive.get("attributes"), *(primitive.get("targets") or [])]:
                if not isinstance(attributes, dict):
                    continue
                holders += [(attributes, s) for s in QUANTIZED
                            if _normalized_integers(accessors, attributes.get(s))]
    if not holders:
        return header, binary
    reader = AccessorReader(document, header, binary)
    writer = BufferWriter(header, binary)
    floats: dict[int, int] = {}  # each accessor made floats once, however many read it
    for attributes, semantic in holders:
        index = attributes[semantic]
        if index not in floats:
            accessor = accessors[index]
            values = reader.floats(index).astype(np.float32)
            extra = ({"min": values.min(axis=0).tolist(), "max": values.max(axis=0).tolist()}
                     if semantic == "POSITION" and len(values) else {})
            floats[index] = writer.accessor(values, _FLOAT, accessor["type"], extra)
        attributes[semantic] = floats[index]
    writer.finish()
    return header, writer.binary if writer.in_bin else binary
