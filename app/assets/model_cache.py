"""Loaded models kept on disk between runs.

A self-contained model file (a GLB naming no other file, an STL) that was loaded once is read
back next time from the cache folder, without the mesh loaders: trimesh and what it
imports take about a second of the app's start. An entry is named by the file's path,
modification time and size, the load options and the loader's own source files, so a changed
model, or a changed loader, reads the model from its file again. A cache that cannot be read or
written is no error: the model is loaded from its file. Entries are read as data only
(``app.assets.model_codec``: arrays and JSON, never pickle), so a planted entry cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import struct
from functools import cache
from pathlib import Path

from app.assets.mesh import Model
from app.assets.model_codec import decode_model, encode_model
from app.files import source_stamp, write_bytes_atomically

CACHED_SUFFIXES = (".glb", ".stl")
SUFFIX = ".model.npz"
FORMAT = 2  # bump when what an entry holds changes in a way the loader's sources do not show
_GLB_MAGIC = b"glTF"
_JSON_CHUNK = 0x4E4F534A


class ModelDiskCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def key(self, path: Path, stamp: tuple[int, int], options: tuple) -> str | None:
        """The entry's name for the model at ``path``; None when the file is not one the cache
        keeps (another format, or a GLB whose buffers or images are other files)."""
        suffix = path.suffix.lower()
        if suffix not in CACHED_SUFFIXES or (suffix == ".glb" and not _self_contained_glb(path)):
            return None
        parts = (FORMAT, str(path), stamp, options, _loader_stamp())
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

    def get(self, key: str) -> Model | None:
        try:
            return decode_model((self.folder / f"{key}{SUFFIX}").read_bytes())
        except (OSError, ValueError):  # a missing, partial, stale or planted entry: load the file
            return None

    def put(self, key: str, model: Model) -> None:
        """Keep ``model``, with the outline points framing asks of each mesh (computed with
        scipy, which a start with a filled cache then does without)."""
        try:
            for mesh in model.meshes.values():
                _ = mesh.bounds, mesh.hull_points
            write_bytes_atomically(self.folder / f"{key}{SUFFIX}", encode_model(model),
                                   create_folder=True)
        except (OSError, TypeError, ValueError):
            pass  # no entry: the next run loads the file again


@cache
def _loader_stamp() -> tuple:
    """The stamp of app.assets' modules: what a model becomes depends on them."""
    return source_stamp(Path(__file__).resolve().parent)


def _self_contained_glb(path: Path) -> bool:
    """A GLB whose buffers and images all lie inside it (no ``uri`` but data URIs)."""
    try:
        with path.open("rb") as file:
            header = file.read(20)
            if len(header) < 20 or header[:4] != _GLB_MAGIC:
                return False
            length, kind = struct.unpack_from("<II", header, 12)
            if kind != _JSON_CHUNK:
                return False
            document = json.loads(file.read(length))
    except (OSError, ValueError):
        return False
    for item in [*document.get("buffers", []), *document.get("images", [])]:
        uri = item.get("uri") if isinstance(item, dict) else None
        if uri is not None and not str(uri).startswith("data:"):
            return False
    return True
