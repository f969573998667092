"""Material conversion: glTF materials (read exactly from the document) and OBJ/MTL or PLY
materials (trimesh's ``SimpleMaterial``) become the app's PBR ``MeshMaterial``."""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable

import numpy as np
from PIL import Image

from app.assets.gltf_document import GltfDocument, image_bytes, image_source, naming_image
from app.assets.material_extensions import (
    EXTENSION_TEXTURE_SLOTS,
    extension_fields,
    extension_notes,
    number_field,
)
from app.assets.mesh import MeshMaterial, TextureImage
from app.assets.mtl_maps import MaterialMaps, with_maps
from app.assets.occlusion import packed_occlusion
from app.assets.refs import TextureMapping
from app.assets.specular_glossiness import BAKED, metallic_roughness
from app.assets.textures import DEFAULT_MAX_PIXELS, opened_image
from app.assets.thickness import equivalent_thickness
from app.domain.colour import srgb_to_linear
from app.errors import AssetError
from app.limits import MAX_EMISSIVE

TextureMaker = Callable[[Image.Image, str], TextureImage]  # (pillow image, source) -> texture


def _floats(values: object, count: int, default: tuple[float, ...], where: str) -> tuple:
    if values is None:
        return default
    try:
        result = tuple(float(v) for v in values)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise AssetError(f"{where}: expected {count} numbers, got {values!r}") from None
    if len(result) != count or not all(math.isfinite(v) for v in result):
        raise AssetError(f"{where}: expected {count} finite numbers, got {values!r}")
    return result


# the field of each core texture slot trimesh reads, within a material
_SLOT_FIELDS = {"baseColorTexture": "pbrMetallicRoughness.baseColorTexture",
                "metallicRoughnessTexture": "pbrMetallicRoughness.metallicRoughnessTexture",
                "normalTexture": "normalTexture", "emissiveTexture": "emissiveTexture",
                "occlusionTexture": "occlusionTexture"}


