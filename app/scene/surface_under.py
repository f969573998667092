"""The part's own surface under a decal, texel by texel.

An engraving is cut into the part and an embossing is the part pressed up: both show the part's
own texture (a maple's figure, a vinyl's grain), not one colour for the whole decal. For each
texel of the decal's maps, ``surface_under`` finds where on the part it lies (the part's texture
coordinates, from the decal mesh's triangles, each drawn into the decal's texel grid) and how
the part's tangent frame turns into the decal's there, so a normal from the part's normal map
can be put into the decal's normal map. ``sample`` reads a part's texture at those
coordinates (its sampler's wrap modes and texture transform applied; a transform's rotation is
not applied to the normals' frame).

Tangent frames follow glTF: +X along the texture's u, +Y towards its top row (against v).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.assets.refs import TextureSampler, TextureTransform, transformed_uv
from app.personalize.decal_geometry import DecalMesh
from app.scene.uv_frames import triangle_tangents

MAX_TEXELS_DRAWN = 16_000_000  # texels tested over all triangles' boxes: beyond, none drawn
REPEAT = TextureSampler()


@dataclass(frozen=True, eq=False)
class SurfaceUnder:
    uv: np.ndarray  # (H, W, 2) float32: the part's texture coordinates under each texel
    frame: np.ndarray  # (H, W, 2, 2) float32: the part's tangent (x, y) -> the decal's
    covered: np.ndarray  # (H, W) bool: texels a triangle of the decal lies under


def surface_under(mesh: DecalMesh, size: tuple[int, int]) -> SurfaceUnder | None:
    """Where each texel of a decal's maps of ``size`` (width, height) lies on the part; None
    when the part has no texture coordinates or the decal no triangles."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return _surface_under(mesh, size)


def _surface_under(mesh: DecalMesh, size: tuple[int, int]) -> SurfaceUnder | None:
    width, height = (int(v) for v in size)
    if mesh.part_uv is None or mesh.is_empty or width < 1 or height < 1:
        return None
    faces = np.asarray(mesh.faces, np.int64)
    decal_uv = np.asarray(mesh.uv, np.float64)[faces]  # (M, 3, 2)
    part_uv = np.asarray(mesh.part_uv, np.float64)[faces]
    corners = np.asarray(mesh.vertices, np.float64)[faces]
    change = _frame_change(corners, decal_uv, part_uv)  # (M, 2, 2)

    # texel (i, j) has its centre at ((i + 0.5) / width, (j + 0.5) / height)
    x = decal_uv[..., 0] * width - 0.5
    y = decal_uv[..., 1] * height - 0.5
    x0 = np.clip(np.ceil(x.min(axis=1)), 0, width - 1).astype(np.int64)
    x1 = np.clip(np.floor(x.max(axis=1)), -1, width - 1).astype(np.int64)
    y0 = np.clip(np.ceil(y.min(axis=1)), 0, height - 1).astype(np.int64)
    y1 = np.clip(np.floor(y.max(axis=1)), -1, height - 1).astype(np.int64)
    nx, ny = np.maximum(x1 - x0 + 1, 0), np.maximum(y1 - y0 + 1, 0)
    ex1, ey1 = x[:, 1] - x[:, 0], y[:, 1] - y[:, 0]
    ex2, ey2 = x[:, 2] - x[:, 0], y[:, 2] - y[:, 0]
    det = ex1 * ey2 - ex2 * ey1
    drawn = (nx > 0) & (ny > 0) & (np.abs(det) > 1e-12)
    counts = np.where(drawn, nx * ny, 0)
    uv = np.zeros((height, width, 2), np.float32)
    frame = np.zeros((height, width, 2, 2), np.float32)
    covered = np.zeros((height, width), bool)
    total = int(counts.sum())
    if total == 0 or total > MAX_TEXELS_DRAWN:
        return SurfaceUnder(uv, frame, covered)
    tri = np.repeat(np.arange(len(faces)), counts)
    local = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    px = x0[tri] + local % nx[tri]
    py = y0[tri] + local // nx[tri]
    dx, dy = px - x[tri, 0], py - y[tri, 0]
    b1 = (dx * ey2[tri] - ex2[tri] * dy) / det[tri]
    b2 = (ex1[tri] * dy - dx * ey1[tri]) / det[tri]
    inside = (b1 >= -1e-9) & (b2 >= -1e-9) & (b1 + b2 <= 1.0 + 1e-9)
    tri, px, py, b1, b2 = tri[inside], px[inside], py[inside], b1[inside], b2[inside]
    weights = np.stack([1.0 - b1 - b2, b1, b2], axis=1)[..., None]
    found = (weights * part_uv[tri]).sum(axis=1)
    # a model's coordinates that are no numbers (NaN, infinite) leave their texels uncovered
    usable = np.isfinite(found).all(axis=1) & np.isfinite(change[tri]).all(axis=(1, 2))
    tri, px, py = tri[usable], px[usable], py[usable]
    uv[py, px] = found[usable]
    frame[py, px] = change[tri]
    covered[py, px] = True
    return SurfaceUnder(uv, frame, covered)


def _frame_change(corners, decal_uv, part_uv) -> np.ndarray:
    """(M, 2, 2): a tangent-space (x, y) of the part's frame in the decal's, per triangle."""
    part_x, part_y = triangle_tangents(corners, part_uv)
    decal_x, decal_y = triangle_tangents(corners, decal_uv)

    def dot(a, b):
        return np.einsum("ij,ij->i", a, b)

    return np.stack([np.stack([dot(part_x, decal_x), dot(part_y, decal_x)], axis=1),
                     np.stack([dot(part_x, decal_y), dot(part_y, decal_y)], axis=1)],
                    axis=1).astype(np.float32)


def sample(pixels: np.ndarray, uv: np.ndarray, *, sampler: TextureSampler = REPEAT,
           transform: TextureTransform | None = None, decode=None) -> np.ndarray:
    """``pixels`` (H, W, C) read at texture coordinates ``uv`` (..., 2; glTF: v down),
    bilinearly, with the sampler's wrap modes and the texture transform: (..., C) float32 in
    the pixels' own units, or in ``decode``'s (applied to the texels read, before they are
    blended: sRGB bytes made linear, say)."""
    image = np.asarray(pixels)
    if image.ndim == 2:
        image = image[..., None]
    h, w = image.shape[:2]
    coords = np.asarray(uv, np.float64)
    if transform is not None:
        coords = transformed_uv(coords.reshape(-1, 2), transform).reshape(coords.shape)
    x = coords[..., 0] * w - 0.5
    y = coords[..., 1] * h - 0.5
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]

    def at(ix, iy):
        texels = image[_wrap(iy, h, sampler.wrap_t), _wrap(ix, w, sampler.wrap_s)]
        return texels.astype(np.float32) if decode is None else decode(texels)

    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
    bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
    return (top * (1 - fy) + bottom * fy).astype(np.float32)


def _wrap(index: np.ndarray, size: int, mode: str) -> np.ndarray:
    if mode == "CLAMP_TO_EDGE":
        return np.clip(index, 0, size - 1)
    if mode == "MIRRORED_REPEAT":
        period = np.mod(index, 2 * size)
        return np.where(period < size, period, 2 * size - 1 - period)
    return np.mod(index, size)


