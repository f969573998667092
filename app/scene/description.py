"""The resolved scene every backend reads: live view, photoreal still and exports alike.

Everything here is plain data (frozen dataclasses, tuples, numpy-free except for convenience
accessors) so that two descriptions compare with ``==`` and ``diff`` can tell what changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app.assets.refs import (
    DEFAULT_MAPPING,
    GeometryRef,
    TextureMapping,
    TextureRef,
    TextureSampler,
    TextureSlot,
    TextureTransform,
)

__all__ = [
    "Camera",
    "Decal",
    "Drawable",
    "Environment",
    "GeometryRef",
    "IDENTITY",
    "OVERHEAD_SOFTBOX",
    "Matrix4",
    "ResolvedMaterial",
    "SceneDescription",
    "ShadowLight",
    "TextureMapping",
    "TextureRef",
    "TextureSampler",
    "TextureSlot",
    "TextureTransform",
    "matrix_to_tuple",
    "slot",
]

ALPHA_MODES = ("OPAQUE", "MASK", "BLEND")

Matrix4 = tuple[tuple[float, float, float, float], ...]  # row-major 4x4
IDENTITY: Matrix4 = (
    (1.0, 0.0, 0.0, 0.0),
    (0.0, 1.0, 0.0, 0.0),
    (0.0, 0.0, 1.0, 0.0),
    (0.0, 0.0, 0.0, 1.0),
)


def matrix_to_tuple(m: np.ndarray) -> Matrix4:
    return tuple(tuple(float(v) for v in row) for row in np.asarray(m, dtype=float).reshape(4, 4))


def slot(ref: TextureRef | None, mapping: TextureMapping = DEFAULT_MAPPING
         ) -> TextureSlot | None:
    """``ref`` as a material's texture slot (None stays None)."""
    return None if ref is None else TextureSlot(ref, mapping)


# Each extension texture and when it is in use: the factor it multiplies is not zero (in
# glTF the texture scales its factor, and a zero factor turns its part of the material off).
EXTENSION_SLOTS_IN_USE = {
    "transmission": lambda m: m.transmission > 0,
    "sheen_color": lambda m: any(m.sheen_color),
    "sheen_roughness": lambda m: any(m.sheen_color) and m.sheen_roughness > 0,
    "clearcoat": lambda m: m.clearcoat > 0,
    "clearcoat_roughness": lambda m: m.clearcoat > 0 and m.clearcoat_roughness > 0,
    "specular": lambda m: m.specular > 0,
    "specular_color": lambda m: any(m.specular_color),
    "anisotropy": lambda m: m.anisotropy > 0,
    "iridescence": lambda m: m.iridescence > 0,
    "iridescence_thickness": lambda m: m.iridescence > 0,
}