def gltf_material(
    document: GltfDocument, index: int, trimesh_material: object, make_texture: TextureMaker
) -> MeshMaterial:
    """glTF material ``index``: factors from the document, pixels from trimesh's images."""
    try:
        spec = document.materials[index]
    except IndexError:
        raise AssetError(f"material {index} does not exist", file=str(document.path)) from None
    where = f"materials[{index}]"
    pbr = spec.get("pbrMetallicRoughness") or {}
    extensions = spec.get("extensions") or {}
    converted = metallic_roughness(spec, trimesh_material, where)
    baked = ""
    if converted is not None:
        pbr, baked = converted, f"/{BAKED}"

    def texture(slot_info: dict | None, attribute: str) -> TextureImage | None:
        image_index = document.image_index(slot_info, f"{where}.{_SLOT_FIELDS[attribute]}")
        image = getattr(trimesh_material, attribute, None)
        if image_index is None or not isinstance(image, Image.Image):
            return None
        # the two images baked from one file image (a diffuse texture alone makes both) are
        # named apart, each by what it is
        suffix = {"baseColorTexture": f"{baked}/base_color",
                  "metallicRoughnessTexture": f"{baked}/orm"}.get(attribute, "") if baked else ""
        with naming_image(document, image_index):
            return make_texture(image, f"{image_source(document, image_index)}{suffix}")

    base_color = _floats(pbr.get("baseColorFactor"), 4, (1.0, 1.0, 1.0, 1.0), where)
    emissive = _floats(spec.get("emissiveFactor"), 3, (0.0, 0.0, 0.0), where)
    strength_block = extensions.get("KHR_materials_emissive_strength")
    strength = (number_field(strength_block, "emissiveStrength", 1.0,
                             f"{where}.extensions.KHR_materials_emissive_strength", low=0.0)
                if isinstance(strength_block, dict) else 1.0)
    if not all(c * strength <= MAX_EMISSIVE for c in emissive):
        raise AssetError(f"{where}: emissiveFactor {emissive!r} times emissiveStrength "
                         f"{strength!r} is brighter than the {MAX_EMISSIVE:g} a glow may be "
                         "(a million times a white surface in the light that shows it)")
    extension_values = extension_fields(extensions, where)
    if extension_values.get("thickness"):
        volume = extensions.get("KHR_materials_volume") or {}
        extension_values["thickness"] = one_thickness(
            channel_pixels(document, volume.get("thicknessTexture"), channel=1,
                           where=f"{where}.extensions.KHR_materials_volume.thicknessTexture"),
            extension_values["thickness"], extension_values["attenuation_color"],
            extension_values["attenuation_distance"])

    def mapping(slot_info: dict | None, field: str):
        return document.texture_mapping(slot_info, f"{where}.{field}")

    mr_info = pbr.get("metallicRoughnessTexture")
    occlusion_info = spec.get("occlusionTexture")
    orm, orm_mapping, occlusion_in_orm, separate_occlusion = _with_occlusion(
        document, mr_info, occlusion_info, texture, mapping, make_texture, where)
    material = MeshMaterial(
        name=str(spec.get("name", "")),
        base_color=base_color,  # type: ignore[arg-type]
        metallic=float(pbr.get("metallicFactor", 1.0)),
        roughness=float(pbr.get("roughnessFactor", 1.0)),
        emissive=tuple(c * strength for c in emissive),  # type: ignore[arg-type]
        base_color_texture=texture(pbr.get("baseColorTexture"), "baseColorTexture"),
        orm_texture=orm,
        normal_texture=texture(spec.get("normalTexture"), "normalTexture"),
        emissive_texture=texture(spec.get("emissiveTexture"), "emissiveTexture"),
        occlusion_in_orm=occlusion_in_orm,
        double_sided=bool(spec.get("doubleSided", False)),
        alpha_mode=str(spec.get("alphaMode", "OPAQUE")),
        alpha_cutoff=_floats([spec.get("alphaCutoff", 0.5)], 1, (0.5,), f"{where}.alphaCutoff")[0],
        **extension_values,
        base_color_mapping=mapping(pbr.get("baseColorTexture"),
                                   _SLOT_FIELDS["baseColorTexture"]),
        orm_mapping=orm_mapping,
        normal_mapping=mapping(spec.get("normalTexture"), _SLOT_FIELDS["normalTexture"]),
        emissive_mapping=mapping(spec.get("emissiveTexture"), _SLOT_FIELDS["emissiveTexture"]),
        normal_scale=_floats([(spec.get("normalTexture") or {}).get("scale", 1.0)], 1, (1.0,),
                             f"{where}.normalTexture.scale")[0],
    )
    coat = extensions.get("KHR_materials_clearcoat") or {}
    coat_normal = coat.get("clearcoatNormalTexture") if isinstance(coat, dict) else None
    coat_image = document_texture(
        document, coat_normal, make_texture,
        where=f"{where}.extensions.KHR_materials_clearcoat.clearcoatNormalTexture")
    if coat_image is not None:
        material = dataclasses.replace(
            material, clearcoat_normal_texture=coat_image,
            clearcoat_normal_mapping=mapping(coat_normal, "extensions.KHR_materials_clearcoat."
                                                          "clearcoatNormalTexture"),
            clearcoat_normal_scale=_floats([coat_normal.get("scale", 1.0)], 1, (1.0,),
                                           f"{where}.clearcoatNormalTexture.scale")[0])
    extension_textures = []
    for (extension, key), slot_name in EXTENSION_TEXTURE_SLOTS.items():
        block = extensions.get(extension)
        info = block.get(key) if isinstance(block, dict) else None
        field = f"extensions.{extension}.{key}"
        image = document_texture(document, info, make_texture, where=f"{where}.{field}")
        if image is not None:
            extension_textures.append((slot_name, image, mapping(info, field)))
    if extension_textures:
        material = dataclasses.replace(material, extension_textures=tuple(extension_textures))
    notes = drawing_notes(material, separate_occlusion=separate_occlusion)
    name = f"material {material.name!r}" if material.name else "a material"
    return dataclasses.replace(material, notes=notes + tuple(
        extension_notes(name, extensions)))


