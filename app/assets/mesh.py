"""What a loaded model file becomes: named meshes in metres, Y up, with their PBR material."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from app.assets.refs import DEFAULT_MAPPING, TextureMapping


@dataclass(frozen=True)
class TextureImage:
    """A texture as loaded: RGB or RGBA uint8 pixels, plus where it came from."""

    pixels: np.ndarray  # (H, W, 3|4) uint8
    source: str  # file path, or "<model path>#<index>" for embedded images


@dataclass(frozen=True)
class MeshMaterial:
    """The PBR metallic-roughness material a model file declares for a mesh.

    Colours are linear RGB(A), as glTF stores factors. Textures are optional; base colour and
    emissive textures hold sRGB pixels, the others linear pixels.
    """

    name: str = ""
    base_color: tuple[float, float, float, float] = (0.8, 0.8, 0.8, 1.0)
    metallic: float = 0.0
    roughness: float = 0.5
    emissive: tuple[float, float, float] = (0.0, 0.0, 0.0)
    base_color_texture: TextureImage | None = None
    # glTF packing: R = occlusion (if present), G = roughness, B = metallic
    orm_texture: TextureImage | None = None
    normal_texture: TextureImage | None = None
    emissive_texture: TextureImage | None = None
    occlusion_in_orm: bool = False
    double_sided: bool = False
    alpha_mode: str = "OPAQUE"  # OPAQUE | MASK | BLEND
    alpha_cutoff: float = 0.5  # MASK: drawn where alpha >= this, cut away elsewhere
    transmission: float = 0.0
    # glTF material extensions (app.assets.material_extensions): factors, as ResolvedMaterial's
    unlit: bool = False
    clearcoat: float = 0.0
    clearcoat_roughness: float = 0.0
    ior: float = 1.5
    specular: float = 1.0
    specular_color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    thickness: float = 0.0
    attenuation_color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    attenuation_distance: float = math.inf
    sheen_color: tuple[float, float, float] = (0.0, 0.0, 0.0)
    sheen_roughness: float = 0.0
    anisotropy: float = 0.0
    anisotropy_rotation: float = 0.0  # radians, counter-clockwise from the tangent
    iridescence: float = 0.0
    iridescence_ior: float = 1.3
    iridescence_thickness: tuple[float, float] = (100.0, 400.0)  # nanometres, min and max
    # how each texture maps: UV set, sampler, KHR_texture_transform
    base_color_mapping: TextureMapping = DEFAULT_MAPPING
    orm_mapping: TextureMapping = DEFAULT_MAPPING
    normal_mapping: TextureMapping = DEFAULT_MAPPING
    emissive_mapping: TextureMapping = DEFAULT_MAPPING
    normal_scale: float = 1.0
    clearcoat_normal_texture: TextureImage | None = None  # KHR_materials_clearcoat's, linear
    clearcoat_normal_mapping: TextureMapping = DEFAULT_MAPPING
    clearcoat_normal_scale: float = 1.0
    # the other textures of the material extensions, by ResolvedMaterial slot name
    # (EXTENSION_TEXTURE_SLOTS in app.assets.material_extensions): (slot, pixels, mapping)
    extension_textures: tuple[tuple[str, TextureImage, TextureMapping], ...] = ()
    notes: tuple[str, ...] = ()  # what of the material is drawn otherwise or not at all

    def texture_slots(self) -> list[tuple[str, TextureMapping]]:
        """The textures the material has, as (what it is, in words; how it maps): the core
        ones, the clear coat's normal and the extensions'."""
        core = [("base colour", self.base_color_texture, self.base_color_mapping),
                ("metallic-roughness", self.orm_texture, self.orm_mapping),
                ("normal", self.normal_texture, self.normal_mapping),
                ("emissive", self.emissive_texture, self.emissive_mapping),
                ("clear-coat normal", self.clearcoat_normal_texture,
                 self.clearcoat_normal_mapping)]
        return ([(name, mapping) for name, image, mapping in core if image is not None]
                + [(name.replace("_", " "), mapping)
                   for name, _image, mapping in self.extension_textures])


@dataclass(frozen=True)
class MeshData:
    """One drawable mesh in app space (metres, Y up), transforms of its node already applied."""

    name: str
    vertices: np.ndarray  # (N, 3) float32
    faces: np.ndarray  # (M, 3) int32, triangles
    normals: np.ndarray  # (N, 3) float32, unit length
    uv: np.ndarray | None = None  # (N, 2) float32, glTF convention (v down from top)
    uv1: np.ndarray | None = None  # (N, 2) float32, the second UV set (glTF TEXCOORD_1)
    colors: np.ndarray | None = None  # (N, 4) uint8 vertex colours
    material: MeshMaterial = field(default_factory=MeshMaterial)
    # (N,) float32 metres: how far light crosses the solid from each vertex, measured for a
    # closed mesh of coloured glass (app.assets.thickness); None for any other
    thickness: np.ndarray | None = None

    @property
    def uv_sets(self) -> dict[int, np.ndarray | None]:
        """The UV sets by glTF's index (TEXCOORD_0: ``uv``, TEXCOORD_1: ``uv1``)."""
        return {0: self.uv, 1: self.uv1}

    @cached_property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.vertices.min(axis=0), self.vertices.max(axis=0)

    @cached_property
    def hull_points(self) -> np.ndarray:
        """The vertices on the mesh's convex hull (M, 3) float64: every point that can touch
        its outline in a view, far fewer than all vertices."""
        return convex_hull_points(self.vertices)

    @cached_property
    def closed(self) -> bool:
        """Whether the mesh closes a solid (``thickness.closes_a_solid``): light that
        refracts into it meets a far side to leave by. A measured ``thickness`` says so
        already (only a closed mesh is measured)."""
        if self.thickness is not None:
            return True
        from app.assets.thickness import closes_a_solid  # noqa: PLC0415 (uses this module)

        return closes_a_solid(self.vertices, self.faces)