@dataclass(frozen=True)
class ResolvedMaterial:
    """A glTF-style PBR metallic-roughness material with colours already in linear RGB.

    Catalog materials and the materials a model file declares both become this; each backend
    maps it once. Alpha follows glTF: OPAQUE ignores ``opacity``; MASK draws where the alpha
    (``opacity`` times the base colour texture's alpha) is at least ``alpha_cutoff`` and cuts
    the rest away; BLEND blends. A material made with ``opacity < 1`` and no alpha mode is
    BLEND (a catalog material's opacity).
    """

    id: str
    base_color: tuple[float, float, float] = (0.8, 0.8, 0.8)  # linear
    opacity: float = 1.0
    metallic: float = 0.0
    roughness: float = 0.5
    emissive: tuple[float, float, float] = (0.0, 0.0, 0.0)  # linear, may exceed 1
    clearcoat: float = 0.0
    clearcoat_roughness: float = 0.03
    transmission: float = 0.0
    ior: float = 1.5
    normal_scale: float = 1.0
    base_color_texture: TextureSlot | None = None  # sRGB; its alpha is used unless OPAQUE
    orm_texture: TextureSlot | None = None  # R occlusion, G roughness, B metallic (linear)
    occlusion_in_orm: bool = True  # whether the ORM texture's R channel is occlusion
    normal_texture: TextureSlot | None = None  # linear
    emissive_texture: TextureSlot | None = None  # sRGB
    alpha_mode: str = ""  # OPAQUE | MASK | BLEND; "" -> BLEND if opacity < 1 else OPAQUE
    alpha_cutoff: float = 0.5  # MASK only
    vertex_colors: bool = False  # the mesh's vertex colours multiply the base colour
    double_sided: bool = False
    # glTF material extensions: unlit; specular (F0 scale and tint); volume (thickness in model
    # units, the colour white light takes after attenuation_distance); sheen; anisotropy
    # (strength, rotation in radians); iridescence (factor, film IOR, thickness min/max in nm)
    unlit: bool = False
    specular: float = 1.0
    specular_color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    thickness: float = 0.0
    attenuation_color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    attenuation_distance: float = math.inf
    sheen_color: tuple[float, float, float] = (0.0, 0.0, 0.0)  # linear
    sheen_roughness: float = 0.0
    anisotropy: float = 0.0
    anisotropy_rotation: float = 0.0
    iridescence: float = 0.0
    iridescence_ior: float = 1.3
    iridescence_thickness: tuple[float, float] = (100.0, 400.0)
    clearcoat_normal_texture: TextureSlot | None = None  # linear; the coat's own normal map
    clearcoat_normal_scale: float = 1.0
    # the other extension textures, each multiplying its factor (glTF's channels): R of
    # transmission, RGB of sheen colour (sRGB), A of sheen roughness, R of clear coat, G of
    # clear-coat roughness, A of specular, RGB of specular colour (sRGB), RG of the anisotropy
    # direction in tangent space (0..1 for -1..1) and B of its strength, R of iridescence, G of
    # the film's thickness (0..1 from its minimum to its maximum); the rest linear
    transmission_texture: TextureSlot | None = None
    sheen_color_texture: TextureSlot | None = None
    sheen_roughness_texture: TextureSlot | None = None
    clearcoat_texture: TextureSlot | None = None
    clearcoat_roughness_texture: TextureSlot | None = None
    specular_texture: TextureSlot | None = None
    specular_color_texture: TextureSlot | None = None
    anisotropy_texture: TextureSlot | None = None
    iridescence_texture: TextureSlot | None = None
    iridescence_thickness_texture: TextureSlot | None = None

    def __post_init__(self) -> None:
        if not self.alpha_mode:
            object.__setattr__(self, "alpha_mode", "BLEND" if self.opacity < 1.0 else "OPAQUE")
        if self.alpha_mode not in ALPHA_MODES:
            raise ValueError(f"alpha_mode: expected one of {', '.join(ALPHA_MODES)}, got "
                             f"{self.alpha_mode!r}")

    def slots(self) -> dict[str, TextureSlot]:
        """The texture slots in use, by name (base_color, orm, normal, emissive,
        clearcoat_normal)."""
        found = {"base_color": self.base_color_texture, "orm": self.orm_texture,
                 "normal": self.normal_texture, "emissive": self.emissive_texture,
                 "clearcoat_normal": self.clearcoat_normal_texture}
        return {name: s for name, s in found.items() if s is not None}

    def extension_slots(self) -> dict[str, TextureSlot]:
        """The extension texture slots in use (EXTENSION_SLOTS_IN_USE), by name:
        transmission, sheen_color, sheen_roughness, clearcoat, clearcoat_roughness, specular,
        specular_color, anisotropy, iridescence, iridescence_thickness; not in ``slots``."""
        found = {name: getattr(self, f"{name}_texture")
                 for name, in_use in EXTENSION_SLOTS_IN_USE.items() if in_use(self)}
        return {name: s for name, s in found.items() if s is not None}

    @property
    def uses_alpha(self) -> bool:
        return self.alpha_mode != "OPAQUE"

    @property
    def clear_throughout(self) -> bool:
        """Whether nothing of a surface of this material is drawn: a BLEND of alpha 0, or a
        MASK whose alpha (the factor, which a texture's alpha can only lower) is under its
        cutoff everywhere."""
        return ((self.alpha_mode == "BLEND" and self.opacity <= 0.0)
                or (self.alpha_mode == "MASK" and self.opacity < self.alpha_cutoff))


@dataclass(frozen=True)
class Drawable:
    """One thing to draw: a part's mesh, where, in what material, shown or not."""

    id: str  # "<part id>/<node>" : stable across configurations
    part: str
    geometry: GeometryRef
    material: ResolvedMaterial
    transform: Matrix4 = IDENTITY
    visible: bool = True


