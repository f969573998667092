"""Sparse accessors and triangle strips and fans, which trimesh does not read, rewritten
before it reads the file.

trimesh takes an accessor's buffer view and leaves its sparse values out (a morph of a few
vertices, or a mesh stored as changes to zeros, came out as the plain or the empty shape with
no word), and it draws only triangle lists (a strip or a fan was "no meshes"). Each sparse
accessor is written out whole, and each strip or fan as the list of its triangles (glTF's
order, so that their faces keep their side), in a new buffer; a file of nothing but points and
lines is refused as such."""

from __future__ import annotations

import numpy as np

from app.assets.gltf_buffers import AccessorReader, BufferWriter
from app.assets.gltf_document import GltfDocument
from app.errors import AssetError

TRIANGLES, STRIP, FAN = 4, 5, 6
SURFACES = (TRIANGLES, STRIP, FAN)
_UINT32 = 5125


def strip_triangles(order: np.ndarray) -> np.ndarray:
    """The triangles (N - 2, 3) of a strip through ``order``: every other one turned, so that
    all face the same side as the first."""
    order = np.asarray(order).reshape(-1)
    first = np.arange(len(order) - 2)
    odd = first % 2 == 1
    second = np.where(odd, first + 2, first + 1)
    third = np.where(odd, first + 1, first + 2)
    return np.column_stack([order[first], order[second], order[third]])


def fan_triangles(order: np.ndarray) -> np.ndarray:
    """The triangles (N - 2, 3) of a fan round ``order[0]``."""
    order = np.asarray(order).reshape(-1)
    first = np.arange(1, len(order) - 1)
    return np.column_stack([order[first], order[first + 1], np.full(len(first), order[0])])


def plain_primitives(document: GltfDocument, header: dict, binary: bytes | None
                     ) -> tuple[dict, bytes | None]:
    """``header`` (a copy for trimesh) and its BIN chunk, with every sparse accessor whole and
    every strip and fan a triangle list; ``AssetError`` for a file whose primitives are all
    points or lines, or a strip or fan of fewer than three vertices."""
    label = str(document.path)
    accessors = header.get("accessors", []) or []
    primitives = [(f"meshes[{mi}].primitives[{pi}]", primitive)
                  for mi, mesh in enumerate(header.get("meshes", []) or [])
                  for pi, primitive in enumerate(mesh.get("primitives", []) or [])]
    if primitives and all(primitive.get("mode", TRIANGLES) not in SURFACES
                          for _, primitive in primitives):
        raise AssetError("contains no triangle meshes (only points, lines or nothing)",
                         file=label, field="meshes")
    sparse = [index for index, accessor in enumerate(accessors) if accessor.get("sparse")]
    fans = [(where, primitive) for where, primitive in primitives
            if primitive.get("mode", TRIANGLES) in (STRIP, FAN)]
    if not sparse and not fans:
        return header, binary
    reader = AccessorReader(document, header, binary)
    whole = {index: reader.values(index) for index in sparse}
    triangles = []
    for where, primitive in fans:
        if "indices" in primitive:
            order = reader.values(primitive["indices"]).reshape(-1)
        else:
            order = np.arange(accessors[primitive["attributes"]["POSITION"]]["count"])
        if len(order) < 3:
            raise AssetError(f"expected at least three vertices, got {len(order)}",
                             file=label, field=where)
        make = strip_triangles if primitive["mode"] == STRIP else fan_triangles
        triangles.append(make(order.astype(np.uint32)))
    writer = BufferWriter(header, binary)
    for index, values in whole.items():
        accessor = accessors[index]
        accessor["bufferView"] = writer.view(values)
        accessor.pop("byteOffset", None)
        del accessor["sparse"]
    for (_, primitive), faces in zip(fans, triangles, strict=True):
        primitive["indices"] = writer.accessor(faces.reshape(-1), _UINT32, "SCALAR", {})
        primitive["mode"] = TRIANGLES
    writer.finish()
    return header, writer.binary if writer.in_bin else binary
