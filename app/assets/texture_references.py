"""The files that OBJ/MTL and PLY files name, resolved and checked before trimesh reads them.

trimesh skips a texture it cannot find or decode without a word; a designer should be told. Every
name goes through the app's ``ReferenceResolver``: one that leaves the allowed folders is refused
before anything is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.assets.textures import probe_image
from app.errors import AssetError
from app.limits import MAX_FILE_BYTES, MAX_MODEL_REFERENCES, check_file_size
from app.references import ReferenceResolver

_MTL_TEXTURE_KEYS = ("map_", "bump", "norm", "disp", "refl")


def _lines_starting(path: Path, prefix: str) -> list[str]:
    with path.open("r", encoding="utf-8", errors="replace") as stream:
        return [line.strip() for line in stream if line.lstrip().startswith(prefix)]


def _texture_names(value: str) -> list[str]:
    """The names a ``map_Kd [options] file name`` value may mean (names may contain spaces)."""
    tokens = value.split()
    names = [value, tokens[-1] if tokens else ""]
    while tokens and tokens[0].startswith("-"):
        tokens = tokens[1:]
        while tokens and _is_number(tokens[0]):
            tokens = tokens[1:]
    names.append(" ".join(tokens))
    return list(dict.fromkeys(n for n in names if n))


def _texture_file(references: ReferenceResolver, folder: Path, value: str,
                  field: str) -> Path | None:
    """The existing file ``value`` names in ``folder``; every reading of it is resolved (and an
    escaping one refused) before any is looked at."""
    paths = [references.resolve(name, field=field, bases=[folder], must_exist=False)
             for name in _texture_names(value)]
    return next((path for path in paths if path.is_file()), None)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text in ("on", "off")
    return True


def check_obj_textures(
    obj_path: Path,
    references: ReferenceResolver,
    *,
    max_pixels: int,
    on_missing: Callable[[str], None] | None = None,
) -> None:
    """Each material library an OBJ names exists, and each texture in it exists and fits.

    A missing texture is an error, or, with ``on_missing``, reported to it and passed over.
    """
    libraries = _lines_starting(obj_path, "mtllib")
    if len(libraries) > MAX_MODEL_REFERENCES:
        raise AssetError(f"names {len(libraries)} material libraries", file=str(obj_path))
    for line in libraries:
        name = line[len("mtllib") :].strip()
        if not name:
            continue
        library = references.resolve(name, field="mtllib", must_exist=False)
        if not library.is_file():
            raise AssetError(f"material library not found: {name!r}", file=str(obj_path))
        check_file_size(library, MAX_FILE_BYTES, error=AssetError)
        for entry in _lines_starting(library, ""):
            parts = entry.split(None, 1)
            if len(parts) < 2 or not parts[0].lower().startswith(_MTL_TEXTURE_KEYS):
                continue
            key, value = parts
            if not value.strip():
                continue
            field = f"{library.name}: {key}"
            texture = _texture_file(references, library.parent, value.strip(), field)
            if texture is None:
                what = f"texture file not found: {value.strip()!r} ({key})"
                if on_missing is None:
                    raise AssetError(what, file=str(library))
                on_missing(f"{library.name}: {what}")
                continue
            probe_image(texture, source=str(texture), max_pixels=max_pixels)


def check_ply_textures(ply_path: Path, references: ReferenceResolver, *, max_pixels: int) -> None:
    """Textures a PLY header names (``comment TextureFile x``) lie where they may, and fit the
    limit when present."""
    with ply_path.open("rb") as stream:
        head = stream.read(65536)
    text = head.split(b"end_header", 1)[0].decode("ascii", errors="replace")
    for line in text.splitlines():
        parts = line.strip().split(None, 2)
        if len(parts) == 3 and parts[0] == "comment" and parts[1].lower() == "texturefile":
            texture = references.resolve(parts[2].strip(), field="comment TextureFile",
                                         must_exist=False)
            if texture.is_file():
                probe_image(texture, source=str(texture), max_pixels=max_pixels)
