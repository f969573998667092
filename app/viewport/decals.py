"""A scene Decal -> a VTK actor: its mesh with PBR textures (base colour with coverage in alpha,
ORM, normal map with tangents), drawn translucent so it blends over the part.

Depth peeling stays off: with ForceTranslucent it makes the decal vanish. The mesh floats a
fraction of the object's size above the surface, which is enough to avoid z-fighting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from app.assets.mesh import MeshData
from app.scene.description import Decal
from app.viewport.polydata import mesh_to_polydata
from app.viewport.vtk_textures import image_to_vtk_texture

MAPS = ("base_color", "orm", "normal_map")  # the decal's textures, by Decal field


@dataclass
class DrawnDecal:
    actor: vtkActor
    decal: Decal
    textures: dict = field(default_factory=dict)  # Decal field -> its vtkTexture
    shaded: bool = False  # by the part it lies on (environment_occlusion)


def decal_polydata(decal: Decal):
    return mesh_to_polydata(MeshData(name=f"decal '{decal.id}'", vertices=decal.vertices,
                                     faces=decal.faces, normals=decal.normals, uv=decal.uv))


def set_decal_textures(actor: vtkActor, decal: Decal) -> dict:
    """The decal's maps and factors on ``actor``; returns its textures by Decal field."""
    prop = actor.GetProperty()
    prop.RemoveAllTextures()
    prop.SetInterpolationToPBR()
    prop.SetColor(1.0, 1.0, 1.0)
    prop.SetOpacity(1.0)
    prop.SetOcclusionStrength(1.0)
    _set_factors(prop, decal)
    textures = {name: _clamped_texture(decal, getattr(decal, name), srgb=name == "base_color")
                for name in MAPS}
    prop.SetBaseColorTexture(textures["base_color"])
    prop.SetORMTexture(textures["orm"])
    prop.SetNormalTexture(textures["normal_map"])
    return textures


def _set_factors(prop, decal: Decal) -> None:
    prop.SetMetallic(decal.metallic)
    prop.SetRoughness(decal.roughness)
    prop.SetNormalScale(decal.normal_scale)


def _clamped_texture(decal: Decal, pixels, *, srgb: bool):
    """No repeat: a decal's edge must not pick up the opposite edge's pixels."""
    texture = image_to_vtk_texture(pixels, srgb=srgb, source=f"decal '{decal.id}'")
    texture.RepeatOff()
    texture.EdgeClampOn()
    return texture


def build_decal_actor(decal: Decal) -> DrawnDecal:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(decal_polydata(decal))
    mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    actor.ForceTranslucentOn()
    actor.SetPickable(False)
    return DrawnDecal(actor, decal, set_decal_textures(actor, decal))


def update_decal_actor(drawn: DrawnDecal, decal: Decal) -> None:
    """In place: a new mesh only when the geometry changed, new pixels only in the textures
    whose pixels changed (the texture objects stay, so the actor's shader stays too)."""
    if decal.geometry_key != drawn.decal.geometry_key:
        drawn.actor.GetMapper().SetInputData(decal_polydata(decal))
    _set_factors(drawn.actor.GetProperty(), decal)
    for name in MAPS:
        old, new = getattr(drawn.decal, name), getattr(decal, name)
        if old is new or (old.shape == new.shape and np.array_equal(old, new)):
            continue
        fresh = _clamped_texture(decal, new, srgb=name == "base_color")
        drawn.textures[name].SetInputDataObject(fresh.GetInput())
    drawn.decal = decal
