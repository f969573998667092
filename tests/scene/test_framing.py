import math

import numpy as np
import pytest

from app.errors import AppError
from app.scene.description import Camera
from app.scene.framing import HERO_FILL, fit_camera, frame_bounds

BOUNDS = ((-1.0, 0.0, -0.5), (1.0, 3.0, 0.5))


def sphere_fits(camera, center, radius, aspect):
    position = np.asarray(camera.position)
    forward = np.asarray(camera.target) - position
    distance = np.linalg.norm(forward)
    half_v = math.radians(camera.fov_deg) / 2
    half_h = math.atan(math.tan(half_v) * aspect)
    seen = math.asin(min(1.0, radius / distance))
    return seen <= min(half_v, half_h) + 1e-9


@pytest.mark.parametrize("aspect", [0.5, 1.0, 16 / 9])
def test_bounding_sphere_fits_with_margin(aspect):
    camera = frame_bounds(BOUNDS, aspect, 30.0)
    low, high = np.array(BOUNDS)
    center, radius = (low + high) / 2, np.linalg.norm(high - low) / 2
    assert camera.target == pytest.approx(tuple(center))
    assert sphere_fits(camera, center, radius * 1.1, aspect)
    assert not sphere_fits(camera, center, radius * 1.3, aspect)


def test_view_is_three_quarter_from_front_right_above():
    camera = frame_bounds(BOUNDS, 4 / 3, 30.0)
    direction = np.asarray(camera.position) - np.asarray(camera.target)
    assert direction[0] > 0 and direction[1] > 0 and direction[2] > direction[0]
    assert camera.up == (0.0, 1.0, 0.0) and camera.fov_deg == 30.0


def test_wider_field_of_view_comes_closer():
    far = frame_bounds(BOUNDS, 1.0, 20.0)
    near = frame_bounds(BOUNDS, 1.0, 45.0)
    assert np.linalg.norm(near.position) < np.linalg.norm(far.position)


def test_point_bounds_still_give_a_camera():
    camera = frame_bounds(((1.0, 2.0, 3.0), (1.0, 2.0, 3.0)), 1.0, 30.0)
    assert np.all(np.isfinite(camera.position)) and camera.position != camera.target


@pytest.mark.parametrize(
    ("bounds", "aspect", "fov", "field"),
    [
        (((1, 0, 0), (0, 1, 1)), 1.0, 30.0, "bounds"),
        (((0, 0, float("nan")), (1, 1, 1)), 1.0, 30.0, "bounds"),
        (BOUNDS, 0.0, 30.0, "aspect"),
        (BOUNDS, 1.0, 180.0, "fov"),
    ],
)
def test_bad_input_is_an_app_error_naming_the_field(bounds, aspect, fov, field):
    with pytest.raises(AppError, match=f"^{field}: expected"):
        frame_bounds(bounds, aspect, fov)


def test_view_camera_picks_by_id_frames_a_scene_without_cameras_and_names_a_bad_id():
    from app.scene.description import Camera, Environment, SceneDescription
    from app.scene.framing import DEFAULT_FOV_DEG, view_camera

    front = Camera("front", "Front", (0, 1, 5), (0, 1, 0), frames_product=True)
    top = Camera("top", "Top", (0, 6, 0.1), (0, 1, 0))
    scene = SceneDescription("cup", (), (front, top), Environment("studio.hdr"), BOUNDS)
    assert view_camera(scene, None, 1.5) == fit_camera(front, scene.outline_points(), 1.5)
    assert view_camera(scene, "front", 1.5) == view_camera(scene, None, 1.5)
    assert view_camera(scene, "top", 1.5) == top  # only the hero view is moved
    with pytest.raises(AppError) as info:
        view_camera(scene, "drone", 1.5, field="--camera")
    assert (info.value.file, info.value.field) == ("cup", "--camera")
    assert "unknown camera 'drone' (known: front, top)" in info.value.message
    bare = SceneDescription("cup", (), (), Environment("studio.hdr"), BOUNDS)
    framed = view_camera(bare, None, 1.5)
    assert framed == fit_camera(frame_bounds(BOUNDS, 1.5, DEFAULT_FOV_DEG),
                                bare.outline_points(), 1.5)
    with pytest.raises(AppError, match="unknown camera 'top'"):
        view_camera(bare, "top", 1.5)


def frame_extents(camera, points, aspect):
    """(x min, x max, y min, y max) of ``points`` in normalised device coordinates."""
    eye = np.asarray(camera.position)
    forward = np.asarray(camera.target) - eye
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, camera.up)
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    offsets = points - eye
    depth = offsets @ forward
    assert np.all(depth > 0)
    tan_v = math.tan(math.radians(camera.fov_deg) / 2)
    if aspect < 1:  # the field of view spans the shorter side
        tan_v /= aspect
    x = offsets @ right / depth / (tan_v * aspect)
    y = offsets @ up / depth / tan_v
    return x.min(), x.max(), y.min(), y.max()


@pytest.mark.parametrize("aspect", [0.5, 1.0, 4 / 3, 16 / 9, 3.0])
@pytest.mark.parametrize("size", [(0.01, 0.002, 0.004), (2.0, 0.3, 1.0), (0.3, 1.8, 0.4)])
def test_fitted_camera_spans_the_fill_in_the_limiting_direction_and_crops_nothing(aspect, size):
    rng = np.random.default_rng(7)
    points = rng.random((400, 3)) * size + (0.5, 0.0, -0.2)
    start = Camera("hero", "Hero", (3.0, 2.0, 4.0), (0.0, 0.5, 0.0), fov_deg=24.0)
    camera = fit_camera(start, points, aspect)
    x0, x1, y0, y1 = frame_extents(camera, points, aspect)
    limiting = max((x1 - x0) / 2, (y1 - y0) / 2)
    assert limiting == pytest.approx(HERO_FILL, abs=1e-6)
    assert max(abs(x0), abs(x1), abs(y0), abs(y1)) <= HERO_FILL + 1e-6
    # the same direction, up and field of view as the designer's camera
    before = np.subtract(start.target, start.position)
    after = np.subtract(camera.target, camera.position)
    assert np.dot(before, after) / np.linalg.norm(before) / np.linalg.norm(after) == \
        pytest.approx(1.0, abs=1e-9)
    assert (camera.up, camera.fov_deg, camera.id) == (start.up, start.fov_deg, start.id)


def test_fitting_leaves_a_camera_it_cannot_fit():
    camera = Camera("hero", "Hero", (0.0, 0.0, 1.0), (0.0, 0.0, 1.0))
    assert fit_camera(camera, np.zeros((3, 3)), 1.0) == camera
    looking_up = Camera("up", "Up", (0.0, 0.0, 0.0), (0.0, 1.0, 0.0), up=(0.0, 1.0, 0.0))
    assert fit_camera(looking_up, np.ones((3, 3)), 1.0) == looking_up
    ordinary = Camera("hero", "Hero", (0.0, 0.0, 5.0), (0.0, 0.0, 0.0))
    assert fit_camera(ordinary, np.full((4, 3), np.nan), 1.0) == ordinary
