"""Skinned meshes drawn in the pose their joints' nodes hold, applied before trimesh reads the
file.

A skinned glTF mesh is stored in its bind pose; where it is drawn is each vertex carried by its
joints (``JOINTS_n``, ``WEIGHTS_n``) to where their nodes now are: the sum over its joints of
weight x (the joint node's world matrix x the joint's inverse bind matrix) x the vertex, the
skinned node's own transform left out (glTF's rule). A product posed in Blender (a desk lamp's
arm raised) is written so, and trimesh, which reads no skins, drew it straight. Here each
skinned node's mesh is written out posed (in the node's own space, so that trimesh's placing of
the node puts it where the joints say), POSITION, NORMAL and TANGENT, and the skin dropped; a
mesh that another node also draws is copied first. Animations are not played: the pose is the
one the file's nodes hold.
"""

from __future__ import annotations

import copy

import numpy as np

from app.assets.gltf_buffers import AccessorReader, BufferWriter
from app.assets.gltf_document import GltfDocument
from app.errors import AssetError

_FLOAT = 5126
_CHUNK = 262_144  # vertices skinned at a time (their blended matrices: 32 MB)


def posed_skins(document: GltfDocument, header: dict, binary: bytes | None
                ) -> tuple[dict, bytes | None]:
    """``header`` (a copy for trimesh) and its BIN chunk with every skinned node's mesh posed
    by its joints (``AssetError`` naming the field for a skin, joint or weight glTF does not
    allow)."""
    label = str(document.path)
    nodes = header.get("nodes", []) or []
    skinned = [n for n, node in enumerate(nodes)
               if isinstance(node, dict) and "skin" in node and "mesh" in node]
    if not skinned:
        return header, binary
    world = _world_matrices(nodes)
    meshes = header["meshes"]
    drawn_by = {}  # mesh: how many nodes draw it
    for node in nodes:
        if isinstance(node, dict) and isinstance(node.get("mesh"), int):
            drawn_by[node["mesh"]] = drawn_by.get(node["mesh"], 0) + 1
    reader = AccessorReader(document, header, binary)
    writer = BufferWriter(header, binary)
    for n in skinned:
        node = nodes[n]
        joints = _joint_matrices(reader, header, node.get("skin"), world, label,
                                 f"nodes[{n}].skin")
        own = world[n]
        if abs(np.linalg.det(own[:3, :3])) < 1e-12:
            raise AssetError("a skinned mesh's node is scaled to nothing: its posed mesh "
                             "cannot be placed", file=label, field=f"nodes[{n}]")
        joints = np.linalg.inv(own) @ joints  # the pose in the node's own space
        index = node["mesh"]
        if drawn_by[index] > 1:  # another node draws the mesh unposed, or posed otherwise
            drawn_by[index] -= 1
            meshes.append(copy.deepcopy(meshes[index]))
            index = node["mesh"] = len(meshes) - 1
        for number, primitive in enumerate(meshes[index].get("primitives") or []):
            if isinstance(primitive, dict):
                _pose(reader, writer, primitive, joints, label,
                      f"meshes[{node['mesh']}].primitives[{number}].attributes")
        del node["skin"]
    writer.finish()
    return header, writer.binary if writer.in_bin else binary


def _local_matrix(node: dict) -> np.ndarray:
    """A node's transform (its matrix, or translation x rotation x scale) as a 4x4."""
    if "matrix" in node:
        return np.asarray(node["matrix"], np.float64).reshape(4, 4).T  # glTF: column-major
    x, y, z, w = node.get("rotation", (0.0, 0.0, 0.0, 1.0))
    length = np.sqrt(x * x + y * y + z * z + w * w) or 1.0
    x, y, z, w = x / length, y / length, z / length, w / length
    rotation = np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
    matrix = np.eye(4)
    matrix[:3, :3] = rotation * np.asarray(node.get("scale", (1.0, 1.0, 1.0)), np.float64)
    matrix[:3, 3] = node.get("translation", (0.0, 0.0, 0.0))
    return matrix


def _world_matrices(nodes: list) -> list[np.ndarray]:
    """Each node's transform from the scene's root (``check_nodes`` has held the nodes to
    trees whose transforms are finite numbers)."""
    parent = {child: n for n, node in enumerate(nodes) if isinstance(node, dict)
              for child in node.get("children", []) or []}
    world: list[np.ndarray | None] = [None] * len(nodes)
    for start in range(len(nodes)):
        chain = []  # from the node up to the first whose world transform is known
        n: int | None = start
        while n is not None and world[n] is None:
            chain.append(n)
            n = parent.get(n)
        above = np.eye(4) if n is None else world[n]
        for m in reversed(chain):
            above = above @ _local_matrix(nodes[m])
            world[m] = above
    return world  # type: ignore[return-value]


