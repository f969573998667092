"""Texture files that OBJ/MTL and PLY files name, checked before trimesh reads them.

trimesh skips a texture it cannot find or decode without a word; a designer should be told.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.assets.textures import probe_image
from app.errors import AssetError

_MTL_TEXTURE_KEYS = ("map_", "bump", "norm", "disp", "refl")


def _lines_starting(path: Path, prefix: str) -> list[str]:
    with path.open("r", encoding="utf-8", errors="replace") as stream:
        return [line.strip() for line in stream if line.lstrip().startswith(prefix)]


def _texture_file(folder: Path, value: str) -> Path | None:
    """The file a ``map_Kd [options] file name`` value names; names may contain spaces."""
    tokens = value.split()
    for candidate in (value, tokens[-1] if tokens else ""):
        if candidate and (folder / candidate).is_file():
            return folder / candidate
    while tokens and tokens[0].startswith("-"):
        tokens = tokens[1:]
        while tokens and _is_number(tokens[0]):
            tokens = tokens[1:]
    rest = " ".join(tokens)
    if rest and (folder / rest).is_file():
        return folder / rest
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text in ("on", "off")
    return True


def check_obj_textures(
    obj_path: Path, *, max_pixels: int, on_missing: Callable[[str], None] | None = None
) -> None:
    """Each material library an OBJ names exists, and each texture in it exists and fits.

    A missing texture is an error, or, with ``on_missing``, reported to it and passed over.
    """
    folder = obj_path.parent
    for line in _lines_starting(obj_path, "mtllib"):
        name = line[len("mtllib") :].strip()
        if not name:
            continue
        library = folder / name
        if not library.is_file():
            raise AssetError(f"material library not found: {name!r}", file=str(obj_path))
        for entry in _lines_starting(library, ""):
            parts = entry.split(None, 1)
            if len(parts) < 2 or not parts[0].lower().startswith(_MTL_TEXTURE_KEYS):
                continue
            key, value = parts
            if not value.strip():
                continue
            texture = _texture_file(library.parent, value.strip())
            if texture is None:
                what = f"texture file not found: {value.strip()!r} ({key})"
                if on_missing is None:
                    raise AssetError(what, file=str(library))
                on_missing(f"{library.name}: {what}")
                continue
            probe_image(texture, source=str(texture), max_pixels=max_pixels)


def check_ply_textures(ply_path: Path, *, max_pixels: int) -> None:
    """Textures a PLY header names (``comment TextureFile x``) fit the limit when present."""
    with ply_path.open("rb") as stream:
        head = stream.read(65536)
    text = head.split(b"end_header", 1)[0].decode("ascii", errors="replace")
    for line in text.splitlines():
        parts = line.strip().split(None, 2)
        if len(parts) == 3 and parts[0] == "comment" and parts[1].lower() == "texturefile":
            texture = ply_path.parent / parts[2].strip()
            if texture.is_file():
                probe_image(texture, source=str(texture), max_pixels=max_pixels)
