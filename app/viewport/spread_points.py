"""A few points spread over a dense mesh, and figures carried from them to all its vertices.

What varies slowly over a surface (the share of the studio a vertex sees past the other parts)
need not be worked out at each of a CAD model's hundreds of thousands of vertices: it is
worked out at ``spread_subset``'s points, about evenly spaced over the surface whatever the
density of its vertices, and ``carried_to`` hands it on to every vertex from the nearest of
them that face its way.
"""

from __future__ import annotations

import numpy as np

NEIGHBOURS = 4  # the chosen points each vertex takes its figures from


def spread_subset(points: np.ndarray, normals: np.ndarray, count: int) -> np.ndarray:
    """The indices (sorted) of about ``count`` of ``points`` (N, 3), one per cell of a grid
    whose cells are sized to hold that many over the points' surface and per way their
    ``normals`` (N, 3) face (the nearest axis, either way: both sides of a thin sheet, and
    the faces meeting at a sharp edge, each have points of their own); all of them when
    ``count`` is not below N."""
    points = np.asarray(points, np.float64)
    if count >= len(points):
        return np.arange(len(points))
    normals = np.asarray(normals, np.float64)
    axis = np.argmax(np.abs(normals), axis=1)
    facing = 2 * axis + (normals[np.arange(len(normals)), axis] < 0)
    count = max(int(count), 1)
    extent = np.ptp(points, axis=0)
    # a surface of area A holds about A / h**2 cells of side h; start from the bounding box's
    # largest face and correct by what was found, the way a surface's cells scale
    area = float(np.sort(extent)[1:].prod()) or float(extent.max() ** 2) or 1.0
    cell = np.sqrt(area / count)
    low = points.min(axis=0)
    chosen = np.arange(len(points))
    for _ in range(6):
        keys = _cell_keys(points, low, cell, facing)
        _, first = np.unique(keys, axis=0 if keys.ndim == 2 else None, return_index=True)
        chosen = np.sort(first)
        if 0.8 * count <= len(chosen) <= 1.25 * count:
            break
        cell *= np.sqrt(len(chosen) / count)
    return chosen


def _cell_keys(points: np.ndarray, low: np.ndarray, cell: float,
               facing: np.ndarray) -> np.ndarray:
    """One number per point naming its grid cell of side ``cell`` from ``low`` and the way it
    faces (0..5): rows of (cell x, y, z, facing) as one integer, where they fit in one, else
    the rows themselves (``np.unique`` takes either; one integer each is many times faster)."""
    cells = np.floor((points - low) / cell).astype(np.int64)
    sizes = cells.max(axis=0) + 1
    if float(np.prod(sizes.astype(np.float64))) * 6.0 < 2.0 ** 62:
        return ((cells[:, 0] * sizes[1] + cells[:, 1]) * sizes[2] + cells[:, 2]) * 6 + facing
    return np.column_stack([cells, facing])


def carried_to(points: np.ndarray, normals: np.ndarray, chosen: np.ndarray,
               values: np.ndarray) -> np.ndarray:
    """``values`` (len(chosen), C), worked out at ``points[chosen]``, for every one of
    ``points`` (N, 3) with its ``normals`` (N, 3): a blend of its ``NEIGHBOURS`` nearest
    chosen points, nearer ones and those facing its way weighing more (a vertex on a thin
    sheet's other side, or past a sharp edge, takes little of them); the chosen points keep
    their own."""
    from scipy.spatial import cKDTree

    values = np.asarray(values)
    if len(chosen) == len(points):
        return values
    k = min(NEIGHBOURS, len(chosen))
    distance, nearest = cKDTree(points[chosen]).query(points, k=k)
    distance, nearest = distance.reshape(len(points), k), nearest.reshape(len(points), k)
    facing = np.einsum("nj,nkj->nk", normals, normals[chosen][nearest])
    weight = np.clip(facing, 0.0, None) ** 2 / np.maximum(distance, 1e-12)
    weight[weight.sum(axis=1) <= 0.0, 0] = 1.0  # no neighbour faces its way: the nearest
    weight /= weight.sum(axis=1, keepdims=True)
    result = np.einsum("nk,nkc->nc", weight, values[nearest]).astype(values.dtype)
    result[chosen] = values
    return result
