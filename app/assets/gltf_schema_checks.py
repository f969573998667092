"""A glTF file's buffers, buffer views and accessors, materials, textures, samplers, node
transforms and what its meshes' primitives name checked against glTF's schema before anything
reads them.

trimesh reads them first and stops at the first value it cannot take with its own message (or
takes NaN, infinities and negative roughness as they are, which render as black or as noise,
or move every vertex to NaN). Each core material field and each node's transform is checked
here, so a bad value is refused naming the file and the field
(``materials[2].pbrMetallicRoughness.roughnessFactor``, ``nodes[4].rotation``); a texture or
a sampler that names one that is not there, or a wrap or filter mode glTF does not have, is
refused rather than drawn with the defaults or (a negative index) another texture. The material
extensions' fields are checked where they are read (``app.assets.material_extensions``).
"""

from __future__ import annotations

import math

from app.assets.gltf_document import GltfDocument, buffer_size
from app.errors import AssetError
from app.limits import JOIN_PARTS, MAX_MODEL_PARTS, MAX_PLACED_MESHES, MAX_ZERO_FILLED_BYTES

VARIANTS = "KHR_materials_variants"  # its variants change each part's material on its own

ALPHA_MODES = ("OPAQUE", "MASK", "BLEND")
TEXTURE_SLOTS = (("pbrMetallicRoughness", "baseColorTexture"),
                 ("pbrMetallicRoughness", "metallicRoughnessTexture"),
                 (None, "normalTexture"), (None, "occlusionTexture"), (None, "emissiveTexture"))
SLACK = 1e-6  # a factor this far past its range is a rounding, taken as the range's end
TRANSFORM_SIZES = {"matrix": 16, "translation": 3, "rotation": 4, "scale": 3}
WRAP_MODES = (33071, 33648, 10497)  # clamp to edge, mirrored repeat, repeat
SAMPLER_MODES = {"wrapS": WRAP_MODES, "wrapT": WRAP_MODES, "magFilter": (9728, 9729),
                 "minFilter": (9728, 9729, 9984, 9985, 9986, 9987)}


COMPONENT_BYTES = {5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4}
INDEX_COMPONENTS = (5121, 5123, 5125)
TYPE_SHAPES = {"SCALAR": (1, 1), "VEC2": (1, 2), "VEC3": (1, 3), "VEC4": (1, 4),
               "MAT2": (2, 2), "MAT3": (3, 3), "MAT4": (4, 4)}  # (columns, rows)
PRIMITIVE_MODES = range(7)
MAX_COUNT = 2**32  # glTF's counts and lengths are unsigned 32-bit


def check_document(document: GltfDocument) -> None:
    """All of this module's checks, in the order a reader meets the values."""
    check_accessors(document)
    check_textures(document)
    check_materials(document)
    check_primitives(document)
    check_nodes(document)


def check_accessors(document: GltfDocument) -> None:
    """Raise ``AssetError`` (file and field) at the first buffer view or accessor that names
    a buffer or view not in the file, has a count, length, offset or stride that is not a
    whole number in glTF's range, a component type or type glTF does not have, or reaches past
    the end of its view or buffer."""
    file = str(document.path)
    buffers, views, accessors = _lists(document, "buffers", "bufferViews", "accessors")
    for index, buffer in enumerate(buffers):
        where = f"buffers[{index}]"
        _object(buffer, "a buffer", file, where)
        length = _integer(buffer, "byteLength", file, where, low=1, required=True)
        held = buffer_size(document, index)
        if held is not None and held < length:
            raise AssetError(f"the buffer holds {held} bytes where the file says {length}: "
                             "its data is cut short", file=file, field=where)
    for index, view in enumerate(views):
        where = f"bufferViews[{index}]"
        _object(view, "a buffer view", file, where)
        _index(view, "buffer", len(buffers), file, where)
        if view.get("buffer") is None:
            raise AssetError("expected the index of a buffer", file=file,
                             field=f"{where}.buffer")
        start = _integer(view, "byteOffset", file, where, low=0)
        length = _integer(view, "byteLength", file, where, low=1, required=True)
        _integer(view, "byteStride", file, where, low=4, high=252)
        if start + length > buffers[view["buffer"]]["byteLength"]:
            raise AssetError(f"bytes {start} to {start + length} run past the end of "
                             f"buffers[{view['buffer']}] ({buffers[view['buffer']]['byteLength']}"
                             " bytes)", file=file, field=where)
    zero_filled = 0
    for index, accessor in enumerate(accessors):
        _check_accessor(accessor, views, file, f"accessors[{index}]")
        if "bufferView" not in accessor:
            columns, rows = TYPE_SHAPES[accessor["type"]]
            zero_filled += (accessor["count"] * columns * rows
                            * COMPONENT_BYTES[accessor["componentType"]])
            if zero_filled > MAX_ZERO_FILLED_BYTES:
                raise AssetError(
                    f"the accessors with no buffer view of their own come to {zero_filled} "
                    f"bytes, over the limit of {MAX_ZERO_FILLED_BYTES}", file=file,
                    field=f"accessors[{index}].count")
    _check_primitive_accessors(document, accessors, file)


