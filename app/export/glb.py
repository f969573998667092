"""The configured product as a GLB with every material choice as KHR_materials_variants.

The glTF document is built here directly (numpy, json, Pillow): one node per exported primitive,
world-space vertices in metres resting on y = 0, PBR metallic-roughness materials with
the KHR_materials_* extensions and KHR_texture_transform where they apply, and the
variants of each material option group mapped per primitive.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

from app.assets.material_extensions import EXTENSION_TEXTURE_SLOTS
from app.assets.refs import tangent_frame_texcoord
from app.assets.textures import linear_from_srgb_bytes
from app.assets.thickness import bounds_a_volume
from app.domain.configuration import Configuration
from app.domain.product import Product
from app.export.ar_budget import ExportReport, budget_warnings, fit_export_scene
from app.export.export_images import encode_png, stored_image
from app.export.export_meshes import (
    ExportPrimitive,
    ExportScene,
    ExportTexture,
    collect_export_scene,
)
from app.export.material_extensions import gltf_material_extensions
from app.export.rest_pose import rest_matrix
from app.files import write_bytes_atomically
from app.project import Project
from app.scene.description import ResolvedMaterial, TextureSampler, TextureSlot
from app.scene.material_looks import drawn_double_sided
from app.scene.resolve import resolve_scene
from app.scene.uv_frames import vertex_handedness, vertex_tangents

__all__ = ["encode_png", "export_glb", "export_scene_for", "glb_bytes"]

VARIANTS = "KHR_materials_variants"
_FLOAT, _UINT32, _UINT16 = 5126, 5125, 5123
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963
_WRAPS = {"REPEAT": 10497, "MIRRORED_REPEAT": 33648, "CLAMP_TO_EDGE": 33071}
_NEAREST, _LINEAR, _LINEAR_MIPMAP_LINEAR, _NEAREST_MIPMAP_LINEAR = 9728, 9729, 9987, 9986
TEXTURE_TRANSFORM = "KHR_texture_transform"


def export_scene_for(product: Product, configuration: Configuration, project: Project, *,
                     variants: bool) -> ExportScene:
    context = project.scene_context()
    scene = resolve_scene(product, configuration, context)
    rest = rest_matrix(product, scene)
    if not variants:
        return collect_export_scene(scene, project.assets, rest=rest)
    return collect_export_scene(
        scene, project.assets, product=product, configuration=configuration,
        resolve=lambda c: resolve_scene(product, c, context), rest=rest)


def export_glb(product: Product, configuration: Configuration, project: Project, path: Path, *,
               variants: bool = True, fit_ar_budget: bool = False) -> ExportReport:
    """Write ``path`` (.glb); the report says its triangles, largest texture and what is above
    the AR budget (nothing is, with ``fit_ar_budget``: meshes decimated, textures downsized)."""
    export = export_scene_for(product, configuration, project, variants=variants)
    notes: list[str] = []
    if fit_ar_budget:
        export, notes = fit_export_scene(export)
    write_bytes_atomically(path, glb_bytes(export, generator=f"app export of {product.id}"),
                           create_folder=True)
    return ExportReport(path=Path(path), triangles=export.triangles,
                        max_texture_px=export.max_texture_px,
                        warnings=notes + budget_warnings(export.triangles, export.max_texture_px))


def sampler_json(sampler: TextureSampler) -> dict:
    if sampler.mipmaps:
        minify = _NEAREST_MIPMAP_LINEAR if sampler.nearest else _LINEAR_MIPMAP_LINEAR
    else:
        minify = _NEAREST if sampler.nearest else _LINEAR
    return {"magFilter": _NEAREST if sampler.nearest else _LINEAR, "minFilter": minify,
            "wrapS": _WRAPS[sampler.wrap_s], "wrapT": _WRAPS[sampler.wrap_t]}


class _Document:
    def __init__(self, generator: str, images: dict[str, ExportTexture]):
        self.json: dict = {"asset": {"version": "2.0", "generator": generator},
                           "scene": 0, "scenes": [{"nodes": [0]}],
                           "nodes": [{"name": "product", "children": []}], "meshes": [],
                           "materials": [], "accessors": [], "bufferViews": [],
                           "buffers": [{"byteLength": 0}]}
        self.blob = bytearray()
        self.used: set[str] = set()
        self.images = images
        self._materials: dict[ResolvedMaterial, int] = {}
        self._images: dict[str, int] = {}
        self._samplers: dict[TextureSampler, int] = {}
        self._textures: dict[tuple[int, int], int] = {}

    def view(self, data: bytes, target: int | None = None) -> int:
        self.blob += b"\x00" * (-len(self.blob) % 4)
        view = {"buffer": 0, "byteOffset": len(self.blob), "byteLength": len(data)}
        if target is not None:
            view["target"] = target
        self.blob += data
        self.json["bufferViews"].append(view)
        return len(self.json["bufferViews"]) - 1

    def accessor(self, array: np.ndarray, *, component: int, kind: str, target: int,
                 bounds: bool = False, normalized: bool = False) -> int:
        data = np.ascontiguousarray(array)
        accessor = {"bufferView": self.view(data.tobytes(), target), "componentType": component,
                    "count": int(len(data)) if kind != "SCALAR" else int(data.size), "type": kind}
        if normalized:
            accessor["normalized"] = True
        if bounds:
            accessor["min"] = [float(v) for v in data.min(axis=0)]
            accessor["max"] = [float(v) for v in data.max(axis=0)]
        self.json["accessors"].append(accessor)
        return len(self.json["accessors"]) - 1

    def texture(self, texture_slot: TextureSlot) -> dict:
        """The textureInfo of a material's slot: image, sampler, UV set and transform."""
        texture = self.images[texture_slot.texture.source]
        # one image per distinct picture: equal file bytes, or equal pixels for made ones
        key = texture.content_key
        if key not in self._images:
            stored = stored_image(texture)
            images = self.json.setdefault("images", [])
            images.append({"bufferView": self.view(stored.data), "mimeType": stored.mime_type})
            self._images[key] = len(images) - 1
        if texture_slot.sampler not in self._samplers:
            samplers = self.json.setdefault("samplers", [])
            samplers.append(sampler_json(texture_slot.sampler))
            self._samplers[texture_slot.sampler] = len(samplers) - 1
        pair = (self._images[key], self._samplers[texture_slot.sampler])
        if pair not in self._textures:
            textures = self.json.setdefault("textures", [])
            textures.append({"sampler": pair[1], "source": pair[0]})
            self._textures[pair] = len(textures) - 1
        info: dict = {"index": self._textures[pair]}
        if texture_slot.texcoord:
            info["texCoord"] = texture_slot.texcoord
        transform = texture_slot.transform
        if not transform.is_identity:
            extension: dict = {}
            if tuple(transform.offset) != (0.0, 0.0):
                extension["offset"] = [float(v) for v in transform.offset]
            if transform.rotation:
                extension["rotation"] = float(transform.rotation)
            if tuple(transform.scale) != (1.0, 1.0):
                extension["scale"] = [float(v) for v in transform.scale]
            info["extensions"] = {TEXTURE_TRANSFORM: extension}
            self.used.add(TEXTURE_TRANSFORM)
        return info

    def material(self, m: ResolvedMaterial) -> int:
        if m in self._materials:
            return self._materials[m]
        pbr: dict = {"baseColorFactor": [*(float(c) for c in m.base_color), float(m.opacity)],
                     "metallicFactor": float(m.metallic), "roughnessFactor": float(m.roughness)}
        # glTF: doubleSided has no effect on a volume's boundary (and its validator warns)
        double_sided = m.double_sided if bounds_a_volume(m) else drawn_double_sided(m)
        out: dict = {"name": m.id, "pbrMetallicRoughness": pbr,
                     "doubleSided": double_sided, "alphaMode": m.alpha_mode}
        if m.alpha_mode == "MASK":
            out["alphaCutoff"] = float(m.alpha_cutoff)
        if m.base_color_texture is not None:
            pbr["baseColorTexture"] = self.texture(m.base_color_texture)
        if m.orm_texture is not None:
            pbr["metallicRoughnessTexture"] = self.texture(m.orm_texture)
            if m.occlusion_in_orm:
                out["occlusionTexture"] = self.texture(m.orm_texture)
        if m.normal_texture is not None:
            out["normalTexture"] = {**self.texture(m.normal_texture),
                                    "scale": float(m.normal_scale)}
        extensions: dict = {}
        emissive = [float(c) for c in m.emissive]
        if m.emissive_texture is not None:
            out["emissiveTexture"] = self.texture(m.emissive_texture)
            if not any(emissive):
                emissive = [1.0, 1.0, 1.0]  # a texture with no factor glows as it is
        if any(emissive):
            strength = max(emissive)
            if strength > 1.0:  # glTF factors stop at 1; the rest is the strength
                emissive = [c / strength for c in emissive]
                extensions["KHR_materials_emissive_strength"] = {"emissiveStrength": strength}
            out["emissiveFactor"] = emissive
        extensions.update(gltf_material_extensions(m))
        if m.clearcoat_normal_texture is not None and "KHR_materials_clearcoat" in extensions:
            extensions["KHR_materials_clearcoat"]["clearcoatNormalTexture"] = {
                **self.texture(m.clearcoat_normal_texture),
                "scale": float(m.clearcoat_normal_scale)}
        found = m.extension_slots()
        for (extension, key), slot_name in EXTENSION_TEXTURE_SLOTS.items():
            if slot_name in found and found[slot_name].texture.source in self.images:
                extensions.setdefault(extension, {})[key] = self.texture(found[slot_name])
        if extensions:
            out["extensions"] = extensions
            self.used.update(extensions)
        self.json["materials"].append(out)
        self._materials[m] = len(self.json["materials"]) - 1
        return self._materials[m]

    def primitive(self, p: ExportPrimitive) -> None:
        attributes = {
            "POSITION": self.accessor(p.vertices.astype(np.float32), component=_FLOAT,
                                      kind="VEC3", target=_ARRAY_BUFFER, bounds=True),
            "NORMAL": self.accessor(p.normals.astype(np.float32), component=_FLOAT,
                                    kind="VEC3", target=_ARRAY_BUFFER)}
        if p.uv is not None:
            attributes["TEXCOORD_0"] = self.accessor(p.uv.astype(np.float32), component=_FLOAT,
                                                     kind="VEC2", target=_ARRAY_BUFFER)
        if p.uv1 is not None:
            attributes["TEXCOORD_1"] = self.accessor(p.uv1.astype(np.float32),
                                                     component=_FLOAT, kind="VEC2",
                                                     target=_ARRAY_BUFFER)
        tangents = tangent_attribute(p)
        if tangents is not None:
            attributes["TANGENT"] = self.accessor(tangents, component=_FLOAT, kind="VEC4",
                                                  target=_ARRAY_BUFFER)
        if p.colors is not None:  # glTF's are linear: 16 bits keep the dark ones apart
            rgba = np.column_stack([linear_from_srgb_bytes(p.colors[:, :3]),
                                    np.asarray(p.colors[:, 3], np.float32) / 255.0])
            attributes["COLOR_0"] = self.accessor(
                np.round(np.clip(rgba, 0.0, 1.0) * 65535.0).astype(np.uint16),
                component=_UINT16, kind="VEC4", target=_ARRAY_BUFFER, normalized=True)
        primitive: dict = {"attributes": attributes, "mode": 4,
                           "indices": self.accessor(p.faces.astype(np.uint32).reshape(-1),
                                                    component=_UINT32, kind="SCALAR",
                                                    target=_ELEMENT_ARRAY_BUFFER),
                           "material": self.material(p.material)}
        by_material: dict[int, list[int]] = {}
        for variant, material in sorted(p.variant_materials.items()):
            by_material.setdefault(self.material(material), []).append(variant)
        if by_material:
            primitive["extensions"] = {VARIANTS: {"mappings": [
                {"material": m, "variants": v} for m, v in by_material.items()]}}
        self.json["meshes"].append({"name": p.name, "primitives": [primitive]})
        self.json["nodes"].append({"name": p.name, "mesh": len(self.json["meshes"]) - 1})
        self.json["nodes"][0]["children"].append(len(self.json["nodes"]) - 1)

    def glb(self) -> bytes:
        self.blob += b"\x00" * (-len(self.blob) % 4)
        self.json["buffers"][0]["byteLength"] = len(self.blob)
        if self.used:
            self.json["extensionsUsed"] = sorted(self.used)
        for key in ("materials", "meshes"):
            if not self.json[key]:
                del self.json[key]
        text = json.dumps(self.json, separators=(",", ":")).encode("utf-8")
        text += b" " * (-len(text) % 4)
        total = 12 + 8 + len(text) + 8 + len(self.blob)
        return b"".join([b"glTF", struct.pack("<II", 2, total),
                         struct.pack("<I", len(text)), b"JSON", text,
                         struct.pack("<I", len(self.blob)), b"BIN\x00", bytes(self.blob)])


