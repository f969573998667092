"""Limits on the interactive camera: never inside the product, never so far that it is lost,
and always looking at (near) the product; orbiting turns like a turntable, above the floor.
numpy only."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Bounds = tuple[tuple[float, float, float], tuple[float, float, float]]

MIN_DISTANCE_RADII = 1.25  # closest approach, in bounding-sphere radii from the centre
MAX_DISTANCE_RADII = 8.0
TARGET_SLACK_RADII = 0.6  # how far the look-at point may leave the centre (panning)
UP = (0.0, 1.0, 0.0)  # the app's vertical (Y up)
MAX_ELEVATION_DEG = 85.0  # orbiting stops short of the zenith, where "up" has no direction
ABOVE_FLOOR_RADII = 0.05  # how far above the floor an orbiting camera stays


@dataclass(frozen=True)
class CameraLimits:
    centre: tuple[float, float, float]
    radius: float
    floor: float | None = None  # height of the ground the product stands on

    @classmethod
    def from_bounds(cls, bounds: Bounds) -> CameraLimits:
        low, high = np.asarray(bounds[0], float), np.asarray(bounds[1], float)
        radius = max(float(np.linalg.norm(high - low)) / 2.0, 1e-3)
        return cls(tuple(float(v) for v in (low + high) / 2.0), radius, float(low[1]))

    def elevation_range(self, target, distance: float) -> tuple[float, float]:
        """(lowest, highest) elevation in degrees an orbit at ``distance`` from ``target``
        may take: the camera stays above the floor and short of the zenith."""
        high = MAX_ELEVATION_DEG
        low = -MAX_ELEVATION_DEG
        if self.floor is not None and distance > 0:
            height = self.floor + self.radius * ABOVE_FLOOR_RADII - float(target[1])
            low = max(low, math.degrees(math.asin(min(1.0, max(-1.0, height / distance)))))
        return min(low, high), high

    def orbit(self, position, target, azimuth: float, elevation: float) -> np.ndarray:
        """The camera position after turning the view ``azimuth`` degrees about the vertical
        through ``target`` (a turntable) and tilting it ``elevation`` degrees up, within
        ``elevation_range``. The camera never rolls: its up stays the vertical."""
        position = np.asarray(position, float)
        target = np.asarray(target, float)
        offset = position - target
        distance = float(np.linalg.norm(offset))
        if distance < 1e-12:
            return position
        now_elevation = math.degrees(math.asin(max(-1.0, min(1.0, offset[1] / distance))))
        now_azimuth = math.degrees(math.atan2(offset[0], offset[2]))
        low, high = self.elevation_range(target, distance)
        new_elevation = math.radians(min(high, max(low, now_elevation + elevation)))
        new_azimuth = math.radians(now_azimuth + azimuth)
        return target + distance * np.array([
            math.cos(new_elevation) * math.sin(new_azimuth),
            math.sin(new_elevation),
            math.cos(new_elevation) * math.cos(new_azimuth)])

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