def _check_accessor(accessor: object, views: list, file: str, where: str) -> None:
    _object(accessor, "an accessor", file, where)
    component = _one_of(accessor, "componentType", COMPONENT_BYTES, file, where,
                        required=True)
    kind = accessor.get("type")
    if not isinstance(kind, str) or kind not in TYPE_SHAPES:
        raise AssetError(f"expected one of {', '.join(TYPE_SHAPES)}, got {kind!r:.40}",
                         file=file, field=f"{where}.type")
    count = _integer(accessor, "count", file, where, low=1, required=True)
    offset = _integer(accessor, "byteOffset", file, where, low=0)
    _kind(accessor, "normalized", bool, file, where)
    _index(accessor, "bufferView", len(views), file, where)
    if "bufferView" in accessor:
        view = views[accessor["bufferView"]]
        columns, rows = TYPE_SHAPES[kind]
        column = COMPONENT_BYTES[component] * rows
        if columns > 1:  # a matrix's columns start on 4-byte boundaries
            column = -(-column // 4) * 4
        element = column * columns
        stride = view.get("byteStride", element)
        end = offset + stride * (count - 1) + element
        if end > view["byteLength"]:
            raise AssetError(f"{count} elements of {element} bytes end at byte {end}, past "
                             f"the end of bufferViews[{accessor['bufferView']}] "
                             f"({view['byteLength']} bytes)", file=file, field=where)
    sparse = _kind(accessor, "sparse", dict, file, where)
    if sparse is not None:
        where = f"{where}.sparse"
        _integer(sparse, "count", file, where, low=1, high=count, required=True)
        for part in ("indices", "values"):
            block = sparse.get(part)
            _object(block, "an object", file, f"{where}.{part}")
            _index(block, "bufferView", len(views), file, f"{where}.{part}")
            if block.get("bufferView") is None:
                raise AssetError("expected the index of a buffer view", file=file,
                                 field=f"{where}.{part}.bufferView")
            _integer(block, "byteOffset", file, f"{where}.{part}", low=0)
        _one_of(sparse["indices"], "componentType", INDEX_COMPONENTS, file,
                f"{where}.indices", required=True)


def _check_primitive_accessors(document: GltfDocument, accessors: list, file: str) -> None:
    """Each primitive's attributes, indices and morph targets name accessors in the file, its
    attributes are of one count, its indices whole numbers (three to a triangle where it draws
    triangles), and its mode is one glTF has (``check_primitives`` has seen the meshes are
    lists)."""
    meshes = document.header.get("meshes", [])
    for index, mesh in enumerate(meshes if isinstance(meshes, list) else []):
        primitives = mesh.get("primitives") if isinstance(mesh, dict) else None
        for number, primitive in enumerate(primitives if isinstance(primitives, list) else []):
            if not isinstance(primitive, dict):
                continue
            where = f"meshes[{index}].primitives[{number}]"
            attributes = primitive.get("attributes")
            if not isinstance(attributes, dict):
                raise AssetError(f"expected an object of attributes, got {attributes!r:.40}",
                                 file=file, field=f"{where}.attributes")
            for name in attributes:
                _index(attributes, name, len(accessors), file, f"{where}.attributes")
            counts = {name: accessors[value]["count"] for name, value in attributes.items()
                      if value is not None}
            if len(set(counts.values())) > 1:
                raise AssetError(f"expected attributes of one count, got {counts}", file=file,
                                 field=f"{where}.attributes")
            mode = _one_of(primitive, "mode", PRIMITIVE_MODES, file, where)
            mode = 4 if mode is None else mode  # triangles
            _index(primitive, "indices", len(accessors), file, where)
            vertices = primitive.get("indices")
            if vertices is not None:
                indices = accessors[vertices]
                if indices["type"] != "SCALAR" or indices["componentType"] not in (
                        INDEX_COMPONENTS):
                    raise AssetError(f"accessors[{vertices}] holds {indices['type']} of "
                                     f"component type {indices['componentType']}, not "
                                     "unsigned whole numbers", file=file,
                                     field=f"{where}.indices")
            drawn = accessors[vertices]["count"] if vertices is not None else counts.get(
                "POSITION")
            if mode == 4 and drawn is not None and drawn % 3:
                raise AssetError(f"expected three vertices to a triangle, got {drawn}",
                                 file=file, field=f"{where}.indices" if vertices is not None
                                 else f"{where}.attributes.POSITION")
            targets = primitive.get("targets", [])
            if not isinstance(targets, list):
                raise AssetError(f"expected a list of morph targets, got {targets!r:.40}",
                                 file=file, field=f"{where}.targets")
            for target_number, target in enumerate(targets):
                _object(target, "a morph target", file, f"{where}.targets[{target_number}]")
                for name in target:
                    _index(target, name, len(accessors), file,
                           f"{where}.targets[{target_number}]")


def check_materials(document: GltfDocument) -> None:
    """Raise ``AssetError`` (file and field) at the first material value glTF does not allow."""
    materials = document.header.get("materials", [])
    file = str(document.path)
    if not isinstance(materials, list):
        raise AssetError("expected a list of materials", file=file, field="materials")
    textures = document.header.get("textures", [])
    count = len(textures) if isinstance(textures, list) else 0
    for index, material in enumerate(materials):
        _check_material(material, file, f"materials[{index}]", count)


def check_textures(document: GltfDocument) -> None:
    """Raise ``AssetError`` (file and field) at the first image that is not an object with a
    text uri or a buffer view in the file, sampler mode glTF does not have, or texture whose
    sampler or image is not in the file."""
    file = str(document.path)
    images, samplers, textures, views = _lists(document, "images", "samplers", "textures",
                                               "bufferViews")
    for index, image in enumerate(images):
        where = f"images[{index}]"
        _object(image, "an image", file, where)
        _kind(image, "uri", str, file, where)
        _kind(image, "mimeType", str, file, where)
        _index(image, "bufferView", len(views), file, where)
    for index, sampler in enumerate(samplers):
        where = f"samplers[{index}]"
        if not isinstance(sampler, dict):
            raise AssetError(f"expected a sampler (an object), got {sampler!r:.40}", file=file,
                             field=where)
        for key, allowed in SAMPLER_MODES.items():
            _one_of(sampler, key, allowed, file, where)
    for index, texture in enumerate(textures):
        where = f"textures[{index}]"
        if not isinstance(texture, dict):
            raise AssetError(f"expected a texture (an object), got {texture!r:.40}", file=file,
                             field=where)
        _index(texture, "sampler", len(samplers), file, where)
        _index(texture, "source", len(images), file, where)
        extensions = _kind(texture, "extensions", dict, file, where) or {}
        for name, extension in extensions.items():
            if isinstance(extension, dict):
                _index(extension, "source", len(images), file,
                       f"{where}.extensions.{name}")


def check_primitives(document: GltfDocument) -> None:
    """Raise ``AssetError`` (file and field) at the first primitive whose material is not in
    the file (a negative index, or true, named another material)."""
    file = str(document.path)
    meshes = document.header.get("meshes", [])
    materials = document.header.get("materials", [])
    count = len(materials) if isinstance(materials, list) else 0
    if not isinstance(meshes, list):
        raise AssetError("expected a list of meshes", file=file, field="meshes")
    for index, mesh in enumerate(meshes):
        where = f"meshes[{index}]"
        if not isinstance(mesh, dict) or not isinstance(mesh.get("primitives"), list):
            raise AssetError("expected a mesh with a list of primitives", file=file,
                             field=where)
        _kind(mesh, "name", str, file, where)
        _kind(mesh, "extensions", dict, file, where)
        for number, primitive in enumerate(mesh["primitives"]):
            if not isinstance(primitive, dict):
                raise AssetError(f"expected a primitive (an object), got {primitive!r:.40}",
                                 file=file, field=f"{where}.primitives[{number}]")
            _index(primitive, "material", count, file, f"{where}.primitives[{number}]")
            _kind(primitive, "extensions", dict, file, f"{where}.primitives[{number}]")


def check_nodes(document: GltfDocument) -> None:
    """Raise ``AssetError`` (file and field) at the first node transform that is not the
    right count of finite numbers, or node, mesh or scene index that names nothing."""
    nodes = document.header.get("nodes", [])
    meshes = document.header.get("meshes", [])
    meshes = meshes if isinstance(meshes, list) else []
    file = str(document.path)
    if not isinstance(nodes, list):
        raise AssetError("expected a list of nodes", file=file, field="nodes")
    for index, node in enumerate(nodes):
        where = f"nodes[{index}]"
        if not isinstance(node, dict):
            raise AssetError(f"expected a node (an object), got {node!r:.40}", file=file,
                             field=where)
        _kind(node, "name", str, file, where)
        _kind(node, "extensions", dict, file, where)
        for key, count in TRANSFORM_SIZES.items():
            _numbers(node, key, count, file, where, low=-math.inf, high=math.inf)
        _index(node, "mesh", len(meshes), file, where)
        children = node.get("children", [])
        if not isinstance(children, list):
            raise AssetError(f"expected a list of node indices, got {children!r:.40}",
                             file=file, field=f"{where}.children")
        for number in range(len(children)):
            _index(children, number, len(nodes), file, f"{where}.children")
    parents = _one_parent_each(nodes, file)
    parts = sum(len(meshes[node["mesh"]].get("primitives", []) or [])
                for node in nodes if isinstance(node.get("mesh"), int)
                and isinstance(meshes[node["mesh"]], dict))
    if parts > MAX_PLACED_MESHES:
        raise AssetError(f"its nodes place {parts} meshes, over the limit of "
                         f"{MAX_PLACED_MESHES}: {JOIN_PARTS}", file=file, field="nodes")
    used = document.header.get("extensionsUsed")
    if parts > MAX_MODEL_PARTS and isinstance(used, list) and VARIANTS in used:
        raise AssetError(f"its nodes place {parts} meshes, more than the {MAX_MODEL_PARTS} the "
                         "app draws apart, and its material variants (KHR_materials_variants) "
                         f"change them one by one: {JOIN_PARTS}", file=file, field="nodes")
    scenes = document.header.get("scenes", [])
    if not isinstance(scenes, list):
        raise AssetError("expected a list of scenes", file=file, field="scenes")
    _index(document.header, "scene", len(scenes), file, "")
    for index, scene in enumerate(scenes):
        roots = scene.get("nodes", []) if isinstance(scene, dict) else None
        if not isinstance(roots, list):
            raise AssetError("expected a scene with a list of node indices", file=file,
                             field=f"scenes[{index}]")
        for number in range(len(roots)):
            _index(roots, number, len(nodes), file, f"scenes[{index}].nodes")
            if roots[number] in parents:
                raise AssetError(f"nodes[{roots[number]}] is a child of "
                                 f"nodes[{parents[roots[number]]}]; a scene lists root nodes",
                                 file=file, field=f"scenes[{index}].nodes[{number}]")


def _one_parent_each(nodes: list, file: str) -> dict[int, int]:
    """Each node's parent, by index; ``AssetError`` where a node has two, or the hierarchy
    loops (a node its own ancestor): glTF's nodes form trees."""
    parents: dict[int, int] = {}
    for index, node in enumerate(nodes):
        for number, child in enumerate(node.get("children", [])):
            if child in parents:
                raise AssetError(f"nodes[{child}] is a child of nodes[{parents[child]}] too; "
                                 "a node has one parent", file=file,
                                 field=f"nodes[{index}].children[{number}]")
            parents[child] = index
    placed: set[int] = set()  # nodes whose line of parents is known to end at a root
    for start in range(len(nodes)):
        line: set[int] = set()
        node = start
        while node in parents and node not in placed:
            if node in line:
                raise AssetError(f"nodes[{node}] is its own ancestor: the node hierarchy "
                                 "loops", file=file, field=f"nodes[{parents[node]}].children")
            line.add(node)
            node = parents[node]
        placed.update(line)
    return parents


def _check_material(material: object, file: str, where: str, textures: int) -> None:
    if not isinstance(material, dict):
        raise AssetError(f"expected a material (an object), got {material!r:.40}", file=file,
                         field=where)
    _kind(material, "name", str, file, where)
    _kind(material, "extensions", dict, file, where)
    pbr = _kind(material, "pbrMetallicRoughness", dict, file, where) or {}
    _numbers(pbr, "baseColorFactor", 4, file, f"{where}.pbrMetallicRoughness", high=1.0)
    _number(pbr, "metallicFactor", file, f"{where}.pbrMetallicRoughness", high=1.0)
    _number(pbr, "roughnessFactor", file, f"{where}.pbrMetallicRoughness", high=1.0)
    _numbers(material, "emissiveFactor", 3, file, where, high=math.inf)
    mode = material.get("alphaMode", "OPAQUE")
    if mode not in ALPHA_MODES:
        raise AssetError(f"expected one of {', '.join(ALPHA_MODES)}, got {mode!r:.40}",
                         file=file, field=f"{where}.alphaMode")
    _number(material, "alphaCutoff", file, where, high=math.inf)
    _kind(material, "doubleSided", bool, file, where)
    for parent, slot in TEXTURE_SLOTS:
        block = pbr if parent else material
        info = _kind(block, slot, dict, file, f"{where}.{parent}" if parent else where)
        if info is None:
            continue
        field = f"{where}.{parent}.{slot}" if parent else f"{where}.{slot}"
        if slot == "normalTexture":
            _number(info, "scale", file, field, low=-math.inf, high=math.inf)
        if slot == "occlusionTexture":
            _number(info, "strength", file, field, high=1.0)
        if "index" not in info:
            raise AssetError("expected the index of a texture", file=file, field=field)
        _index(info, "index", textures, file, field)
        _index(info, "texCoord", math.inf, file, field)


def _index(block: dict | list, key: str | int, count: float, file: str, where: str) -> None:
    """``block[key]``, where there is one, an index into a list of ``count`` items."""
    if isinstance(block, dict) and key not in block:
        return
    value = block[key]  # a null is no index: glTF leaves an optional property out
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        known = "an index from 0" if math.isinf(count) else (
            f"an index from 0 to {int(count) - 1}" if count
            else "no index (the file has none to name)")
        field = (f"{where}[{key}]" if isinstance(key, int)
                 else f"{where}.{key}" if where else key)
        raise AssetError(f"expected {known}, got {value!r:.40}", file=file, field=field)


def _lists(document: GltfDocument, *keys: str) -> list[list]:
    """The file's top-level lists ``keys`` (empty where left out), each refused naming it
    where it is not a list."""
    found = []
    for key in keys:
        value = document.header.get(key, [])
        if not isinstance(value, list):
            raise AssetError(f"expected a list of {key}", file=str(document.path), field=key)
        found.append(value)
    return found


def _one_of(block: dict, key: str, allowed, file: str, where: str, *,
            required: bool = False) -> int | None:
    """``block[key]``, one of the whole numbers ``allowed`` (a glTF enum); None where it may
    be left out and is."""
    if key not in block and not required:
        return None
    value = block.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise AssetError(f"expected one of {', '.join(map(str, allowed))}, got {value!r:.40}",
                         file=file, field=f"{where}.{key}")
    return value


def _object(value: object, what: str, file: str, where: str) -> None:
    if not isinstance(value, dict):
        raise AssetError(f"expected {what} (an object), got {value!r:.40}", file=file,
                         field=where)


def _integer(block: dict, key: str, file: str, where: str, *, low: int,
             high: int = MAX_COUNT - 1, required: bool = False) -> int:
    """``block[key]``, a whole number from ``low`` to ``high`` (0 where it may be left out
    and is)."""
    if key not in block and not required:
        return 0
    value = block.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AssetError(f"expected a whole number from {low} to {high}, got {value!r:.40}",
                         file=file, field=f"{where}.{key}")
    return value


def _kind(block: dict, key: str, kind: type, file: str, where: str):
    value = block.get(key)
    if key in block and not isinstance(value, kind):
        expected = {dict: "an object", str: "text", bool: "true or false"}[kind]
        raise AssetError(f"expected {expected}, got {value!r:.40}", file=file,
                         field=f"{where}.{key}")
    return value


def _number(block: dict, key: str, file: str, where: str, *, low: float = 0.0,
            high: float) -> None:
    if key in block:
        _check_number(block[key], file, f"{where}.{key}", low, high)


def _numbers(block: dict, key: str, count: int, file: str, where: str, *, low: float = 0.0,
             high: float) -> None:
    if key not in block:
        return
    values = block[key]
    if not isinstance(values, list) or len(values) != count:
        raise AssetError(f"expected {count} numbers, got {values!r:.60}", file=file,
                         field=f"{where}.{key}")
    for value in values:
        _check_number(value, file, f"{where}.{key}", low, high)


def _check_number(value: object, file: str, field: str, low: float, high: float) -> None:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or not low - SLACK <= value <= high + SLACK):
        span = "any finite number" if math.isinf(low) else (
            f"a number of at least {low:g}" if math.isinf(high) else
            f"a number from {low:g} to {high:g}")
        raise AssetError(f"expected {span}, got {value!r:.40}", file=file, field=field)
