"""The project folder a run works on: its catalog, asset cache and lighting, built together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.assets.store import AssetStore
from app.catalog.catalog import Catalog, load_catalog
from app.scene.environment import studio_environment
from app.scene.resolve import ASSETS_DIR, SceneContext

BUILT_IN_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Project:
    root: Path
    catalog: Catalog
    assets: AssetStore

    def scene_context(self, *, transparent: bool = False) -> SceneContext:
        return SceneContext(root=self.root, materials=self.catalog.materials, assets=self.assets,
                            environment=studio_environment(self.root, transparent=transparent))


def open_project(root: Path = BUILT_IN_ROOT) -> Project:
    root = root.resolve()
    return Project(root=root, catalog=load_catalog(root),
                   assets=AssetStore(allowed_roots=[root / ASSETS_DIR]))
