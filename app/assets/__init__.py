"""Mesh and texture loading: model files become named meshes in metres, Y up, with PBR
materials; textures become RGB/RGBA pixels. trimesh and Pillow are used here and nowhere else.

The package itself exports only the light data types, so that importing them (as app.scene does)
does not import trimesh. Loading lives in ``app.assets.model_loading`` (``load_model``),
``app.assets.textures`` (``load_texture``) and ``app.assets.store`` (``AssetStore``).
"""

from app.assets.mesh import MeshData, MeshMaterial, Model, TextureImage
from app.assets.refs import GeometryRef, TextureRef

__all__ = [
    "GeometryRef",
    "MeshData",
    "MeshMaterial",
    "Model",
    "TextureImage",
    "TextureRef",
]
