"""Vertices grouped by where they are: the vertices a UV seam, a sharp edge or a triangle soup
split at one place are one position. numpy only, so that the live view can ask it without
the mesh loaders."""

from __future__ import annotations

import numpy as np


def position_groups(vertices: np.ndarray) -> np.ndarray:
    """(N,) int64: one number per distinct position, within a millionth of the mesh's size
    (vertices duplicated for UV seams or by a triangle soup share theirs)."""
    v = np.asarray(vertices, dtype=np.float64)
    if not len(v):
        return np.zeros(0, np.int64)
    extent = float(np.ptp(v, axis=0).max()) or 1.0
    quantised = np.round(v / (extent * 1e-6)).astype(np.int64)
    quantised -= quantised.min(axis=0)  # 0 .. 10^6 on each axis: 21 bits each
    key = (quantised[:, 0] << 42) | (quantised[:, 1] << 21) | quantised[:, 2]
    _, group = np.unique(key, return_inverse=True)
    return group.reshape(-1)
