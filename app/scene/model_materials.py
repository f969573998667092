"""The material a model file declares for a mesh -> the scene's ResolvedMaterial.

The loader's ``MeshMaterial`` holds decoded pixels; the scene names them by ``TextureRef``
(``"<model path>#<key>"``, which the asset store serves from the loaded model), so a model
material is drawn, rendered and exported like any other material.
"""

from __future__ import annotations

from app.assets.mesh import MeshData, MeshMaterial, TextureImage
from app.assets.refs import TextureMapping
from app.scene.description import ResolvedMaterial, TextureRef, TextureSlot


def _slot(image: TextureImage | None, mapping: TextureMapping, *, srgb: bool,
          has_uv: bool) -> TextureSlot | None:
    if image is None or not has_uv:
        return None
    return TextureSlot(TextureRef(source=image.source, srgb=srgb), mapping)


# the glTF extension factors MeshMaterial and ResolvedMaterial share by name
EXTENSION_FIELDS = ("unlit", "clearcoat", "clearcoat_roughness", "ior", "specular",
                    "specular_color", "thickness", "attenuation_color", "attenuation_distance",
                    "sheen_color", "sheen_roughness", "anisotropy", "anisotropy_rotation",
                    "iridescence", "iridescence_ior", "iridescence_thickness")


def model_material(mesh: MeshData, material_id: str) -> ResolvedMaterial:
    """``mesh``'s own material; textures whose UV set the mesh lacks are left out."""
    m = mesh.material

    def slot(image: TextureImage | None, mapping: TextureMapping, srgb: bool):
        uv = mesh.uv1 if mapping.texcoord == 1 else (mesh.uv if mapping.texcoord == 0 else None)
        return _slot(image, mapping, srgb=srgb, has_uv=uv is not None)

    r, g, b, a = m.base_color
    return ResolvedMaterial(
        id=material_id, base_color=(r, g, b), opacity=a, metallic=m.metallic,
        roughness=m.roughness, emissive=tuple(m.emissive), transmission=m.transmission,
        normal_scale=m.normal_scale,
        base_color_texture=slot(m.base_color_texture, m.base_color_mapping, True),
        orm_texture=slot(m.orm_texture, m.orm_mapping, False),
        occlusion_in_orm=m.occlusion_in_orm,
        normal_texture=slot(m.normal_texture, m.normal_mapping, False),
        # glTF: emission is the factor times the texture, so a texture with no factor is dark
        emissive_texture=(slot(m.emissive_texture, m.emissive_mapping, True)
                          if any(m.emissive) else None),
        alpha_mode=m.alpha_mode if m.alpha_mode in ("OPAQUE", "MASK", "BLEND") else "OPAQUE",
        alpha_cutoff=m.alpha_cutoff, vertex_colors=mesh.colors is not None,
        double_sided=m.double_sided,
        clearcoat_normal_texture=(slot(m.clearcoat_normal_texture, m.clearcoat_normal_mapping,
                                       False) if m.clearcoat > 0 else None),
        clearcoat_normal_scale=m.clearcoat_normal_scale,
        **{name: getattr(m, name) for name in EXTENSION_FIELDS},
        **extension_slots(m, slot))


# the extension textures whose colours are sRGB
_SRGB_EXTENSION_SLOTS = {"sheen_color", "specular_color"}


def extension_slots(m: MeshMaterial, slot) -> dict:
    """``ResolvedMaterial`` keyword arguments for the extension textures of ``m`` (which of them
    are in use, ``ResolvedMaterial.extension_slots`` says)."""
    found = {}
    for name, image, mapping in m.extension_textures:
        found[f"{name}_texture"] = slot(image, mapping, name in _SRGB_EXTENSION_SLOTS)
    return found
