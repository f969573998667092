import numpy as np
from PIL import Image

from app.batch.jobs import RenderSettings
from app.batch.local_pool import LocalBackend
from app.batch.ray_cluster import RayBackend
from app.batch.run import BatchRequest, run_batch
from app.domain.configuration import default_configuration


def test_the_path_tracer_renders_a_batch_close_to_the_live_view(project, builtin_root, tmp_path):
    mug = project.catalog.product("mug")
    configuration = default_configuration(mug).with_choice("glaze", "terracotta")
    images = {}
    for renderer in ("photoreal", "live"):
        out = tmp_path / renderer
        settings = RenderSettings(renderer=renderer, size=(48, 36), samples=4)
        summary = run_batch(project, BatchRequest("mug", [configuration], ["front"], settings,
                                                  out), LocalBackend(builtin_root, 0),
                            progress=None)
        assert (summary.rendered, summary.failed) == (1, 0), summary.text()
        (path,) = out.glob("mug_front_*.png")
        images[renderer] = np.asarray(Image.open(path), dtype=float)
    photoreal, live = images["photoreal"], images["live"]
    assert photoreal.shape == live.shape == (36, 48, 3)
    # the same terracotta mug in the middle of a light background
    middle = photoreal[14:26, 18:30].mean(axis=(0, 1))
    assert middle[0] > middle[2] + 40
    assert np.abs(photoreal - live).mean() < 25


class FakeRay:
    def __init__(self, gpus):
        self.gpus = gpus

    def cluster_resources(self):
        return {"CPU": 8.0, "GPU": float(self.gpus)}


def test_a_gpu_per_task_only_for_the_path_tracer_on_a_cluster_with_gpus(builtin_root):
    backend = RayBackend(builtin_root, "auto")
    assert backend.task_gpus(FakeRay(2), "photoreal") == 1.0
    assert backend.task_gpus(FakeRay(0), "photoreal") == 0.0
    assert backend.task_gpus(FakeRay(2), "live") == 0.0
    assert RayBackend(builtin_root, "auto", gpus_per_task=0.5).task_gpus(FakeRay(0), "live") == 0.5
