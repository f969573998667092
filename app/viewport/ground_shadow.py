"""A soft contact shadow on a ground plane under the product.

The shadow is computed, not rendered: surface points of the visible meshes (area-weighted
samples) are projected down onto y = lowest point; a broad, blurred term darkens the footprint
(more where the surface is low) and a tight term darkens where the product touches the ground.
The result is the alpha of a black, unlit plane, so it darkens whatever background is behind.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pyvista as pv
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkTexture

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


def surface_samples(vertices: np.ndarray, faces: np.ndarray, count: int,
                    seed: int = 0) -> np.ndarray:
    """``count`` area-weighted points on the triangles of one mesh, plus its vertices."""
    vertices = np.asarray(vertices, dtype=float)
    if len(faces) == 0 or count <= 0:
        return vertices.copy()
    triangles = vertices[np.asarray(faces)]
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    areas = np.linalg.norm(np.cross(b - a, c - a), axis=1)
    total = areas.sum()
    if total <= 0:
        return vertices.copy()
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(triangles), size=count, p=areas / total)
    r1, r2 = rng.random(count), rng.random(count)
    flip = r1 + r2 > 1
    r1[flip], r2[flip] = 1 - r1[flip], 1 - r2[flip]
    points = (a[chosen] + r1[:, None] * (b[chosen] - a[chosen])
              + r2[:, None] * (c[chosen] - a[chosen]))
    return np.concatenate([points, vertices])


def mesh_area(vertices: np.ndarray, faces: np.ndarray) -> float:
    if len(faces) == 0:
        return 0.0
    t = np.asarray(vertices, dtype=float)[np.asarray(faces)]
    return float(np.linalg.norm(np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]), axis=1).sum()
                 / 2)


def compute_shadow(points: np.ndarray) -> ShadowMap | None:
    """The shadow under surface sample ``points`` (world space), or None when there are none."""
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
    from scipy.ndimage import gaussian_filter  # noqa: PLC0415 (half a second: when needed)

    broad = gaussian_filter(broad, BROAD_SIGMA * size / cell)
    contact = gaussian_filter(contact, CONTACT_SIGMA * size / cell)
    alpha = 1 - (1 - BROAD_STRENGTH * np.clip(broad, 0, 1)) * (
        1 - CONTACT_STRENGTH * np.clip(contact, 0, 1)
    )
    return ShadowMap(alpha, x_range, z_range, float(low[1] - LIFT * size))


@dataclass(frozen=True)
class ShadowCaster:
    """One drawn mesh as the shadow sees it: a stable key, its mesh and where it is."""

    key: str
    vertices: np.ndarray  # model space
    faces: np.ndarray
    transform: tuple  # 4x4, row-major


def shadow_plane(shadow: ShadowMap) -> pv.PolyData:
    """A quad over the shadow's extent with tcoords s ~ x, t ~ z."""
    (x0, x1), (z0, z1), y = shadow.x_range, shadow.z_range, shadow.ground_y
    points = np.array([[x0, y, z0], [x1, y, z0], [x1, y, z1], [x0, y, z1]], dtype=np.float32)
    plane = pv.PolyData.from_regular_faces(points, np.array([[0, 3, 2, 1]]))
    plane.active_texture_coordinates = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    return plane


def shadow_texture(shadow: ShadowMap) -> vtkTexture:
    """The shadow's darkness as the alpha of a black, edge-clamped texture."""
    # image row 0 is the top; rows are flipped on upload, so pass z descending
    alpha = np.round(np.clip(shadow.alpha, 0, 1) * 255).astype(np.uint8)[::-1]
    pixels = np.stack([np.zeros_like(alpha), alpha], axis=2)
    texture = image_to_vtk_texture(pixels, srgb=False, source="ground shadow")
    texture.RepeatOff()
    texture.EdgeClampOn()
    return texture


class GroundShadow:
    """The shadow plane actor. ``update`` recomputes it for the visible casters.

    Each caster is sampled once, in its own space, with a share of the samples proportional to
    its area among all the casters of the scene (``reset`` starts a new scene and samples them,
    hidden ones too); a change then only moves and gathers samples. Recent results are kept, so
    swapping parts back and forth costs nothing.
    """

    RECENT = 16

    def __init__(self) -> None:
        self.actor = vtkActor()
        self.actor.SetMapper(vtkPolyDataMapper())
        self.actor.PickableOff()
        prop = self.actor.GetProperty()
        prop.SetColor(0.0, 0.0, 0.0)
        prop.LightingOff()
        prop.BackfaceCullingOn()  # seen from below (a caseback view) the ground is not there
        self.shadow: ShadowMap | None = None
        self._samples: dict[str, np.ndarray] = {}
        self._total_area = 0.0
        self._recent: OrderedDict[tuple, ShadowMap | None] = OrderedDict()
        self._drawn: dict[int, tuple[ShadowMap, pv.PolyData, vtkTexture]] = {}  # by id(shadow)

    def reset(self, casters: list[ShadowCaster]) -> None:
        """Forget the samples of an earlier scene; ``casters`` are all of the new scene's."""
        self._samples.clear()
        self._recent.clear()
        self._drawn.clear()
        self._total_area = sum(mesh_area(c.vertices, c.faces) for c in casters)
        for caster in casters:
            self._local_samples(caster)

    def _local_samples(self, caster: ShadowCaster) -> np.ndarray:
        samples = self._samples.get(caster.key)
        if samples is None:
            area = mesh_area(caster.vertices, caster.faces)
            share = area / self._total_area if self._total_area > 0 else 1.0
            count = int(round(SAMPLES * min(share, 1.0)))
            seed = zlib.crc32(caster.key.encode())
            samples = surface_samples(caster.vertices, caster.faces, count, seed)
            self._samples[caster.key] = samples
        return samples

    def update(self, visible: list[ShadowCaster]) -> None:
        key = tuple((c.key, c.transform) for c in visible)
        if key in self._recent:
            self._recent.move_to_end(key)
            shadow = self._recent[key]
        else:
            gathered = []
            for caster in visible:
                m = np.asarray(caster.transform, dtype=float)
                gathered.append(self._local_samples(caster) @ m[:3, :3].T + m[:3, 3])
            shadow = compute_shadow(np.concatenate(gathered) if gathered else np.zeros((0, 3)))
            self._recent[key] = shadow
            if len(self._recent) > self.RECENT:
                self._recent.popitem(last=False)
        if shadow is self.shadow and shadow is not None:
            return
        self.shadow = shadow
        if shadow is None:
            self.actor.VisibilityOff()
            return
        # drawn forms of the shadows still in the recent list, so swapping back costs no upload
        # (each entry holds its shadow, so no other shadow can take its id while it is kept)
        kept = {id(s) for s in self._recent.values() if s is not None}
        self._drawn = {k: v for k, v in self._drawn.items() if k in kept}
        drawn = self._drawn.get(id(shadow))
        if drawn is None or drawn[0] is not shadow:
            drawn = self._drawn[id(shadow)] = (shadow, shadow_plane(shadow), shadow_texture(shadow))
        _, plane, texture = drawn
        self.actor.GetMapper().SetInputData(plane)
        self.actor.SetTexture(texture)
        self.actor.VisibilityOn()
