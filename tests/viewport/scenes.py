"""Scenes built by hand for viewport tests: a fake geometry source, meshes, a generated HDR."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pyvista as pv

from app.assets.mesh import MeshData, MeshMaterial, TextureImage
from app.scene.description import (
    IDENTITY,
    Camera,
    Drawable,
    Environment,
    GeometryRef,
    ResolvedMaterial,
    SceneDescription,
    TextureRef,
)

FRONT_CAMERA = Camera(
    "front", "Front", position=(0.0, 0.0, 4.0), target=(0.0, 0.0, 0.0), fov_deg=30.0
)
WHITE = (1.0, 1.0, 1.0)


def write_radiance_hdr(path: Path, rgb: np.ndarray) -> Path:
    """Write float (H, W, 3) linear RGB as an uncompressed Radiance RGBE file."""
    rgb = np.asarray(rgb, dtype=np.float64)
    height, width, _ = rgb.shape
    peak = rgb.max(axis=2)
    mantissa, exponent = np.frexp(peak)
    lit = peak > 1e-32
    scale = np.where(lit, mantissa * 256.0 / np.where(lit, peak, 1.0), 0.0)
    rgbe = np.zeros((height, width, 4), np.uint8)
    rgbe[..., :3] = np.clip(rgb * scale[..., None], 0, 255).astype(np.uint8)
    rgbe[..., 3] = np.where(lit, exponent + 128, 0).astype(np.uint8)
    header = f"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y {height} +X {width}\n".encode()
    path.write_bytes(header + rgbe.tobytes())
    return path


def studio_environment(width: int = 64, height: int = 32) -> np.ndarray:
    """A grey sky brighter towards the top, with one bright soft box up front-left."""
    v = (np.arange(height) + 0.5) / height
    u = (np.arange(width) + 0.5) / width
    uu, vv = np.meshgrid(u, v)
    sky = 0.5 + 0.7 * (1.0 - vv)
    image = np.repeat(sky[..., None], 3, axis=2)
    soft_box = ((uu - 0.35) / 0.08) ** 2 + ((vv - 0.3) / 0.1) ** 2 < 1
    image[soft_box] = 10.0
    return image.astype(np.float32)


def mesh_from_pyvista(
    name: str, surface: pv.PolyData, material: MeshMaterial | None = None, with_uv: bool = False
) -> MeshData:
    surface = surface.triangulate().compute_normals(
        point_normals=True, cell_normals=False, split_vertices=True, auto_orient_normals=True
    )
    uv = None
    if with_uv:
        tcoords = np.asarray(surface.active_texture_coordinates, dtype=np.float32)
        uv = np.column_stack([tcoords[:, 0], 1.0 - tcoords[:, 1]]).astype(np.float32)
    return MeshData(
        name=name,
        vertices=np.asarray(surface.points, dtype=np.float32),
        faces=np.asarray(surface.regular_faces, dtype=np.int32),
        normals=np.asarray(surface.point_data["Normals"], dtype=np.float32),
        uv=uv,
        material=material or MeshMaterial(),
    )


def sphere_mesh(radius: float = 0.5, material: MeshMaterial | None = None) -> MeshData:
    surface = pv.Sphere(radius=radius, theta_resolution=48, phi_resolution=48)
    return mesh_from_pyvista("sphere", surface.texture_map_to_sphere(), material, with_uv=True)


def vase_mesh(radius: float = 0.5) -> MeshData:
    """The sphere with the faces round its top pole taken away: an open mesh (a vase's
    opening), away from the line through its middle that a front camera looks along."""
    sphere = sphere_mesh(radius)
    centres = sphere.vertices[sphere.faces].mean(axis=1)
    return dataclasses.replace(
        sphere, faces=sphere.faces[centres[:, 1] < 0.9 * centres[:, 1].max()])


def box_mesh(size: float = 0.8) -> MeshData:
    return mesh_from_pyvista("box", pv.Cube(x_length=size, y_length=size, z_length=size))


def card_mesh(size: float = 1.2) -> MeshData:
    """A square facing +Z, texture coordinates over its whole face."""
    plane = pv.Plane(direction=(0, 0, 1), i_size=size, j_size=size)
    return mesh_from_pyvista("card", plane, with_uv=True)


def checker_pixels(cells: int = 4, cell_px: int = 16) -> np.ndarray:
    """Red and blue squares (sRGB), ``cells`` x ``cells``."""
    index = (np.indices((cells, cells)).sum(axis=0) % 2).repeat(cell_px, 0).repeat(cell_px, 1)
    red = np.array([220, 30, 30], np.uint8)
    blue = np.array([30, 30, 220], np.uint8)
    return np.where(index[..., None] == 0, red, blue).astype(np.uint8)


class FakeSource:
    """GeometrySource over meshes keyed by node name and textures keyed by source."""

    def __init__(self, meshes: dict[str, MeshData], textures: dict[str, np.ndarray] | None = None):
        self.meshes = meshes
        self.textures = textures or {}
        self.mesh_requests: list[str] = []

    def mesh(self, ref: GeometryRef) -> MeshData:
        self.mesh_requests.append(ref.node)
        return self.meshes[ref.node]

    def texture(self, ref: TextureRef) -> TextureImage:
        return TextureImage(pixels=self.textures[ref.source], source=ref.source)


def drawable(
    node: str, material: ResolvedMaterial, *, transform=IDENTITY, visible: bool = True
) -> Drawable:
    return Drawable(
        id=f"part/{node}",
        part="part",
        geometry=GeometryRef("fake.glb", node),
        material=material,
        transform=transform,
        visible=visible,
    )


def translation(x: float = 0.0, y: float = 0.0, z: float = 0.0):
    return ((1.0, 0.0, 0.0, x), (0.0, 1.0, 0.0, y), (0.0, 0.0, 1.0, z), (0.0, 0.0, 0.0, 1.0))


def scene_of(
    drawables,
    hdr_path: str,
    *,
    cameras=(FRONT_CAMERA,),
    background=WHITE,
    ground: bool = False,
    bounds=((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5)),
):
    return SceneDescription(
        product_id="test-product",
        drawables=tuple(drawables),
        cameras=tuple(cameras),
        environment=Environment(hdr_path=hdr_path, background=background, ground=ground),
        bounds=bounds,
    )
