"""The glTF 2.0 material extensions beyond metallic-roughness, read into material fields.

``extension_fields`` returns the factors of KHR_materials_unlit, clearcoat, ior, specular,
transmission, volume, sheen, anisotropy and iridescence as keyword arguments of
``MeshMaterial`` (the same names as ``ResolvedMaterial``'s). ``EXTENSION_TEXTURE_SLOTS``
names the textures that are read with them (into ``MeshMaterial.extension_textures``);
``extension_notes`` names the one texture neither renderer draws per pixel (the volume's
thickness); how they draw the factors they have no model for, the scene's ``material_notes``
says.
"""

from __future__ import annotations

import math

from app.errors import AssetError

# the extension textures read into the material: (extension, key) -> ResolvedMaterial slot name
EXTENSION_TEXTURE_SLOTS = {
    ("KHR_materials_transmission", "transmissionTexture"): "transmission",
    ("KHR_materials_sheen", "sheenColorTexture"): "sheen_color",
    ("KHR_materials_sheen", "sheenRoughnessTexture"): "sheen_roughness",
    ("KHR_materials_clearcoat", "clearcoatTexture"): "clearcoat",
    ("KHR_materials_clearcoat", "clearcoatRoughnessTexture"): "clearcoat_roughness",
    ("KHR_materials_specular", "specularTexture"): "specular",
    ("KHR_materials_specular", "specularColorTexture"): "specular_color",
    ("KHR_materials_anisotropy", "anisotropyTexture"): "anisotropy",
    ("KHR_materials_iridescence", "iridescenceTexture"): "iridescence",
    ("KHR_materials_iridescence", "iridescenceThicknessTexture"): "iridescence_thickness",
}


def number_field(block: dict, key: str, default: float, where: str, *, low: float = -math.inf,
            high: float = math.inf) -> float:
    value = block.get(key, default)
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise AssetError(f"{where}.{key}: expected a number, got {value!r}") from None
    # not a number, out of range, or infinite where the default is not (1e999 reads as inf)
    if (math.isnan(number) or number < low or number > high
            or (math.isinf(number) and number != default)):
        raise AssetError(f"{where}.{key}: expected a number from {low} to {high}, got {value!r}")
    return number


def colour_field(block: dict, key: str, default: tuple[float, float, float], where: str
            ) -> tuple[float, float, float]:
    value = block.get(key)
    if value is None:
        return default
    try:
        rgb = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise AssetError(f"{where}.{key}: expected 3 numbers, got {value!r}") from None
    if len(rgb) != 3 or not all(math.isfinite(v) and v >= 0 for v in rgb):
        raise AssetError(f"{where}.{key}: expected 3 numbers of at least 0, got {value!r}")
    return rgb  # type: ignore[return-value]


def extension_fields(extensions: dict, where: str) -> dict:
    """``MeshMaterial`` keyword arguments for the material extensions in ``extensions``."""
    def block(name: str) -> dict | None:
        found = extensions.get(name)
        return found if isinstance(found, dict) else None

    fields: dict = {}
    if block("KHR_materials_unlit") is not None:
        fields["unlit"] = True
    if (b := block("KHR_materials_clearcoat")) is not None:
        w = f"{where}.extensions.KHR_materials_clearcoat"
        fields["clearcoat"] = number_field(b, "clearcoatFactor", 0.0, w, low=0.0, high=1.0)
        fields["clearcoat_roughness"] = number_field(b, "clearcoatRoughnessFactor", 0.0, w,
                                                low=0.0, high=1.0)
    if (b := block("KHR_materials_ior")) is not None:
        ior = number_field(b, "ior", 1.5, f"{where}.extensions.KHR_materials_ior", low=0.0)
        fields["ior"] = ior if ior >= 1.0 else 1.5  # 0 means "reflects as metal": glTF's 1.5
    if (b := block("KHR_materials_specular")) is not None:
        w = f"{where}.extensions.KHR_materials_specular"
        fields["specular"] = number_field(b, "specularFactor", 1.0, w, low=0.0, high=1.0)
        fields["specular_color"] = colour_field(b, "specularColorFactor", (1.0, 1.0, 1.0), w)
    if (b := block("KHR_materials_transmission")) is not None:
        fields["transmission"] = number_field(b, "transmissionFactor", 0.0,
                                         f"{where}.extensions.KHR_materials_transmission",
                                         low=0.0, high=1.0)
    if (b := block("KHR_materials_volume")) is not None:
        w = f"{where}.extensions.KHR_materials_volume"
        fields["thickness"] = number_field(b, "thicknessFactor", 0.0, w, low=0.0)
        fields["attenuation_color"] = colour_field(b, "attenuationColor", (1.0, 1.0, 1.0), w)
        fields["attenuation_distance"] = number_field(b, "attenuationDistance", math.inf, w,
                                                 low=1e-9)
    if (b := block("KHR_materials_sheen")) is not None:
        w = f"{where}.extensions.KHR_materials_sheen"
        fields["sheen_color"] = colour_field(b, "sheenColorFactor", (0.0, 0.0, 0.0), w)
        fields["sheen_roughness"] = number_field(b, "sheenRoughnessFactor", 0.0, w, low=0.0,
                                            high=1.0)
    if (b := block("KHR_materials_anisotropy")) is not None:
        w = f"{where}.extensions.KHR_materials_anisotropy"
        fields["anisotropy"] = number_field(b, "anisotropyStrength", 0.0, w, low=0.0, high=1.0)
        fields["anisotropy_rotation"] = number_field(b, "anisotropyRotation", 0.0, w)
    if (b := block("KHR_materials_iridescence")) is not None:
        w = f"{where}.extensions.KHR_materials_iridescence"
        fields["iridescence"] = number_field(b, "iridescenceFactor", 0.0, w, low=0.0, high=1.0)
        fields["iridescence_ior"] = number_field(b, "iridescenceIor", 1.3, w, low=1.0)
        fields["iridescence_thickness"] = (
            number_field(b, "iridescenceThicknessMinimum", 100.0, w, low=0.0),
            number_field(b, "iridescenceThicknessMaximum", 400.0, w, low=0.0))
    return fields


def extension_notes(name: str, extensions: dict) -> list[str]:
    """What of these extensions' textures the renderers draw otherwise than the file says."""
    notes = []
    volume = extensions.get("KHR_materials_volume")
    if isinstance(volume, dict) and isinstance(volume.get("thicknessTexture"), dict):
        # every other extension texture is drawn per pixel in both renderers
        notes.append(f"{name}: its thickness texture is not drawn per pixel: the live view "
                     "measures a closed mesh's thickness at each vertex, as the still's rays "
                     "cross it, and draws an open one as thick as keeps the texture's mean "
                     "share of light")
    return notes
