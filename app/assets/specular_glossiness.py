"""KHR_materials_pbrSpecularGlossiness converted to metallic-roughness once, at load.

Factors are converted exactly (trimesh's ``specular_to_pbr``, the conversion Khronos
published); a material with a diffuse or specular-glossiness texture is drawn with the textures
trimesh bakes at load (its factors multiplied into them), which name their images apart from the
file's own."""

from __future__ import annotations

from trimesh.visual.gloss import specular_to_pbr

from app.assets.material_extensions import colour_field, number_field
from app.errors import AssetError

SPECULAR_GLOSSINESS = "KHR_materials_pbrSpecularGlossiness"
BAKED = "specular-glossiness"  # the key suffix of a texture baked from both workflows' maps


def _diffuse(block: dict, where: str) -> list[float]:
    value = block.get("diffuseFactor", [1.0, 1.0, 1.0, 1.0])
    try:
        rgba = [float(v) for v in value]
    except (TypeError, ValueError):
        raise AssetError(f"{where}.diffuseFactor: expected 4 numbers, got {value!r}") from None
    if len(rgba) != 4 or not all(0.0 <= v <= 1.0 for v in rgba):
        raise AssetError(f"{where}.diffuseFactor: expected 4 numbers from 0 to 1, got {value!r}")
    return rgba


def metallic_roughness(spec: dict, trimesh_material: object, where: str) -> dict | None:
    """A ``pbrMetallicRoughness`` block standing for ``spec``'s specular-glossiness (None for a
    material without it). A material that has both is drawn by its specular-glossiness, as
    the extension says of a client that reads it: its metallic-roughness is the fallback for
    those that do not (assimp writes both)."""
    extensions = spec.get("extensions") or {}
    block = extensions.get(SPECULAR_GLOSSINESS)
    if not isinstance(block, dict):
        return None
    where = f"{where}.extensions.{SPECULAR_GLOSSINESS}"
    textures = {k: block[k] for k in ("diffuseTexture", "specularGlossinessTexture")
                if isinstance(block.get(k), dict)}
    converted = specular_to_pbr(
        diffuseFactor=_diffuse(block, where),
        specularFactor=list(colour_field(block, "specularFactor", (1.0, 1.0, 1.0), where)),
        glossinessFactor=number_field(block, "glossinessFactor", 1.0, where, low=0.0, high=1.0))
    pbr: dict = {"baseColorFactor": [float(v) for v in converted["baseColorFactor"]],
                 "metallicFactor": float(converted["metallicFactor"]),
                 "roughnessFactor": float(converted["roughnessFactor"])}
    if not textures:
        return pbr
    # trimesh baked the factors into its textures: drawn with those, factors at one
    slot = textures.get("diffuseTexture") or textures["specularGlossinessTexture"]
    if getattr(trimesh_material, "baseColorTexture", None) is not None:
        pbr["baseColorTexture"] = slot
        pbr["baseColorFactor"] = [1.0, 1.0, 1.0, pbr["baseColorFactor"][3]]
    if getattr(trimesh_material, "metallicRoughnessTexture", None) is not None:
        pbr["metallicRoughnessTexture"] = textures.get("specularGlossinessTexture", slot)
        pbr["metallicFactor"] = pbr["roughnessFactor"] = 1.0
    return pbr
