"""KHR_draco_mesh_compression: Draco-compressed primitives decoded before trimesh reads the file.

trimesh cannot decode Draco (it draws such a file as nothing). Each compressed primitive is
decoded here with DracoPy; its indices and attributes are written to one new buffer and the
primitive's accessors are pointed at them, so trimesh sees a plain glTF. The compressed bytes
are read through the document's reference resolver, and what a primitive decodes to must match
the counts its accessors declare, which ``check_triangle_count`` has held to the limits; the
counts in the Draco header are checked against them before anything is decoded. One count may
differ: a primitive whose attributes are all in its Draco data may decode to another number of
vertices than its accessors declare (FBX2glTF writes the count before compression; the Draco
header bounds it by the triangles, which must match), and is drawn as decoded, with a note.
"""

from __future__ import annotations

import numpy as np

from app.assets.gltf_buffers import BufferWriter
from app.assets.gltf_document import GltfDocument, buffer_view_bytes, header_copy
from app.errors import AssetError
from app.limits import MAX_TRIANGLES

DRACO = "KHR_draco_mesh_compression"
TRIANGLES = 4
_FLOAT, _UINT32 = 5126, 5125
_COMPONENT_TYPES = {5120: np.int8, 5121: np.uint8, 5122: np.int16, 5123: np.uint16,
                    5125: np.uint32}
_COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


def has_draco(header: dict) -> bool:
    return any(DRACO in ((primitive.get("extensions") or {}) if isinstance(primitive, dict)
                         else {})
               for mesh in header.get("meshes", []) if isinstance(mesh, dict)
               for primitive in mesh.get("primitives", []) or [])


def decode_draco(document: GltfDocument) -> tuple[dict, bytes | None, list[str]]:
    """A copy of the document's JSON and BIN chunk with every Draco primitive decoded, and
    notes on what was decoded otherwise than the file declares."""
    header = header_copy(document)
    notes: list[str] = []
    if not has_draco(header):
        return header, document.binary, notes
    import DracoPy

    writer = BufferWriter(header, document.binary)
    for mi, mesh in enumerate(header.get("meshes", [])):
        for pi, primitive in enumerate(mesh.get("primitives", []) or []):
            extension = (primitive.get("extensions") or {}).get(DRACO)
            if extension is None:
                continue
            where = f"meshes[{mi}].primitives[{pi}].extensions.{DRACO}"
            view = extension.get("bufferView") if isinstance(extension, dict) else None
            compressed = buffer_view_bytes(document, view, field=f"{where}.bufferView")
            _check_declared_faces(document, header, primitive, compressed, where)
            try:
                decoded = DracoPy.decode(compressed)
            except Exception as error:  # DracoPy raises its own types and RuntimeError
                raise AssetError(f"the Draco data cannot be decoded ({error}); the file may be "
                                 "truncated or damaged", file=str(document.path),
                                 field=f"{where}.bufferView") from None
            notes += _rewrite_primitive(document, header, primitive, extension, decoded,
                                        writer, where)
            del primitive["extensions"][DRACO]
    writer.finish()
    for key in ("extensionsUsed", "extensionsRequired"):
        if isinstance(header.get(key), list):
            header[key] = [name for name in header[key] if name != DRACO]
    return header, writer.binary if writer.in_bin else document.binary, notes


def draco_header_counts(data: bytes) -> tuple[int, int] | None:
    """(faces, vertices) a Draco mesh's header declares, read without decoding it; None where
    the header is not one this reads (a point cloud, metadata first, a version before 2.2)."""
    if len(data) < 12 or data[:5] != b"DRACO" or tuple(data[5:7]) < (2, 2) or data[7] != 1:
        return None
    method, flags = data[8], int.from_bytes(data[9:11], "little")
    if flags & 0x8000:  # metadata comes first
        return None
    offset = 11
    if method == 1:  # edgebreaker: traversal type, encoded vertices, faces
        offset += 1
        vertices, offset = _varint(data, offset)
        faces, offset = _varint(data, offset)
    elif method == 0:  # sequential: faces, points
        faces, offset = _varint(data, offset)
        vertices, offset = _varint(data, offset)
    else:
        return None
    return (faces, vertices) if faces >= 0 and vertices >= 0 else None


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    while offset < len(data) and shift < 64:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
        shift += 7
    return -1, offset


def _check_declared_faces(document: GltfDocument, header: dict, primitive: dict,
                          compressed: bytes, where: str) -> None:
    """The triangles the Draco data will decode to agree with the (limited) count the indices
    accessor declares, checked before anything is decoded."""
    counts = draco_header_counts(compressed)
    if counts is None:
        return
    faces, vertices = counts
    field = f"{where}.bufferView"
    if faces > MAX_TRIANGLES or vertices > 3 * faces + 3:
        raise AssetError(f"the Draco data declares {faces} triangles and {vertices} vertices; "
                         f"the limit is {MAX_TRIANGLES} triangles", file=str(document.path),
                         field=field)
    declared = _accessor(header.get("accessors", []), primitive.get("indices"),
                         str(document.path), where)
    if declared is not None and int(declared.get("count", -1)) != 3 * faces:
        raise AssetError(f"the Draco data declares {faces} triangles; the indices accessor "
                         f"declares {declared.get('count')} indices", file=str(document.path),
                         field=field)


