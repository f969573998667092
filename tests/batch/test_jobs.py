from pathlib import Path

import pytest

from app.batch import jobs
from app.batch.jobs import RenderSettings, asset_files, asset_fingerprint, image_key, make_job
from app.domain.configuration import default_configuration
from app.errors import AppError
from app.project import open_project


def test_the_key_changes_with_everything_that_changes_the_image(project):
    mug = project.catalog.product("mug")
    base = default_configuration(mug)
    settings = RenderSettings(size=(64, 48))
    key = image_key(base, "hero", settings, "f1")
    assert key == image_key(default_configuration(mug), "hero", RenderSettings(size=(64, 48)),
                            "f1")
    others = [
        image_key(base.with_choice("glaze", "navy"), "hero", settings, "f1"),
        image_key(base, "front", settings, "f1"),
        image_key(base, "hero", RenderSettings(size=(64, 64)), "f1"),
        image_key(base, "hero", RenderSettings(size=(64, 48), supersample=1), "f1"),
        image_key(base, "hero", RenderSettings(size=(64, 48), transparent=True), "f1"),
        image_key(base, "hero", RenderSettings(renderer="photoreal", size=(64, 48)), "f1"),
        image_key(base, "hero", settings, "f2"),
        image_key(base, "hero", settings, "f1", method="layers"),
    ]
    assert len({key, *others}) == len(others) + 1
    # the path tracer's sample count matters only to the path tracer
    assert key == image_key(base, "hero", RenderSettings(size=(64, 48), samples=9), "f1")
    job = make_job(base, "hero", settings, "f1", Path("/out"))
    assert job.path == f"/out/mug_hero_{key[:20]}.png"
    assert job.configuration == base


def test_bad_renderer_settings_are_refused():
    with pytest.raises(AppError, match="live, photoreal"):
        RenderSettings(renderer="raytracer")
    with pytest.raises(AppError, match="--supersample: expected 1..4, got 0"):
        RenderSettings(supersample=0)
    with pytest.raises(AppError, match="--samples"):
        RenderSettings(renderer="photoreal", samples=0)


def test_fingerprint_follows_model_material_texture_and_colour_edits_but_not_prices(
        mug_project_dir):
    root = mug_project_dir

    def fingerprint():
        project = open_project(root)
        return asset_fingerprint(project, project.catalog.product("mug"))

    project = open_project(root)
    files = {p.relative_to(root).as_posix() for p in asset_files(
        project, project.catalog.product("mug"))}
    assert {"assets/models/mug.glb", "assets/materials/ceramic_gloss.yaml",
            "assets/environments/studio.hdr"} <= files
    assert any(f.startswith("assets/materials/textures/") for f in files)
    assert not any("car_paint" in f for f in files)
    first = fingerprint()
    product_file = root / "configs" / "mug.yaml"
    text = product_file.read_text()
    product_file.write_text(text.replace("price: 2.00", "price: 2.50"))
    assert fingerprint() == first
    product_file.write_text(text.replace('"#8fb8d8"', '"#8fb8d9"'))
    changed_colour = fingerprint()
    assert changed_colour != first
    product_file.write_text(text)
    texture = next(root / f for f in sorted(files) if f.startswith("assets/materials/textures/"))
    texture.write_bytes(texture.read_bytes() + b"\0")
    assert fingerprint() not in (first, changed_colour)


def test_fingerprint_follows_the_code_that_draws(mug_project_dir, monkeypatch):
    """A new look (the code that loads, resolves or draws changed) makes images again: the
    batch's and the kiosk's choice pictures, both named by this fingerprint."""
    project = open_project(mug_project_dir)
    mug = project.catalog.product("mug")
    first = asset_fingerprint(project, mug)
    stamp = jobs.rendering_stamp()
    for module in ("model_loading.py", "resolve.py", "glass_tint.py", "materials.py"):
        assert repr(module) in stamp
    monkeypatch.setattr(jobs, "rendering_stamp", lambda: stamp + "another look")
    assert asset_fingerprint(project, mug) != first
