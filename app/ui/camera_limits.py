"""Limits on the interactive camera: never inside the product, never so far that it is lost,
and always looking at (near) the product. numpy only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Bounds = tuple[tuple[float, float, float], tuple[float, float, float]]

MIN_DISTANCE_RADII = 1.25  # closest approach, in bounding-sphere radii from the centre
MAX_DISTANCE_RADII = 8.0
TARGET_SLACK_RADII = 0.6  # how far the look-at point may leave the centre (panning)


@dataclass(frozen=True)
class CameraLimits:
    centre: tuple[float, float, float]
    radius: float

    @classmethod
    def from_bounds(cls, bounds: Bounds) -> CameraLimits:
        low, high = np.asarray(bounds[0], float), np.asarray(bounds[1], float)
        radius = max(float(np.linalg.norm(high - low)) / 2.0, 1e-3)
        return cls(tuple(float(v) for v in (low + high) / 2.0), radius)

    @property
    def min_distance(self) -> float:
        return self.radius * MIN_DISTANCE_RADII

    @property
    def max_distance(self) -> float:
        return self.radius * MAX_DISTANCE_RADII

    def clamp(self, position, target) -> tuple[np.ndarray, np.ndarray]:
        """(position, target) moved the least to respect the limits."""
        position = np.asarray(position, float)
        target = np.asarray(target, float)
        centre = np.asarray(self.centre)
        slack = self.radius * TARGET_SLACK_RADII
        offset = target - centre
        if np.linalg.norm(offset) > slack:
            shift = centre + offset / np.linalg.norm(offset) * slack - target
            target, position = target + shift, position + shift
        look = position - target
        length = float(np.linalg.norm(look))
        direction = look / length if length > 1e-12 else np.array([0.0, 0.0, 1.0])
        length = min(max(length, self.min_distance), self.max_distance)
        position = target + direction * length
        from_centre = position - centre
        if np.linalg.norm(from_centre) < self.min_distance:
            position = centre + from_centre / max(np.linalg.norm(from_centre), 1e-12) \
                * self.min_distance
        return position, target

    def allows(self, position, target) -> bool:
        p, t = self.clamp(position, target)
        return bool(np.allclose(p, position) and np.allclose(t, target))
