"""A material's factors are its part's shader uniforms: two parts whose materials differ only
in them share one shader, and each still draws as it does alone (a factor written into the
shared code, or a uniform left to the wrong part, would make the two alike)."""

import dataclasses

import numpy as np
import pytest

from app.scene.description import ResolvedMaterial
from app.viewport.still import render_still
from tests.viewport.scenes import (
    FakeSource,
    card_mesh,
    drawable,
    scene_of,
    sphere_mesh,
    translation,
    write_radiance_hdr,
)
from tests.viewport.scenes import studio_environment as studio_pixels

SIZE = (240, 120)
BOUNDS = ((-1.2, -0.5, -0.5), (1.2, 0.5, 0.5))


def _closed_sphere():
    mesh = sphere_mesh(0.5)
    return dataclasses.replace(mesh, thickness=np.full(len(mesh.vertices), 0.6, np.float32))


def _glass(**fields) -> ResolvedMaterial:
    return ResolvedMaterial("glass", base_color=(0.9, 0.9, 0.9), roughness=0.05,
                            transmission=1.0, **fields)


PAIRS = {
    # an alpha MASK of base alpha 0.5: drawn at cutoff 0.3, cut away whole at 0.7
    "alpha cutoff": (ResolvedMaterial("mask", base_color=(0.8, 0.2, 0.1), opacity=0.5,
                                      alpha_mode="MASK", alpha_cutoff=0.3),
                     ResolvedMaterial("mask", base_color=(0.8, 0.2, 0.1), opacity=0.5,
                                      alpha_mode="MASK", alpha_cutoff=0.7), card_mesh),
    # KHR_materials_specular: the reflections of a black dielectric tinted red or green
    "specular colour": (ResolvedMaterial("spec", base_color=(0.0, 0.0, 0.0), roughness=0.15,
                                         specular_color=(1.0, 0.0, 0.0)),
                        ResolvedMaterial("spec", base_color=(0.0, 0.0, 0.0), roughness=0.15,
                                         specular_color=(0.0, 1.0, 0.0)), sphere_mesh),
    # how much of a red glass lets the white background through
    "transmission": (ResolvedMaterial("tr", base_color=(0.8, 0.1, 0.1), roughness=0.05,
                                      transmission=0.3),
                     ResolvedMaterial("tr", base_color=(0.8, 0.1, 0.1), roughness=0.05,
                                      transmission=1.0), sphere_mesh),
    # a thin film's thickness turns the colour of its reflections
    "film thickness": (ResolvedMaterial("film", base_color=(0.02, 0.02, 0.02), roughness=0.1,
                                        iridescence=1.0, iridescence_thickness=(100.0, 250.0)),
                       ResolvedMaterial("film", base_color=(0.02, 0.02, 0.02), roughness=0.1,
                                        iridescence=1.0, iridescence_thickness=(100.0, 550.0)),
                       sphere_mesh),
    # a volume's attenuation colour tints what is seen through the glass
    "attenuation colour": (_glass(thickness=0.6, attenuation_color=(1.0, 0.2, 0.2),
                                  attenuation_distance=0.3),
                           _glass(thickness=0.6, attenuation_color=(0.2, 1.0, 0.2),
                                  attenuation_distance=0.3), _closed_sphere),
}


@pytest.fixture(scope="module")
def hdr(tmp_path_factory):
    return str(write_radiance_hdr(tmp_path_factory.mktemp("hdr") / "studio.hdr",
                                  studio_pixels()))


def _render(hdr, placed: dict[str, ResolvedMaterial], mesh) -> np.ndarray:
    sides = {"left": -0.6, "right": 0.6}
    scene = scene_of([dataclasses.replace(drawable(name, material),
                                          transform=translation(x=sides[name]))
                      for name, material in placed.items()], hdr, bounds=BOUNDS)
    source = FakeSource({name: mesh() for name in placed})
    return np.asarray(render_still(scene, source, size=SIZE, transparent=True),
                      dtype=np.float64)


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_two_parts_of_one_shader_keep_their_own_factors(hdr, kind):
    first, second, mesh = PAIRS[kind]
    together = _render(hdr, {"left": first, "right": second}, mesh)
    alone = (_render(hdr, {"left": first}, mesh), _render(hdr, {"right": second}, mesh))
    half = SIZE[0] // 2
    halves = ((slice(None), slice(0, half)), (slice(None), slice(half, None)))
    for image, side in zip(alone, halves, strict=True):
        difference = np.abs(together[side] - image[side])
        assert difference.mean() < 1.0, (kind, difference.mean())
    # and in one place the two materials draw differently (a test of the factor, not of two
    # equal parts)
    first_left, second_left = alone[0][halves[0]], _render(hdr, {"left": second}, mesh)[halves[0]]
    drawn = (first_left[..., 3] > 0) | (second_left[..., 3] > 0)
    assert np.abs(first_left - second_left)[drawn].mean() > 5.0, kind
