"""EXT_mesh_gpu_instancing: each instance of a node's mesh becomes a node of its own.

The loader rewrites the document trimesh reads: an instanced node loses its mesh and gains one
child per instance (translation, rotation, scale from the extension's accessors), so every
instance is a mesh of the model, drawn, rendered and exported like any other.

three.js writes each instance's colour as an attribute of its own, ``_COLOR_0`` (its loader
reads it back as the instances' colours, which multiply the material's base colour as vertex
colours do): instances of one colour share a copy of the mesh whose COLOR_0 is that colour
(times the mesh's own COLOR_0), so both renderers and the exports draw them as three.js does.
The copies' colours are held to MAX_COLOUR_BYTES; past it, and for any other attribute of a
file's own, the instances are drawn without, with a warning."""

from __future__ import annotations

import json

import numpy as np

from app.assets.gltf_buffers import NORMALIZED_SCALES, AccessorReader, BufferWriter
from app.assets.gltf_document import GltfDocument
from app.errors import AssetError
from app.limits import MAX_PLACED_MESHES

INSTANCING = "EXT_mesh_gpu_instancing"
MAX_INSTANCES = MAX_PLACED_MESHES  # per file: each becomes a placed mesh (app.assets.joined_parts)
_FLOAT = 5126
INSTANCE_COLOUR = "_COLOR_0"  # three.js' colour of each instance
MAX_COLOUR_BYTES = 256 * 2**20  # the vertex colours the coloured copies of a file's meshes add


def _values(reader: AccessorReader, index: object, kinds: tuple[str, ...], where: str
            ) -> np.ndarray:
    label = str(reader.document.path)
    try:
        accessor = reader.header["accessors"][index]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        raise AssetError(f"accessor {index!r} does not exist", file=label, field=where) from None
    component = accessor.get("componentType")
    if accessor.get("type") not in kinds or (component != _FLOAT
                                             and component not in NORMALIZED_SCALES):
        raise AssetError(f"expected a {' or '.join(kinds)} accessor of floats or normalized "
                         "integers", file=label, field=where)
    if component != _FLOAT and not accessor.get("normalized"):
        raise AssetError("expected floats or normalized integers", file=label, field=where)
    values = reader.floats(index)  # type: ignore[arg-type]
    if not np.isfinite(values).all():
        raise AssetError("expected finite numbers", file=label, field=where)
    return values


PLACEMENT = ("TRANSLATION", "ROTATION", "SCALE")  # what the extension defines


def _colour_bytes(header: dict) -> int:
    """At most how many bytes the coloured copies of the instanced meshes add (16 per vertex
    of each instance: one copy per instance at the most)."""
    meshes, accessors = header.get("meshes") or [], header.get("accessors") or []
    total = 0
    for node in header.get("nodes") or []:
        try:
            attributes = node["extensions"][INSTANCING]["attributes"]
            if INSTANCE_COLOUR not in attributes:
                continue
            count = int(accessors[attributes[INSTANCE_COLOUR]]["count"])
            vertices = sum(int(accessors[p["attributes"]["POSITION"]]["count"])
                           for p in meshes[node["mesh"]]["primitives"])
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            continue  # no instance colours, or what the reader names as wrong
        total += 16 * count * vertices
    return total


def _unread_notes(document: GltfDocument, unread: dict[str, str]) -> list[str]:
    """Warnings for the instance attributes (name: the field of the first node with it) that
    are drawn without."""
    too_many = (f" (three.js writes each instance's colour so; coloured, the instances "
                f"would add more than {MAX_COLOUR_BYTES // 2**20} MB of vertex colours)")
    return [f"{document.path}: {field}.{name[:40]}: an instance attribute of the file's own"
            f"{too_many if name == INSTANCE_COLOUR else ''}; the instances are drawn without it"
            for name, field in unread.items()]


def _coloured_mesh(reader: AccessorReader, writer: BufferWriter, mesh_index: int,
                   colour: np.ndarray) -> int:
    """A copy of mesh ``mesh_index`` (appended to the header's meshes) whose primitives'
    COLOR_0 is ``colour`` (RGBA) times their own COLOR_0 (white without one)."""
    header = reader.header
    mesh = json.loads(json.dumps(header["meshes"][mesh_index]))
    for primitive in mesh.get("primitives") or []:
        attributes = primitive["attributes"]
        count = int(header["accessors"][attributes["POSITION"]]["count"])
        own = np.ones((count, 4))
        if "COLOR_0" in attributes:
            values = reader.floats(attributes["COLOR_0"])
            own[:, :values.shape[1]] = values[:count]
        attributes["COLOR_0"] = writer.accessor((own * colour).astype(np.float32), _FLOAT,
                                                "VEC4", {})
    header["meshes"].append(mesh)
    return len(header["meshes"]) - 1