def _with_occlusion(document: GltfDocument, mr_info: object, occlusion_info: object,
                    texture: Callable, mapping: Callable, make_texture: TextureMaker, where: str
                    ) -> tuple[TextureImage | None, TextureMapping, bool, bool]:
    """(ORM texture, its mapping, whether its R is occlusion, whether an occlusion texture is
    drawn without): the metallic-roughness texture, with the occlusion texture packed into
    its R channel (``packed_occlusion``) where the file keeps it in another image or weakens
    it by its strength, and maps it alike (or has no metallic-roughness texture)."""
    orm = texture(mr_info, "metallicRoughnessTexture")
    orm_mapping = mapping(mr_info, _SLOT_FIELDS["metallicRoughnessTexture"])
    if document.image_index(occlusion_info, f"{where}.occlusionTexture") is None:
        return orm, orm_mapping, False, False
    occlusion_mapping = mapping(occlusion_info, "occlusionTexture")
    if orm is not None and occlusion_mapping != orm_mapping:
        return orm, orm_mapping, False, True
    same_image = orm is not None and (document.image_index(occlusion_info)
                                      == document.image_index(mr_info))
    strength = number_field(occlusion_info, "strength", 1.0, f"{where}.occlusionTexture",
                            low=0.0, high=1.0)
    if same_image and strength == 1.0:
        return orm, orm_mapping, True, False
    occlusion = orm if same_image else texture(occlusion_info, "occlusionTexture")
    if occlusion is None:  # its file is not there (and said so)
        return orm, orm_mapping, False, False
    # named apart from the file's images and from other packings of them (the sources of
    # one model file's images: "<model path>#<key>")
    source = (f"{occlusion.source}/occlusion" if orm is None else
              f"{orm.source}+{occlusion.source.rpartition('#')[2]}/occlusion")
    if strength != 1.0:
        source += f"@{strength:g}"
    packed = make_texture(Image.fromarray(packed_occlusion(orm, occlusion, strength)), source)
    return packed, occlusion_mapping, True, False


def document_texture(document: GltfDocument, texture_info: object, make_texture: TextureMaker,
                     *, where: str | None = None) -> TextureImage | None:
    """The image a texture slot trimesh does not read names (an extension's, at the field
    ``where``), decoded from the document as it is stored (an alpha channel some extensions
    read is kept, as trimesh keeps it for the slots it reads); None without one or when its
    file is not there."""
    with _document_image(document, texture_info, where) as found:
        return None if found is None else make_texture(*found)


def channel_pixels(document: GltfDocument, texture_info: object, *,
                   channel: int, where: str | None = None) -> np.ndarray | None:
    """One channel (0..1) of the image a texture slot (at the field ``where``) names, at most
    256 x 256 pixels; None without one."""
    with _document_image(document, texture_info, where) as found:
        if found is None:
            return None
        image = found[0]
        image.draft("RGB", (256, 256))  # a JPEG decodes small; others are resized
        pixels = np.asarray(image.convert("RGB").resize((256, 256)), dtype=np.float64)
    return pixels[..., channel] / 255.0


@contextlib.contextmanager
def _document_image(document: GltfDocument, texture_info: object, where: str | None):
    """The opened image (and its source) a texture slot at the field ``where`` names, its
    problems named by the image; None without one or when its file is not there."""
    index = document.image_index(texture_info if isinstance(texture_info, dict) else None,
                                 where)
    data = None if index is None else image_bytes(document, index)
    if data is None:
        yield None
        return
    source = image_source(document, index)
    with naming_image(document, index), opened_image(data, source=source) as image:
        yield image, source


def one_thickness(texture: np.ndarray | None, factor: float, colour, distance: float) -> float:
    """The one thickness a volume whose thickness ``texture`` (0..1 per pixel, times
    ``factor``) is not drawn per pixel is drawn with: the one through which light keeps the
    share it keeps on the texture's mean (``equivalent_thickness``)."""
    if texture is None:
        return factor
    return equivalent_thickness(np.asarray(texture, dtype=np.float64) * factor, None, colour,
                                distance)


