"""The configured product as an ARKit USDZ package (UsdPreviewSurface materials, metres, Y up).

Each exported primitive becomes a UsdGeom.Mesh under /product (world-space points resting on
y = 0, normals and ``st`` as face-varying-free vertex primvars), bound to a UsdPreviewSurface with
its textures inside the package, one file per distinct image (PNG or JPEG, the source file's
own bytes where its pixels are unchanged). USD's ``st`` has v up, so v is flipped from glTF's.
"""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path

import numpy as np
from pxr import Gf, Sdf, Usd, UsdGeom, UsdShade, UsdUtils, Vt

from app.domain.configuration import Configuration
from app.domain.product import Product
from app.errors import AppError
from app.export.ar_budget import ExportReport, budget_warnings, fit_export_scene
from app.export.export_images import stored_image
from app.export.export_meshes import ExportPrimitive, ExportScene, ExportTexture
from app.export.glb import export_scene_for
from app.export.material_extensions import usd_material_losses
from app.files import write_bytes_atomically
from app.project import Project
from app.scene.description import ResolvedMaterial, TextureSlot, TextureTransform
from app.scene.material_looks import drawn_double_sided, unlit_as_emission

__all__ = ["export_usdz", "write_usd_stage"]


class ExportError(AppError):
    """An export could not be written."""


def _identifier(name: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "item"
    if base[0].isdigit():
        base = f"_{base}"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}_{n}"
    used.add(candidate)
    return candidate


_WRAPS = {"REPEAT": "repeat", "MIRRORED_REPEAT": "mirror", "CLAMP_TO_EDGE": "clamp"}
_ST = ("st", "st1")  # primvar names of the UV sets (TEXCOORD_0, TEXCOORD_1)


def usd_transform(transform: TextureTransform) -> tuple[tuple[float, float], float,
                                                        tuple[float, float]]:
    """KHR_texture_transform (glTF UVs, v down) as UsdTransform2d's (translation, rotation in
    degrees, scale) on USD's st (t = 1 - v): the same mapping, seen with v flipped."""
    c, s = math.cos(transform.rotation), math.sin(transform.rotation)
    sy = transform.scale[1]
    ox, oy = transform.offset
    return ((s * sy + ox, 1.0 - c * sy - oy), math.degrees(transform.rotation),
            (float(transform.scale[0]), float(sy)))


