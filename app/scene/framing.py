"""Default cameras: fit a bounding box into the view from a three-quarter angle."""

from __future__ import annotations

import math

import numpy as np

from app.errors import AppError
from app.scene.description import Camera, SceneDescription

# Looking from front-right and slightly above (+Z is the product's front, Y up).
THREE_QUARTER_AZIMUTH_DEG = 35.0
THREE_QUARTER_ELEVATION_DEG = 20.0
FRAMING_MARGIN = 1.15
DEFAULT_FOV_DEG = 30.0  # vertical field of view of a camera made by framing
HERO_FILL = 0.8  # the hero view's product spans this part of the frame in its limiting direction


def half_view_tangents(fov_deg: float, aspect: float) -> tuple[float, float]:
    """(horizontal, vertical) tangents of half the view angles of a camera with ``fov_deg`` in a
    frame of ``aspect`` (width / height). The field of view spans the frame's shorter side:
    vertical in a landscape frame, horizontal in a portrait one, as both renderers draw it."""
    tan = math.tan(math.radians(float(fov_deg)) / 2.0)
    return (tan * aspect, tan) if aspect >= 1 else (tan, tan / aspect)


def view_axes(camera: Camera) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(right, up, forward) unit vectors of ``camera``'s view (an up along the view direction
    is replaced by one across it)."""
    forward = np.asarray(camera.target, np.float64) - np.asarray(camera.position, np.float64)
    forward /= np.linalg.norm(forward) or 1.0
    right = np.cross(forward, np.asarray(camera.up, np.float64))
    if np.linalg.norm(right) < 1e-12:
        right = np.cross(forward, [1.0, 0.0, 0.0] if abs(forward[0]) < 0.9 else [0, 0, 1.0])
    right /= np.linalg.norm(right)
    return right, np.cross(right, forward), forward


def view_camera(scene: SceneDescription, camera_id: str | None, aspect: float,
                *, field: str = "camera_id") -> Camera:
    """The scene's camera ``camera_id`` (its first when None), or, for a scene without cameras,
    one that frames it at ``aspect`` (width / height). AppError naming the product and
    ``field`` for an id the scene does not have.

    A camera that ``frames_product`` (a product's hero view, or the framed one) keeps its
    direction, up and field of view and is moved so that the product spans ``HERO_FILL`` of
    the frame at ``aspect``."""
    if not scene.cameras:
        if camera_id is not None:
            raise AppError(f"unknown camera '{camera_id}' (this scene has none)",
                           file=scene.product_id, field=field)
        hero = frame_bounds(scene.bounds, aspect, DEFAULT_FOV_DEG)
        return fit_camera(hero, scene.outline_points(), aspect)
    try:
        camera = scene.camera(camera_id)
    except (KeyError, IndexError) as error:
        raise AppError(str(error).strip("'\""), file=scene.product_id, field=field) from None
    if camera.frames_product:
        return fit_camera(camera, scene.outline_points(), aspect)
    return camera


def fit_camera(camera: Camera, points: np.ndarray, aspect: float,
               fill: float = HERO_FILL) -> Camera:
    """``camera`` moved (same direction, up and field of view) so that ``points`` span ``fill``
    of the frame in the limiting direction, centred in the other; ``camera`` itself when it
    cannot be fitted (no points, a degenerate direction).

    Each side of the view frustum is a plane through the eye; the tightest frustum has every
    side touching the outermost point along its normal, which fixes the eye exactly.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 3)
    points = points[np.all(np.isfinite(points), axis=1)]
    position = np.asarray(camera.position, dtype=float)
    forward = np.asarray(camera.target, dtype=float) - position
    if not len(points) or not (aspect > 0 and math.isfinite(aspect)) or not 0 < fill <= 1:
        return camera
    length = float(np.linalg.norm(forward))
    right = np.cross(forward, np.asarray(camera.up, dtype=float))
    if length < 1e-12 or float(np.linalg.norm(right)) < 1e-9 * length:
        return camera
    forward /= length
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    tan_horizontal, tan_vertical = half_view_tangents(camera.fov_deg, aspect)
    k_horizontal, k_vertical = fill * tan_horizontal, fill * tan_vertical

    def side(axis: np.ndarray, k: float) -> tuple[float, float]:
        """(eye along axis, eye along forward) for the two sides across ``axis``."""
        positive = float(np.max(points @ (axis - k * forward)))
        negative = float(np.max(points @ (-axis - k * forward)))
        return (positive - negative) / 2.0, -(positive + negative) / (2.0 * k)

    eye_right, forward_h = side(right, k_horizontal)
    eye_up, forward_v = side(up, k_vertical)
    eye_forward = min(forward_h, forward_v)  # the limiting direction sets the distance
    eye = eye_right * right + eye_up * up + eye_forward * forward
    depth = float(np.mean(points @ forward)) - eye_forward
    target = eye + max(depth, 1e-6) * forward
    return Camera(id=camera.id, label=camera.label,
                  position=tuple(float(v) for v in eye), target=tuple(float(v) for v in target),
                  up=camera.up, fov_deg=camera.fov_deg, frames_product=camera.frames_product)


