import math

import numpy as np
import pytest

from app.errors import AppError
from app.scene.framing import frame_bounds

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

    front = Camera("front", "Front", (0, 1, 5), (0, 1, 0))
    top = Camera("top", "Top", (0, 6, 0.1), (0, 1, 0))
    scene = SceneDescription("cup", (), (front, top), Environment("studio.hdr"), BOUNDS)
    assert view_camera(scene, None, 1.5) == front
    assert view_camera(scene, "top", 1.5) == top
    with pytest.raises(AppError) as info:
        view_camera(scene, "drone", 1.5, field="--camera")
    assert (info.value.file, info.value.field) == ("cup", "--camera")
    assert "unknown camera 'drone' (known: front, top)" in info.value.message
    bare = SceneDescription("cup", (), (), Environment("studio.hdr"), BOUNDS)
    framed = view_camera(bare, None, 1.5)
    assert framed == frame_bounds(BOUNDS, 1.5, DEFAULT_FOV_DEG)
