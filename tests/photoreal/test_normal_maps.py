"""Normal maps in the still keep reflections above the surface: where a map tilts the normal so
far from the viewer that the mirror direction would point into the part, the normal is bent
back just enough (as Blender's Cycles does), instead of the surface drawing black. As in
Cycles, only the reflection is bent: the diffuse light follows the map's own normal."""

from __future__ import annotations

import numpy as np
import pytest

from app.assets.refs import TextureRef, TextureSlot
from app.photoreal.backend import activate_mitsuba
from app.photoreal.normal_maps import VALID_NORMAL_MAP, ensure_valid_reflection
from app.photoreal.render import render_photoreal
from app.scene.description import Camera, ResolvedMaterial
from tests.photoreal.patches import patch_from_above, tilted_normal_map
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


def lit_head_on(bsdf: dict, sun_degrees: float) -> float:
    """What a flat patch of ``bsdf`` facing +z sends to a camera straight above it, lit by a
    sun ``sun_degrees`` from the patch's normal towards +x (negative: towards -x) alone."""
    mi = activate_mitsuba()
    sun = np.radians(sun_degrees)
    sun_light = {"type": "directional", "direction": [-np.sin(sun), 0.0, -np.cos(sun)],
                 "irradiance": {"type": "rgb", "value": [1.0, 1.0, 1.0]}}
    scene = patch_from_above(mi, bsdf, integrator={"type": "path", "max_depth": 2}, pixels=4,
                             sun=sun_light)
    return float(np.asarray(mi.render(mi.load_dict(scene), spp=64))[..., :3].mean())


def mapped(degrees: float, *, metallic: float = 0.0, split: bool = False,
           base: float = 0.8) -> dict:
    """A rough principled BSDF under ``tilted_normal_map``; ``split``: given its metalness, which
    lets its diffuse light follow the map's own normal."""
    mi = activate_mitsuba()
    bsdf = {"type": VALID_NORMAL_MAP, "normalmap": tilted_normal_map(mi, degrees),
            "bsdf": {"type": "principled", "roughness": 1.0, "metallic": metallic,
                     "base_color": {"type": "rgb", "value": [base] * 3}}}
    if split:
        bsdf["metallic"] = metallic
    return bsdf


def test_diffuse_light_follows_the_map_s_own_normal_where_the_reflection_s_is_bent():
    """A map tilting the normal 70 degrees towards +x, seen head on: the reflection's normal is
    bent back to about 45 degrees. A sun 20 degrees towards -x lies 90 degrees from the map's
    normal, so the diffuse light it gives is next to none (as Cycles draws it); with the bent
    normal alone it lit the patch as a 65-degree slope."""
    bent_only = lit_head_on(mapped(70.0), -20.0)
    split = lit_head_on(mapped(70.0, split=True), -20.0)
    assert bent_only > 0.05
    assert split < 0.25 * bent_only
    # a sun along the map's normal lights it fully, more than the bent normal's slope lets
    along = lit_head_on(mapped(70.0, split=True), 70.0)
    assert along > 1.05 * lit_head_on(mapped(70.0), 70.0)


def test_a_gentle_map_or_a_metal_shades_as_before():
    """Where the reflection needs no bending the two frames are one; a metal's light is all
    reflection, drawn on the bent normal."""
    for sun in (-20.0, 30.0):
        assert lit_head_on(mapped(20.0, split=True), sun) == pytest.approx(
            lit_head_on(mapped(20.0), sun), rel=0.02, abs=1e-4)
        assert lit_head_on(mapped(70.0, metallic=1.0, split=True), sun) == pytest.approx(
            lit_head_on(mapped(70.0, metallic=1.0), sun), rel=0.02, abs=1e-4)


def test_the_two_frames_are_sampled_as_they_are_evaluated():
    """Mitsuba's chi-square test: the directions ``sample`` draws follow ``pdf``."""
    from mitsuba.chi2 import BSDFAdapter, ChiSquareTest, SphericalDomain

    activate_mitsuba()
    for degrees, metallic in ((70.0, 0.0), (70.0, 0.5), (30.0, 0.2)):
        bsdf = mapped(degrees, metallic=metallic, split=True, base=0.5)
        bsdf["bsdf"]["roughness"] = 0.4
        for wi in ([0.0, 0.0, 1.0], [0.6, 0.0, 0.8], [-0.6, 0.0, 0.8]):
            sample, pdf = BSDFAdapter(VALID_NORMAL_MAP, bsdf, wi=wi)
            test = ChiSquareTest(domain=SphericalDomain(), sample_func=sample, pdf_func=pdf,
                                 sample_dim=3, res=101, ires=16)
            assert test.run(), test.messages
