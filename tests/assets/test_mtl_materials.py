"""An OBJ's MTL material read as Blender's importer reads it (and its exporter writes it): Kd
linear, Ns 0..1000 to roughness, Ks the specular level, Ni the index, Ka the metalness of a
reflecting illumination model, the PBR extension's Pr and Pm over them; broken numbers keep
the defaults and never reach the renderers."""

from __future__ import annotations

import math

import pytest

from app.assets.materials import specular_level
from app.assets.mesh import MeshMaterial
from app.assets.model_loading import load_model

TRIANGLE = "mtllib m.mtl\nusemtl a\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"


def material_of(tmp_path, mtl: str) -> MeshMaterial:
    (tmp_path / "m.mtl").write_text("newmtl a\n" + mtl)
    (tmp_path / "m.obj").write_text(TRIANGLE)
    (mesh,) = load_model(tmp_path / "m.obj").meshes.values()
    return mesh.material


def reflectance(ior: float) -> float:
    return ((ior - 1.0) / (ior + 1.0)) ** 2


def test_a_blender_export_reads_back_as_its_principled_bsdf(tmp_path):
    # what Blender's exporter writes for base colour (0.2, 0.4, 0.6), roughness 0.3,
    # metallic 0.7, IOR 1.5, specular level 0.5 and emission (0.1, 0, 0)
    material = material_of(tmp_path, "Ns 490.000000\nKa 0.700000 0.700000 0.700000\n"
                           "Kd 0.200000 0.400000 0.600000\nKs 0.500000 0.500000 0.500000\n"
                           "Ke 0.100000 0.000000 0.000000\nNi 1.500000\nd 1.000000\nillum 3\n")
    assert material.base_color == pytest.approx((0.2, 0.4, 0.6, 1.0))
    assert material.roughness == pytest.approx(0.3, abs=1e-3)  # 1 - sqrt(490 / 1000)
    assert material.metallic == pytest.approx(0.7)
    assert material.ior == pytest.approx(1.5)
    assert material.specular == pytest.approx(1.0)
    assert material.emissive == pytest.approx((0.1, 0.0, 0.0))
    assert material.alpha_mode == "OPAQUE"


def test_a_glow_past_one_keeps_its_colour(tmp_path):
    """Blender writes Ke as the emission colour times its strength: (1, 0.5, 0.1) at 4 is an
    orange glow, not a yellow one cut to 1 in each channel."""
    material = material_of(tmp_path, "Kd 0.1 0.1 0.1\nKe 4.000000 2.000000 0.400000\n")
    assert material.emissive == pytest.approx((4.0, 2.0, 0.4))


@pytest.mark.parametrize(("ke", "emissive"), [("-1 nan 2", None), ("1e300 0 0", (1e6, 0, 0)),
                                              ("x y z", None)])
def test_a_broken_or_blinding_glow_stays_finite(tmp_path, ke, emissive):
    material = material_of(tmp_path, f"Kd 0.5 0.5 0.5\nKe {ke}\n")
    assert material.emissive == pytest.approx(emissive or (0.0, 0.0, 0.0))


@pytest.mark.parametrize(("mtl", "coat", "coat_roughness", "sheen", "anisotropy", "turn"), [
    # Blender's exporter for coat weight 1, its coat roughness 0.03 (Blender's importer
    # reads it back so: Coat Weight = Pc / 4)
    ("Pc 4.000000\nPcr 0.030000\nPs 0.000000\naniso 0.000000\nanisor 0.000000\n",
     1.0, 0.03, 0.0, 0.0, 0.0),
    ("Pc 2.0\nPcr 0.2\nPs 0.3\naniso 0.5\nanisor 0.25\n", 0.5, 0.2, 0.3, 0.5, 0.25),
    ("Pc 0.5\nPs 1\n", 0.125, 0.03, 1.0, 0.0, 0.0),
])
def test_blender_s_coat_sheen_and_anisotropy_read_as_its_importer_reads_them(
        tmp_path, mtl, coat, coat_roughness, sheen, anisotropy, turn):
    material = material_of(tmp_path, "Kd 0.5 0.5 0.5\n" + mtl)
    assert material.clearcoat == pytest.approx(coat)
    assert material.clearcoat_roughness == pytest.approx(coat_roughness)
    assert material.sheen_color == pytest.approx((sheen,) * 3)
    assert material.sheen_roughness == pytest.approx(0.5 if sheen else 0.0)
    assert material.anisotropy == pytest.approx(anisotropy)
    assert material.anisotropy_rotation == pytest.approx(turn * 2 * math.pi)


def test_ka_is_no_metalness_where_the_illumination_model_does_not_reflect(tmp_path):
    material = material_of(tmp_path, "Ka 1 1 1\nKd 0.5 0.5 0.5\nillum 2\n")
    assert material.metallic == 0.0


def test_the_pbr_extension_s_roughness_and_metalness_win(tmp_path):
    material = material_of(tmp_path, "Ns 900\nKa 0 0 0\nillum 3\nPr 0.8\nPm 1.0\n")
    assert material.roughness == pytest.approx(0.8)
    assert material.metallic == pytest.approx(1.0)


@pytest.mark.parametrize(("ks", "factor", "f0"), [
    (0.0, 0.0, 0.0),     # no reflection at all
    (0.25, 0.5, 0.02),   # half the usual
    (0.5, 1.0, 0.04),    # the usual 4 %
    (1.0, 1.0, 0.08),    # twice it, by a higher index
])
def test_ks_is_the_specular_level(tmp_path, ks, factor, f0):
    material = material_of(tmp_path, f"Kd 0.5 0.5 0.5\nKs {ks} {ks} {ks}\nNi 1.5\n")
    assert material.specular == pytest.approx(factor)
    assert material.specular * reflectance(material.ior) == pytest.approx(f0, abs=1e-4)


def test_a_higher_level_over_a_high_index_stays_a_finite_index():
    factor, ior = specular_level(1.0, 3.0)
    assert factor == 1.0 and math.isfinite(ior) and reflectance(ior) == pytest.approx(0.25)


@pytest.mark.parametrize("mtl", [
    "Kd nan inf 0.5\nNs nan\nKs inf inf inf\nNi -3\nPr nan\nPm 7\nd nan\n",
    "Kd a b c\nNs lots\nKs 1\nNi x\nKa 1 1\nillum 3\n",
    "Kd 5 -2 0.5\nNs -40\nKs -1 -1 -1\nNi 900\nd 3\n",
    "Pc nan\nPcr -3\nPs 1e9\naniso inf\nanisor 1e300\n",
    "Pc x\nPcr\nPs -1\naniso -2\nanisor nan\n",
])
def test_broken_numbers_keep_the_defaults_in_range(tmp_path, mtl):
    material = material_of(tmp_path, mtl)
    for value in (*material.base_color, material.roughness, material.metallic,
                  material.specular, material.clearcoat, material.clearcoat_roughness,
                  *material.sheen_color, material.anisotropy):
        assert math.isfinite(value) and 0.0 <= value <= 1.0
    assert 0.0 <= material.anisotropy_rotation < 2 * math.pi
    assert 1.0 <= material.ior <= 3.0
