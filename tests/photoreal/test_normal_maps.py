"""Normal maps in the still keep reflections above the surface: where a map tilts the normal so
far from the viewer that the mirror direction would point into the part, the normal is bent
back just enough (as Blender's Cycles does), instead of the surface drawing black."""

from __future__ import annotations

import numpy as np
import pytest

from app.assets.refs import TextureRef, TextureSlot
from app.photoreal.backend import activate_mitsuba
from app.photoreal.normal_maps import ensure_valid_reflection
from app.photoreal.render import render_photoreal
from app.scene.description import Camera, ResolvedMaterial
from tests.viewport.scenes import (
    FakeSource,
    card_mesh,
    drawable,
    scene_of,
    studio_environment,
    write_radiance_hdr,
)


def bent(ng, i, n) -> np.ndarray:
    mi = activate_mitsuba()
    import drjit as dr

    ng, i, n = (mi.Vector3f(*(float(c) for c in v)) for v in (ng, i, n))
    return np.asarray(ensure_valid_reflection(dr, mi, ng, i, n), dtype=float).ravel()


def unit(*v) -> tuple[float, float, float]:
    v = np.asarray(v, dtype=float)
    return tuple(v / np.linalg.norm(v))


def reflected(i, n):
    i, n = np.asarray(i), np.asarray(n)
    return 2 * np.dot(n, i) * n - i


def test_a_normal_whose_reflection_stays_above_the_surface_is_kept():
    n = unit(0.2, 0.0, 1.0)
    assert bent((0, 0, 1), unit(0.5, 0.0, 1.0), n) == pytest.approx(n, abs=1e-6)


def test_a_normal_tilted_away_from_a_slanting_view_is_bent_towards_the_surface_normal():
    view = unit(1.0, 0.0, 0.3)  # towards the viewer, 17 degrees above the surface
    tilted = unit(-0.8, 0.0, 0.6)
    assert reflected(view, tilted)[2] < 0  # its mirror direction goes into the part
    fixed = bent((0, 0, 1), view, tilted)
    assert np.linalg.norm(fixed) == pytest.approx(1.0, abs=1e-5)
    assert fixed[1] == pytest.approx(0.0, abs=1e-6)  # in the plane of the two normals
    assert tilted[2] < fixed[2] < 1.0  # between the tilted normal and the surface's
    assert reflected(view, fixed)[2] == pytest.approx(0.01, abs=2e-3)  # just above it


def test_a_steep_normal_map_seen_at_a_slant_reflects_instead_of_drawing_black(tmp_path):
    # one pixel: the normal tilted 12 degrees towards -x, seen from 18 degrees above the card on
    # +x: the mirror direction about it points into the card (Mitsuba's normalmap: all black)
    tilt = np.radians(12)
    normal = np.array([-np.sin(tilt), 0.0, np.cos(tilt)])
    pixel = np.round((normal * 0.5 + 0.5) * 255).astype(np.uint8).reshape(1, 1, 3)
    metal = ResolvedMaterial(id="metal", base_color=(0.9, 0.9, 0.9), metallic=1.0,
                             roughness=0.05, normal_texture=TextureSlot(
                                 TextureRef(source="tilt.png", srgb=False)))
    hdr = write_radiance_hdr(tmp_path / "studio.hdr", studio_environment())
    camera = Camera("slant", "Slant", position=(3.6, 0.0, 1.2), target=(0.0, 0.0, 0.0),
                    fov_deg=20.0)
    scene = scene_of([drawable("card", metal)], str(hdr), cameras=(camera,))
    source = FakeSource({"card": card_mesh(1.2)}, {"tilt.png": pixel})
    image = render_photoreal(scene, source, size=(64, 48), spp=32, transparent=True)
    covered = image.linear[..., 3] > 0.99
    assert covered.sum() > 200  # the card is in the picture
    brightness = image.linear[..., :3][covered].mean(axis=1)
    assert np.mean(brightness < 0.02) < 0.02  # next to no black pixels on it
    assert brightness.mean() > 0.5  # it mirrors the studio
