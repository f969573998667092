"""What one image of a batch is, and the hash that names its file.

An image is determined by the configuration, the camera view, the renderer and its settings,
the image size, and the versions of the assets it is made from (model files, material files and
their textures, the lighting, and the look-relevant part of the product file). The file name
carries a hash of all of these, so a rerun finds finished images by name and renders again only
what changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from app.domain.configuration import Configuration
from app.domain.product import Product
from app.errors import AppError
from app.files import source_stamp
from app.project import Project
from app.scene.environment import STUDIO_HDR

HASH_VERSION = 1
RENDERING_PACKAGES = ("assets", "scene", "viewport", "photoreal")  # of app: what draws an image
RENDERERS = ("live", "photoreal")
# Product fields that change what a customer reads or pays, never what an image shows.
_NOT_VISIBLE = frozenset({"price", "base_price", "label", "name", "description", "currency",
                          "presets", "rules", "swatch", "source"})


@dataclass(frozen=True)
class RenderSettings:
    renderer: str = "live"
    size: tuple[int, int] = (1600, 1200)
    supersample: int = 2
    transparent: bool = False
    samples: int = 64  # samples per pixel of the path tracer

    def __post_init__(self):
        if self.renderer not in RENDERERS:
            raise AppError(f"expected one of {', '.join(RENDERERS)}, got '{self.renderer}'",
                           field="--renderer")
        if not 1 <= self.supersample <= 4:
            raise AppError(f"expected 1..4, got {self.supersample}", field="--supersample")
        if self.samples < 1:
            raise AppError(f"expected at least 1 sample per pixel, got {self.samples}",
                           field="--samples")

    def key_data(self) -> dict:
        data = asdict(self)
        if self.renderer != "photoreal":
            data.pop("samples")
        return data


@dataclass(frozen=True)
class RenderJob:
    """One image to make: ``path`` (final file) is written only when it is complete."""

    product_id: str
    configuration_json: str
    view: str
    settings: RenderSettings
    key: str
    path: str
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def configuration(self) -> Configuration:
        return Configuration.from_json(self.configuration_json, source=self.path)


def _visible_fields(value):
    if isinstance(value, dict):
        return {k: _visible_fields(v) for k, v in value.items() if k not in _NOT_VISIBLE}
    if isinstance(value, list):
        return [_visible_fields(v) for v in value]
    return value


def _file_digest(path: Path) -> str:
    """The SHA-256 of a file, read again only when its size or time changes (the kiosk names
    its pictures by the models of each product it shows)."""
    info = path.stat()
    return _digest_of(str(path), info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=256)
def _digest_of(path: str, _size: int, _mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def rendering_stamp() -> str:
    """The stamp of the code that loads, resolves and draws an image (``RENDERING_PACKAGES``):
    an image made before the drawing changed (a new look for glass, say) is made again."""
    app = Path(__file__).resolve().parents[1]
    return repr(tuple(source_stamp(app / name) for name in RENDERING_PACKAGES))


def _material_ids(product: Product) -> list[str]:
    """Every material a product's parts and choices may put on."""
    ids = {p.material for p in product.parts}
    for group in product.options:
        ids |= {group.material} | {c.material for c in group.choices}
    return sorted(m for m in ids if m)


def asset_files(project: Project, product: Product) -> list[Path]:
    """Model files, material files and their textures, and the lighting a product's images
    depend on (files that exist; a missing one fails later, when the scene is resolved)."""
    root = project.root
    files = {root / product.model, root / STUDIO_HDR}
    files |= {root / p.model for p in product.parts if p.model}
    for material_id in _material_ids(product):
        material = project.catalog.materials.get(material_id)
        if material is None or not material.source:
            continue
        source = Path(material.source)
        files.add(source)
        for name in material.textures.model_dump().values():
            if name:
                files.add(source.parent / name)
    return sorted(f.resolve() for f in files if f.is_file())


def asset_fingerprint(project: Project, product: Product) -> str:
    """sha256 over the look-relevant product fields, the content of its asset files and the
    code that draws it (``rendering_stamp``)."""
    digest = hashlib.sha256(rendering_stamp().encode())
    visible = _visible_fields(product.model_dump(mode="json"))
    digest.update(json.dumps(visible, sort_keys=True).encode())
    for material_id in _material_ids(product):  # those that come from no file too
        material = project.catalog.materials.get(material_id)
        look = _visible_fields(material.model_dump(mode="json")) if material else None
        digest.update(json.dumps(look, sort_keys=True).encode())
    for path in asset_files(project, product):
        digest.update(path.relative_to(project.root).as_posix().encode()
                      if path.is_relative_to(project.root) else path.name.encode())
        digest.update(_file_digest(path).encode())
    return digest.hexdigest()


def image_key(configuration: Configuration, view: str, settings: RenderSettings,
              fingerprint: str, method: str = "full") -> str:
    """The hex sha256 naming one image."""
    data = {"v": HASH_VERSION, "configuration": json.loads(configuration.to_json()),
            "view": view, "settings": settings.key_data(), "assets": fingerprint,
            "method": method}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def image_name(product_id: str, view: str, key: str) -> str:
    return f"{product_id}_{view}_{key[:20]}.png"


def make_job(configuration: Configuration, view: str, settings: RenderSettings,
             fingerprint: str, folder: Path, method: str = "full") -> RenderJob:
    key = image_key(configuration, view, settings, fingerprint, method)
    return RenderJob(product_id=configuration.product_id,
                     configuration_json=configuration.to_json(), view=view, settings=settings,
                     key=key, path=str(folder / image_name(configuration.product_id, view, key)))