def frozen(array: np.ndarray) -> np.ndarray:
    """``array`` contiguous and read-only: a mesh's arrays are shared, never changed."""
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


def triangle_areas(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """The doubled area of each triangle (sampling weights; half their sum is the area)."""
    if len(faces) == 0:
        return np.zeros(0)
    t = np.asarray(vertices, dtype=float)[np.asarray(faces)]
    return np.linalg.norm(np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]), axis=1)


def convex_hull_points(points: np.ndarray) -> np.ndarray:
    """The points of ``points`` (N, 3) on their convex hull; all of them when they are too few
    or too flat for a hull (a plane, a line)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    if len(points) <= 8:
        return points
    from scipy.spatial import ConvexHull, QhullError

    try:
        return points[ConvexHull(points, qhull_options="QJ").vertices]
    except (QhullError, ValueError):
        return points


@dataclass(frozen=True)
class Model:
    """A whole model file: its meshes keyed by node name (and reachable by mesh name)."""

    path: str
    meshes: dict[str, MeshData]  # node name -> mesh (one entry per drawn instance)
    mesh_names: dict[str, list[str]]  # geometry/mesh name -> node names that draw it
    warnings: tuple[str, ...] = ()  # what was left out (a missing texture), for the user
    # those of the warnings that concern the file's own materials (drawn only with --model;
    # a product draws catalog materials instead)
    material_warnings: tuple[str, ...] = ()

    def find(self, name: str) -> list[MeshData]:
        """The meshes a part addresses by node name or by mesh name ([] when none)."""
        if name in self.meshes:
            return [self.meshes[name]]
        return [self.meshes[n] for n in self.mesh_names.get(name, [])]

    @property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lows = [m.vertices.min(axis=0) for m in self.meshes.values()]
        highs = [m.vertices.max(axis=0) for m in self.meshes.values()]
        return np.min(lows, axis=0), np.max(highs, axis=0)
