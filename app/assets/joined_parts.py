"""A model whose nodes place more meshes than the app draws apart: a CAD assembly exported to
glTF, every bolt, washer and panel a node of its own. Each mesh is a part the live view draws
with an actor of its own, and past a few thousand the view and the still slow to a crawl; such
a model is drawn with the meshes of each material joined into one part. Each node's name still
addresses its part (a product's part naming any node of a joined part draws the whole joined
part, app.scene.resolve says so when two parts would share one)."""

from __future__ import annotations

import numpy as np

from app.assets.mesh import MeshData, frozen

JOINED = "meshes joined"  # in a joined part's key: "<material> (<n> meshes joined)"


def join_by_material(meshes: dict[str, MeshData], mesh_names: dict[str, list[str]]
                     ) -> tuple[dict[str, MeshData], dict[str, list[str]]]:
    """``meshes`` (by key) joined into one mesh per material, and ``mesh_names`` (a name ->
    the keys it addresses) pointing at the joined ones; every old key is a name of its joined
    mesh."""
    groups: dict[int, list[str]] = {}
    for key, mesh in meshes.items():
        groups.setdefault(id(mesh.material), []).append(key)
    joined: dict[str, MeshData] = {}
    renamed: dict[str, str] = {}
    for keys in groups.values():
        material = meshes[keys[0]].material
        base = f"{material.name or 'no material'} ({len(keys)} {JOINED})"
        name, number = base, 2
        while name in joined:
            name, number = f"{base} {number}", number + 1
        joined[name] = joined_mesh(name, [meshes[k] for k in keys])
        renamed.update(dict.fromkeys(keys, name))
    names = {name: list(dict.fromkeys(renamed[k] for k in keys))
             for name, keys in mesh_names.items()}
    for key, name in renamed.items():
        names.setdefault(key, [name])
    return joined, names


def joined_mesh(name: str, parts: list[MeshData]) -> MeshData:
    """``parts`` (of one material) as one mesh ``name``: a UV set or vertex colours some parts
    lack are zeros (UVs) or white there, a volume's thickness kept where every part has one."""
    offsets = np.cumsum([0] + [len(p.vertices) for p in parts[:-1]])
    faces = np.concatenate([p.faces + np.int32(o) for p, o in zip(parts, offsets, strict=True)])

    def stacked(values: list[np.ndarray | None], columns: int, fill, dtype) -> np.ndarray | None:
        if all(v is None for v in values):
            return None
        return frozen(np.concatenate([
            np.full((len(p.vertices), columns), fill, dtype) if v is None else np.asarray(v, dtype)
            for p, v in zip(parts, values, strict=True)]))

    thickness = [p.thickness for p in parts]
    return MeshData(
        name=name,
        vertices=frozen(np.concatenate([p.vertices for p in parts])),
        faces=frozen(faces.astype(np.int32)),
        normals=frozen(np.concatenate([p.normals for p in parts])),
        uv=stacked([p.uv for p in parts], 2, 0.0, np.float32),
        uv1=stacked([p.uv1 for p in parts], 2, 0.0, np.float32),
        colors=stacked([p.colors for p in parts], 4, 255, np.uint8),
        material=parts[0].material,
        thickness=(None if any(t is None for t in thickness)
                   else frozen(np.concatenate(thickness).astype(np.float32))),
    )