def drawing_notes(material: MeshMaterial, *, separate_occlusion: bool = False) -> tuple[str, ...]:
    """What of the file's textures the renderers draw otherwise than the material says (for
    ``Model.warnings``; what they draw otherwise of its factors, the scene's
    ``material_notes`` says, for a model's materials and a catalog's alike)."""
    name = f"material {material.name!r}" if material.name else "a material"
    notes = []
    for slot, mapping in material.texture_slots():
        if mapping.texcoord > 1:
            notes.append(f"{name}: its {slot} texture reads UV set {mapping.texcoord}; only "
                         "sets 0 and 1 are drawn; drawn without that texture")
    if separate_occlusion:
        notes.append(f"{name}: its occlusion texture maps otherwise than its metallic-roughness "
                     "texture (another UV set, sampler or transform); drawn without occlusion")
    return tuple(notes)


def _mtl_number(kwargs: dict, key: str) -> float | None:
    value = kwargs.get(key)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    try:
        number = None if value is None else float(value)
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) else None


def _mtl_colour(kwargs: dict, key: str, high: float = 1.0
                ) -> tuple[float, float, float] | None:
    """An MTL colour statement's three numbers (each kept to 0..``high``), or None."""
    value = kwargs.get(key)
    try:
        numbers = [float(c) for c in value[:3]] if isinstance(value, list | tuple) else []
    except (TypeError, ValueError):
        return None
    if len(numbers) < 3 or not all(math.isfinite(c) for c in numbers):
        return None
    return tuple(min(max(c, 0.0), high) for c in numbers)  # type: ignore[return-value]


def _unit(value: float | None, default: float) -> float:
    """An MTL number (``_mtl_number``: finite or None) kept to 0..1, or ``default``."""
    return default if value is None else min(max(value, 0.0), 1.0)


def specular_level(level: float, ior: float) -> tuple[float, float]:
    """Blender's specular level (0..1; 0.5 leaves the reflectance of index ``ior`` as it is,
    0 takes it away, 1 doubles it head on) as glTF's specular factor and index of refraction:
    up to 0.5 the factor scales it, above it a higher index gives the doubled reflectance."""
    level = min(max(level, 0.0), 1.0) if math.isfinite(level) else 0.5
    if level <= 0.5:
        return 2.0 * level, ior
    f0 = min(((ior - 1.0) / (ior + 1.0)) ** 2 * 2.0 * level, 0.25)
    return 1.0, (1.0 + math.sqrt(f0)) / (1.0 - math.sqrt(f0))


