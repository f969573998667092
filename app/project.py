"""The project folder a run works on: its catalog, asset cache, fonts and lighting, built
together and shared by every scene resolved from it, and the picture store its customers'
uploads are kept in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.assets.model_cache import ModelDiskCache
from app.assets.store import AssetStore
from app.catalog.catalog import Catalog, load_catalog
from app.personalize.decal_geometry import DecalGeometryCache
from app.personalize.fonts import FontLibrary
from app.personalize.picture_store import PictureStore
from app.scene.environment import studio_environment
from app.scene.resolve import ASSETS_DIR, SceneContext
from app.scene.resolve_cache import ResolveCache

BUILT_IN_ROOT = Path(__file__).resolve().parent / "builtin"  # the built-in catalog, shipped
BRAND_FONTS_DIR = "assets/fonts"


@dataclass
class Project:
    root: Path
    catalog: Catalog
    assets: AssetStore
    fonts: FontLibrary = field(default_factory=FontLibrary)
    decal_cache: DecalGeometryCache = field(default_factory=DecalGeometryCache)
    resolve_cache: ResolveCache = field(default_factory=ResolveCache)
    pictures: PictureStore = field(default_factory=PictureStore.default)  # customers' uploads

    def scene_context(self, *, transparent: bool = False) -> SceneContext:
        return SceneContext(root=self.root, materials=self.catalog.materials, assets=self.assets,
                            environment=studio_environment(self.root, transparent=transparent),
                            fonts=self.fonts, decal_cache=self.decal_cache,
                            resolve_cache=self.resolve_cache, pictures=self.pictures)


def open_project(root: Path = BUILT_IN_ROOT, *, pictures: PictureStore | None = None,
                 model_cache: ModelDiskCache | None = None) -> Project:
    """The project in ``root``; its pictures in ``pictures`` (None: the user's picture store);
    loaded models kept between runs in ``model_cache`` (None: not kept)."""
    root = root.resolve()
    brand_fonts = root / BRAND_FONTS_DIR
    return Project(root=root, catalog=load_catalog(root),
                   assets=AssetStore(allowed_roots=[root / ASSETS_DIR], disk_cache=model_cache),
                   fonts=FontLibrary(extra_dirs=[brand_fonts] if brand_fonts.is_dir() else []),
                   pictures=pictures if pictures is not None else PictureStore.default())