def _joint_matrices(reader: AccessorReader, header: dict, skin_index: object,
                    world: list[np.ndarray], label: str, where: str) -> np.ndarray:
    """(J, 4, 4): each joint's node's world matrix times its inverse bind matrix."""
    skins = header.get("skins", [])
    if not isinstance(skins, list):
        raise AssetError(f"expected a list of skins, got {skins!r:.40}", file=label,
                         field="skins")
    if (isinstance(skin_index, bool) or not isinstance(skin_index, int)
            or not 0 <= skin_index < len(skins) or not isinstance(skins[skin_index], dict)):
        raise AssetError(f"expected the index of a skin, got {skin_index!r:.40}", file=label,
                         field=where)
    skin = skins[skin_index]
    where = f"skins[{skin_index}]"
    joints = skin.get("joints")
    if (not isinstance(joints, list) or not joints
            or not all(isinstance(j, int) and not isinstance(j, bool) and 0 <= j < len(world)
                       for j in joints)):
        raise AssetError(f"expected a list of node indices, got {joints!r:.60}", file=label,
                         field=f"{where}.joints")
    if "inverseBindMatrices" in skin:
        inverse = reader.checked_floats(skin["inverseBindMatrices"],
                                        f"{where}.inverseBindMatrices", ("MAT4",))
        if len(inverse) < len(joints):
            raise AssetError(f"expected {len(joints)} matrices, one per joint, got "
                             f"{len(inverse)}", file=label,
                             field=f"{where}.inverseBindMatrices")
        inverse = inverse[:len(joints)].reshape(-1, 4, 4).transpose(0, 2, 1)  # column-major
    else:
        inverse = np.broadcast_to(np.eye(4), (len(joints), 4, 4))
    return np.stack([world[j] for j in joints]) @ inverse


def _pose(reader: AccessorReader, writer: BufferWriter, primitive: dict, joints: np.ndarray,
          label: str, where: str) -> None:
    """The primitive's POSITION, NORMAL and TANGENT replaced by their posed values."""
    attributes = primitive.get("attributes") or {}
    sets = [k for k in range(8) if f"JOINTS_{k}" in attributes]
    if "POSITION" not in attributes or not sets:
        return
    indices, weights = [], []
    for k in sets:
        field = f"{where}.JOINTS_{k}"
        found = reader.checked_floats(attributes[f"JOINTS_{k}"], field, ("VEC4",))
        if found.size and (found.min() < 0 or found.max() >= len(joints)):
            raise AssetError(f"expected joints from 0 to {len(joints) - 1}, got "
                             f"{int(found.max())}", file=label, field=field)
        indices.append(found.astype(np.int64))
        weight_field = f"{where}.WEIGHTS_{k}"
        weights.append(reader.checked_floats(attributes.get(f"WEIGHTS_{k}"), weight_field,
                                             ("VEC4",)))
    index = np.concatenate(indices, axis=1)
    weight = np.clip(np.concatenate(weights, axis=1), 0.0, None)
    if len(weight) != len(index):
        raise AssetError("expected as many weights as joints", file=label,
                         field=f"{where}.WEIGHTS_{sets[0]}")
    total = weight.sum(axis=1, keepdims=True)
    # a vertex with no weight stays where its bind pose is (held by the node alone)
    posed_weight = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 0.0)
    unweighted = (total[:, 0] <= 0)
    out = {}
    for semantic in ("POSITION", "NORMAL", "TANGENT"):
        if semantic not in attributes:
            continue
        values = reader.checked_floats(attributes[semantic], f"{where}.{semantic}",
                                       ("VEC3", "VEC4"))
        if len(values) != len(index):
            raise AssetError(f"expected {len(index)} values, one per vertex", file=label,
                             field=f"{where}.{semantic}")
        with np.errstate(all="ignore"):  # past any size: refused below
            out[semantic] = _posed(values, semantic, index, posed_weight, unweighted, joints)
    for semantic, values in out.items():
        with np.errstate(over="ignore", invalid="ignore"):
            values = values.astype(np.float32)
        if not np.isfinite(values).all():
            raise AssetError(f"the posed {semantic} is not finite (joints moved or scaled past "
                             "any size)", file=label, field=f"{where}.{semantic}")
        extra = ({"min": values.min(axis=0).tolist(), "max": values.max(axis=0).tolist()}
                 if semantic == "POSITION" else {})
        attributes[semantic] = writer.accessor(
            values, _FLOAT, "VEC4" if values.shape[1] == 4 else "VEC3", extra)
    for k in sets:
        attributes.pop(f"JOINTS_{k}", None)
        attributes.pop(f"WEIGHTS_{k}", None)


def _posed(values: np.ndarray, semantic: str, index: np.ndarray, weight: np.ndarray,
           unweighted: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """``values`` (positions, or directions: normals, tangents with their w) posed, a chunk
    of vertices at a time; unweighted vertices left as they are."""
    posed = values.copy()
    for start in range(0, len(values), _CHUNK):
        rows = slice(start, start + _CHUNK)
        blended = np.einsum("vk,vkij->vij", weight[rows], joints[index[rows]])
        xyz = values[rows, :3]
        if semantic == "POSITION":
            moved = np.einsum("vij,vj->vi", blended[:, :3, :3], xyz) + blended[:, :3, 3]
        else:
            linear = blended[:, :3, :3]
            if semantic == "NORMAL":  # by the inverse transpose: the cofactors, signed
                c0, c1, c2 = linear[:, :, 0], linear[:, :, 1], linear[:, :, 2]
                cofactors = np.stack([np.cross(c1, c2), np.cross(c2, c0), np.cross(c0, c1)],
                                     axis=2)
                sign = np.sign(np.linalg.det(linear))[:, None]
                moved = np.einsum("vij,vj->vi", cofactors, xyz) * np.where(sign == 0, 1, sign)
            else:
                moved = np.einsum("vij,vj->vi", linear, xyz)
            length = np.linalg.norm(moved, axis=1, keepdims=True)
            moved = np.where(length > 0, moved / np.where(length > 0, length, 1.0), xyz)
        keep = unweighted[rows]
        posed[rows, :3] = np.where(keep[:, None], xyz, moved)
    return posed
