"""The ground's shadow under the scene's soft overhead light (``Environment.shadow_light``).

Both renderers read this one map: the live view draws it as a black plane with this alpha, the
photoreal still darkens its shadow-catcher ground by it. The shadow is computed, not traced:
surface points of the visible meshes (area-weighted samples) are projected straight down onto
y = lowest point; a broad, blurred term darkens the footprint (more where the surface is low)
and a tight term darkens where the product touches the ground.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from app.assets.mesh import triangle_areas
from app.scene.description import OVERHEAD_SOFTBOX, SceneDescription, ShadowLight
from app.scene.geometry_source import GeometrySource

GRID = 160
SAMPLES = 60_000
LIFT = 1e-4  # the ground sits this fraction of the size below the lowest point


@dataclass(frozen=True)
class ShadowMap:
    alpha: np.ndarray  # (GRID, GRID) float in [0, 1]; [iz, ix]; how much light the ground loses
    x_range: tuple[float, float]
    z_range: tuple[float, float]
    ground_y: float


@dataclass(frozen=True)
class ShadowCaster:
    """One drawn mesh as the shadow sees it: a stable key, its mesh and where it is."""

    key: str
    vertices: np.ndarray  # model space
    faces: np.ndarray
    transform: tuple  # 4x4, row-major


def surface_samples(vertices: np.ndarray, faces: np.ndarray, count: int,
                    seed: int = 0, areas: np.ndarray | None = None) -> np.ndarray:
    """``count`` area-weighted points on the triangles of one mesh, plus its vertices
    (``areas``: its ``triangle_areas`` when they are at hand)."""
    vertices = np.asarray(vertices, dtype=float)
    if len(faces) == 0 or count <= 0:
        return vertices.copy()
    if areas is None:
        areas = triangle_areas(vertices, faces)
    total = areas.sum()
    if total <= 0:
        return vertices.copy()
    triangles = vertices[np.asarray(faces)]
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(triangles), size=count, p=areas / total)
    r1, r2 = rng.random(count), rng.random(count)
    flip = r1 + r2 > 1
    r1[flip], r2[flip] = 1 - r1[flip], 1 - r2[flip]
    points = (a[chosen] + r1[:, None] * (b[chosen] - a[chosen])
              + r2[:, None] * (c[chosen] - a[chosen]))
    return np.concatenate([points, vertices])


def blur_matrix(size: int, sigma: float, truncate: float = 4.0) -> np.ndarray:
    """(size, size) M such that M @ column blurs the column with a Gaussian of ``sigma`` cells,
    cut at ``truncate`` sigmas, mirrored at the ends (``scipy.ndimage``'s "reflect": d c b a |
    a b c d | d c b a), as ``scipy.ndimage.gaussian_filter1d`` does (scipy takes a third of a
    second to import at start; the grid is small enough for a matrix)."""
    radius = int(truncate * sigma + 0.5)
    offsets = np.arange(-radius, radius + 1)
    weights = np.exp(-0.5 * (offsets / sigma) ** 2)
    weights /= weights.sum()
    rows = np.arange(size)[:, None]
    columns = (rows + offsets[None, :]) % (2 * size)
    columns = np.where(columns >= size, 2 * size - 1 - columns, columns)
    matrix = np.zeros((size, size))
    np.add.at(matrix, (np.broadcast_to(rows, columns.shape), columns),
              np.broadcast_to(weights, columns.shape))
    return matrix


def gaussian_blur(grid: np.ndarray, sigma: float) -> np.ndarray:
    """``grid`` (square) blurred by a Gaussian of ``sigma`` cells along both axes."""
    if sigma <= 0:
        return grid.copy()
    matrix = blur_matrix(grid.shape[0], sigma)
    return matrix @ grid @ matrix.T


def compute_shadow(points: np.ndarray, light: ShadowLight = OVERHEAD_SOFTBOX) -> ShadowMap | None:
    """The shadow under surface sample ``points`` (world space), or None when there are none."""
    if len(points) == 0:
        return None
    low, high = points.min(axis=0), points.max(axis=0)
    size = max(float(np.linalg.norm(high - low)), 1e-6)
    center = (low + high) / 2
    half = max(high[0] - low[0], high[2] - low[2]) / 2 + light.margin * size
    x_range = (center[0] - half, center[0] + half)
    z_range = (center[2] - half, center[2] + half)
    cell = 2 * half / GRID
    ix = np.clip(((points[:, 0] - x_range[0]) / cell).astype(int), 0, GRID - 1)
    iz = np.clip(((points[:, 2] - z_range[0]) / cell).astype(int), 0, GRID - 1)
    height = points[:, 1] - low[1]

    broad = np.zeros((GRID, GRID))
    np.maximum.at(broad, (iz, ix), np.exp(-height / (light.broad_falloff * size)))
    contact = np.zeros((GRID, GRID))
    np.maximum.at(contact, (iz, ix), np.exp(-height / (light.contact_falloff * size)))
    broad = gaussian_blur(broad, light.broad_sigma * size / cell)
    contact = gaussian_blur(contact, light.contact_sigma * size / cell)
    alpha = 1 - (1 - light.broad_strength * np.clip(broad, 0, 1)) * (
        1 - light.contact_strength * np.clip(contact, 0, 1)
    )
    return ShadowMap(alpha, x_range, z_range, float(low[1] - LIFT * size))


class ShadowSampler:
    """The ground shadow of one scene's casters, for any set of them shown.

    Each caster is sampled once, in its own space, with a share of the samples proportional to
    its area among all the casters of the scene (``reset`` starts a new scene and samples them,
    hidden ones too); a change then only moves and gathers samples. Recent results are kept, so
    swapping parts back and forth costs nothing.
    """

    RECENT = 16

    def __init__(self) -> None:
        self._samples: dict[str, np.ndarray] = {}
        self._total_area = 0.0
        self.recent: OrderedDict[tuple, ShadowMap | None] = OrderedDict()

    def reset(self, casters: list[ShadowCaster]) -> None:
        """Forget the samples of an earlier scene; ``casters`` are all of the new scene's."""
        self._samples.clear()
        self.recent.clear()
        areas = {c.key: triangle_areas(c.vertices, c.faces) for c in casters}
        self._total_area = sum(float(a.sum()) for a in areas.values())
        for caster in casters:
            self._local_samples(caster, areas[caster.key])

    def _local_samples(self, caster: ShadowCaster,
                       areas: np.ndarray | None = None) -> np.ndarray:
        samples = self._samples.get(caster.key)
        if samples is None:
            if areas is None:
                areas = triangle_areas(caster.vertices, caster.faces)
            area = float(areas.sum())
            share = area / self._total_area if self._total_area > 0 else 1.0
            count = int(round(SAMPLES * min(share, 1.0)))
            seed = zlib.crc32(caster.key.encode())
            samples = surface_samples(caster.vertices, caster.faces, count, seed, areas)
            self._samples[caster.key] = samples
        return samples

    def shadow(self, visible: list[ShadowCaster],
               light: ShadowLight = OVERHEAD_SOFTBOX) -> ShadowMap | None:
        key = (light, *((c.key, c.transform) for c in visible))
        if key in self.recent:
            self.recent.move_to_end(key)
            return self.recent[key]
        gathered = []
        for caster in visible:
            m = np.asarray(caster.transform, dtype=float)
            gathered.append(self._local_samples(caster) @ m[:3, :3].T + m[:3, 3])
        shadow = compute_shadow(np.concatenate(gathered) if gathered else np.zeros((0, 3)),
                                light)
        self.recent[key] = shadow
        if len(self.recent) > self.RECENT:
            self.recent.popitem(last=False)
        return shadow


def scene_casters(scene: SceneDescription, source: GeometrySource, *,
                  visible_only: bool = True) -> list[ShadowCaster]:
    """The scene's drawables as the ground shadow sees them (the keys the live view uses)."""
    casters = []
    for drawable in scene.drawables:
        if visible_only and not drawable.visible:
            continue
        mesh = source.mesh(drawable.geometry)
        casters.append(ShadowCaster(f"{drawable.id}@{drawable.geometry}", mesh.vertices,
                                    mesh.faces, drawable.transform))
    return casters


def scene_shadow(scene: SceneDescription, source: GeometrySource) -> ShadowMap | None:
    """The ground shadow of ``scene`` as a fresh live view of it shows it."""
    sampler = ShadowSampler()
    sampler.reset(scene_casters(scene, source, visible_only=False))
    return sampler.shadow(scene_casters(scene, source), scene.environment.shadow_light)
