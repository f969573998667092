"""Morph targets at the weights the file gives them, applied before trimesh reads the file.

A glTF mesh's shape is its attributes plus each morph target's displacements times the
target's weight: the mesh's ``weights``, or a node's own ``weights`` for the mesh it places
(a Blender shape key left at 0.75 is written so). trimesh reads the attributes alone, and the
product came out in its base shape (a squashed cushion drawn as the round one). Here each
morphed primitive's POSITION, NORMAL and TANGENT are written out as the weighted sums, and its
targets dropped; a mesh that nodes place with different weights is copied, one copy per set of
weights. Animations of the weights are not played: the still shape is the file's default.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from app.assets.gltf_buffers import AccessorReader, BufferWriter
from app.assets.gltf_document import GltfDocument
from app.errors import AssetError

MORPHED = ("POSITION", "NORMAL", "TANGENT")
_FLOAT = 5126


def _targets_of(mesh: object) -> int:
    """How many morph targets the mesh's primitives have (the most of any; 0 for none)."""
    primitives = mesh.get("primitives") if isinstance(mesh, dict) else None
    counts = [len(p.get("targets") or []) for p in primitives or [] if isinstance(p, dict)]
    return max(counts, default=0)


def _weights(value: object, count: int, label: str, field: str) -> tuple[float, ...]:
    """``value`` as ``count`` finite weights (zeros where there is none)."""
    if value is None:
        return (0.0,) * count
    if (not isinstance(value, list) or len(value) != count
            or not all(isinstance(w, int | float) and not isinstance(w, bool)
                       and math.isfinite(w) for w in value)):
        raise AssetError(f"expected {count} finite numbers, one per morph target, got "
                         f"{value!r:.60}", file=label, field=field)
    return tuple(float(w) for w in value)


def applied_morphs(document: GltfDocument, header: dict, binary: bytes | None
                   ) -> tuple[dict, bytes | None]:
    """``header`` (a copy for trimesh) and its BIN chunk with every mesh's morph targets applied
    at the weights its nodes draw it with (``AssetError`` naming the field for weights that
    are not one finite number per target, or a target whose count is not its primitive's)."""
    label = str(document.path)
    meshes = header.get("meshes", []) or []
    nodes = header.get("nodes", []) or []
    morphed = [i for i, mesh in enumerate(meshes) if _targets_of(mesh)]
    if not morphed:
        return header, binary
    # the weights each node draws its mesh with: the node's own, else the mesh's
    drawn: dict[int, dict[tuple[float, ...], list[int]]] = {i: {} for i in morphed}
    for n, node in enumerate(nodes):
        mesh = node.get("mesh") if isinstance(node, dict) else None
        if type(mesh) is not int or mesh not in drawn:
            continue
        count = _targets_of(meshes[mesh])
        own = node.get("weights")
        weights = (_weights(own, count, label, f"nodes[{n}].weights") if own is not None
                   else _weights(meshes[mesh].get("weights"), count, label,
                                 f"meshes[{mesh}].weights"))
        drawn[mesh].setdefault(weights, []).append(n)
    reader = AccessorReader(document, header, binary)
    writer = BufferWriter(header, binary)
    for index in morphed:
        sets = list(drawn[index].items()) or [((), [])]  # placed by no node: targets dropped
        # another set of weights: a copy of the mesh (made before any is morphed) for its nodes
        copies = [index]
        for _ in sets[1:]:
            meshes.append(copy.deepcopy(meshes[index]))
            copies.append(len(meshes) - 1)
        for target, (weights, placing) in zip(copies, sets, strict=True):
            for n in placing:
                nodes[n]["mesh"] = target
                nodes[n].pop("weights", None)
            _apply(reader, writer, meshes[target], weights, label, f"meshes[{index}]")
    writer.finish()
    return header, writer.binary if writer.in_bin else binary


def _apply(reader: AccessorReader, writer: BufferWriter, mesh: dict,
           weights: tuple[float, ...], label: str, where: str) -> None:
    """``mesh``'s primitives' morphed attributes replaced by their sums at ``weights``."""
    mesh.pop("weights", None)
    for number, primitive in enumerate(mesh.get("primitives") or []):
        if not isinstance(primitive, dict):
            continue
        targets = primitive.pop("targets", None) or []
        attributes = primitive.get("attributes") or {}
        for semantic in MORPHED:
            moved = [(w, t[semantic]) for w, t in zip(weights, targets, strict=False)
                     if w and isinstance(t, dict) and semantic in t]
            if semantic not in attributes or not moved:
                continue
            field = f"{where}.primitives[{number}]"
            values = reader.checked_floats(attributes[semantic], f"{field}.attributes.{semantic}")
            for w, accessor in moved:  # too large a weight: not finite, refused below
                displacement = reader.checked_floats(accessor, f"{field}.targets")
                if len(displacement) != len(values) or displacement.shape[1] < 3:
                    raise AssetError(f"expected {len(values)} three-component displacements "
                                     f"of {semantic}, got {displacement.shape}", file=label,
                                     field=f"{field}.targets")
                with np.errstate(over="ignore", invalid="ignore"):
                    values[:, :3] += w * displacement[:, :3]
            if semantic != "POSITION":  # directions: unit length again
                with np.errstate(over="ignore", invalid="ignore"):
                    length = np.linalg.norm(values[:, :3], axis=1, keepdims=True)
                    values[:, :3] /= np.where(length > 0, length, 1.0)
            with np.errstate(over="ignore"):
                values = values.astype(np.float32)
            if not np.isfinite(values).all():
                raise AssetError(f"the morphed {semantic} is not finite (weights too large)",
                                 file=label, field=f"{where}.weights")
            extra = ({"min": values.min(axis=0).tolist(), "max": values.max(axis=0).tolist()}
                     if semantic == "POSITION" else {})
            attributes[semantic] = writer.accessor(
                values, _FLOAT, "VEC4" if values.shape[1] == 4 else "VEC3", extra)
