"""The camera stays outside the product and within reach of it."""

from __future__ import annotations

import numpy as np
import pytest

from app.ui.camera_limits import CameraLimits

BOUNDS = ((-0.05, 0.0, -0.05), (0.05, 0.1, 0.05))


def test_a_camera_inside_the_product_is_pushed_out_along_its_view_line():
    limits = CameraLimits.from_bounds(BOUNDS)
    target = np.array(limits.centre)
    position, new_target = limits.clamp(target + [0.0, 0.0, 0.01], target)
    assert np.linalg.norm(position - target) == pytest.approx(limits.min_distance)
    assert position[2] > target[2] and np.allclose(new_target, target)


def test_zooming_out_stops_at_the_far_limit():
    limits = CameraLimits.from_bounds(BOUNDS)
    target = np.array(limits.centre)
    position, _ = limits.clamp(target + [0.0, 0.0, 100.0], target)
    assert np.linalg.norm(position - target) == pytest.approx(limits.max_distance)


def test_panning_away_keeps_the_product_in_view():
    limits = CameraLimits.from_bounds(BOUNDS)
    far_target = np.array(limits.centre) + [5.0, 0.0, 0.0]
    position, target = limits.clamp(far_target + [0.0, 0.0, 0.4], far_target)
    assert np.linalg.norm(target - np.array(limits.centre)) == pytest.approx(
        limits.radius * 0.6)
    assert position[2] - target[2] == pytest.approx(0.4)


def test_a_camera_within_limits_is_left_alone():
    limits = CameraLimits.from_bounds(BOUNDS)
    assert limits.allows((0.2, 0.1, 0.2), limits.centre)


def test_orbiting_turns_about_the_vertical_and_stays_between_floor_and_zenith():
    limits = CameraLimits.from_bounds(BOUNDS)
    target = np.array(limits.centre)
    position = target + [0.0, 0.05, 0.3]
    rng = np.random.default_rng(7)
    for _ in range(300):
        azimuth, elevation = rng.uniform(-60, 60, size=2)
        new = limits.orbit(position, target, azimuth, elevation)
        assert np.linalg.norm(new - target) == pytest.approx(np.linalg.norm(position - target))
        assert new[1] > limits.floor, "never under the floor"
        height = (new[1] - target[1]) / np.linalg.norm(new - target)
        assert height <= np.sin(np.radians(85.0)) + 1e-9, "short of the zenith"
        position = new
    level = target + [0.0, 0.0, 0.3]
    turned = limits.orbit(level, target, 90.0, 0.0)
    assert turned == pytest.approx(target + [0.3, 0.0, 0.0])  # a turntable: height kept
