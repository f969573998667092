"""A cache of loaded models and textures, keyed by resolved path and invalidated when a file's
modification time or size changes (hot reload).

Only files inside the allowed roots are served. The store is an ordinary object: whoever needs one
builds it and passes it on.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.assets.encoded_images import EncodedImage, encoded_image, model_image
from app.assets.mesh import MeshData, Model, TextureImage
from app.assets.model_cache import ModelDiskCache
from app.assets.refs import GeometryRef, TextureRef
from app.assets.textures import DEFAULT_MAX_PIXELS, load_texture
from app.errors import AssetError
from app.limits import MAX_FILE_BYTES, check_file_size
from app.references import PROJECT_ASSETS, ReferenceResolver, inside_folders

if TYPE_CHECKING:
    from app.assets.model_loading import MissingTextures

_Stamp = tuple[int, int]  # (mtime in ns, size in bytes)


@dataclass(frozen=True)
class AssetStats:
    model_hits: int
    model_misses: int
    texture_hits: int
    texture_misses: int
    loads: dict[str, int]  # resolved file path -> how many times it was read from disk


class AssetStore:
    def __init__(
        self,
        allowed_roots: Sequence[Path],
        *,
        max_texture_pixels: int = DEFAULT_MAX_PIXELS,
        missing_textures: MissingTextures = "refuse",
        allowed_label: str = PROJECT_ASSETS,
        disk_cache: ModelDiskCache | None = None,
    ):
        """``disk_cache``: where loaded models are kept between runs (None: nowhere)."""
        self._disk_cache = disk_cache
        self._roots = [Path(root).resolve() for root in allowed_roots]
        self._max_pixels = max_texture_pixels
        self._missing_textures: MissingTextures = missing_textures
        self._allowed_label = allowed_label
        self._models: dict[tuple[Path, str, str], tuple[_Stamp, Model]] = {}
        self._textures: dict[Path, tuple[_Stamp, TextureImage]] = {}
        self._encoded: dict[str, tuple[_Stamp, EncodedImage | None]] = {}
        self._counts = {"model_hits": 0, "model_misses": 0, "texture_hits": 0, "texture_misses": 0}
        self._loads: dict[str, int] = {}
        self._lock = threading.RLock()

    def _checked(self, path: Path | str) -> Path:
        resolved = Path(path).resolve()
        if not inside_folders(resolved, self._roots):
            raise AssetError("lies outside the project's asset folders", file=str(path))
        return resolved

    @staticmethod
    def _stamp(path: Path, kind: str) -> _Stamp:
        try:
            status = path.stat()
        except FileNotFoundError:
            raise AssetError(f"{kind} file not found", file=str(path)) from None
        return status.st_mtime_ns, status.st_size

    def _count_load(self, path: Path) -> None:
        self._loads[str(path)] = self._loads.get(str(path), 0) + 1

    def model(self, path: Path, units: str = "m", up: str = "y") -> Model:
        """The model at ``path``, loaded once per (file, units, up) until the file changes."""
        resolved = self._checked(path)
        key = (resolved, units, up)
        with self._lock:
            stamp = self._stamp(resolved, "model")
            cached = self._models.get(key)
            if cached is not None and cached[0] == stamp:
                self._counts["model_hits"] += 1
                return cached[1]
            self._counts["model_misses"] += 1
            model = self._load_model(resolved, stamp, units, up)
            self._models[key] = (stamp, model)
            return model

    def _load_model(self, path: Path, stamp: _Stamp, units: str, up: str) -> Model:
        """From the disk cache when it has the file as it is now, else from the file."""
        options = (units, up, self._max_pixels, self._missing_textures)
        entry = self._disk_cache.key(path, stamp, options) if self._disk_cache else None
        if entry is not None:
            model = self._disk_cache.get(entry)
            if model is not None:
                return model
        # the loaders (trimesh and what it imports) wait until a file is really read
        from app.assets.model_loading import load_model  # noqa: PLC0415

        self._count_load(path)
        model = load_model(path, units, up, max_texture_pixels=self._max_pixels,
                           missing_textures=self._missing_textures,
                           allowed_folders=self._roots, allowed_label=self._allowed_label)
        if entry is not None:
            self._disk_cache.put(entry, model)
        return model

    def mesh(self, ref: GeometryRef) -> MeshData:
        """The mesh a scene's ``GeometryRef`` names (a node key, or a mesh drawn exactly once)."""
        model = self.model(Path(ref.model), ref.units, ref.up)
        if ref.node in model.meshes:
            return model.meshes[ref.node]
        found = model.find(ref.node)
        if len(found) == 1:
            return found[0]
        known = ", ".join(sorted(model.meshes))
        if found:
            raise AssetError(
                f"{ref.node!r} is drawn by {len(found)} nodes; name one of: {known}",
                file=ref.model,
            )
        raise AssetError(f"no node or mesh named {ref.node!r} (nodes: {known})", file=ref.model)

    def texture(self, ref: TextureRef) -> TextureImage:
        """A texture file, or an image of a model named ``"<model path>#<key>"`` as it appears in
        ``TextureImage.source`` of that model's materials."""
        source = ref.source
        if "#" in source and not Path(source).is_file():
            return self._embedded_texture(source)
        resolved = self._checked(source)
        with self._lock:
            stamp = self._stamp(resolved, "texture")
            cached = self._textures.get(resolved)
            if cached is not None and cached[0] == stamp:
                self._counts["texture_hits"] += 1
                return cached[1]
            self._counts["texture_misses"] += 1
            self._count_load(resolved)
            texture = load_texture(resolved, max_pixels=self._max_pixels)
            self._textures[resolved] = (stamp, texture)
            return texture

    def _embedded_texture(self, source: str) -> TextureImage:
        model_path, _, key = source.rpartition("#")
        resolved = self._checked(model_path)
        wanted = f"{resolved}#{key}"
        with self._lock:
            loaded = [m for (p, _, _), (_, m) in self._models.items() if p == resolved]
            for model in loaded or [self.model(resolved)]:
                for mesh in model.meshes.values():
                    material = mesh.material
                    for texture in (
                        material.base_color_texture,
                        material.orm_texture,
                        material.normal_texture,
                        material.emissive_texture,
                        material.clearcoat_normal_texture,
                        *(image for _, image, _ in material.extension_textures),
                    ):
                        if texture is not None and texture.source == wanted:
                            return texture
        raise AssetError("the model has no such embedded texture", file=source)

    def encoded_texture(self, ref: TextureRef) -> EncodedImage | None:
        """The bytes of the texture ``ref`` names as its file (or model) holds them, when they
        are a PNG or JPEG an export may store unchanged; None otherwise."""
        source = ref.source
        embedded = "#" in source and not Path(source).is_file()
        model_path, _, key = source.rpartition("#") if embedded else (source, "", "")
        resolved = self._checked(model_path)
        cache_key = f"{resolved}#{key}" if embedded else str(resolved)
        with self._lock:
            stamp = self._stamp(resolved, "texture")
            cached = self._encoded.get(cache_key)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            if embedded:
                found = model_image(resolved, key, ReferenceResolver.for_file(
                    resolved, self._roots, allowed_label=self._allowed_label))
            else:
                check_file_size(resolved, MAX_FILE_BYTES, error=AssetError)
                found = encoded_image(resolved.read_bytes())
            self._encoded[cache_key] = (stamp, found)
            return found

    def forget(self, path: Path | str) -> None:
        """Drop every cached entry of the file at ``path``."""
        resolved = Path(path).resolve()
        with self._lock:
            for key in [k for k in self._models if k[0] == resolved]:
                del self._models[key]
            self._textures.pop(resolved, None)
            for key in [k for k in self._encoded
                        if k == str(resolved) or k.startswith(f"{resolved}#")]:
                del self._encoded[key]

    def reload(self, path: Path | str) -> None:
        """Read the file at ``path`` again now, for each way it was loaded before."""
        resolved = Path(path).resolve()
        with self._lock:
            variants = [(u, up) for (p, u, up) in self._models if p == resolved]
            had_texture = resolved in self._textures
            self.forget(resolved)
            for units, up in variants:
                self.model(resolved, units, up)
            if had_texture:
                self.texture(TextureRef(source=str(resolved), srgb=True))

    def stats(self) -> AssetStats:
        with self._lock:
            return AssetStats(**self._counts, loads=dict(self._loads))