@dataclass(frozen=True)
class Decal:
    """Personalization on a part: a zone's decal mesh (world space) and its technique's maps.

    Equal ``key`` means equal pixels and geometry, so descriptions compare by key; equal
    ``geometry_key`` means the same mesh (a text change keeps it and replaces the textures).
    """

    id: str  # the zone id
    drawable_id: str  # the drawable it sits on (shown with it)
    technique: str
    key: str
    geometry_key: str
    vertices: np.ndarray = field(compare=False, repr=False)  # (N, 3) float32, world space
    faces: np.ndarray = field(compare=False, repr=False)  # (M, 3) int32
    normals: np.ndarray = field(compare=False, repr=False)  # (N, 3) float32
    uv: np.ndarray = field(compare=False, repr=False)  # (N, 2) float32, glTF convention
    base_color: np.ndarray = field(compare=False, repr=False)  # (H, W, 4) uint8 sRGB + coverage
    normal_map: np.ndarray = field(compare=False, repr=False)  # (H, W, 3) uint8 linear
    orm: np.ndarray = field(compare=False, repr=False)  # (H, W, 3) uint8 linear
    metallic: float = 1.0  # factors on the ORM map
    roughness: float = 1.0
    normal_scale: float = 1.0


@dataclass(frozen=True)
class Camera:
    id: str
    label: str
    position: tuple[float, float, float]
    target: tuple[float, float, float]
    up: tuple[float, float, float] = (0.0, 1.0, 0.0)
    fov_deg: float = 30.0
    # the hero view: moved along its direction so that the product fills the frame it is shown
    # in (``app.scene.framing.view_camera``), whatever the product's size and the frame's aspect
    frames_product: bool = False


@dataclass(frozen=True)
class ShadowLight:
    """The soft overhead light whose shadow the ground catches, the same for every renderer.

    A large softbox straight above the product: its shadow is the product's footprint, blurred
    more (and fainter) the higher the part that casts it (``broad_*``), plus a tight, dark
    occlusion where the product touches the ground (``contact_*``). Lengths are fractions of the
    product's size (its bounding-box diagonal); ``margin`` is how far the ground's shadow reaches
    beyond the footprint on each side, where it has faded to nothing.
    """

    broad_sigma: float = 0.07
    broad_falloff: float = 0.5  # height at which the broad shadow has faded to 1/e
    broad_strength: float = 0.45
    contact_sigma: float = 0.012
    contact_falloff: float = 0.02
    contact_strength: float = 0.6
    margin: float = 0.45


OVERHEAD_SOFTBOX = ShadowLight()


@dataclass(frozen=True)
class Environment:
    """Image-based lighting (an equirectangular float32 HDR file), the background colour, and
    the ground: a shadow catcher with no edge of its own, darkened by ``shadow_light``."""

    hdr_path: str
    intensity: float = 1.0
    rotation_deg: float = 0.0
    background: tuple[float, float, float] = (1.0, 1.0, 1.0)  # sRGB 0..1 behind the product
    ground: bool = True
    shadow_light: ShadowLight = OVERHEAD_SOFTBOX


@dataclass(frozen=True)
class SceneDescription:
    product_id: str
    drawables: tuple[Drawable, ...]
    cameras: tuple[Camera, ...]
    environment: Environment
    bounds: tuple[tuple[float, float, float], tuple[float, float, float]]  # visible, metres
    decals: tuple[Decal, ...] = ()
    # world points (N, 3) whose convex hull holds every visible mesh: what framing fits
    outline: np.ndarray | None = field(default=None, compare=False, repr=False)

    def outline_points(self) -> np.ndarray:
        """The outline, or the corners of the bounds for a scene made without one."""
        if self.outline is not None and len(self.outline):
            return np.asarray(self.outline, dtype=float)
        low, high = self.bounds
        return np.array([[x, y, z] for x in (low[0], high[0]) for y in (low[1], high[1])
                         for z in (low[2], high[2])], dtype=float)

    def drawable(self, drawable_id: str) -> Drawable:
        for d in self.drawables:
            if d.id == drawable_id:
                return d
        raise KeyError(drawable_id)

    def decal(self, zone_id: str) -> Decal:
        for d in self.decals:
            if d.id == zone_id:
                return d
        raise KeyError(zone_id)

    def camera(self, camera_id: str | None = None) -> Camera:
        if camera_id is None:
            return self.cameras[0]
        for c in self.cameras:
            if c.id == camera_id:
                return c
        known = ", ".join(c.id for c in self.cameras)
        raise KeyError(f"unknown camera '{camera_id}' (known: {known})")
