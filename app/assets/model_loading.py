"""Model files (glTF, GLB, OBJ+MTL, STL, PLY) -> ``Model``: named meshes in metres, Y up.

trimesh reads every format (``force="scene"``); the scene graph is walked so that each drawn
(node, geometry) instance becomes one ``MeshData`` with its world transform, the unit scale and
the up-axis rotation applied once, here.

Each instance's arrays are made by ``app.assets.mesh_arrays`` (UVs as glTF has them: v = 0 at
the top row of the texture image).
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import trimesh
from trimesh.resolvers import Resolver
from trimesh.visual.material import PBRMaterial, SimpleMaterial

from app.assets.draco import decode_draco
from app.assets.gltf_document import (
    GltfDocument,
    check_images,
    check_triangle_count,
    expose_attributes,
    material_index_from_tag,
    read_gltf_document,
    tagged_bytes,
    without_cameras,
)
from app.assets.gltf_extensions import check_extensions
from app.assets.gltf_morphs import applied_morphs
from app.assets.gltf_primitives import plain_primitives
from app.assets.gltf_quantization import dequantized
from app.assets.gltf_schema_checks import check_document
from app.assets.gltf_skins import posed_skins
from app.assets.gpu_instancing import expand_instances
from app.assets.joined_parts import join_by_material
from app.assets.materials import gltf_material, simple_material
from app.assets.mesh import MeshData, MeshMaterial, Model, TextureImage, frozen
from app.assets.mesh_arrays import LocalArrays, local_arrays, placed_mesh
from app.assets.mesh_files import mesh_file_source
from app.assets.meshopt import meshopt_decoded
from app.assets.mtl_maps import MaterialMaps
from app.assets.normals import SplitNormals, faces_turned_inwards
from app.assets.texture_sources import choose_texture_sources, unread_ktx2_images
from app.assets.textures import DEFAULT_MAX_PIXELS, texture_from_image
from app.assets.thickness import (
    absorbs_in_its_volume,
    bounds_a_volume,
    equivalent_thickness,
    vertex_areas,
    vertex_thickness,
)
from app.errors import AppError, AppErrors, AssetError
from app.limits import (
    FEWER_TRIANGLES,
    JOIN_PARTS,
    MAX_FILE_BYTES,
    MAX_MODEL_PARTS,
    MAX_PLACED_MESHES,
    MAX_TRIANGLES,
    check_file_size,
)
from app.references import ReferenceResolver

FARTHEST_FOR_ITS_SIZE = 1e5  # 32-bit coordinates keep about 1/170 of the size there
LARGEST_COORDINATE = 1e30  # well inside float32's range (3.4e38), products' sums included
MissingTextures = Literal["refuse", "skip"]
MODEL_SUFFIXES = (".gltf", ".glb", ".obj", ".stl", ".ply")
# what is rewritten of a glTF's JSON and BIN chunk (after Draco is decoded) before trimesh
# reads them, in this order: meshopt-compressed buffer views decoded; sparse accessors made
# whole and strips and fans triangle lists; normalized positions made floats; morph targets
# applied at their weights; skins posed
GLTF_REWRITES = (meshopt_decoded, plain_primitives, dequantized, applied_morphs, posed_skins)
UNIT_SCALES = {"m": 1.0, "cm": 0.01, "mm": 0.001, "in": 0.0254, "ft": 0.3048}
# the up axis the tools that write each format use: STL and PLY Z (Blender's exporters and
# importers, CAD and 3D-printing tools), glTF Y (the format's own) and OBJ Y (Blender's, Maya's
# and 3ds Max's exporters)
USUAL_UP = {".stl": "z", ".ply": "z"}
# rotations taking the file's up axis to +Y (proper rotations: handedness is kept)
UP_ROTATIONS = {
    "y": np.eye(3),
    "-y": np.array([[1.0, 0, 0], [0, -1, 0], [0, 0, -1]]),
    "z": np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]]),
    "-z": np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]),
    "x": np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]]),
    "-x": np.array([[0.0, 1, 0], [-1, 0, 0], [0, 0, 1]]),
}


class _ResolvedFiles(Resolver):
    """What trimesh may read beside a model: only files the app's resolver allows.

    trimesh reads the files a model names itself (glTF buffers and images, an OBJ's material
    library and texture); every name it asks for goes through ``ReferenceResolver`` first, so
    trimesh never opens a file outside the allowed folders.
    """

    def __init__(self, references: ReferenceResolver, *, uri: bool, field: str,
                 file_name: str | None = None, named: dict[str, bytes | Path] | None = None):
        self._references = references
        self._uri = uri
        self._field = field
        self.file_name = file_name  # trimesh names a nameless OBJ mesh after it
        self._named = named or {}  # files made here, or found (an OBJ's libraries, textures)

    def get(self, name: str) -> bytes:
        named = self._named.get(name, name)
        return named if isinstance(named, bytes) else self._references.read_bytes(
            str(named), field=self._field, uri=self._uri)

    def write(self, name: str, data) -> None:
        raise AssetError("models are read, never written, while loading", file=name)

    def namespaced(self, namespace: str) -> _ResolvedFiles:
        return self

    def keys(self):
        return iter(())


def usual_up(path: Path) -> str:
    """The up axis a model file of this format is written with, unless told (``USUAL_UP``)."""
    return USUAL_UP.get(Path(path).suffix.lower(), "y")


def app_transform(units: str, up: str, *, file: str | None = None) -> np.ndarray:
    """The 4x4 matrix taking file coordinates in ``units`` with ``up`` to metres, Y up."""
    if units not in UNIT_SCALES:
        raise AssetError(
            f"units: unknown unit {units!r}; expected one of {', '.join(UNIT_SCALES)}", file=file
        )
    if up not in UP_ROTATIONS:
        raise AssetError(
            f"up: unknown up axis {up!r}; expected one of {', '.join(UP_ROTATIONS)}", file=file
        )
    matrix = np.eye(4)
    matrix[:3, :3] = UP_ROTATIONS[up] * UNIT_SCALES[units]
    return matrix


def load_model(
    path: Path,
    units: str = "m",
    up: str = "y",
    *,
    max_texture_pixels: int = DEFAULT_MAX_PIXELS,
    missing_textures: MissingTextures = "refuse",
    allowed_folders: Sequence[Path] | None = None,
    allowed_label: str | None = None,
) -> Model:
    """Load a model file; every problem raises ``AssetError`` naming the model file first.

    The files the model names (buffers, images, material libraries, textures) are read only
    inside ``allowed_folders`` (default: the model's own folder), see ``app.references``;
    ``allowed_label`` says what those folders are in a refusal.

    ``missing_textures="skip"`` draws a material whose texture file is not on disk without that
    texture and lists the missing file in ``Model.warnings`` (a viewer); ``"refuse"`` makes it an
    error (a product file, which must ship whole).
    """
    path = Path(path)
    try:
        references = ReferenceResolver.for_file(path, allowed_folders,
                                                allowed_label=allowed_label)
        return _load_model(path, units, up, max_texture_pixels, missing_textures, references)
    except AppErrors as errors:
        for error in errors.errors:
            _seen_from_model(error, path)
        raise
    except AppError as error:
        raise _seen_from_model(error, path) from None


def _seen_from_model(error: AppError, path: Path) -> AppError:
    """``error`` with the model file first and the file inside it named relative to it."""
    inner = error.file
    if inner and inner != str(path):
        if inner.startswith(f"{path}#"):
            inner = inner[len(str(path)):]
        else:
            try:
                inner = Path(inner).relative_to(path.parent).as_posix()
            except ValueError:
                pass
        error.file = inner
    return error.within(str(path))


def _load_model(
    path: Path,
    units: str,
    up: str,
    max_texture_pixels: int,
    missing_textures: MissingTextures,
    references: ReferenceResolver,
) -> Model:
    label = str(path)
    suffix = path.suffix.lower()
    if suffix not in MODEL_SUFFIXES:
        raise AssetError(
            f"unknown model format {path.suffix or '(no extension)'!r}; expected one of "
            f"{', '.join(MODEL_SUFFIXES)}",
            file=label,
        )
    if not path.is_file():
        raise AssetError("model file not found", file=label)
    if check_file_size(path, MAX_FILE_BYTES, file=label, error=AssetError) == 0:
        raise AssetError("file is empty", file=label)
    convert = app_transform(units, up, file=label)

    document = None
    missing: list[str] = []
    warnings: list[str] = []
    skip_missing = missing.append if missing_textures == "skip" else None
    if suffix in (".gltf", ".glb"):
        document = read_gltf_document(path, references)
        warnings += check_extensions(document)
        check_document(document)
        check_triangle_count(document)
        check_images(document, max_pixels=max_texture_pixels, on_missing=skip_missing,
                     skip=unread_ktx2_images(document))
        header, binary, decoded_otherwise = decode_draco(document)
        warnings += decoded_otherwise
        for rewrite in GLTF_REWRITES:
            header, binary = rewrite(document, header, binary)
        choose_texture_sources(document, header)
        header, binary, unread = expand_instances(document, header, binary)
        warnings += unread
        header = without_cameras(expose_attributes(header))
        scene = _read_scene(
            label,
            io.BytesIO(tagged_bytes(document, header, binary)),
            suffix[1:],
            resolver=_ResolvedFiles(references, uri=True, field="uri"),
        )
    else:
        prepared = mesh_file_source(path, references, max_pixels=max_texture_pixels,
                                    on_missing=skip_missing)
        warnings += prepared.warnings
        # with the app's resolver, trimesh opens the model file and nothing by a name of its own
        resolver = _ResolvedFiles(references, uri=False, field=prepared.reference_field,
                                  file_name=path.name, named=prepared.named)
        scene = _read_scene(label, prepared.source, prepared.file_type or suffix[1:], resolver,
                            **prepared.options)
    # a node's matrix may overflow in trimesh's and numpy's sums: every result is checked
    # (the model's placement, finite vertices, visible triangles) and refused with its reason
    with np.errstate(all="ignore"):
        model = _model_from_scene(scene, path, convert, document, max_texture_pixels,
                                  {} if document is not None else prepared.material_maps,
                                  None if document is not None else prepared.crease_degrees)
    if not has_visible_triangles(model):
        raise AssetError("has no visible triangles: every triangle has no area (degenerate, "
                         "or scaled to nothing by its node) or none that a number can hold "
                         "(moved or scaled past any size)", file=label)
    warnings += [f"{label}: {what}; drawn without it" for what in missing]
    warnings += model.warnings
    if warnings:
        model = dataclasses.replace(model, warnings=tuple(warnings))
    return model


def has_visible_triangles(model: Model) -> bool:
    """Whether any triangle of the model, as placed, has an area (relative to its size)."""
    low, high = model.bounds
    size = float(np.linalg.norm(np.asarray(high, np.float64) - np.asarray(low, np.float64)))
    if not size > 0:
        return False
    for mesh in model.meshes.values():
        corners = np.asarray(mesh.vertices, dtype=np.float64)[mesh.faces]
        doubled = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0],
                                          corners[:, 2] - corners[:, 0]), axis=1)
        if (doubled > 1e-12 * size * size).any():
            return True
    return False


def _read_scene(label: str, source, file_type: str, resolver=None, **options) -> trimesh.Scene:
    try:  # an infinite coordinate makes numpy warn in trimesh's sums: it is refused later
        with np.errstate(all="ignore"):
            loaded = trimesh.load(source, file_type=file_type, force="scene", process=False,
                                  resolver=resolver, **options)
    except AppError:
        raise
    except Exception as error:  # trimesh raises anything from ValueError to IndexError
        raise AssetError(
            f"cannot be read as {file_type.upper()} ({type(error).__name__}: {error}); the file "
            "may be truncated or not a model",
            file=label,
        ) from None
    if not isinstance(loaded, trimesh.Scene) or not loaded.geometry:
        raise AssetError(
            f"contains no meshes: it is empty, truncated or not a {file_type.upper()} file",
            file=label,
        )
    return loaded


def _model_from_scene(
    scene: trimesh.Scene,
    path: Path,
    convert: np.ndarray,
    document: GltfDocument | None,
    max_pixels: int,
    material_maps: dict[str, MaterialMaps],
    crease_degrees: float | None = None,
) -> Model:
    label = str(path)
    textures: dict[str, TextureImage] = {}
    materials: dict[object, MeshMaterial] = {}

    decoded: dict[int, tuple[object, TextureImage]] = {}  # by image: one copy of its pixels

    def make_texture(image, source: str) -> TextureImage:
        if source not in textures:
            if id(image) in decoded:  # another slot's name for the same image
                pixels = decoded[id(image)][1].pixels
                textures[source] = TextureImage(pixels=pixels, source=source)
            else:
                textures[source] = texture_from_image(image, source=source,
                                                      max_pixels=max_pixels)
                decoded[id(image)] = (image, textures[source])
                image.close()  # its decoded pixels let go (an 8k one is 190 MB)
        return textures[source]

    def material_of(geometry: trimesh.Trimesh, geometry_name: str) -> MeshMaterial:
        found = getattr(geometry.visual, "material", None)
        index = material_index_from_tag(getattr(found, "name", None))
        key = ("gltf", index) if index is not None else ("object", id(found))
        if key not in materials:
            if document is not None and index is not None:
                materials[key] = gltf_material(document, index, found, make_texture)
            elif isinstance(found, SimpleMaterial):
                materials[key] = simple_material(
                    found,
                    key=found.name or geometry_name,
                    model_path=label,
                    make_texture=make_texture,
                    maps=material_maps.get(found.name),
                    max_pixels=max_pixels,
                )
            # STL and PLY have no sides (glTF's default material is single-sided)
            elif isinstance(found, PBRMaterial):
                materials[key] = MeshMaterial(name=str(found.name or ""),
                                              double_sided=document is None)
            else:
                materials[key] = MeshMaterial(double_sided=document is None)
        return materials[key]

    instances = []
    undrawn = set()  # points and lines: the app draws surfaces
    for node, (transform, geometry_name) in _placements(scene, label).items():
        geometry = scene.geometry[geometry_name]
        if isinstance(geometry, trimesh.Trimesh):
            shape = np.shape(geometry.vertices)
            if len(shape) != 2 or shape[1] != 3:
                count = shape[1] if len(shape) == 2 else 0
                raise AssetError(f"mesh {geometry_name!r}: its vertices have {count} "
                                 "coordinates where each needs three (x y z)", file=label)
            key, owner = _instance_key(scene, node, geometry_name, document is not None)
            instances.append((key, owner, transform, geometry_name, geometry))
        else:
            undrawn.add(geometry_name)

    placing = "its nodes place" if document is not None else "it holds"  # objects, solids
    if len(instances) > MAX_PLACED_MESHES:
        raise AssetError(f"{placing} {len(instances)} meshes, over the limit of "
                         f"{MAX_PLACED_MESHES}: {JOIN_PARTS}", file=label)
    _check_placed_triangles([geometry for *_, geometry in instances], label)
    _check_near_the_origin([(convert @ transform, geometry) for _, _, transform, _, geometry
                            in instances], label)
    meshes: dict[str, MeshData] = {}
    mesh_names: dict[str, list[str]] = {}
    local: dict[int, LocalArrays] = {}  # by geometry: a mesh placed many times is made once
    creased: dict[bytes, SplitNormals] = {}  # normals made, by the arrays they are made of
    for key, owner, transform, geometry_name, geometry in sorted(instances, key=lambda i: i[0]):
        material = material_of(geometry, geometry_name)
        if id(geometry) not in local:
            local[id(geometry)] = local_arrays(key, geometry, label,
                                               from_gltf=document is not None, creased=creased,
                                               crease_degrees=crease_degrees)
        meshes[key] = _with_measured_thickness(placed_mesh(
            key, local[id(geometry)], convert @ transform, material))
        for name in (geometry_name, owner):
            if name is not None and key not in mesh_names.setdefault(name, []):
                mesh_names[name].append(key)
    if not meshes:
        raise AssetError("contains no triangle meshes (only points, lines or nothing)", file=label)
    placed = len(meshes)
    if placed > MAX_MODEL_PARTS:
        meshes, mesh_names = join_by_material(meshes, mesh_names)
        if len(meshes) > MAX_MODEL_PARTS:
            raise AssetError(f"{placing} {placed} meshes in {len(meshes)} materials: "
                             f"more than the {MAX_MODEL_PARTS} parts drawn apart even with the "
                             "meshes of each material joined; give the parts that look alike "
                             "one material in the modelling tool", file=label,
                             field="nodes" if document is not None else None)
    notes = [note for material in materials.values() for note in material.notes]
    # of the file's own materials, as drawn on these meshes (a product's materials replace them)
    notes += [_open_volume_note(key, mesh) for key, mesh in meshes.items()
              if bounds_a_volume(mesh.material) and not mesh.closed]
    notes = [f"{label}: {note}" for note in dict.fromkeys(notes)]
    mesh_notes = [_inwards_note(key, mesh) for key, mesh in meshes.items()
                  if document is not None and not mesh.material.double_sided
                  and faces_turned_inwards(mesh.vertices, mesh.faces)]
    mesh_notes += [note for key, mesh in meshes.items() for note in _missing_uv_notes(key, mesh)]
    if placed > len(meshes):
        parts = f"{len(meshes)} part{'s' if len(meshes) > 1 else ''}"
        mesh_notes.append(f"{placing} {placed} meshes, more than the {MAX_MODEL_PARTS} drawn "
                          f"apart: the meshes of each material are joined, {parts} in all; a "
                          "part of a product that names one of their nodes draws its whole "
                          "joined part")
    if undrawn:
        mesh_notes.append(f"{len(undrawn)} part(s) of points or lines not drawn (only surfaces "
                          f"are): {', '.join(sorted(undrawn)[:5])}")
    return Model(path=label, meshes=meshes, mesh_names=mesh_names,
                 warnings=tuple(notes) + tuple(f"{label}: {note}" for note in mesh_notes),
                 material_warnings=tuple(notes))


def _placements(scene: trimesh.Scene, label: str) -> dict[str, tuple[np.ndarray, str]]:
    """Each node that places a mesh: its matrix in the scene (the product of the matrices from
    the root down) and the mesh's name. Each node's matrix is made once from its parent's,
    where trimesh multiplies the whole path from the root for every node: a chain of nodes
    256 deep, each placing a mesh, took it 67 s, and a chain of 200,000 asked it for 298 GB."""
    forest = scene.graph.transforms
    base = scene.graph.base_frame
    world: dict = {base: np.eye(4)}
    for node in scene.graph.nodes_geometry:
        path = [node]
        while path[-1] not in world:  # up to the nearest node already placed
            parent = forest.parents.get(path[-1])
            if parent is None:
                raise AssetError(f"node {path[-1]!r} is in no scene's hierarchy", file=label)
            path.append(parent)
        for parent, child in zip(path[:0:-1], path[-2::-1], strict=True):
            local = forest.edge_data.get((parent, child), {}).get("matrix")
            world[child] = world[parent] if local is None else world[parent] @ local
    return {node: (world[node], forest.node_data[node]["geometry"])
            for node in scene.graph.nodes_geometry}


def _check_placed_triangles(placed: list[trimesh.Trimesh], label: str) -> None:
    """The triangles of every mesh as often as the nodes place it stay within the limit,
    checked before any placed copy is made: a small file whose nodes place one large mesh
    thousands of times would otherwise fill the memory before it was refused."""
    triangles = sum(len(geometry.faces) for geometry in placed)
    if triangles > MAX_TRIANGLES:
        drawn = len({id(geometry) for geometry in placed})
        times = (f" ({drawn} mesh{'es' if drawn > 1 else ''} placed {len(placed)} times)"
                 if len(placed) > drawn else "")
        raise AssetError(f"{triangles} triangles{times} is over the limit of {MAX_TRIANGLES}: "
                         f"{FEWER_TRIANGLES}", file=label)


def _check_near_the_origin(placed: list[tuple[np.ndarray, trimesh.Trimesh]], label: str) -> None:
    """``AssetError`` for a model placed (each mesh by its matrix) so far from the origin, for
    its size, that the 32-bit coordinates it is drawn in would lose its shape."""
    corners = []
    boxes: dict[int, np.ndarray | None] = {}  # by mesh: one placed many times is boxed once
    for matrix, geometry in placed:
        if id(geometry) not in boxes:
            boxes[id(geometry)] = _used_box(geometry)
        box = boxes[id(geometry)]
        if box is None:
            continue
        corners.append(box @ np.asarray(matrix, np.float64)[:3, :3].T
                       + np.asarray(matrix, np.float64)[:3, 3])
    if not corners:
        return
    points = np.concatenate(corners)
    if np.isnan(points).any():
        return  # left to the check for visible triangles
    far = float(np.abs(points).max())
    if not far < LARGEST_COORDINATE:
        raise AssetError("is placed (moved or scaled by its nodes) past any size 32-bit "
                         "coordinates hold", file=label)
    size = float(np.linalg.norm(points.max(axis=0) - points.min(axis=0)))
    if size > 0 and far > FARTHEST_FOR_ITS_SIZE * size:
        raise AssetError(f"lies {far:.3g} from the origin, {far / size:.2g} times its own size "
                         f"({size:.3g}): in the 32-bit coordinates it is drawn in its shape "
                         "would be lost; move it nearer the origin in the tool that made it",
                         file=label)


def _used_box(geometry: trimesh.Trimesh) -> np.ndarray | None:
    """The eight corners of the box round the vertices ``geometry``'s faces use (None when
    none is used)."""
    vertices = np.asarray(geometry.vertices, dtype=np.float64)
    faces = np.asarray(geometry.faces, dtype=np.int64).reshape(-1)
    faces = faces[(faces >= 0) & (faces < len(vertices))]  # a bad index is refused later
    if not len(faces):
        return None
    vertices = vertices[np.unique(faces)]
    return trimesh.bounds.corners(np.array([vertices.min(axis=0), vertices.max(axis=0)]))


def _with_measured_thickness(mesh: MeshData) -> MeshData:
    """``mesh`` with its volume's thickness measured from its geometry where it is a closed
    solid (``app.assets.thickness``), per vertex and as the one thickness that keeps the
    same light: the file's thickness stands in for the geometry."""
    material = mesh.material
    if not absorbs_in_its_volume(material):
        return mesh
    thickness = vertex_thickness(mesh.vertices, mesh.faces, mesh.normals)
    if thickness is None:
        return mesh
    one = equivalent_thickness(thickness, vertex_areas(mesh.vertices, mesh.faces),
                               material.attenuation_color, material.attenuation_distance)
    return dataclasses.replace(mesh, material=dataclasses.replace(material, thickness=one),
                               thickness=frozen(thickness))


