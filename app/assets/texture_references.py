"""The files that OBJ/MTL and PLY files name, resolved and checked before trimesh reads them.

trimesh skips a texture it cannot find or decode without a word; a designer should be told. Every
name goes through the app's ``ReferenceResolver``: one that leaves the allowed folders is refused
before anything is opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from app.assets.textures import check_texture_total, probe_image
from app.errors import AssetError
from app.references import ReferenceResolver

_MTL_TEXTURE_KEYS = ("map_", "bump", "norm", "disp", "refl")
PLY_TEXTURE_FIELD = "comment TextureFile"
_MTL_LINE_BREAK = re.compile(rb"\r\n|[\n\r\x0b\x0c\x1c-\x1e]|\xc2\x85|\xe2\x80[\xa8\xa9]")


def mtl_lines(data: bytes, whole: Collection[bytes] = ()) -> list[bytes]:
    """The lines of an MTL file's ``data``, split where trimesh splits them (where Python's
    ``str.splitlines`` does), each without its comment: a ``#`` starts one anywhere in a line
    (``map_Kd tex.png # albedo``; trimesh took it for part of the name, or of the colour),
    except in a ``newmtl`` line whose whole name ``whole`` holds: a name the OBJ file uses
    whole too (``Material_#25``, as Blender writes and reads it)."""
    return [line if whole and _material_name(line) in whole else _uncommented(line)
            for line in _MTL_LINE_BREAK.split(data)]


def _uncommented(line: bytes) -> bytes:
    """An MTL line up to its comment (a ``#`` anywhere in it)."""
    return line.partition(b"#")[0]


def _material_name(line: bytes) -> bytes | None:
    """The whole name a ``newmtl`` line gives (the rest of the line, stripped), else None."""
    words = line.strip().split(maxsplit=1)
    return words[1].strip() if len(words) == 2 and words[0] == b"newmtl" else None


def material_names_with_a_hash(data: bytes) -> set[bytes]:
    """The whole names of an MTL file's ``data``'s materials that have a ``#`` in them."""
    if b"#" not in data:
        return set()
    names = (_material_name(line) for line in _MTL_LINE_BREAK.split(data))
    return {name for name in names if name is not None and b"#" in name}


NAMES_JOINED_SHOWN = 3  # of the groups of names a '#' cuts to one, those a note lists


def names_a_comment_joins(library: Path, data: bytes, whole: Collection[bytes] = ()
                          ) -> list[str]:
    """A note (or none) on the materials of an MTL file's ``data`` whose names a ``#`` cuts
    short to one name (``Material #25`` and ``Material #26`` both read as ``Material``, the
    last of them drawn for all, where the OBJ file does not use them whole): a ``#`` starts a
    comment anywhere in a line (``mtl_lines``; the names ``whole`` holds are read whole), so
    the designer is told which to rename; the first NAMES_JOINED_SHOWN such groups are
    listed, the rest counted."""
    if b"#" not in data:
        return []
    written: dict[bytes, list[bytes]] = {}  # each name as read: the names as written
    for line in _MTL_LINE_BREAK.split(data):
        name = _material_name(line)
        if name is not None:
            read = name if name in whole else _uncommented(name).strip()
            written.setdefault(read, []).append(name)
    joined = []
    for read, names in written.items():
        names = list(dict.fromkeys(names))
        if read and len(names) > 1 and any(b"#" in name for name in names):
            joined.append(", ".join(repr(name.decode("utf-8", "replace")) for name in names)
                          + f" as {read.decode('utf-8', 'replace')!r}")
    if not joined:
        return []
    return [f"{library.name}: a '#' starts a comment in an MTL file, so materials are read by "
            f"one name: {_first_few(joined)}; the last of each is drawn for all; rename them "
            "without '#'"]


def _first_few(items: list[str]) -> str:
    """The first NAMES_JOINED_SHOWN of ``items``, the rest counted: a note stays one line."""
    more = len(items) - NAMES_JOINED_SHOWN
    return "; ".join(items[:NAMES_JOINED_SHOWN]) + (f"; and {more:,} more" if more > 0 else "")


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


def _texture_paths(references: ReferenceResolver, folder: Path, value: str,
                   field: str) -> list[Path]:
    """Every reading of ``value`` resolved in ``folder`` (an escaping one refused) before any
    is looked at."""
    return [references.resolve(name, field=field, bases=[folder], must_exist=False)
            for name in _texture_names(value)]


# a path rooted on the machine that wrote the file: C:\ or C:/, \\server, or /
_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|[\\/])")


def _beside(references: ReferenceResolver, folder: Path, value: str, field: str
            ) -> tuple[str, Path] | None:
    """(the file name, its path) of a texture ``value`` names by an absolute path (the
    machine that wrote the MTL: ``C:\\Users\\...\\wood.png``) whose file name is a file in
    ``folder``, as Blender's importer finds it; None for a relative name or no such file."""
    for name in _texture_names(value):
        if not _ABSOLUTE.match(name):
            continue
        base = re.split(r"[\\/]", name)[-1]
        if base and base not in (".", ".."):
            path = references.resolve(base, field=field, bases=[folder], must_exist=False)
            if path.is_file():
                return base, path
    return None


def _not_there(value: str, paths: list[Path], key: str | None = None) -> str:
    """What is wrong with a texture ``value`` (of ``key``) none of whose ``paths`` is a file."""
    of = f" ({key})" if key else ""
    if any(path.exists() for path in paths):
        return f"texture {value!r}{of} is no regular file: a folder, a device or a pipe"
    return f"texture file not found: {value!r}{of}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text in ("on", "off")
    return True


def check_obj_textures(
    libraries: Mapping[Path, list[bytes]],
    references: ReferenceResolver,
    *,
    max_pixels: int,
    on_missing: Callable[[str], None] | None = None,
    notes: list[str] | None = None,
) -> dict[tuple[Path, int], Path]:
    """Each texture that an OBJ's material ``libraries`` (their lines, see ``mtl_lines``) name
    exists and fits; the file found for each, by library and line number (from 0), a name
    being read in the library's folder.

    A texture named by an absolute path that is not there, or lies outside the allowed
    folders (the path on the machine that wrote the file), is the file of its name beside the
    library where there is one, as Blender's importer finds it, said in ``notes``; the path
    itself is never looked at outside the allowed folders. A missing texture is an error, or,
    with ``on_missing``, reported to it and passed over. All of them together are held to
    ``MAX_MODEL_TEXTURE_PIXELS``.
    """
    found: dict[tuple[Path, int], Path] = {}
    pixels: dict[Path, int] = {}  # each file once, however many materials name it
    found_beside: dict[Path, dict[str, str]] = {}  # by library: the path written, the name
    for library, lines in libraries.items():
        for number, line in enumerate(lines):
            parts = line.decode("utf-8", errors="replace").strip().split(None, 1)
            if len(parts) < 2 or not parts[0].lower().startswith(_MTL_TEXTURE_KEYS):
                continue
            key, value = parts
            if not value.strip():
                continue
            field = f"{library.name}: {key}"
            try:
                paths = _texture_paths(references, library.parent, value.strip(), field)
            except AssetError:  # outside the allowed folders: its name beside, else refused
                beside = _beside(references, library.parent, value.strip(), field)
                if beside is None:
                    raise
                paths = []
            else:
                beside = None
            texture = next((path for path in paths if path.is_file()), None)
            if texture is None and beside is None:
                beside = _beside(references, library.parent, value.strip(), field)
            if texture is None and beside is not None:
                texture = beside[1]
                found_beside.setdefault(library, {})[value.strip()] = beside[0]
            if texture is None:
                what = _not_there(value.strip(), paths, key)
                if on_missing is None:
                    raise AssetError(what, file=str(library))
                on_missing(f"{library.name}: {what}")
                continue
            if texture not in pixels:
                pixels[texture] = probe_image(texture, source=str(texture), max_pixels=max_pixels)
                check_texture_total(sum(pixels.values()), len(pixels),
                                    file=references.user_file)
            found[library, number] = texture
    if notes is not None:
        notes += [_found_beside_note(library, named) for library, named in found_beside.items()]
    return found


def _found_beside_note(library: Path, named: dict[str, str]) -> str:
    """One note on the textures of ``library`` found beside it by the file names of the
    absolute paths it writes (the first NAMES_JOINED_SHOWN listed, the rest counted)."""
    listed = _first_few([f"{written!r} as {name!r}" for written, name in named.items()])
    return (f"{library.name}: textures named by paths on the machine that wrote it (or outside "
            f"the model's folder) are drawn from the files of their names beside it: {listed}")


def check_ply_texture(name: str | None, references: ReferenceResolver, *, max_pixels: int,
                      on_missing: Callable[[str], None] | None = None) -> bool:
    """Whether the texture a PLY header names (``comment TextureFile x``, see
    ``app.assets.ply_faces.read_ply_header``) is to be read: it lies where it may and fits
    the limit. A missing one is an error, or, with ``on_missing``, reported to it and not
    read, as an OBJ's is."""
    if name is None:
        return False
    texture = references.resolve(name, field=PLY_TEXTURE_FIELD, must_exist=False)
    if not texture.is_file():
        what = _not_there(name, [texture])
        if on_missing is None:
            raise AssetError(what, file=references.user_file, field=PLY_TEXTURE_FIELD)
        on_missing(f"{PLY_TEXTURE_FIELD}: {what}")
        return False
    probe_image(texture, source=str(texture), max_pixels=max_pixels)
    return True
