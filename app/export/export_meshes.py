"""A resolved scene as export-ready primitives: world-space meshes resting on the ground, with
their scene materials (``ResolvedMaterial``), the pixels of every texture those name, and the
material each variant gives them.

Both the GLB and the USDZ writer read this, so the two files carry the same geometry, and each
maps ``ResolvedMaterial`` once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from app.assets.encoded_images import PNG, EncodedImage
from app.assets.store import AssetStore
from app.assets.textures import pixels_digest
from app.domain.configuration import Configuration
from app.domain.option_state import inactive_groups
from app.domain.product import OptionKind, Product
from app.domain.rules import violations
from app.scene.description import (
    Decal,
    ResolvedMaterial,
    SceneDescription,
    TextureRef,
    TextureSlot,
)

__all__ = [
    "ExportPrimitive",
    "ExportScene",
    "ExportTexture",
    "collect_export_scene",
]


@dataclass(frozen=True, eq=False)
class ExportTexture:
    """Pixels to embed, row 0 at the top, and, when the pixels are a file's own, that file's
    encoded bytes, which exports store unchanged. ``mime_type``: the format to store the image
    in (the source's, so a JPEG that must be downsized stays a JPEG)."""

    key: str
    pixels: np.ndarray  # (H, W, C) uint8
    encoded: EncodedImage | None = None
    mime_type: str = PNG

    @property
    def size_px(self) -> int:
        return int(max(self.pixels.shape[:2]))

    @cached_property
    def content_key(self) -> str:
        """Equal for equal images: the hash of the encoded bytes, else of the pixels."""
        if self.encoded is not None:
            return f"bytes:{self.encoded.digest}"
        return f"pixels:{pixels_digest(self.pixels)}"


@dataclass(eq=False)
class ExportPrimitive:
    name: str
    part: str
    vertices: np.ndarray  # (N, 3) float32, metres, Y up, resting on y = 0
    normals: np.ndarray  # (N, 3) float32
    uv: np.ndarray | None  # (N, 2) float32, glTF convention (v = 0 at the top of the image)
    faces: np.ndarray  # (M, 3) uint32, counter-clockwise seen from outside
    material: ResolvedMaterial
    variant_materials: dict[int, ResolvedMaterial] = field(default_factory=dict)  # variant -> m
    uv1: np.ndarray | None = None  # (N, 2) float32, the second UV set (TEXCOORD_1)
    colors: np.ndarray | None = None  # (N, 4) uint8 sRGB vertex colours the material multiplies


@dataclass
class ExportScene:
    primitives: list[ExportPrimitive]
    variants: list[str]  # variant names, indexed by ExportPrimitive.variant_materials keys
    images: dict[str, ExportTexture] = field(default_factory=dict)  # TextureRef.source -> px

    @property
    def triangles(self) -> int:
        return int(sum(len(p.faces) for p in self.primitives))

    def materials(self) -> list[ResolvedMaterial]:
        seen: dict[ResolvedMaterial, None] = {}
        for p in self.primitives:
            for m in (p.material, *p.variant_materials.values()):
                seen.setdefault(m, None)
        return list(seen)

    def texture(self, texture_slot: TextureSlot) -> ExportTexture:
        """The pixels of a material's texture slot."""
        return self.images[texture_slot.texture.source]

    def textures(self) -> list[ExportTexture]:
        seen: dict[str, ExportTexture] = {}
        for m in self.materials():
            for s in m.slots().values():
                texture = self.texture(s)
                seen.setdefault(texture.key, texture)
        return list(seen.values())

    @property
    def max_texture_px(self) -> int:
        return max((t.size_px for t in self.textures()), default=0)


class _Textures:
    """The pixels of every texture the exported materials name, keyed by source; sources with
    the same image (equal file bytes, or equal pixels for pictures made here) share one
    ``ExportTexture``, so every writer stores it once."""

    def __init__(self, assets: AssetStore):
        self._assets = assets
        self.images: dict[str, ExportTexture] = {}
        self._by_content: dict[str, ExportTexture] = {}
        self._by_shape: dict[tuple[int, ...], list[ExportTexture]] = {}

    def _shared(self, texture: ExportTexture) -> ExportTexture:
        """The texture already collected with the same bytes or pixels, else ``texture``."""
        key = texture.content_key
        if key in self._by_content:
            return self._by_content[key]
        same_shape = self._by_shape.setdefault(texture.pixels.shape, [])
        for other in same_shape:  # files of other bytes that decode to the same picture
            if np.array_equal(other.pixels, texture.pixels):
                self._by_content[key] = other
                return other
        same_shape.append(texture)
        self._by_content[key] = texture
        return texture

    def add(self, material: ResolvedMaterial) -> ResolvedMaterial:
        # the extension textures too, which the GLB writes back (USDZ leaves them out)
        for texture_slot in [*material.slots().values(), *material.extension_slots().values()]:
            source = texture_slot.texture.source
            if source in self.images:
                continue
            encoded = self._assets.encoded_texture(texture_slot.texture)
            if encoded is not None and f"bytes:{encoded.digest}" in self._by_content:
                self.images[source] = self._by_content[f"bytes:{encoded.digest}"]
                continue
            image = self._assets.texture(texture_slot.texture)
            self.images[source] = self._shared(ExportTexture(
                key=image.source, pixels=np.asarray(image.pixels, dtype=np.uint8),
                encoded=encoded, mime_type=encoded.mime_type if encoded else PNG))
        return material

    def from_pixels(self, key: str, pixels: np.ndarray, *, srgb: bool) -> TextureSlot:
        if key not in self.images:
            self.images[key] = self._shared(
                ExportTexture(key=key, pixels=np.asarray(pixels, dtype=np.uint8)))
        return TextureSlot(TextureRef(source=key, srgb=srgb))


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


def _decal_primitive(decal: Decal, lift: float, textures: _Textures,
                     pose: np.ndarray) -> ExportPrimitive:
    material = ResolvedMaterial(
        id=f"decal {decal.id}", base_color=(1.0, 1.0, 1.0),
        metallic=decal.metallic, roughness=decal.roughness, normal_scale=decal.normal_scale,
        base_color_texture=textures.from_pixels(f"decal:{decal.key}:base", decal.base_color,
                                                srgb=True),
        orm_texture=textures.from_pixels(f"decal:{decal.key}:orm", decal.orm, srgb=False),
        normal_texture=textures.from_pixels(f"decal:{decal.key}:normal", decal.normal_map,
                                            srgb=False),
        occlusion_in_orm=True, double_sided=False, alpha_mode="BLEND")
    vertices, normals, faces = _place(decal.vertices, decal.normals, decal.faces, pose, lift)
    return ExportPrimitive(name=f"decal_{decal.id}", part=decal.drawable_id, vertices=vertices,
                           normals=normals, uv=np.asarray(decal.uv, np.float32), faces=faces,
                           material=material)


VariantResolver = Callable[[Configuration], SceneDescription]


def collect_export_scene(scene: SceneDescription, assets: AssetStore, *,
                         product: Product | None = None,
                         configuration: Configuration | None = None,
                         resolve: VariantResolver | None = None,
                         rest: np.ndarray | None = None) -> ExportScene:
    """The visible drawables and decals of ``scene``; with ``product``, ``configuration`` and
    ``resolve``, the choices of each material option group as variants named
    ``"<group label>: <choice label>"``, or the choice label alone when one group has variants
    (scenes resolved per choice, personalization left out):
    only choices the rules allow with the rest of ``configuration``, and only of groups whose
    parts show, so that no variant maps onto nothing. ``rest``: a 4x4 world transform turning
    the product into the pose it rests in (app.export.rest_pose); either way it rests on y = 0."""
    textures = _Textures(assets)
    pose = np.eye(4) if rest is None else np.asarray(rest, dtype=float)
    lift = -float(scene.bounds[0][1]) if rest is None else 0.0
    primitives: list[ExportPrimitive] = []
    by_drawable: dict[str, ExportPrimitive] = {}
    for d in scene.drawables:
        if not d.visible:
            continue
        mesh = assets.mesh(d.geometry)
        vertices, normals, faces = _place(mesh.vertices, mesh.normals, mesh.faces,
                                          pose @ np.asarray(d.transform, dtype=float), lift)
        primitive = ExportPrimitive(
            name=d.id.replace("/", "_"), part=d.part, vertices=vertices, normals=normals,
            uv=None if mesh.uv is None else np.asarray(mesh.uv, np.float32), faces=faces,
            uv1=None if mesh.uv1 is None else np.asarray(mesh.uv1, np.float32),
            colors=(np.asarray(mesh.colors, np.uint8)
                    if d.material.vertex_colors and mesh.colors is not None else None),
            material=textures.add(d.material))
        primitives.append(primitive)
        by_drawable[d.id] = primitive
    primitives += [_decal_primitive(decal, lift, textures, pose) for decal in scene.decals]
    if rest is not None and primitives:
        low = min(float(p.vertices[:, 1].min()) for p in primitives if len(p.vertices))
        for p in primitives:
            p.vertices[:, 1] -= np.float32(low)
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
                    by_drawable[d.id].variant_materials[index] = textures.add(d.material)
    # one group's variants keep their own names (an imported file's, through a round trip)
    one_group = len({group for group, _ in variants}) == 1
    names = [choice if one_group else f"{group}: {choice}" for group, choice in variants]
    return ExportScene(primitives=primitives, variants=names, images=textures.images)
