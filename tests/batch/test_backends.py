"""The same small batch on local worker processes (through ``app batch``) and on a local Ray
instance started here: the same files, pixel for pixel."""

import json

import numpy as np
import ray
from PIL import Image

from app.batch.jobs import RenderSettings
from app.batch.ray_cluster import RayBackend
from app.batch.run import BatchRequest, run_batch
from app.batch.variants import sample_configurations
from app.cli.main import main
from app.domain.share_code import encode_share_code


def test_worker_processes_and_ray_make_the_same_images(project, builtin_root, tmp_path, capsys):
    mug = project.catalog.product("mug")
    configurations = sample_configurations(mug, 1, seed=11)
    codes = [encode_share_code(c, mug) for c in configurations]
    local_out = tmp_path / "local"
    code = main(["--root", str(builtin_root), "batch", "--product", "mug", "--codes", *codes,
                 "--views", "hero,handle", "--size", "64x48", "--out", str(local_out),
                 "--workers", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "2 images: 2 rendered" in captured.out
    assert "render [" in captured.err and "img/min" in captured.err
    assert "note:" not in captured.err  # the mug's ceramics are drawn as they say
    local_rows = json.loads((local_out / "manifest.json").read_text())["images"]

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        ray_out = tmp_path / "ray"
        request = BatchRequest("mug", configurations, ["hero", "handle"],
                               RenderSettings(size=(64, 48)), ray_out)
        summary = run_batch(project, request, RayBackend(builtin_root, "local"), progress=None)
        assert ray.is_initialized()  # a Ray instance it did not start is left running
    finally:
        ray.shutdown()
    assert (summary.rendered, summary.failed, summary.renders) == (2, 0, 2)
    ray_rows = json.loads((ray_out / "manifest.json").read_text())["images"]
    assert [r["file"] for r in ray_rows] == [r["file"] for r in local_rows]
    for row in ray_rows:
        a = np.asarray(Image.open(ray_out / row["file"]), dtype=int)
        b = np.asarray(Image.open(local_out / row["file"]), dtype=int)
        assert a.shape == (48, 64, 3) and np.abs(a - b).max() <= 2


def test_the_command_names_unknown_views_and_bad_codes(builtin_root, tmp_path, capsys):
    out = str(tmp_path / "out")
    assert main(["--root", str(builtin_root), "batch", "--product", "mug", "--all", "--views",
                 "hero,nowhere", "--out", out]) == 1
    assert "--views: unknown camera 'nowhere'" in capsys.readouterr().err
    assert main(["--root", str(builtin_root), "batch", "--product", "mug", "--codes", "mug-abc",
                 "--out", out]) == 1
    assert "--codes[0]: mug-abc:" in capsys.readouterr().err
    assert main(["--root", str(builtin_root), "batch", "--product", "golf_cart", "--count"]) == 0
    assert capsys.readouterr().out.strip() == "960"


def test_a_batch_notes_what_its_product_is_drawn_otherwise(project, builtin_root, tmp_path,
                                                            capsys):
    """The golf cart's frosted headlights: the live view draws them without refraction, which
    the batch says once, before its images, naming the material's file."""
    cart = project.catalog.product("golf_cart")
    [code] = [encode_share_code(c, cart) for c in sample_configurations(cart, 1, seed=3)]
    assert main(["--root", str(builtin_root), "batch", "--product", "golf_cart", "--codes", code,
                 "--size", "32x24", "--out", str(tmp_path / "out"), "--workers", "1",
                 "--quiet"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert [n.split(": the live view")[0] for n in notes] == [
        "note: assets/materials/plastic_frosted.yaml"]