class _StageWriter:
    def __init__(self, stage: Usd.Stage, folder: Path, images: dict[str, ExportTexture]):
        self.stage = stage
        self.folder = folder
        self.images = images
        self.names: set[str] = set()
        self.materials: dict[ResolvedMaterial, UsdShade.Material] = {}
        self.textures: dict[str, str] = {}

    def texture_file(self, texture: ExportTexture) -> str:
        key = texture.content_key  # one file per distinct image
        if key not in self.textures:
            stored = stored_image(texture)
            name = f"./textures/tex{len(self.textures)}{stored.suffix}"
            (self.folder / "textures").mkdir(exist_ok=True)
            (self.folder / name).write_bytes(stored.data)
            self.textures[key] = name
        return self.textures[key]

    def _st(self, material: UsdShade.Material, texture_slot: TextureSlot,
            made: dict) -> UsdShade.Shader:
        """The shader giving a slot its coordinates: its UV set's primvar reader, through a
        UsdTransform2d when the slot has a transform (one of each per material)."""
        texcoord = min(texture_slot.texcoord, len(_ST) - 1)
        if texcoord not in made:
            name = "stReader" if texcoord == 0 else f"stReader{texcoord}"
            reader = UsdShade.Shader.Define(self.stage, f"{material.GetPath()}/{name}")
            reader.CreateIdAttr("UsdPrimvarReader_float2")
            reader.CreateInput("varname", Sdf.ValueTypeNames.String).Set(_ST[texcoord])
            made[texcoord] = reader
        transform = texture_slot.transform
        if transform.is_identity:
            return made[texcoord]
        key = (texcoord, transform)
        if key not in made:
            count = sum(1 for k in made if isinstance(k, tuple))
            name = "stTransform" if count == 0 else f"stTransform{count}"
            shader = UsdShade.Shader.Define(self.stage, f"{material.GetPath()}/{name}")
            shader.CreateIdAttr("UsdTransform2d")
            shader.CreateInput("in", Sdf.ValueTypeNames.Float2).ConnectToSource(
                made[texcoord].ConnectableAPI(), "result")
            translation, rotation, scale = usd_transform(transform)
            shader.CreateInput("translation", Sdf.ValueTypeNames.Float2).Set(
                Gf.Vec2f(*translation))
            shader.CreateInput("rotation", Sdf.ValueTypeNames.Float).Set(float(rotation))
            shader.CreateInput("scale", Sdf.ValueTypeNames.Float2).Set(Gf.Vec2f(*scale))
            made[key] = shader
        return made[key]

    def _reader(self, material: UsdShade.Material, path: str, texture_slot: TextureSlot, *,
                st: UsdShade.Shader, scale=None, bias=None) -> UsdShade.Shader:
        shader = UsdShade.Shader.Define(self.stage, f"{material.GetPath()}/{path}")
        shader.CreateIdAttr("UsdUVTexture")
        texture = self.images[texture_slot.texture.source]
        shader.CreateInput("file", Sdf.ValueTypeNames.Asset).Set(self.texture_file(texture))
        shader.CreateInput("sourceColorSpace", Sdf.ValueTypeNames.Token).Set(
            "sRGB" if texture_slot.texture.srgb else "raw")
        sampler = texture_slot.sampler
        shader.CreateInput("wrapS", Sdf.ValueTypeNames.Token).Set(_WRAPS[sampler.wrap_s])
        shader.CreateInput("wrapT", Sdf.ValueTypeNames.Token).Set(_WRAPS[sampler.wrap_t])
        shader.CreateInput("st", Sdf.ValueTypeNames.Float2).ConnectToSource(
            st.ConnectableAPI(), "result")
        if scale is not None:
            shader.CreateInput("scale", Sdf.ValueTypeNames.Float4).Set(Gf.Vec4f(*scale))
        if bias is not None:
            shader.CreateInput("bias", Sdf.ValueTypeNames.Float4).Set(Gf.Vec4f(*bias))
        return shader

    def material(self, m: ResolvedMaterial) -> UsdShade.Material:
        if m in self.materials:
            return self.materials[m]
        key, m = m, unlit_as_emission(m)
        name = _identifier(m.id, self.names)
        material = UsdShade.Material.Define(self.stage, f"/product/Materials/{name}")
        surface = UsdShade.Shader.Define(self.stage, f"{material.GetPath()}/surface")
        surface.CreateIdAttr("UsdPreviewSurface")
        coordinates: dict = {}

        def value(input_name: str, kind, v) -> None:
            surface.CreateInput(input_name, kind).Set(v)

        def connect(input_name: str, kind, shader: UsdShade.Shader, output: str) -> None:
            surface.CreateInput(input_name, kind).ConnectToSource(shader.ConnectableAPI(), output)

        def reader(path: str, texture_slot: TextureSlot, **options) -> UsdShade.Shader:
            return self._reader(material, path, texture_slot,
                                st=self._st(material, texture_slot, coordinates), **options)

        colour = Sdf.ValueTypeNames.Color3f
        scalar = Sdf.ValueTypeNames.Float
        value("useSpecularWorkflow", Sdf.ValueTypeNames.Int, 0)
        value("clearcoat", scalar, float(m.clearcoat))
        value("clearcoatRoughness", scalar, float(m.clearcoat_roughness))
        value("ior", scalar, float(m.ior))
        value("emissiveColor", colour, Gf.Vec3f(*m.emissive))
        r, g, b = (float(c) for c in m.base_color)
        alpha = float(m.opacity) if m.uses_alpha else 1.0
        opacity = alpha * (1.0 - 0.8 * float(m.transmission))
        if m.alpha_mode == "MASK":
            value("opacityThreshold", scalar, float(m.alpha_cutoff))
        base_slot = m.base_color_texture
        if base_slot is not None:
            base = reader("baseColor", base_slot, scale=(r, g, b, alpha))
            connect("diffuseColor", colour, base, "rgb")
            pixels = self.images[base_slot.texture.source].pixels
            if m.uses_alpha and pixels.ndim == 3 and pixels.shape[2] == 4:
                connect("opacity", scalar, base, "a")
            else:
                value("opacity", scalar, opacity)
        else:
            value("diffuseColor", colour, Gf.Vec3f(r, g, b))
            value("opacity", scalar, opacity)
        if m.orm_texture is not None:
            orm = reader("orm", m.orm_texture, scale=(1.0, m.roughness, m.metallic, 1.0))
            connect("roughness", scalar, orm, "g")
            connect("metallic", scalar, orm, "b")
            if m.occlusion_in_orm:
                connect("occlusion", scalar, orm, "r")
        else:
            value("roughness", scalar, float(m.roughness))
            value("metallic", scalar, float(m.metallic))
        if m.normal_texture is not None:
            s = float(m.normal_scale)
            normal = reader("normal", m.normal_texture, scale=(2.0 * s, 2.0 * s, 2.0, 1.0),
                            bias=(-s, -s, -1.0, 0.0))
            connect("normal", Sdf.ValueTypeNames.Normal3f, normal, "rgb")
        if m.emissive_texture is not None:
            emissive = reader("emissive", m.emissive_texture,
                              scale=(*(m.emissive if any(m.emissive) else (1, 1, 1)), 1))
            connect("emissiveColor", colour, emissive, "rgb")
        material.CreateSurfaceOutput().ConnectToSource(surface.ConnectableAPI(), "surface")
        self.materials[key] = material
        return material

    def mesh(self, p: ExportPrimitive) -> None:
        mesh = UsdGeom.Mesh.Define(self.stage, f"/product/{_identifier(p.name, self.names)}")
        mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(np.ascontiguousarray(p.vertices)))
        mesh.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(
            np.full(len(p.faces), 3, dtype=np.int32)))
        mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(
            np.ascontiguousarray(p.faces.astype(np.int32).reshape(-1))))
        mesh.CreateNormalsAttr(Vt.Vec3fArray.FromNumpy(np.ascontiguousarray(p.normals)))
        mesh.SetNormalsInterpolation(UsdGeom.Tokens.vertex)
        mesh.CreateSubdivisionSchemeAttr(UsdGeom.Tokens.none)
        m = p.material
        mesh.CreateDoubleSidedAttr(drawn_double_sided(m))
        low, high = p.vertices.min(axis=0), p.vertices.max(axis=0)
        mesh.CreateExtentAttr(Vt.Vec3fArray([Gf.Vec3f(*map(float, low)),
                                             Gf.Vec3f(*map(float, high))]))
        for name, uv in zip(_ST, (p.uv, p.uv1), strict=True):
            if uv is None:
                continue
            st = np.column_stack([uv[:, 0], 1.0 - uv[:, 1]]).astype(np.float32)
            primvar = UsdGeom.PrimvarsAPI(mesh).CreatePrimvar(
                name, Sdf.ValueTypeNames.TexCoord2fArray, UsdGeom.Tokens.vertex)
            primvar.Set(Vt.Vec2fArray.FromNumpy(st))
        UsdShade.MaterialBindingAPI.Apply(mesh.GetPrim()).Bind(self.material(p.material))


