"""A material of the library, as data: PBR metallic-roughness parameters and texture file names."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.domain.colour import HexColour


class MaterialTextures(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    base_color: str | None = Field(None, description="sRGB base-colour image, relative to the file")
    orm: str | None = Field(
        None, description="linear image: R occlusion, G roughness, B metallic"
    )
    normal: str | None = Field(None, description="linear tangent-space normal map, +Y up")


class Material(BaseModel):
    """One entry of assets/materials/: the file name (without .yaml) is its id."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field("", description="set from the file name")
    name: str = Field(description="display name shown to customers")
    base_color: HexColour = Field(description="sRGB colour; with a texture, it tints the texture")
    metallic: float = Field(0.0, ge=0.0, le=1.0)
    roughness: float = Field(0.5, ge=0.0, le=1.0)
    opacity: float = Field(1.0, ge=0.0, le=1.0)
    clearcoat: float = Field(0.0, ge=0.0, le=1.0)
    clearcoat_roughness: float = Field(0.03, ge=0.0, le=1.0)
    transmission: float = Field(0.0, ge=0.0, le=1.0)
    ior: float = Field(1.5, ge=1.0, le=3.0)
    sheen_color: HexColour | None = Field(
        None, description="sRGB colour of a cloth's sheen (velvet's soft light along its "
        "silhouette, at grazing angles); none for no sheen")
    sheen_roughness: float = Field(0.5, ge=0.0, le=1.0)
    normal_scale: float = Field(1.0, ge=0.0, le=10.0)
    uv_scale: tuple[float, float] = (1.0, 1.0)
    textures: MaterialTextures = MaterialTextures()
    swatch: str | None = Field(None, description="swatch image, relative to the file")
    source: str = Field("", description="the file it was read from", exclude=True)
