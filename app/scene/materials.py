"""Library materials (sRGB, file names) -> ResolvedMaterial (linear colours, texture paths)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.domain.colour import hex_to_linear
from app.domain.material import Material
from app.references import resolve_asset_path
from app.scene.description import (
    ResolvedMaterial,
    TextureMapping,
    TextureRef,
    TextureSlot,
    TextureTransform,
)


def resolve_material(material: Material, *, allowed_roots: Sequence[Path], label: str,
                     tint: str | None = None) -> ResolvedMaterial:
    """``tint`` (an sRGB hex colour from a choice) replaces the material's base colour; over a
    base-colour texture it multiplies the texture, like glTF's base colour factor. A catalog
    material is drawn from both sides by both renderers, and exports say so: a see-through
    part's far side shows through its front, and an AR viewer culls no face of a part that
    is open or wound inside out (both renderers shade either side alike)."""
    base_dir = Path(material.source).parent
    # uv_scale repeats every texture of the material, as KHR_texture_transform's scale
    mapping = TextureMapping(transform=TextureTransform(scale=tuple(material.uv_scale)))

    def texture(name: str | None, field: str, srgb: bool) -> TextureSlot | None:
        if name is None:
            return None
        path = resolve_asset_path(name, base_dir=base_dir, allowed_roots=allowed_roots,
                                  file_label=label, field=f"textures.{field}")
        return TextureSlot(TextureRef(source=str(path), srgb=srgb), mapping)

    colour = tint or material.base_color
    return ResolvedMaterial(
        id=material.id if tint is None else f"{material.id}{tint}",
        base_color=hex_to_linear(colour),
        opacity=material.opacity,
        double_sided=True,
        metallic=material.metallic,
        roughness=material.roughness,
        clearcoat=material.clearcoat,
        clearcoat_roughness=material.clearcoat_roughness,
        transmission=material.transmission,
        ior=material.ior,
        normal_scale=material.normal_scale,
        sheen_color=(hex_to_linear(material.sheen_color) if material.sheen_color
                     else (0.0, 0.0, 0.0)),
        sheen_roughness=material.sheen_roughness,
        base_color_texture=texture(material.textures.base_color, "base_color", True),
        orm_texture=texture(material.textures.orm, "orm", False),
        normal_texture=texture(material.textures.normal, "normal", False),
    )
