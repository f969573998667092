"""A scene Decal -> a VTK actor: its mesh with PBR textures (base colour with coverage in alpha,
ORM, normal map with tangents), drawn translucent so it blends over the part.

Depth peeling stays off: with ForceTranslucent it makes the decal vanish. The mesh floats a
fraction of the object's size above the surface, which is enough to avoid z-fighting.
"""

from __future__ import annotations

from dataclasses import dataclass

from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from app.assets.mesh import MeshData
from app.scene.description import Decal
from app.viewport.materials import image_to_vtk_texture
from app.viewport.polydata import mesh_to_polydata


@dataclass
class DrawnDecal:
    actor: vtkActor
    decal: Decal


def decal_polydata(decal: Decal):
    return mesh_to_polydata(MeshData(name=f"decal '{decal.id}'", vertices=decal.vertices,
                                     faces=decal.faces, normals=decal.normals, uv=decal.uv))


def set_decal_textures(actor: vtkActor, decal: Decal) -> None:
    prop = actor.GetProperty()
    prop.RemoveAllTextures()
    prop.SetInterpolationToPBR()
    prop.SetColor(1.0, 1.0, 1.0)
    prop.SetOpacity(1.0)
    prop.SetMetallic(decal.metallic)
    prop.SetRoughness(decal.roughness)
    prop.SetNormalScale(decal.normal_scale)
    prop.SetOcclusionStrength(1.0)
    prop.SetBaseColorTexture(_clamped_texture(decal, decal.base_color, srgb=True))
    prop.SetORMTexture(_clamped_texture(decal, decal.orm, srgb=False))
    prop.SetNormalTexture(_clamped_texture(decal, decal.normal_map, srgb=False))


def _clamped_texture(decal: Decal, pixels, *, srgb: bool):
    """No repeat: a decal's edge must not pick up the opposite edge's pixels."""
    texture = image_to_vtk_texture(pixels, srgb=srgb, source=f"decal '{decal.id}'")
    texture.RepeatOff()
    texture.EdgeClampOn()
    return texture


def build_decal_actor(decal: Decal) -> vtkActor:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(decal_polydata(decal))
    mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    actor.ForceTranslucentOn()
    actor.SetPickable(False)
    set_decal_textures(actor, decal)
    return actor


def update_decal_actor(drawn: DrawnDecal, decal: Decal) -> None:
    """New textures for new pixels; a new mesh only when the geometry changed."""
    if decal.geometry_key != drawn.decal.geometry_key:
        drawn.actor.GetMapper().SetInputData(decal_polydata(decal))
    set_decal_textures(drawn.actor, decal)
    drawn.decal = decal