def write_usd_stage(export: ExportScene, usdc_path: Path) -> None:
    """``export`` as a USD stage (textures written next to it, under textures/)."""
    stage = Usd.Stage.CreateNew(str(usdc_path))
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    root = UsdGeom.Xform.Define(stage, "/product")
    stage.SetDefaultPrim(root.GetPrim())
    Usd.ModelAPI(root.GetPrim()).SetKind("component")
    writer = _StageWriter(stage, usdc_path.parent, export.images)
    for primitive in export.primitives:
        writer.mesh(primitive)
    stage.GetRootLayer().Save()


def export_usdz(product: Product, configuration: Configuration, project: Project, path: Path, *,
                fit_ar_budget: bool = False) -> ExportReport:
    """Write ``path`` (.usdz, an ARKit package); report as ``export_glb``'s."""
    export = export_scene_for(product, configuration, project, variants=False)
    notes: list[str] = []
    if fit_ar_budget:
        export, notes = fit_export_scene(export)
    notes += list(dict.fromkeys(note for p in export.primitives
                                for note in usd_material_losses(p.material)))
    with tempfile.TemporaryDirectory(prefix="usdz-") as folder:
        stage_path = Path(folder) / f"{product.id}.usdc"
        write_usd_stage(export, stage_path)
        package = Path(folder) / "package.usdz"
        if not UsdUtils.CreateNewARKitUsdzPackage(Sdf.AssetPath(str(stage_path)), str(package)):
            raise ExportError("usd-core could not package the stage", file=str(path))
        write_bytes_atomically(path, package.read_bytes(), create_folder=True)
    return ExportReport(path=Path(path), triangles=export.triangles,
                        max_texture_px=export.max_texture_px,
                        warnings=notes + budget_warnings(export.triangles, export.max_texture_px))
