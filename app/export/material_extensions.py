"""A ResolvedMaterial's glTF extension factors as the ``extensions`` of a glTF material, and
what of them UsdPreviewSurface cannot carry (named in a USDZ export's notes)."""

from __future__ import annotations

import math

from app.scene.description import ResolvedMaterial

_DEFAULT = ResolvedMaterial(id="default")


def _floats(values) -> list[float]:
    return [float(v) for v in values]


def gltf_material_extensions(m: ResolvedMaterial) -> dict:
    """The KHR_materials_* blocks ``m`` needs (none for a plain metallic-roughness material)."""
    out: dict = {}
    if m.unlit:
        out["KHR_materials_unlit"] = {}
    if m.clearcoat > 0:
        out["KHR_materials_clearcoat"] = {"clearcoatFactor": float(m.clearcoat),
                                          "clearcoatRoughnessFactor":
                                              float(m.clearcoat_roughness)}
    if m.transmission > 0 or m.ior != _DEFAULT.ior:
        out["KHR_materials_ior"] = {"ior": float(m.ior)}
    if m.specular != 1.0 or tuple(m.specular_color) != (1.0, 1.0, 1.0):
        out["KHR_materials_specular"] = {"specularFactor": float(m.specular),
                                         "specularColorFactor": _floats(m.specular_color)}
    if m.transmission > 0:
        out["KHR_materials_transmission"] = {"transmissionFactor": float(m.transmission)}
    # a volume lies behind a surface light passes through: without transmission it is none
    if m.transmission > 0 and (m.thickness > 0 or math.isfinite(m.attenuation_distance)):
        volume: dict = {"thicknessFactor": float(m.thickness),
                        "attenuationColor": _floats(m.attenuation_color)}
        if math.isfinite(m.attenuation_distance):
            volume["attenuationDistance"] = float(m.attenuation_distance)
        out["KHR_materials_volume"] = volume
    if any(m.sheen_color):
        out["KHR_materials_sheen"] = {"sheenColorFactor": _floats(m.sheen_color),
                                      "sheenRoughnessFactor": float(m.sheen_roughness)}
    if m.anisotropy > 0:
        out["KHR_materials_anisotropy"] = {"anisotropyStrength": float(m.anisotropy),
                                           "anisotropyRotation": float(m.anisotropy_rotation)}
    if m.iridescence > 0:
        low, high = m.iridescence_thickness
        out["KHR_materials_iridescence"] = {
            "iridescenceFactor": float(m.iridescence), "iridescenceIor": float(m.iridescence_ior),
            "iridescenceThicknessMinimum": float(low), "iridescenceThicknessMaximum": float(high)}
    return out


def usd_material_losses(m: ResolvedMaterial) -> list[str]:
    """What of ``m`` a UsdPreviewSurface leaves out or draws otherwise."""
    name = f"material '{m.id}'"
    lost = []
    if m.unlit:
        lost.append(f"{name}: unlit, written as its base colour glowing on a black surface")
    if m.clearcoat_normal_texture is not None:
        lost.append(f"{name}: its clear-coat normal texture is not written")
    for slot in m.extension_slots():
        lost.append(f"{name}: its {slot.replace('_', ' ')} texture is not written")
    if m.specular != 1.0 or tuple(m.specular_color) != (1.0, 1.0, 1.0):
        lost.append(f"{name}: its specular factor and colour are not written")
    if m.transmission > 0:
        lost.append(f"{name}: transmission written as partial opacity")
    if m.thickness > 0 or math.isfinite(m.attenuation_distance):
        lost.append(f"{name}: its volume (thickness, attenuation) is not written")
    if any(m.sheen_color):
        lost.append(f"{name}: its sheen is not written")
    if m.anisotropy > 0:
        lost.append(f"{name}: its anisotropy is not written")
    if m.iridescence > 0:
        lost.append(f"{name}: its iridescence is not written")
    if m.vertex_colors:
        lost.append(f"{name}: the vertex colours that tint it are not written")
    return lost