def expand_instances(document: GltfDocument, header: dict, binary: bytes | None
                     ) -> tuple[dict, bytes | None, list[str]]:
    """``header`` (a copy for trimesh, whose BIN chunk is ``binary``) with every instanced
    node's instances as child nodes, the BIN chunk (with the coloured copies' colours), and
    warnings for the instance attributes drawn without (one per name)."""
    nodes = header.get("nodes", []) or []
    reader = AccessorReader(document, header, binary)  # each buffer read once
    coloured = _colour_bytes(header) <= MAX_COLOUR_BYTES
    unread: dict[str, str] = {}
    writer: BufferWriter | None = None
    total = 0
    for index in range(len(nodes)):
        node = nodes[index]
        extension = (node.get("extensions") or {}).pop(INSTANCING, None) if isinstance(
            node, dict) else None
        if extension is None or "mesh" not in node:
            continue
        if not isinstance(extension, dict):
            raise AssetError(f"expected an object, got {extension!r:.40}",
                             file=str(document.path), field=f"nodes[{index}].extensions."
                                                            f"{INSTANCING}")
        where = f"nodes[{index}].extensions.{INSTANCING}.attributes"
        attributes = extension.get("attributes")
        if not isinstance(attributes, dict):
            raise AssetError(f"expected an object of accessor indices, got {attributes!r:.40}",
                             file=str(document.path), field=where)
        found = {name: _values(reader, attributes[name], (kind,), f"{where}.{name}")
                 for name, kind in zip(PLACEMENT, ("VEC3", "VEC4", "VEC3"), strict=True)
                 if name in attributes}
        counts = {len(v) for v in found.values()}
        if len(counts) != 1:
            raise AssetError("expected attributes of one count", file=str(document.path),
                             field=where)
        count = counts.pop()
        for unknown in attributes:
            if unknown not in PLACEMENT and not (unknown == INSTANCE_COLOUR and coloured):
                unread.setdefault(str(unknown), where)
        total += count
        if total > MAX_INSTANCES:
            raise AssetError(f"has more than {MAX_INSTANCES} mesh instances",
                             file=str(document.path), field=where)
        colours = None
        if coloured and INSTANCE_COLOUR in attributes:
            colours = np.ones((count, 4))
            given = _values(reader, attributes[INSTANCE_COLOUR], ("VEC3", "VEC4"),
                            f"{where}.{INSTANCE_COLOUR}")
            if len(given) != count:
                raise AssetError("expected attributes of one count", file=str(document.path),
                                 field=where)
            colours[:, :given.shape[1]] = given
        copies: dict[tuple, int] = {}  # a colour's copy of the mesh
        name = node.get("name") or f"node{index}"
        children = node.setdefault("children", [])
        for k in range(count):
            mesh = node["mesh"]
            if colours is not None:
                colour = tuple(colours[k])
                if colour not in copies:
                    writer = writer or BufferWriter(header, binary)
                    try:
                        copies[colour] = _coloured_mesh(reader, writer, mesh, colours[k])
                    except (KeyError, IndexError, TypeError, ValueError):
                        raise AssetError("its mesh's primitives cannot take the instances' "
                                         "colours (a primitive without positions, or "
                                         "colours that are no accessor)",
                                         file=str(document.path),
                                         field=f"meshes[{mesh}]") from None
                mesh = copies[colour]
            child: dict = {"name": f"{name}_instance{k}", "mesh": mesh}
            for key, attribute in (("translation", "TRANSLATION"), ("rotation", "ROTATION"),
                                   ("scale", "SCALE")):
                if attribute in found:
                    child[key] = [float(v) for v in found[attribute][k]]
            children.append(len(nodes))
            nodes.append(child)
        del node["mesh"]
    notes = _unread_notes(document, unread)
    if writer is None:
        return header, binary, notes
    writer.finish()
    return header, writer.binary if writer.in_bin else binary, notes
