import os
import shutil

import pytest
import trimesh

from app.assets.refs import GeometryRef, TextureRef
from app.assets.store import AssetStore
from app.errors import AssetError

from .conftest import QUAD_INDICES, QUAD_POSITIONS, corner_texture


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    trimesh.creation.box(extents=(1.0, 2.0, 3.0)).export(root / "box.stl")
    corner_texture(root / "corners.png")
    return root


def test_each_model_loads_once(project):
    store = AssetStore([project])
    first = store.model(project / "box.stl")
    second = store.model(project / "box.stl")
    assert first is second
    stats = store.stats()
    assert (stats.model_misses, stats.model_hits) == (1, 1)
    assert stats.loads == {str((project / "box.stl").resolve()): 1}


def test_units_and_up_are_separate_entries(project):
    store = AssetStore([project])
    metres = store.model(project / "box.stl")
    millimetres = store.model(project / "box.stl", units="mm")
    assert metres is not millimetres
    assert store.stats().model_misses == 2
    assert store.model(project / "box.stl", units="mm") is millimetres


def test_changed_file_is_loaded_again(project):
    store = AssetStore([project])
    path = project / "box.stl"
    old = store.model(path)
    trimesh.creation.box(extents=(5.0, 5.0, 5.0)).export(path)
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse clocks
    new = store.model(path)
    assert new is not old
    low, high = new.bounds
    assert tuple(high - low) == pytest.approx((5.0, 5.0, 5.0))
    assert store.stats().model_misses == 2


def test_forget_and_reload(project):
    store = AssetStore([project])
    path = project / "box.stl"
    old = store.model(path, units="cm")
    store.reload(path)
    assert store.stats().model_misses == 2
    reloaded = store.model(path, units="cm")
    assert reloaded is not old
    assert store.stats().model_hits == 1
    store.forget(path)
    store.model(path, units="cm")
    assert store.stats().model_misses == 3


def test_mesh_by_geometry_ref(project):
    store = AssetStore([project])
    ref = GeometryRef(model=str(project / "box.stl"), node="box.stl", units="cm")
    mesh = store.mesh(ref)
    low, high = mesh.bounds
    assert tuple(high - low) == pytest.approx((0.01, 0.02, 0.03))
    assert store.mesh(ref) is mesh
    assert store.stats().model_misses == 1


def test_mesh_with_unknown_node(project):
    store = AssetStore([project])
    with pytest.raises(AssetError, match="no node or mesh named 'lid' \\(nodes: box.stl\\)"):
        store.mesh(GeometryRef(model=str(project / "box.stl"), node="lid"))


def test_mesh_name_drawn_twice_must_be_named_by_node(project, gltf_writer):
    path = gltf_writer(
        project / "two.gltf",
        meshes=[
            {
                "name": "wheel",
                "primitives": [{"positions": QUAD_POSITIONS, "indices": QUAD_INDICES}],
            }
        ],
        nodes=[{"name": "front", "mesh": 0}, {"name": "rear", "mesh": 0}],
    )
    store = AssetStore([project])
    assert store.mesh(GeometryRef(model=str(path), node="rear")).name == "rear"
    with pytest.raises(AssetError, match="'wheel' is drawn by 2 nodes"):
        store.mesh(GeometryRef(model=str(path), node="wheel"))


def test_texture_file_cached(project):
    store = AssetStore([project])
    ref = TextureRef(source=str(project / "corners.png"), srgb=True)
    first = store.texture(ref)
    assert store.texture(ref) is first
    stats = store.stats()
    assert (stats.texture_misses, stats.texture_hits) == (1, 1)


def test_embedded_texture_by_source(project, external_dir):
    folder = project / "bottle"
    shutil.copytree(external_dir / "WaterBottle/glTF", folder)
    store = AssetStore([project])
    model = store.model(folder / "WaterBottle.gltf")
    expected = model.meshes["WaterBottle"].material.normal_texture
    found = store.texture(TextureRef(source=expected.source, srgb=False))
    assert found is expected
    assert store.stats().model_misses == 1
    with pytest.raises(AssetError, match="no such embedded texture"):
        store.texture(TextureRef(source=f"{folder / 'WaterBottle.gltf'}#image9", srgb=True))


def test_files_outside_the_roots_are_refused(project, tmp_path):
    trimesh.creation.box().export(tmp_path / "outside.stl")
    store = AssetStore([project])
    with pytest.raises(AssetError, match="outside the project's asset folders"):
        store.model(tmp_path / "outside.stl")
    (project / "link.stl").symlink_to(tmp_path / "outside.stl")
    with pytest.raises(AssetError, match="outside the project's asset folders"):
        store.model(project / "link.stl")
    with pytest.raises(AssetError, match="outside the project's asset folders"):
        store.texture(TextureRef(source=str(project / ".." / "x.png"), srgb=True))


def test_missing_model_in_store(project):
    with pytest.raises(AssetError, match="model file not found"):
        AssetStore([project]).model(project / "gone.glb")
