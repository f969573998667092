"""What a shape is drawn with in the still: its BSDF and what the render does around it."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass
class ShapeLook:
    """What a shape is made of: its BSDF dictionary and, for glowing materials, the texture of
    the radiance it emits (drawn where the camera sees it; see ``render``'s emission pass, and
    where ``lights_scene``, lighting what is around it)."""

    bsdf: dict
    emission: dict | None = None
    # an emissive material's glow lights the rest of the scene (an unlit one's does not: its
    # colour is only what the camera is shown)
    lights_scene: bool = False
    see_through: bool = False  # clear glass: the denoiser is guided by what lies behind it
    transmits: bool = False  # some light passes through (glass): the backdrop shows behind it
    # smooth thin glass as a clear sheet that shadow rays pass through (``volpath``), for where
    # the camera sees other parts through it (``as_sheet``)
    sheet: dict | None = None
    # a transmissive solid with a volume (glTF thickness > 0): the light it absorbs per unit
    # length inside it, in the model's units (RGB, per channel), for a medium in the shape
    absorption: tuple[float, float, float] | None = None
    vertex_colours: bool = False  # the base colour is multiplied by the mesh's colours
    # the UV set the shape carries as its texture coordinates (0: MeshData.uv, 1: uv1); its
    # textures that read the other read it from a mesh attribute (``TextureInputs.on_shape``)
    texcoord: int = 0
    along_tangent: bool = False  # shaded along the mesh's smoothed tangents (anisotropy)
    # glass clear in places (by its roughness texture): per pixel, 1 where the denoiser is
    # guided by the glass itself, 0 where by what lies behind it (as for an alpha cut)
    guide_opacity: dict | None = None

    @property
    def passes_light(self) -> bool:
        """Whether the BSDF drawn is the clear sheet (shadow rays pass it)."""
        return self.sheet is not None and self.bsdf is self.sheet

    def as_sheet(self) -> ShapeLook:
        return replace(self, bsdf=self.sheet)
