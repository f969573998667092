import csv
import json

import numpy as np
from PIL import Image

from app.batch.jobs import RenderSettings
from app.batch.local_pool import LocalBackend
from app.batch.run import BatchRequest, run_batch
from app.batch.variants import sample_configurations
from app.batch.worker import JobResult
from app.domain.share_code import decode_share_code
from app.files import leftover_temporaries
from app.scene.resolve import resolve_scene
from app.viewport.still import render_still

SETTINGS = RenderSettings(size=(64, 48))


class RecordingBackend:
    """Renders nothing: writes a small image per job and remembers what it was asked."""

    name = "recording"

    def __init__(self, fail_views=()):
        self.jobs = []
        self.fail_views = fail_views

    def run(self, jobs, on_result):
        for job in jobs:
            self.jobs.append(job)
            if job.view in self.fail_views:
                on_result(JobResult(job.key, job.path, "failed", "renderer crashed"))
                continue
            Image.new("RGB", job.settings.size, (len(self.jobs) * 10, 0, 0)).save(job.path)
            on_result(JobResult(job.key, job.path, "rendered", seconds={"render": 0.5}))


def _request(project, out, configurations, views=("hero", "front"), **kw):
    return BatchRequest("mug", configurations, list(views), SETTINGS, out, **kw)


def test_a_rerun_skips_finished_images_and_renders_only_what_changed(project, tmp_path):
    mug = project.catalog.product("mug")
    configurations = sample_configurations(mug, 3, seed=4)
    backend = RecordingBackend()
    out = tmp_path / "out"
    first = run_batch(project, _request(project, out, configurations), backend, progress=None)
    assert (first.images, first.rendered, first.skipped, first.failed) == (6, 6, 0, 0)
    assert len({job.path for job in backend.jobs}) == 6
    # a killed run leaves a temporary file behind: it does not count and is cleared
    (out / ".mug_hero_x.png.123.tmp.png").write_bytes(b"partial")
    again = run_batch(project, _request(project, out, iter(configurations)), backend,
                      progress=None)
    assert (again.rendered, again.skipped) == (0, 6) and len(backend.jobs) == 6
    assert leftover_temporaries(out) == []
    assert not list(out.glob(".mug_hero_x.png.*"))
    more = sample_configurations(mug, 4, seed=5)
    third = run_batch(project, _request(project, out, configurations + more,
                                        views=("hero", "front", "handle")), backend,
                      progress=None)
    new = {c.to_json() for c in more} - {c.to_json() for c in configurations}
    assert third.rendered == 3 * len(configurations) + 3 * len(new) - 6
    assert third.skipped == 6


def test_the_manifest_lists_share_code_options_price_and_file(project, tmp_path):
    mug = project.catalog.product("mug")
    configurations = sample_configurations(mug, 2, seed=9)
    out = tmp_path / "out"
    summary = run_batch(project, _request(project, out, configurations),
                        RecordingBackend(fail_views=("front",)), progress=None)
    assert (summary.rendered, summary.failed) == (2, 2)
    assert "renderer crashed" in summary.text()
    rows = list(csv.DictReader((out / "manifest.csv").open(encoding="utf-8")))
    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["images"]
    assert [r["file"] for r in rows] == [r["file"] for r in document]
    assert [r["status"] for r in rows] == ["rendered", "failed"] * 2
    for row, entry in zip(rows, document, strict=True):
        configuration = decode_share_code(row["share_code"], mug)
        assert configuration.selections in [c.selections for c in configurations]
        glaze = mug.option("glaze").choice(configuration.selections["glaze"])
        assert entry["options"]["Glaze"] == glaze.label
        assert f"Glaze: {glaze.label}" in row["options"]
        expected = mug.base_price + sum(mug.option(g).choice(c).price
                                        for g, c in configuration.selections.items())
        assert row["price"] == f"{expected:.2f}" and row["currency"] == "EUR"
        assert (out / row["file"]).is_file() == (row["status"] == "rendered")


def test_local_batch_images_equal_single_stills(project, builtin_root, tmp_path):
    mug = project.catalog.product("mug")
    configurations = sample_configurations(mug, 3, seed=2)
    out = tmp_path / "out"
    summary = run_batch(project, _request(project, out, configurations, views=("hero",)),
                        LocalBackend(builtin_root, workers=0), progress=None)
    assert (summary.rendered, summary.failed, summary.renders) == (3, 0, 3)
    assert set(summary.stage_seconds) == {"resolve", "first_render", "render", "write"}
    rows = json.loads((out / "manifest.json").read_text())["images"]
    assert len({(out / row["file"]).read_bytes() for row in rows}) == 3
    # the last image was drawn by applying changes to the first scene: as a fresh still
    scene = resolve_scene(mug, configurations[-1], project.scene_context())
    still = render_still(scene, project.assets, size=(64, 48), camera_id="hero")
    batch = Image.open(out / rows[-1]["file"])
    assert batch.size == (64, 48)
    diff = np.abs(np.asarray(batch, dtype=int) - np.asarray(still, dtype=int))
    assert diff.max() <= 2


def test_layered_batch_composites_every_image_from_few_renders(project, builtin_root, tmp_path):
    cart = project.catalog.product("golf_cart")
    configurations = [c for c in sample_configurations(cart, 40, seed=1)
                      if c.selections["wheels"] == "street"][:5]
    out = tmp_path / "out"
    request = BatchRequest("golf_cart", configurations, ["side"], SETTINGS, out, layers=True)
    backend = RecordingBackend()
    summary = run_batch(project, request, backend, progress=None)
    assert summary.composited == 5 and summary.rendered == 0
    references = {job.path for job in backend.jobs}
    assert all("/layers/" in p for p in references)
    defaults = {"body_colour": "arctic_white", "roof_colour": "white", "seat_colour": "tan"}
    changed = {(g, c.selections[g]) for c in configurations for g in defaults
               if c.selections[g] != defaults[g]}
    assert len(references) == 1 + len(changed)
    again = run_batch(project, request, backend, progress=None)
    assert again.skipped == 5 and len(backend.jobs) == len(references)
