"""A project folder with the catalog tests' cup product and a small GLB for it."""

from pathlib import Path

import trimesh

from app.assets.store import AssetStore
from app.catalog.catalog import load_catalog
from app.scene.description import Environment
from app.scene.resolve import SceneContext
from tests.catalog.project_files import write_project


def write_cup_model(path: Path) -> None:
    scene = trimesh.Scene()
    body = trimesh.creation.cylinder(radius=0.04, height=0.1, sections=32)
    body.apply_translation([0, 0, 0.05])  # z-up cylinder; the glTF stays Y up below
    body.apply_transform(trimesh.transformations.rotation_matrix(-1.5707963, [1, 0, 0]))
    scene.add_geometry(body, node_name="body", geom_name="body_mesh")
    handle_a = trimesh.creation.box(extents=[0.02, 0.06, 0.01])
    handle_a.apply_translation([0.05, 0.05, 0])
    scene.add_geometry(handle_a, node_name="handle_a", geom_name="handle_a_mesh")
    handle_b = trimesh.creation.box(extents=[0.03, 0.07, 0.012])
    handle_b.apply_translation([0.055, 0.05, 0])
    scene.add_geometry(handle_b, node_name="handle_b", geom_name="handle_b_mesh")
    path.parent.mkdir(parents=True, exist_ok=True)
    scene.export(path)


def cup_project(root: Path, product: dict | None = None) -> SceneContext:
    write_project(root, product)
    write_cup_model(root / "assets" / "models" / "cup.glb")
    catalog = load_catalog(root)
    assert catalog.problems == []
    return SceneContext(root=root, materials=catalog.materials,
                        assets=AssetStore(allowed_roots=[root / "assets"]),
                        environment=Environment(hdr_path=str(root / "studio.hdr")))
