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
