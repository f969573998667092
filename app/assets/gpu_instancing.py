"""EXT_mesh_gpu_instancing: each instance of a node's mesh becomes a node of its own.

The loader rewrites the document trimesh reads: an instanced node loses its mesh and gains one
child per instance (translation, rotation, scale from the extension's accessors), so every
instance is a mesh of the model, drawn, rendered and exported like any other."""

from __future__ import annotations

import numpy as np

from app.assets.gltf_buffers import NORMALIZED_SCALES, AccessorReader
from app.assets.gltf_document import GltfDocument
from app.errors import AssetError
from app.limits import MAX_PLACED_MESHES

INSTANCING = "EXT_mesh_gpu_instancing"
MAX_INSTANCES = MAX_PLACED_MESHES  # per file: each becomes a placed mesh (app.assets.joined_parts)
_FLOAT = 5126


def _values(reader: AccessorReader, index: object, kind: str, where: str) -> np.ndarray:
    label = str(reader.document.path)
    try:
        accessor = reader.header["accessors"][index]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        raise AssetError(f"accessor {index!r} does not exist", file=label, field=where) from None
    component = accessor.get("componentType")
    if accessor.get("type") != kind or (component != _FLOAT
                                        and component not in NORMALIZED_SCALES):
        raise AssetError(f"expected a {kind} accessor of floats or normalized integers",
                         file=label, field=where)
    if component != _FLOAT and not accessor.get("normalized"):
        raise AssetError("expected floats or normalized integers", file=label, field=where)
    values = reader.floats(index)  # type: ignore[arg-type]
    if not np.isfinite(values).all():
        raise AssetError("expected finite numbers", file=label, field=where)
    return values


PLACEMENT = ("TRANSLATION", "ROTATION", "SCALE")  # what the extension defines


def unread_instance_attributes(document: GltfDocument) -> list[str]:
    """Warnings for the instance attributes a file adds to the extension's placement (its
    own, named with a leading underscore, such as three.js' ``_COLOR_0``, each instance's
    colour): the instances are drawn without them, one warning per name."""
    seen: dict[str, str] = {}
    nodes = document.header.get("nodes")
    for index, node in enumerate(nodes if isinstance(nodes, list) else ()):
        extensions = node.get("extensions") if isinstance(node, dict) else None
        extension = extensions.get(INSTANCING) if isinstance(extensions, dict) else None
        attributes = extension.get("attributes") if isinstance(extension, dict) else None
        for name in attributes if isinstance(attributes, dict) else ():
            if name not in PLACEMENT and str(name) not in seen:
                seen[str(name)] = f"nodes[{index}].extensions.{INSTANCING}.attributes"
    colour = " (three.js writes each instance's colour so)"
    return [f"{document.path}: {field}.{name[:40]}: an instance attribute of the file's own"
            f"{colour if name == '_COLOR_0' else ''}; the instances are drawn without it"
            for name, field in seen.items()]


def expand_instances(document: GltfDocument, header: dict, binary: bytes | None) -> dict:
    """``header`` (a copy for trimesh, whose BIN chunk is ``binary``) with every instanced
    node's instances as child nodes."""
    nodes = header.get("nodes", []) or []
    reader = AccessorReader(document, header, binary)  # each buffer read once
    total = 0
    for index in range(len(nodes)):
        node = nodes[index]
        extension = (node.get("extensions") or {}).pop(INSTANCING, None) if isinstance(
            node, dict) else None
        if not isinstance(extension, dict) or "mesh" not in node:
            continue
        where = f"nodes[{index}].extensions.{INSTANCING}.attributes"
        attributes = extension.get("attributes")
        if not isinstance(attributes, dict):
            raise AssetError(f"expected an object of accessor indices, got {attributes!r:.40}",
                             file=str(document.path), field=where)
        found = {name: _values(reader, attributes[name], kind, f"{where}.{name}")
                 for name, kind in zip(PLACEMENT, ("VEC3", "VEC4", "VEC3"), strict=True)
                 if name in attributes}
        counts = {len(v) for v in found.values()}
        if len(counts) != 1:
            raise AssetError("expected attributes of one count", file=str(document.path),
                             field=where)
        count = counts.pop()
        total += count
        if total > MAX_INSTANCES:
            raise AssetError(f"has more than {MAX_INSTANCES} mesh instances",
                             file=str(document.path), field=where)
        name = node.get("name") or f"node{index}"
        children = node.setdefault("children", [])
        for k in range(count):
            child: dict = {"name": f"{name}_instance{k}", "mesh": node["mesh"]}
            for key, attribute in (("translation", "TRANSLATION"), ("rotation", "ROTATION"),
                                   ("scale", "SCALE")):
                if attribute in found:
                    child[key] = [float(v) for v in found[attribute][k]]
            children.append(len(nodes))
            nodes.append(child)
        del node["mesh"]
    return header
