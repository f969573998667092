"""A soft contact shadow on a ground plane under the product.

The shadow is computed, not rendered: surface points of the visible meshes (area-weighted
samples) are projected down onto y = lowest point; a broad, blurred term darkens the footprint
(more where the surface is low) and a tight term darkens where the product touches the ground.
The result is the alpha of a black, unlit plane, so it darkens whatever background is behind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyvista as pv
from scipy.ndimage import gaussian_filter
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from app.viewport.materials import image_to_vtk_texture

GRID = 160
SAMPLES = 60_000
MARGIN = 0.45  # of the product's size, on each side of its footprint
BROAD_SIGMA = 0.07  # of the product's size
BROAD_FALLOFF = 0.5  # height (of size) at which the broad shadow has faded to 1/e
BROAD_STRENGTH = 0.45
CONTACT_SIGMA = 0.012
CONTACT_FALLOFF = 0.02
CONTACT_STRENGTH = 0.6
LIFT = 1e-4  # plane sits this fraction of the size below the lowest point


@dataclass(frozen=True)
class ShadowMap:
    alpha: np.ndarray  # (GRID, GRID) float in [0, 1]; [iz, ix]
    x_range: tuple[float, float]
    z_range: tuple[float, float]
    ground_y: float


def surface_samples(
    meshes: list[tuple[np.ndarray, np.ndarray]], count: int, seed: int = 0
) -> np.ndarray:
    """Area-weighted points on the triangles of ``meshes`` ((vertices, faces) in world space),
    plus the vertices themselves."""
    tris = [v[f] for v, f in meshes if len(f)]
    if not tris:
        return np.zeros((0, 3))
    triangles = np.concatenate(tris).astype(float)
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    areas = np.linalg.norm(np.cross(b - a, c - a), axis=1)
    rng = np.random.default_rng(seed)
    total = areas.sum()
    if total <= 0:
        points = triangles.reshape(-1, 3)
    else:
        chosen = rng.choice(len(triangles), size=count, p=areas / total)
        r1, r2 = rng.random(count), rng.random(count)
        flip = r1 + r2 > 1
        r1[flip], r2[flip] = 1 - r1[flip], 1 - r2[flip]
        points = (
            a[chosen]
            + r1[:, None] * (b[chosen] - a[chosen])
            + r2[:, None] * (c[chosen] - a[chosen])
        )
    vertices = np.concatenate([v for v, _ in meshes]).astype(float)
    return np.concatenate([points, vertices])


def compute_shadow(meshes: list[tuple[np.ndarray, np.ndarray]]) -> ShadowMap | None:
    """The shadow under ``meshes`` (world-space vertices and faces), or None when empty."""
    points = surface_samples(meshes, SAMPLES)
    if len(points) == 0:
        return None
    low, high = points.min(axis=0), points.max(axis=0)
    size = max(float(np.linalg.norm(high - low)), 1e-6)
    center = (low + high) / 2
    half = max(high[0] - low[0], high[2] - low[2]) / 2 + MARGIN * size
    x_range = (center[0] - half, center[0] + half)
    z_range = (center[2] - half, center[2] + half)
    cell = 2 * half / GRID
    ix = np.clip(((points[:, 0] - x_range[0]) / cell).astype(int), 0, GRID - 1)
    iz = np.clip(((points[:, 2] - z_range[0]) / cell).astype(int), 0, GRID - 1)
    height = points[:, 1] - low[1]

    broad = np.zeros((GRID, GRID))
    np.maximum.at(broad, (iz, ix), np.exp(-height / (BROAD_FALLOFF * size)))
    contact = np.zeros((GRID, GRID))
    np.maximum.at(contact, (iz, ix), np.exp(-height / (CONTACT_FALLOFF * size)))
    broad = gaussian_filter(broad, BROAD_SIGMA * size / cell)
    contact = gaussian_filter(contact, CONTACT_SIGMA * size / cell)
    alpha = 1 - (1 - BROAD_STRENGTH * np.clip(broad, 0, 1)) * (
        1 - CONTACT_STRENGTH * np.clip(contact, 0, 1)
    )
    return ShadowMap(alpha, x_range, z_range, float(low[1] - LIFT * size))


def shadow_plane(shadow: ShadowMap) -> pv.PolyData:
    """A quad over the shadow's extent with tcoords s ~ x, t ~ z."""
    (x0, x1), (z0, z1), y = shadow.x_range, shadow.z_range, shadow.ground_y
    points = np.array([[x0, y, z0], [x1, y, z0], [x1, y, z1], [x0, y, z1]], dtype=np.float32)
    plane = pv.PolyData.from_regular_faces(points, np.array([[0, 3, 2, 1]]))
    plane.active_texture_coordinates = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    return plane


class GroundShadow:
    """The shadow plane actor; ``update`` recomputes it for the current visible meshes."""

    def __init__(self) -> None:
        self.actor = vtkActor()
        self.actor.SetMapper(vtkPolyDataMapper())
        self.actor.PickableOff()
        prop = self.actor.GetProperty()
        prop.SetColor(0.0, 0.0, 0.0)
        prop.LightingOff()
        prop.BackfaceCullingOn()  # seen from below (a caseback view) the ground is not there
        self.shadow: ShadowMap | None = None

    def update(self, meshes: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self.shadow = compute_shadow(meshes)
        if self.shadow is None:
            self.actor.VisibilityOff()
            return
        self.actor.GetMapper().SetInputData(shadow_plane(self.shadow))
        # image row 0 is the top; rows are flipped on upload, so pass z descending
        alpha = np.round(np.clip(self.shadow.alpha, 0, 1) * 255).astype(np.uint8)[::-1]
        pixels = np.stack([np.zeros_like(alpha), alpha], axis=2)
        texture = image_to_vtk_texture(pixels, srgb=False, source="ground shadow")
        texture.RepeatOff()
        texture.EdgeClampOn()
        self.actor.SetTexture(texture)
        self.actor.VisibilityOn()
