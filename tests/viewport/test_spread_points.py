"""A few points spread over a dense mesh, and figures carried from them to all its vertices
(app.viewport.spread_points), and the occlusion of a scene denser than its budget."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from app.viewport import environment_occlusion
from app.viewport.spread_points import carried_to, spread_subset
from tests.viewport.test_environment_occlusion import grid, overhead


def _uneven_plane() -> np.ndarray:
    """A unit square in y = 0: its left half 40,000 points, its right half 400."""
    rng = np.random.default_rng(7)
    dense = np.column_stack([rng.uniform(0.0, 0.5, 40_000), np.zeros(40_000),
                             rng.uniform(0.0, 1.0, 40_000)])
    sparse = np.column_stack([rng.uniform(0.5, 1.0, 400), np.zeros(400),
                              rng.uniform(0.0, 1.0, 400)])
    return np.concatenate([dense, sparse])


def _up(points: np.ndarray) -> np.ndarray:
    return np.tile([0.0, 1.0, 0.0], (len(points), 1))


def test_a_subset_covers_the_sparse_part_of_a_surface_as_well_as_the_dense():
    points = _uneven_plane()
    chosen = spread_subset(points, _up(points), 1000)
    assert 700 <= len(chosen) <= 1300
    assert np.array_equal(chosen, np.unique(chosen))
    distance, _ = cKDTree(points[chosen]).query(points)
    assert distance.max() < 0.1  # no vertex, in either half, is far from a chosen point
    # the sparse half (1 % of the points, half the surface) holds about its share of the area
    sparse_share = (points[chosen, 0] >= 0.5).mean()
    assert 0.2 < sparse_share < 0.6


def test_a_subset_of_as_many_as_there_are_is_all_of_them():
    points = _uneven_plane()[:50]
    assert np.array_equal(spread_subset(points, _up(points), 50), np.arange(50))
    assert np.array_equal(spread_subset(points, _up(points), 80), np.arange(50))


def test_figures_carried_from_a_subset_follow_a_smooth_field():
    points = _uneven_plane()
    normals = _up(points)
    field = np.column_stack([points[:, 0], 1.0 - points[:, 2]])  # varies across the plane
    chosen = spread_subset(points, normals, 2000)
    carried = carried_to(points, normals, chosen, field[chosen])
    assert carried.shape == field.shape
    assert np.array_equal(carried[chosen], field[chosen])
    assert np.abs(carried - field).mean() < 0.01
    assert np.abs(carried - field).max() < 0.08


def test_the_two_sides_of_a_sheet_keep_their_own_figures():
    rng = np.random.default_rng(3)
    top = np.column_stack([rng.uniform(0, 1, 5000), np.zeros(5000), rng.uniform(0, 1, 5000)])
    points = np.concatenate([top, top + [0.0, 1e-4, 0.0]])
    normals = np.concatenate([np.tile([0.0, 1.0, 0.0], (5000, 1)),
                              np.tile([0.0, -1.0, 0.0], (5000, 1))])
    values = np.concatenate([np.ones((5000, 1)), np.zeros((5000, 1))])  # lit above, dark below
    chosen = spread_subset(points, normals, 500)
    assert set(chosen[chosen < 5000]) and set(chosen[chosen >= 5000])  # both sides chosen
    carried = carried_to(points, normals, chosen, values[chosen])
    assert np.allclose(carried[:5000], 1.0) and np.allclose(carried[5000:], 0.0)


@pytest.mark.parametrize(("budget", "mean_difference"), [(2_000, 0.015), (500, 0.03)])
def test_a_scene_over_its_budget_is_shaded_nearly_as_it_is_at_every_vertex(
        monkeypatch, budget, mean_difference):
    floor = grid(2.0, 0.0, cells=100, x0=-1.0)  # 10,201 vertices
    roof = grid(0.8, 0.5, cells=20, x0=-1.0, up=False)  # over x in -1 .. -0.2
    whole = occlusion_of([floor, roof])
    monkeypatch.setattr(environment_occlusion, "SHADED_POINTS", budget)
    spread = occlusion_of([floor, roof])
    assert spread["floor"].shape == whole["floor"].shape
    difference = np.abs(spread["floor"] - whole["floor"])
    assert 0.0 < difference.mean() < mean_difference  # the roof's hard shadow's edge blurs
    under = (floor.vertices[:, 0] < -0.4) & (np.abs(floor.vertices[:, 2]) < 0.2)
    beside = floor.vertices[:, 0] > 0.3
    assert np.allclose(spread["floor"][under, :3], 0.0)  # still in the roof's shade
    assert np.allclose(spread["floor"][beside, :3], 1.0)
    assert np.allclose(spread["roof"], 1.0)


def occlusion_of(occluders):
    return environment_occlusion.occlusion(occluders, overhead(), threads=1)