def _missing_uv_notes(key: str, mesh: MeshData) -> list[str]:
    """What of ``mesh``'s material reads a UV set the mesh does not have (drawn without it)."""
    sets = mesh.uv_sets
    return [f"mesh {key!r}: its material's {slot} texture reads UV set {mapping.texcoord}, "
            "which the mesh does not have; drawn without that texture"
            for slot, mapping in mesh.material.texture_slots()
            if mapping.texcoord in sets and sets[mapping.texcoord] is None]


def _open_volume_note(key: str, mesh: MeshData) -> str:
    return (f"mesh {key!r}: its material {mesh.material.name!r} bounds a volume (it has a "
            "thickness), but the mesh is open: light refracted into it would find no surface "
            "to leave by, so both renderers draw its surfaces as thin walls")


def _inwards_note(key: str, mesh: MeshData) -> str:
    return (f"mesh {key!r} is a closed solid with faces turned inwards and its material "
            f"{mesh.material.name!r} is single-sided: both renderers shade them from either "
            "side, but an AR viewer culls them; recalculate its normals outside in the "
            "modelling tool, or make the material double-sided")


def _instance_key(
    scene: trimesh.Scene, node: str, geometry_name: str, from_gltf: bool
) -> tuple[str, str | None]:
    """A stable key for a drawn instance, and the glTF node that owns it when that differs.

    trimesh draws each primitive of a multi-primitive glTF mesh from a child node with a random
    suffix (``"<node>_<6 random characters>"``); such instances are keyed
    ``"<node>/<geometry name>"`` instead, so keys are the same on every load.
    """
    if from_gltf:
        parent = scene.graph.transforms.parents.get(node)
        if parent and node.startswith(f"{parent}_") and len(node) == len(parent) + 7:
            return f"{parent}/{geometry_name}", parent
    return node, None
