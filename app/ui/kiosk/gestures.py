"""Touch points -> camera moves: one finger orbits, two fingers pinch to zoom and move to pan,
a short still touch is a tap (pick). Pure Python: the points come in, the moves go out."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Point = tuple[float, float]

DEGREES_PER_PIXEL = 0.35
TAP_SLOP_PX = 12.0
TAP_MAX_S = 0.6


@dataclass(frozen=True)
class Orbit:
    azimuth: float  # degrees, positive turns the product to the right
    elevation: float  # degrees, positive looks from higher up


@dataclass(frozen=True)
class Zoom:
    factor: float  # > 1 comes closer


@dataclass(frozen=True)
class Pan:
    dx: float  # pixels the product should follow on screen
    dy: float


@dataclass(frozen=True)
class Tap:
    x: float
    y: float


CameraMove = Orbit | Zoom | Pan | Tap


class GestureTracker:
    """Feed the touch points held down (id -> position in widget pixels) after each touch
    event; ``update`` returns the moves since the last call."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 degrees_per_pixel: float = DEGREES_PER_PIXEL):
        self.clock = clock
        self.degrees_per_pixel = degrees_per_pixel
        self.previous: dict[int, Point] = {}
        self._start: Point | None = None
        self._start_time = 0.0
        self._tap_possible = False

    def update(self, points: Mapping[int, Point]) -> list[CameraMove]:
        points = dict(points)
        moves: list[CameraMove] = []
        if not self.previous and points:
            self._start = next(iter(points.values()))
            self._start_time = self.clock()
            self._tap_possible = len(points) == 1
        if len(points) > 1:
            self._tap_possible = False
        if points and set(points) == set(self.previous):
            moves = self._moves(self.previous, points)
        if len(points) == 1 and self._start is not None:
            (x, y), (x0, y0) = next(iter(points.values())), self._start
            if math.hypot(x - x0, y - y0) > TAP_SLOP_PX:
                self._tap_possible = False
        if not points:
            if (self._tap_possible and self._start is not None
                    and self.clock() - self._start_time <= TAP_MAX_S):
                moves.append(Tap(*self._start))
            self._start = None
            self._tap_possible = False
        self.previous = points
        return moves

    def _moves(self, before: Mapping[int, Point], after: Mapping[int, Point]) -> list[CameraMove]:
        if len(after) == 1:
            (x0, y0), (x1, y1) = next(iter(before.values())), next(iter(after.values()))
            dx, dy = x1 - x0, y1 - y0
            if dx == 0 and dy == 0:
                return []
            return [Orbit(-dx * self.degrees_per_pixel, dy * self.degrees_per_pixel)]
        ids = sorted(after)[:2]
        a0, b0 = before[ids[0]], before[ids[1]]
        a1, b1 = after[ids[0]], after[ids[1]]
        moves: list[CameraMove] = []
        d0, d1 = math.dist(a0, b0), math.dist(a1, b1)
        if d0 > 1.0 and d1 > 1.0 and abs(d1 - d0) > 0.5:
            moves.append(Zoom(d1 / d0))
        c0 = ((a0[0] + b0[0]) / 2, (a0[1] + b0[1]) / 2)
        c1 = ((a1[0] + b1[0]) / 2, (a1[1] + b1[1]) / 2)
        if c0 != c1:
            moves.append(Pan(c1[0] - c0[0], c1[1] - c0[1]))
        return moves
