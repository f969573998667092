"""Rough metals keep the light that bounces between their microfacets: the still's
single-scattering BSDF is given it back (as Cycles' multiple-scattering GGX keeps it)."""

from __future__ import annotations

import numpy as np
import pytest

from app.photoreal.multiple_scattering import SINGLE_SCATTER_ALBEDO, multiple_scattering_gain
from app.photoreal.render import render_photoreal
from app.scene.description import ResolvedMaterial
from app.scene.material_looks import albedo_roughness, gltf_anisotropic_alphas
from tests.viewport.scenes import FakeSource, drawable, scene_of, sphere_mesh, write_radiance_hdr

SIZE = (80, 60)


def _smith_g1(direction: np.ndarray, along: float, across: float) -> np.ndarray:
    """Smith's masking of GGX of alphas ``along`` (x) and ``across`` (y) for unit
    ``direction`` vectors (N, 3)."""
    cosine = np.clip(direction[..., 2], 1e-6, 1.0)
    tangent2 = (direction[..., 0] ** 2 * along ** 2
                + direction[..., 1] ** 2 * across ** 2) / (cosine * cosine)
    return 2.0 / (1.0 + np.sqrt(1.0 + tangent2))


def single_scatter_albedo(roughness: float, samples: int = 20_000, angles: int = 24) -> float:
    """A white GGX metal's albedo averaged over view directions (cosine weighted)."""
    alpha = max(roughness * roughness, 1e-4)
    return single_scatter_albedo_of(alpha, alpha, samples=samples, angles=angles, azimuths=1)


def single_scatter_albedo_of(along: float, across: float, samples: int = 20_000,
                             angles: int = 16, azimuths: int = 8) -> float:
    """The albedo of a white GGX metal of alphas ``along`` (x) and ``across`` (y), averaged
    over view directions (cosine weighted, over a quarter of the azimuths), by importance
    sampling the normal distribution's D(h) cos(h)."""
    rng = np.random.default_rng(1)
    total = 0.0
    for mu in (np.arange(angles) + 0.5) / angles:
        for azimuth in (np.arange(azimuths) + 0.5) / azimuths * np.pi / 2:
            sine = np.sqrt(1.0 - mu * mu)
            view = np.array([sine * np.cos(azimuth), sine * np.sin(azimuth), mu])
            u1, u2 = rng.random(samples), rng.random(samples)
            phi = np.arctan(across / along * np.tan(2.0 * np.pi * u2))
            phi = np.where((u2 > 0.25) & (u2 < 0.75), phi + np.pi, phi)
            slope2 = u1 / (1.0 - u1) / (np.cos(phi) ** 2 / along ** 2
                                         + np.sin(phi) ** 2 / across ** 2)
            cos_h = 1.0 / np.sqrt(1.0 + slope2)
            sin_h = np.sqrt(1.0 - cos_h * cos_h)
            half = np.stack([sin_h * np.cos(phi), sin_h * np.sin(phi), cos_h], axis=1)
            vh = half @ view
            light = 2.0 * vh[:, None] * half - view
            kept = (light[:, 2] > 0) & (vh > 0)
            weight = np.where(kept, _smith_g1(np.broadcast_to(view, light.shape), along, across)
                              * _smith_g1(light, along, across) * vh / (half[:, 2] * mu), 0.0)
            total += 2.0 * weight.mean() * mu / (angles * azimuths)
    return total


@pytest.mark.parametrize("roughness", [0.3, 0.6, 0.8, 1.0])
def test_the_table_is_the_single_scattering_albedo(roughness):
    table = np.interp(roughness, np.linspace(0, 1, 11), SINGLE_SCATTER_ALBEDO)
    assert table == pytest.approx(single_scatter_albedo(roughness), abs=0.01)


def test_the_gain_gives_a_white_metal_all_its_light_and_leaves_the_rest_alone():
    kept = SINGLE_SCATTER_ALBEDO[-1]
    assert multiple_scattering_gain(1.0, 1.0, 1.0) * kept == pytest.approx(1.0)
    assert multiple_scattering_gain(1.0, 0.05, 1.0) == pytest.approx(1.0, abs=1e-3)  # polished
    assert multiple_scattering_gain(1.0, 1.0, 0.0) == 1.0  # not a metal
    dark = multiple_scattering_gain(0.1, 1.0, 1.0)
    assert 1.0 < dark < multiple_scattering_gain(0.8, 1.0, 1.0)  # a dark metal gains less
    # half metal: the diffuse half (1 - m) and the metal half (m * kept) together get back
    # what the metal half lost, m * (1 - kept)
    half = multiple_scattering_gain(1.0, 1.0, 0.5)
    assert half * (0.5 + 0.5 * kept) == pytest.approx(1.0)


