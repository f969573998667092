"""A resolved scene as export-ready primitives: world-space meshes resting on the ground, with
their PBR materials, textures as pixels, and the material each variant gives them.

Both the GLB and the USDZ writer read this, so the two files carry the same geometry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from app.assets.mesh import MeshData, MeshMaterial, TextureImage
from app.assets.store import AssetStore
from app.domain.configuration import Configuration
from app.domain.option_state import inactive_groups
from app.domain.product import OptionKind, Product
from app.domain.rules import violations
from app.scene.description import Decal, Drawable, ResolvedMaterial, SceneDescription, TextureRef

__all__ = [
    "ExportMaterial",
    "ExportPrimitive",
    "ExportScene",
    "ExportTexture",
    "collect_export_scene",
]


@dataclass(frozen=True, eq=False)
class ExportTexture:
    """Pixels to embed, row 0 at the top; ``srgb`` for colour maps, linear otherwise."""

    key: str
    pixels: np.ndarray  # (H, W, C) uint8

    @property
    def size_px(self) -> int:
        return int(max(self.pixels.shape[:2]))


@dataclass(frozen=True, eq=False)
class ExportMaterial:
    key: str
    name: str
    base_color: tuple[float, float, float, float] = (0.8, 0.8, 0.8, 1.0)  # linear RGBA
    metallic: float = 0.0
    roughness: float = 0.5
    emissive: tuple[float, float, float] = (0.0, 0.0, 0.0)
    clearcoat: float = 0.0
    clearcoat_roughness: float = 0.0
    transmission: float = 0.0
    ior: float = 1.5
    normal_scale: float = 1.0
    uv_scale: tuple[float, float] = (1.0, 1.0)
    base_color_texture: ExportTexture | None = None
    orm_texture: ExportTexture | None = None  # R occlusion (if occlusion_in_orm), G rough, B metal
    occlusion_in_orm: bool = True
    normal_texture: ExportTexture | None = None
    emissive_texture: ExportTexture | None = None
    double_sided: bool = False
    alpha_mode: str = "OPAQUE"  # OPAQUE | BLEND

    def textures(self) -> list[ExportTexture]:
        return [t for t in (self.base_color_texture, self.orm_texture, self.normal_texture,
                            self.emissive_texture) if t is not None]


@dataclass(eq=False)
class ExportPrimitive:
    name: str
    part: str
    vertices: np.ndarray  # (N, 3) float32, metres, Y up, resting on y = 0
    normals: np.ndarray  # (N, 3) float32
    uv: np.ndarray | None  # (N, 2) float32, glTF convention (v = 0 at the top of the image)
    faces: np.ndarray  # (M, 3) uint32, counter-clockwise seen from outside
    material: ExportMaterial
    variant_materials: dict[int, ExportMaterial] = field(default_factory=dict)  # variant -> mat


@dataclass
class ExportScene:
    primitives: list[ExportPrimitive]
    variants: list[str]  # variant names, indexed by ExportPrimitive.variant_materials keys

    @property
    def triangles(self) -> int:
        return int(sum(len(p.faces) for p in self.primitives))

    def materials(self) -> list[ExportMaterial]:
        seen: dict[str, ExportMaterial] = {}
        for p in self.primitives:
            for m in (p.material, *p.variant_materials.values()):
                seen.setdefault(m.key, m)
        return list(seen.values())

    def textures(self) -> list[ExportTexture]:
        seen: dict[str, ExportTexture] = {}
        for m in self.materials():
            for t in m.textures():
                seen.setdefault(t.key, t)
        return list(seen.values())

    @property
    def max_texture_px(self) -> int:
        return max((t.size_px for t in self.textures()), default=0)


class _Textures:
    def __init__(self, assets: AssetStore):
        self._assets = assets
        self._made: dict[str, ExportTexture] = {}

    def from_ref(self, ref: TextureRef | None) -> ExportTexture | None:
        if ref is None:
            return None
        return self.from_image(self._assets.texture(ref))

    def from_image(self, image: TextureImage | None) -> ExportTexture | None:
        if image is None:
            return None
        return self.from_pixels(image.source, image.pixels)

    def from_pixels(self, key: str, pixels: np.ndarray) -> ExportTexture:
        if key not in self._made:
            self._made[key] = ExportTexture(key=key, pixels=np.asarray(pixels, dtype=np.uint8))
        return self._made[key]


def _resolved_material(material: ResolvedMaterial, textures: _Textures) -> ExportMaterial:
    transparent = material.opacity < 1.0
    return ExportMaterial(
        key=f"resolved:{hash(material)}", name=material.id,
        base_color=(*material.base_color, material.opacity), metallic=material.metallic,
        roughness=material.roughness, emissive=material.emissive, clearcoat=material.clearcoat,
        clearcoat_roughness=material.clearcoat_roughness, transmission=material.transmission,
        ior=material.ior, normal_scale=material.normal_scale, uv_scale=material.uv_scale,
        base_color_texture=textures.from_ref(material.base_color_texture),
        orm_texture=textures.from_ref(material.orm_texture),
        normal_texture=textures.from_ref(material.normal_texture),
        emissive_texture=textures.from_ref(material.emissive_texture),
        double_sided=material.double_sided or transparent or material.transmission > 0,
        alpha_mode="BLEND" if transparent else "OPAQUE")


def _model_material(mesh: MeshData, model: str, textures: _Textures) -> ExportMaterial:
    m: MeshMaterial = mesh.material
    return ExportMaterial(
        key=f"model:{model}:{id(m)}", name=m.name or mesh.name, base_color=m.base_color,
        metallic=m.metallic, roughness=m.roughness, emissive=m.emissive,
        transmission=m.transmission,
        base_color_texture=textures.from_image(m.base_color_texture),
        orm_texture=textures.from_image(m.orm_texture), occlusion_in_orm=m.occlusion_in_orm,
        normal_texture=textures.from_image(m.normal_texture),
        emissive_texture=textures.from_image(m.emissive_texture),
        double_sided=m.double_sided or m.alpha_mode == "BLEND",
        alpha_mode="BLEND" if m.alpha_mode == "BLEND" else "OPAQUE")


def _material_for(drawable: Drawable, assets: AssetStore, textures: _Textures,
                  made: dict) -> ExportMaterial:
    if drawable.material.use_model_material:
        key = ("model", drawable.geometry)
        if key not in made:
            made[key] = _model_material(assets.mesh(drawable.geometry), drawable.geometry.model,
                                        textures)
        return made[key]
    key = ("resolved", drawable.material)
    if key not in made:
        made[key] = _resolved_material(drawable.material, textures)
    return made[key]


def _place(vertices: np.ndarray, normals: np.ndarray, faces: np.ndarray, matrix: np.ndarray,
           lift: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = vertices.astype(np.float64) @ matrix[:3, :3].T + matrix[:3, 3]
    v[:, 1] += lift
    n = normals.astype(np.float64) @ np.linalg.inv(matrix[:3, :3])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    f = faces.astype(np.uint32)
    if np.linalg.det(matrix[:3, :3]) < 0:
        f = f[:, ::-1]
    return v.astype(np.float32), n.astype(np.float32), np.ascontiguousarray(f)


def _decal_primitive(decal: Decal, lift: float, textures: _Textures) -> ExportPrimitive:
    material = ExportMaterial(
        key=f"decal:{decal.key}", name=f"decal {decal.id}", base_color=(1.0, 1.0, 1.0, 1.0),
        metallic=decal.metallic, roughness=decal.roughness, normal_scale=decal.normal_scale,
        base_color_texture=textures.from_pixels(f"decal:{decal.key}:base", decal.base_color),
        orm_texture=textures.from_pixels(f"decal:{decal.key}:orm", decal.orm),
        normal_texture=textures.from_pixels(f"decal:{decal.key}:normal", decal.normal_map),
        occlusion_in_orm=True, double_sided=False, alpha_mode="BLEND")
    vertices, normals, faces = _place(decal.vertices, decal.normals, decal.faces, np.eye(4), lift)
    return ExportPrimitive(name=f"decal_{decal.id}", part=decal.drawable_id, vertices=vertices,
                           normals=normals, uv=np.asarray(decal.uv, np.float32), faces=faces,
                           material=material)


VariantResolver = Callable[[Configuration], SceneDescription]


def collect_export_scene(scene: SceneDescription, assets: AssetStore, *,
                         product: Product | None = None,
                         configuration: Configuration | None = None,
                         resolve: VariantResolver | None = None) -> ExportScene:
    """The visible drawables and decals of ``scene``; with ``product``, ``configuration`` and
    ``resolve``, the choices of each material option group as variants named
    ``"<group label>: <choice label>"``, or the choice label alone when one group has variants
    (scenes resolved per choice, personalization left out):
    only choices the rules allow with the rest of ``configuration``, and only of groups whose
    parts show, so that no variant maps onto nothing."""
    textures = _Textures(assets)
    made: dict = {}
    lift = -float(scene.bounds[0][1])
    primitives: list[ExportPrimitive] = []
    by_drawable: dict[str, ExportPrimitive] = {}
    for d in scene.drawables:
        if not d.visible:
            continue
        mesh = assets.mesh(d.geometry)
        vertices, normals, faces = _place(mesh.vertices, mesh.normals, mesh.faces,
                                          np.asarray(d.transform, dtype=float), lift)
        primitive = ExportPrimitive(
            name=d.id.replace("/", "_"), part=d.part, vertices=vertices, normals=normals,
            uv=None if mesh.uv is None else np.asarray(mesh.uv, np.float32), faces=faces,
            material=_material_for(d, assets, textures, made))
        primitives.append(primitive)
        by_drawable[d.id] = primitive
    primitives += [_decal_primitive(decal, lift, textures) for decal in scene.decals]
    variants: list[tuple[str, str]] = []  # (group label, choice label)
    if product is not None and configuration is not None and resolve is not None:
        bare = configuration.model_copy(update={"personalization": {}})
        inactive = inactive_groups(product, configuration.selections)
        for group in product.options:
            if group.kind is not OptionKind.material or group.id in inactive:
                continue
            for choice in group.choices:
                trial = bare.with_choice(group.id, choice.id)
                if violations(product, trial.selections):
                    continue  # the rules forbid it with the rest of this configuration
                shown = [d for d in resolve(trial).drawables
                         if d.part in group.parts and d.id in by_drawable]
                if not shown:
                    continue  # a variant must change something on the exported product
                index = len(variants)
                variants.append((group.label, choice.label))
                for d in shown:
                    by_drawable[d.id].variant_materials[index] = _material_for(
                        d, assets, textures, made)
    # one group's variants keep their own names (an imported file's, through a round trip)
    one_group = len({group for group, _ in variants}) == 1
    names = [choice if one_group else f"{group}: {choice}" for group, choice in variants]
    return ExportScene(primitives=primitives, variants=names)


def with_texture(material: ExportMaterial, resize: Callable[[ExportTexture], ExportTexture]
                 ) -> ExportMaterial:
    """``material`` with each of its textures passed through ``resize``."""
    def apply(t: ExportTexture | None) -> ExportTexture | None:
        return None if t is None else resize(t)

    return replace(material, base_color_texture=apply(material.base_color_texture),
                   orm_texture=apply(material.orm_texture),
                   normal_texture=apply(material.normal_texture),
                   emissive_texture=apply(material.emissive_texture))