def three_quarter_direction() -> np.ndarray:
    """Unit vector from the target towards the camera for the default three-quarter view."""
    az = math.radians(THREE_QUARTER_AZIMUTH_DEG)
    el = math.radians(THREE_QUARTER_ELEVATION_DEG)
    return np.array([math.sin(az) * math.cos(el), math.sin(el), math.cos(az) * math.cos(el)])


def frame_bounds(
    bounds: tuple[tuple[float, float, float], tuple[float, float, float]],
    aspect: float,
    fov: float,
    *,
    margin: float = FRAMING_MARGIN,
    camera_id: str = "default",
) -> Camera:
    """A camera that sees the whole bounding sphere of ``bounds`` with ``margin`` to spare.

    ``aspect`` is width / height of the image, ``fov`` the vertical field of view in degrees.
    """
    low = np.asarray(bounds[0], dtype=float)
    high = np.asarray(bounds[1], dtype=float)
    if low.shape != (3,) or high.shape != (3,):
        raise AppError("expected two (x, y, z) corners", field="bounds")
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))) or np.any(high < low):
        raise AppError(f"expected finite corners with min <= max, got {bounds}", field="bounds")
    if not (aspect > 0 and math.isfinite(aspect)):
        raise AppError(f"expected a positive aspect ratio, got {aspect}", field="aspect")
    if not 0 < fov < 180:
        raise AppError(f"expected a field of view in (0, 180) degrees, got {fov}", field="fov")

    center = (low + high) / 2.0
    radius = max(float(np.linalg.norm(high - low)) / 2.0, 1e-6)
    half_vertical = math.radians(fov) / 2.0
    half_horizontal = math.atan(math.tan(half_vertical) * aspect)
    distance = radius * margin / math.sin(min(half_vertical, half_horizontal))
    position = center + distance * three_quarter_direction()
    return Camera(
        id=camera_id,
        label="Three-quarter view",
        position=tuple(float(v) for v in position),
        target=tuple(float(v) for v in center),
        up=(0.0, 1.0, 0.0),
        fov_deg=float(fov),
        frames_product=True,
    )


def parts_bounds(scene, source, parts) -> tuple[tuple[float, float, float],
                                                 tuple[float, float, float]]:
    """World bounds of the drawables of ``parts`` in ``scene`` (``source`` gives the meshes);
    the scene's bounds when none of them is there."""
    corners = []
    for drawable in scene.drawables:
        if drawable.part not in parts:
            continue
        low, high = source.mesh(drawable.geometry).bounds
        box = np.array([[x, y, z, 1.0] for x in (low[0], high[0]) for y in (low[1], high[1])
                        for z in (low[2], high[2])])
        corners.append((box @ np.asarray(drawable.transform, dtype=float).T)[:, :3])
    if not corners:
        return scene.bounds
    points = np.concatenate(corners)
    return (tuple(float(v) for v in points.min(axis=0)),
            tuple(float(v) for v in points.max(axis=0)))
