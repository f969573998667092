"""A glTF file's materials and node transforms checked against glTF's schema before anything
reads them.

trimesh reads them first and stops at the first value it cannot take with its own message (or
takes NaN, infinities and negative roughness as they are, which render as black or as noise,
or move every vertex to NaN). Each core material field and each node's transform is checked
here, so a bad value is refused naming the file and the field
(``materials[2].pbrMetallicRoughness.roughnessFactor``, ``nodes[4].rotation``). The material
extensions' fields are checked where they are read (``app.assets.material_extensions``).
"""

from __future__ import annotations

import math

from app.assets.gltf_document import GltfDocument
from app.errors import AssetError

ALPHA_MODES = ("OPAQUE", "MASK", "BLEND")
TEXTURE_SLOTS = (("pbrMetallicRoughness", "baseColorTexture"),
                 ("pbrMetallicRoughness", "metallicRoughnessTexture"),
                 (None, "normalTexture"), (None, "occlusionTexture"), (None, "emissiveTexture"))
SLACK = 1e-6  # a factor this far past its range is a rounding, taken as the range's end
TRANSFORM_SIZES = {"matrix": 16, "translation": 3, "rotation": 4, "scale": 3}


def check_materials(document: GltfDocument) -> None:
    """Raise ``AssetError`` (file and field) at the first material value glTF does not allow."""
    materials = document.header.get("materials", [])
    file = str(document.path)
    if not isinstance(materials, list):
        raise AssetError("expected a list of materials", file=file, field="materials")
    for index, material in enumerate(materials):
        _check_material(material, file, f"materials[{index}]")


def check_nodes(document: GltfDocument) -> None:
    """Raise ``AssetError`` (file and field) at the first node transform that is not the
    right count of finite numbers."""
    nodes = document.header.get("nodes", [])
    file = str(document.path)
    if not isinstance(nodes, list):
        raise AssetError("expected a list of nodes", file=file, field="nodes")
    for index, node in enumerate(nodes):
        where = f"nodes[{index}]"
        if not isinstance(node, dict):
            raise AssetError(f"expected a node (an object), got {node!r:.40}", file=file,
                             field=where)
        for key, count in TRANSFORM_SIZES.items():
            _numbers(node, key, count, file, where, low=-math.inf, high=math.inf)


def _check_material(material: object, file: str, where: str) -> None:
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


def _kind(block: dict, key: str, kind: type, file: str, where: str):
    value = block.get(key)
    if value is not None and not isinstance(value, kind):
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
    values = block.get(key)
    if values is None:
        return
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