def simple_material(
    material: object, *, key: str, model_path: str, make_texture: TextureMaker,
    maps: MaterialMaps | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
) -> MeshMaterial:
    """An OBJ/MTL (or PLY) material as PBR, read as Blender's importer reads it (and its
    exporter writes it), so that a file from Blender looks as it does there.

    Kd and Ke are linear colours (Ke may pass 1: the glow's strength). Roughness comes from the
    Phong exponent Ns (0..1000) as ``1 - sqrt(Ns / 1000)``; Ks is the specular level (0.5: a
    dielectric's usual 4 % head on, 0: no reflection, 1: twice it); Ni the index of refraction;
    with an illumination model that reflects (3 to 8) Ka is the metalness. The PBR extension's
    Pr and Pm, where given, are the roughness and metalness, Pc (four times the coat's weight)
    and Pcr the clear coat, Ps the sheen (white, of roughness 0.5), aniso and anisor (a fraction
    of a turn) the anisotropy. What a file leaves out keeps glTF's defaults (Blender's importer
    makes a mirror of a material with no Ns). Opacity comes from ``d`` (``Tr`` is written with
    opposite meanings by different exporters and is ignored). A texture with no Kd keeps a white
    factor. Double-sided: MTL has no notion of a surface's sides. The texture maps besides
    map_Kd (an OBJ's ``maps``, ``mtl_maps``) are drawn as Blender's importer links them.
    """
    kwargs = dict(getattr(material, "kwargs", None) or {})
    image = getattr(material, "image", None)
    # a mesh with UVs and no material or texture (an OBJ without an MTL, a PLY from Blender)
    # gets a stand-in from trimesh, a 2x2 grey image read from no file: it is no texture, and
    # the mesh is drawn in the default colour
    stand_in = isinstance(image, Image.Image) and image.format is None
    texture = None
    if isinstance(image, Image.Image) and not stand_in:
        texture = make_texture(image, f"{model_path}#{key}/base_color")

    kd = _mtl_colour(kwargs, "kd")
    if kd is not None:
        rgb = kd
    elif texture is not None:
        rgb = (1.0, 1.0, 1.0)
    else:
        diffuse = None if stand_in else getattr(material, "diffuse", None)
        rgb = (
            tuple(srgb_to_linear(int(c) / 255.0) for c in diffuse[:3])
            if diffuse is not None
            else MeshMaterial().base_color[:3]
        )
    opacity = _mtl_number(kwargs, "d")
    alpha = 1.0 if opacity is None else min(max(opacity, 0.0), 1.0)
    ns = _mtl_number(kwargs, "ns")
    roughness = (
        MeshMaterial().roughness
        if ns is None
        else (1.0 - math.sqrt(min(max(ns, 0.0), 1000.0) / 1000.0))
    )
    roughness = _unit(_mtl_number(kwargs, "pr"), roughness)
    illum = _mtl_number(kwargs, "illum")
    ka = _mtl_colour(kwargs, "ka")
    reflects = illum is not None and 3 <= illum <= 8
    metallic = sum(ka) / 3.0 if reflects and ka is not None else 0.0  # Ka kept to 0..1
    metallic = _unit(_mtl_number(kwargs, "pm"), metallic)
    ks = _mtl_colour(kwargs, "ks")
    ni = _mtl_number(kwargs, "ni")
    ior = min(max(ni, 1.0), 3.0) if ni is not None and ni >= 1.0 else MeshMaterial().ior
    specular, ior = specular_level(sum(ks) / 3.0 if ks is not None else 0.5, ior)
    # a glow past 1: Blender writes its emission colour times its strength
    emissive = _mtl_colour(kwargs, "ke", MAX_EMISSIVE) or (0.0, 0.0, 0.0)
    # the PBR extension's coat (Blender writes four times its coat weight), sheen and
    # anisotropy, as Blender's importer reads them (its sheen's roughness 0.5, its coat's 0.03)
    coat = _mtl_number(kwargs, "pc")
    sheen = _unit(_mtl_number(kwargs, "ps"), 0.0)
    rotation = _mtl_number(kwargs, "anisor")  # a fraction of a whole turn
    read = MeshMaterial(
        name=str(getattr(material, "name", None) or ""),
        base_color=(*rgb, alpha),  # type: ignore[arg-type]
        metallic=metallic,
        roughness=roughness,
        ior=ior,
        specular=specular,
        emissive=emissive,  # type: ignore[arg-type]
        clearcoat=_unit(None if coat is None else coat / 4.0, 0.0),
        clearcoat_roughness=_unit(_mtl_number(kwargs, "pcr"), 0.03),
        sheen_color=(sheen, sheen, sheen),
        sheen_roughness=0.5 if sheen > 0.0 else 0.0,
        anisotropy=_unit(_mtl_number(kwargs, "aniso"), 0.0),
        anisotropy_rotation=0.0 if rotation is None else (rotation % 1.0) * 2.0 * math.pi,
        base_color_texture=texture,
        alpha_mode="BLEND" if alpha < 1.0 else "OPAQUE",
        # MTL says nothing of sides: both are drawn, as the tools that write it draw them
        # (glTF's single-sided default, whose back faces see-through materials cull, is glTF's)
        double_sided=True,
    )
    if maps is None:
        return read
    return with_maps(read, maps, key=key, model_path=model_path, make_texture=make_texture,
                     max_pixels=max_pixels)