def needs_tangents(m: ResolvedMaterial) -> bool:
    """Whether ``m`` is read in a tangent frame: a normal map, a clear coat's own normal map,
    anisotropy."""
    return (m.normal_texture is not None or m.anisotropy > 0
            or (m.clearcoat > 0 and m.clearcoat_normal_texture is not None))


def tangent_attribute(p: ExportPrimitive) -> np.ndarray | None:
    """glTF's TANGENT of a primitive whose material (or a variant's) is read in a tangent
    frame, (N, 4) float32: the direction u runs along the surface on the frame's UV set
    (``tangent_frame_texcoord``, the renderers' too) and its handedness, so a viewer of the AR
    file reads the normal maps in the frame the app drew them in, not one of its own making
    (glTF's validator: a clear coat's normal map without a base normal map must have one).
    None where no material needs one or the mesh lacks that UV set."""
    needing = [m for m in (p.material, *p.variant_materials.values()) if needs_tangents(m)]
    if not needing:
        return None
    material = needing[0]
    uv = {0: p.uv, 1: p.uv1}.get(tangent_frame_texcoord(
        {**material.slots(), **material.extension_slots()}))
    if uv is None:
        return None
    along_u = vertex_tangents(p.vertices, p.faces, uv, p.normals)
    handedness = vertex_handedness(p.vertices, p.faces, uv, p.normals)
    return np.column_stack([along_u, handedness]).astype(np.float32)


def glb_bytes(export: ExportScene, *, generator: str = "app") -> bytes:
    document = _Document(generator, export.images)
    for primitive in export.primitives:
        document.primitive(primitive)
    if export.variants:
        document.json["extensions"] = {VARIANTS: {"variants": [{"name": n}
                                                               for n in export.variants]}}
        document.used.add(VARIANTS)
    return document.glb()