def _rewrite_primitive(document: GltfDocument, header: dict, primitive: dict, extension: dict,
                       decoded, writer: BufferWriter, where: str) -> list[str]:
    """The primitive pointed at its decoded indices and attributes; notes (see the module)."""
    label = str(document.path)
    accessors = header.get("accessors", [])
    if primitive.get("mode", TRIANGLES) != TRIANGLES:
        raise AssetError("only Draco triangle meshes are supported", file=label,
                         field=f"{where.rsplit('.extensions', 1)[0]}.mode")
    faces = getattr(decoded, "faces", None)
    if faces is None:
        raise AssetError("the Draco data holds points, not triangles", file=label,
                         field=f"{where}.bufferView")
    faces = np.asarray(faces, dtype=np.uint32).reshape(-1)
    declared = _accessor(accessors, primitive.get("indices"), label, where)
    if declared is not None and int(declared.get("count", -1)) != len(faces):
        raise AssetError(f"the Draco data decodes to {len(faces)} indices; the indices "
                         f"accessor declares {declared.get('count')}", file=label,
                         field=f"{where}.bufferView")
    primitive["indices"] = writer.accessor(faces, _UINT32, "SCALAR", {})

    attributes = primitive.get("attributes") or {}
    ids = extension.get("attributes")
    if not isinstance(ids, dict):
        raise AssetError("expected an object of attribute ids", file=label,
                         field=f"{where}.attributes")
    found = {}  # semantic: (decoded values (count, width), its accessor)
    for semantic, unique_id in ids.items():
        if semantic not in attributes:
            continue  # the extension may carry attributes the primitive does not use
        field = f"{where}.attributes.{semantic}"
        attribute = (decoded.get_attribute_by_unique_id(unique_id)
                     if isinstance(unique_id, int) else None)
        if attribute is None or attribute.get("data") is None:
            raise AssetError(f"the Draco data has no attribute {unique_id!r}", file=label,
                             field=field)
        data = np.asarray(attribute["data"])
        found[semantic] = (data.reshape(len(data), -1),
                           _accessor(accessors, attributes[semantic], label, where) or {})
    notes = _stale_count_notes(label, primitive, found, faces, where)
    for semantic, (data, accessor) in found.items():
        field = f"{where}.attributes.{semantic}"
        count, width = data.shape
        if not notes and int(accessor.get("count", count)) != count:
            raise AssetError(f"the Draco data decodes to {count} values; the accessor declares "
                             f"{accessor.get('count')}", file=label, field=field)
        if _COMPONENTS.get(accessor.get("type"), width) != width:
            raise AssetError(f"the Draco data has {width} components; the accessor is "
                             f"{accessor.get('type')}", file=label, field=field)
        if not np.isfinite(data.astype(np.float64)).all():
            raise AssetError("the Draco data has NaN or infinite values", file=label,
                             field=field)
        integer = _COMPONENT_TYPES.get(accessor.get("componentType"))
        if data.dtype.kind in "iu" and integer is not None:
            values, component_type = data.astype(integer), accessor["componentType"]
            extra = {"normalized": True} if accessor.get("normalized") else {}
        else:
            values, component_type, extra = data.astype(np.float32), _FLOAT, {}
        if semantic == "POSITION":
            extra = {"min": values.min(axis=0).tolist(), "max": values.max(axis=0).tolist()}
        type_name = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}.get(width)
        if type_name is None:
            raise AssetError(f"the Draco data has {width} components", file=label, field=field)
        attributes[semantic] = writer.accessor(values, component_type, type_name, extra)
    return notes


def _stale_count_notes(label: str, primitive: dict, found: dict, faces: np.ndarray,
                       where: str) -> list[str]:
    """A note where the decoded attributes all hold one number of vertices, which their
    accessors declare otherwise, and nothing else of the primitive depends on that count (no
    attribute outside the Draco data, no morph targets); none where the counts agree, or
    where they do not and the primitive cannot be drawn as decoded (refused by the caller)."""
    counts = {len(data) for data, _accessor in found.values()}
    declared = {int(accessor.get("count", -1)) for _data, accessor in found.values()}
    if len(counts) != 1 or declared == counts or set(primitive.get("attributes") or {}) - set(
            found) or primitive.get("targets"):
        return []
    (count,) = counts
    if len(faces) and int(faces.max()) >= count:
        raise AssetError(f"the Draco data's triangles name vertex {int(faces.max())} of "
                         f"{count}", file=label, field=f"{where}.bufferView")
    listed = ", ".join(str(n) for n in sorted(declared))
    return [f"{label}: {where}: the Draco data decodes to {count} vertices where the accessors "
            f"declare {listed} (the compressing tool wrote the count before compression); "
            "drawn as decoded"]


def _accessor(accessors: list, index: object, label: str, where: str) -> dict | None:
    if index is None:
        return None
    try:
        accessor = accessors[index]  # type: ignore[index]
    except (IndexError, TypeError):
        raise AssetError(f"accessor {index!r} does not exist", file=label,
                         field=where.rsplit(".extensions", 1)[0]) from None
    return accessor if isinstance(accessor, dict) else None