@pytest.mark.parametrize("colour", [0.2, 0.6, 0.9])
def test_a_coloured_metal_keeps_its_colour_of_the_light_at_every_bounce(colour):
    """Light that leaves a rough metal after k bounces between its microfacets was reflected
    k times, keeping ``colour`` of it each time: its albedo is the sum over k of
    kept (1 - kept)^(k-1) colour^k, not the white metal's lost light tinted once."""
    kept = SINGLE_SCATTER_ALBEDO[-1]
    bounces = sum(kept * (1 - kept) ** (k - 1) * colour ** k for k in range(1, 200))
    assert multiple_scattering_gain(colour, 1.0, 1.0) * colour * kept == pytest.approx(bounces)
    assert multiple_scattering_gain(0.0, 1.0, 1.0) == pytest.approx(1.0)  # black stays black


def material(name: str, *, metallic: float, roughness: float,
             anisotropy: float = 0.0) -> ResolvedMaterial:
    return ResolvedMaterial(id=name, base_color=(1.0, 1.0, 1.0), metallic=metallic,
                            roughness=roughness, anisotropy=anisotropy)


def test_a_rough_white_metal_in_a_white_room_is_as_bright_as_white_paint(tmp_path):
    """The furnace test: in light that is the same from everywhere, a surface that loses no
    light looks like the light; white paint does, and so must a rough white metal."""
    hdr = write_radiance_hdr(tmp_path / "white.hdr", np.full((16, 32, 3), 0.5, np.float32))
    source = FakeSource({"sphere": sphere_mesh(0.5)})

    def middle_brightness(look: ResolvedMaterial) -> float:
        scene = scene_of([drawable("sphere", look)], str(hdr))
        image = render_photoreal(scene, source, size=SIZE, spp=16).linear
        height, width = image.shape[:2]
        return float(image[height // 2 - 6:height // 2 + 6,
                           width // 2 - 6:width // 2 + 6, :3].mean())

    paint = middle_brightness(material("paint", metallic=0.0, roughness=1.0))
    rough = middle_brightness(material("rough", metallic=1.0, roughness=0.6))
    roughest = middle_brightness(material("roughest", metallic=1.0, roughness=1.0))
    assert rough == pytest.approx(paint, rel=0.06), (rough, paint)
    # the gain is the albedo's mean over directions; head-on at roughness 1 a metal keeps
    # less than the mean (single scattering alone: 0.3 of the paint)
    assert 0.75 * paint < roughest < 1.05 * paint, (roughest, paint)
    # a brushed metal (KHR_materials_anisotropy) loses more than its roughness alone says, and
    # gets it back as Cycles gives it (by the albedo at sqrt(alpha_t alpha_b)): at roughness
    # 0.5 stretched all the way, 0.6 of the paint by its roughness alone, about 0.75 so
    brushed = middle_brightness(material("brushed", metallic=1.0, roughness=0.5,
                                         anisotropy=1.0))
    assert 0.7 * paint < brushed < paint, (brushed, paint)


@pytest.mark.parametrize(("roughness", "strength"), [(0.17, 1.0), (0.5, 0.67), (0.83, 0.33)])
def test_a_stretched_lobe_loses_about_what_its_albedo_roughness_does(roughness, strength):
    """What a stretched GGX lobe keeps, integrated, lies between what the isotropic lobes of
    its ``albedo_roughness`` (Cycles' rule) and of its rms alpha keep: the first gives back
    less than the lobe lost, never more."""
    along, across = gltf_anisotropic_alphas(roughness, strength)
    kept = single_scatter_albedo_of(float(along), float(across))
    table = np.linspace(0, 1, 11)
    by_rule = np.interp(albedo_roughness(roughness, strength), table, SINGLE_SCATTER_ALBEDO)
    rms = ((along * along + across * across) / 2.0) ** 0.25
    assert np.interp(rms, table, SINGLE_SCATTER_ALBEDO) == pytest.approx(kept, abs=0.03)
    assert kept <= by_rule + 0.01
    assert albedo_roughness(roughness, 0.0) == pytest.approx(roughness)
