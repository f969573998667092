"""Loaded models kept on disk between runs: read back without the loaders, refreshed when the
file changes, never used for a model made of several files."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np

from app.assets.model_cache import ModelDiskCache
from app.assets.store import AssetStore

REPO = Path(__file__).resolve().parents[2]


def store(folder: Path, cache: ModelDiskCache) -> AssetStore:
    return AssetStore([folder], disk_cache=cache)


def copy_mug(builtin_root: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(builtin_root / "assets/models/mug.glb", folder / "mug.glb"))


def test_a_model_loaded_once_is_read_back_from_the_cache_the_next_run(builtin_root, tmp_path):
    model_path = copy_mug(builtin_root, tmp_path / "models")
    cache = ModelDiskCache(tmp_path / "cache")
    first = store(tmp_path / "models", cache)
    loaded = first.model(model_path)
    assert first.stats().loads == {str(model_path.resolve()): 1}
    assert len(list((tmp_path / "cache").glob("*.model.npz"))) == 1
    second = store(tmp_path / "models", cache)  # the next run
    again = second.model(model_path)
    assert second.stats().loads == {}  # the model file was not read
    assert sorted(again.meshes) == sorted(loaded.meshes)
    for name, mesh in loaded.meshes.items():
        assert np.array_equal(again.meshes[name].vertices, mesh.vertices)
        assert np.array_equal(again.meshes[name].faces, mesh.faces)
        assert again.meshes[name].material == mesh.material


def test_a_changed_file_or_other_options_load_the_file_again(builtin_root, tmp_path):
    model_path = copy_mug(builtin_root, tmp_path / "models")
    cache = ModelDiskCache(tmp_path / "cache")
    store(tmp_path / "models", cache).model(model_path)
    stat = model_path.stat()
    os.utime(model_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    later = store(tmp_path / "models", cache)
    later.model(model_path)
    assert later.stats().loads == {str(model_path.resolve()): 1}
    in_cm = store(tmp_path / "models", cache)
    in_cm.model(model_path, units="cm")
    assert in_cm.stats().loads == {str(model_path.resolve()): 1}


def test_a_broken_entry_is_no_error(builtin_root, tmp_path):
    model_path = copy_mug(builtin_root, tmp_path / "models")
    cache = ModelDiskCache(tmp_path / "cache")
    store(tmp_path / "models", cache).model(model_path)
    for entry in (tmp_path / "cache").glob("*.model.npz"):
        entry.write_bytes(b"not a model archive")
    again = store(tmp_path / "models", cache)
    assert again.model(model_path).meshes
    assert again.stats().loads == {str(model_path.resolve()): 1}


def test_a_glb_that_names_other_files_is_not_kept(tmp_path):
    document = json.dumps({"asset": {"version": "2.0"},
                           "buffers": [{"uri": "mesh.bin", "byteLength": 4}]}).encode()
    document += b" " * (-len(document) % 4)
    glb = tmp_path / "outside.glb"
    glb.write_bytes(b"glTF" + struct.pack("<II", 2, 20 + len(document))
                    + struct.pack("<II", len(document), 0x4E4F534A) + document)
    cache = ModelDiskCache(tmp_path / "cache")
    assert cache.key(glb, (1, 2), ()) is None
    assert cache.key(tmp_path / "model.obj", (1, 2), ()) is None


def test_with_a_filled_cache_the_first_scene_needs_no_mesh_loader_nor_scipy(builtin_root, tmp_path):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from app.assets.model_cache import ModelDiskCache\n"
        "from app.domain.configuration import default_configuration\n"
        "from app.project import open_project\n"
        "from app.scene.resolve import resolve_scene\n"
        f"project = open_project(Path({str(builtin_root)!r}),\n"
        f"    model_cache=ModelDiskCache(Path({str(tmp_path / 'cache')!r})))\n"
        "product = project.catalog.product('mug')\n"
        "scene = resolve_scene(product, default_configuration(product), project.scene_context())\n"
        "for drawable in scene.drawables:\n"
        "    project.assets.mesh(drawable.geometry)\n"
        "print('trimesh' in sys.modules or 'scipy.spatial' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env=env, check=True, cwd=REPO).stdout.split()[-1] for _ in range(2)]
    assert runs == ["True", "False"]  # the first run loads the file, the second the cache


def test_a_planted_pickle_in_the_cache_runs_nothing(builtin_root, tmp_path):
    """An entry replaced by a pickle that would run code when unpickled is only data here."""
    import pickle

    model_path = copy_mug(builtin_root, tmp_path / "models")
    cache = ModelDiskCache(tmp_path / "cache")
    store(tmp_path / "models", cache).model(model_path)
    planted = pickle.dumps(_Planted(tmp_path / "ran"))
    for entry in (tmp_path / "cache").glob("*.model.npz"):
        entry.write_bytes(planted)
    assert store(tmp_path / "models", cache).model(model_path).meshes
    assert not (tmp_path / "ran").exists()


class _Planted:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "code ran"))
