import numpy as np
import pytest

from app.assets.gltf_document import read_gltf_document
from app.domain.configuration import default_configuration
from app.export.ar_budget import (
    ExportReport,
    budget_warnings,
    downsized,
    fit_export_scene,
)
from app.export.export_meshes import ExportTexture
from app.export.glb import export_glb, export_scene_for
from app.project import open_project


@pytest.fixture(scope="module")
def project():
    return open_project()


@pytest.fixture(scope="module")
def golf_cart(project):
    product = project.catalog.products["golf_cart"]
    configuration = default_configuration(product).with_choice("wheels", "offroad")
    return product, configuration


def test_budget_warnings_name_what_is_over():
    assert budget_warnings(100_000, 2048) == []
    over = budget_warnings(142_000, 4096)
    assert len(over) == 2
    assert "142000 triangles" in over[0] and "100000" in over[0]
    assert "4096 px" in over[1] and "2048" in over[1]


def test_downsized_keeps_aspect_and_channels():
    texture = ExportTexture(key="t", pixels=np.zeros((4096, 1024, 4), np.uint8))
    small = downsized(texture, 2048)
    assert small.pixels.shape == (2048, 512, 4)
    assert downsized(small, 2048) is small


def test_fit_decimates_and_downsizes_the_golf_cart(project, golf_cart):
    export = export_scene_for(*golf_cart, project, variants=True)
    assert export.triangles > 95_000
    assert export.max_texture_px > 128
    fitted, notes = fit_export_scene(export, max_triangles=40_000, max_texture_px=128)
    assert 30_000 < fitted.triangles <= 40_000
    assert fitted.max_texture_px <= 128
    assert len(notes) == 2 and "decimated" in notes[0] and "downsized" in notes[1]
    assert fitted.variants == export.variants
    for before, after in zip(export.primitives, fitted.primitives, strict=True):
        assert len(after.normals) == len(after.vertices)
        assert after.uv is None or len(after.uv) == len(after.vertices)
        assert after.vertices[:, 1].min() >= -1e-6  # still on the ground
        assert set(after.variant_materials) == set(before.variant_materials)


def test_golf_cart_glb_within_budget_with_paint_and_glass_extensions(project, golf_cart,
                                                                     tmp_path):
    report = export_glb(*golf_cart, project, tmp_path / "cart.glb", fit_ar_budget=True)
    assert isinstance(report, ExportReport)
    assert report.triangles <= 100_000 and report.max_texture_px <= 2048
    assert report.warnings == []
    header = read_gltf_document(report.path).header
    extensions = [m.get("extensions", {}) for m in header["materials"]]
    assert any(e.get("KHR_materials_clearcoat", {}).get("clearcoatFactor") == 1.0
               for e in extensions)
    assert any("KHR_materials_transmission" in e for e in extensions)
