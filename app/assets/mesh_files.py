"""OBJ, STL and PLY files, checked and made ready before trimesh reads them.

- OBJ: a UTF-8 byte order mark is dropped, here and in its material libraries (trimesh took it
  for part of the first line), and so is every comment (``app.assets.obj_comments``; a
  library's in ``texture_references.mtl_lines``) before anything is read, but for the names
  with a ``#`` that are meant whole (a material both files name so, a library file there by
  its whole name, as Blender writes and reads them); the faces are
  checked and the file written as trimesh is to read it (``app.assets.obj_faces``: indented
  lines, negative indices); every material library of every ``mtllib`` line (one line may
  name several) is resolved by the app's ``ReferenceResolver``, which refuses a name that
  leaves the allowed folders before anything is opened, and their texts are handed to trimesh
  as one (it reads only the first "mtllib" it finds and takes the rest of that line for one
  name). A texture is checked where its library lies (``app.assets.texture_references``), and
  trimesh reads that file: each ``map_Kd`` line names it by a name of its own (trimesh looked
  for it beside the OBJ, and took the texture options for part of the name); one that is
  missing is left out.
- PLY: the header is read as trimesh reads it, and the sizes of the faces checked
  (``app.assets.ply_faces``); a binary file's faces of different lengths are cut into
  triangles, their other properties kept (``app.assets.ply_polygons``); the format line must
  name a format PLY has (trimesh took any other for little-endian binary); the texture the
  header names is checked as an OBJ's are, and trimesh does not look for one that is missing.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.assets.mtl_maps import MaterialMaps, material_maps
from app.assets.normals import FLAT_DEGREES, SMOOTH_DEGREES
from app.assets.obj_comments import (
    NamedLine,
    lines_naming_with_a_hash,
    with_lines_whole,
    without_comments,
)
from app.assets.obj_faces import check_obj_faces
from app.assets.ply_faces import check_ply_faces, read_ply_header
from app.assets.ply_polygons import fanned_binary_ply
from app.assets.texture_references import (
    PLY_TEXTURE_FIELD,
    check_obj_textures,
    check_ply_texture,
    material_names_with_a_hash,
    mtl_lines,
    names_a_comment_joins,
)
from app.errors import AssetError
from app.limits import MAX_FILE_BYTES, MAX_MODEL_REFERENCES, check_file_size
from app.references import ReferenceResolver

# the name trimesh asks for the OBJ's material libraries by, all in one (in no folder)
MATERIAL_LIBRARIES = "<material libraries>"
_MTLLIB = re.compile(rb"^[ \t]*mtllib[ \t]+([^\r\n]*)", re.M)


@dataclass
class MeshFileSource:
    """What trimesh reads for an OBJ, STL or PLY file."""

    source: str | io.BytesIO  # the file's path, or its bytes as trimesh is to read them
    reference_field: str = "mtllib"  # the field naming the files trimesh reads beside it
    # by the name trimesh asks for them: files made here, and files found here (to be read
    # through the resolver)
    named: dict[str, bytes | Path] = field(default_factory=dict)
    options: dict[str, object] = field(default_factory=dict)  # for ``trimesh.load``
    # what trimesh is told the file is: its suffix, or for bytes made here the file's whole
    # path, after which trimesh names its mesh as it names a file's it reads itself
    file_type: str | None = None
    warnings: list[str] = field(default_factory=list)
    # an OBJ's materials' texture maps besides map_Kd, by material name
    material_maps: dict[str, MaterialMaps] = field(default_factory=dict)
    # the crease angle of the normals made for a file that has none (None: the default)
    crease_degrees: float | None = None


def mesh_file_source(path: Path, references: ReferenceResolver, *, max_pixels: int,
                     on_missing: Callable[[str], None] | None) -> MeshFileSource:
    """The OBJ, STL or PLY file at ``path`` checked, as trimesh is to read it. A missing texture
    is an error, or, with ``on_missing``, reported to it and left out."""
    suffix = path.suffix.lower()
    if suffix == ".obj":
        return _obj_source(path, references, max_pixels=max_pixels, on_missing=on_missing)
    if suffix == ".ply":
        header = read_ply_header(path, str(path))
        read = check_ply_texture(header and header.texture, references, max_pixels=max_pixels,
                                 on_missing=on_missing)
        options = {} if read else {"skip_materials": True}
        fanned = None if header is None else fanned_binary_ply(path, header, str(path))
        if fanned is not None:  # faces of different lengths, which trimesh refuses
            return MeshFileSource(io.BytesIO(fanned), reference_field=PLY_TEXTURE_FIELD,
                                  options=options, file_type=str(path))
        if header is not None:
            check_ply_faces(path, header, str(path))
        return MeshFileSource(str(path), reference_field=PLY_TEXTURE_FIELD, options=options)
    return MeshFileSource(str(path))


def _obj_source(path: Path, references: ReferenceResolver, *, max_pixels: int,
                on_missing: Callable[[str], None] | None) -> MeshFileSource:
    whole_file = _without_bom(path.read_bytes())
    named = lines_naming_with_a_hash(whole_file)
    stripped = without_comments(whole_file)
    kept = _libraries_named_whole(named, references)
    data = with_lines_whole(stripped, whole_file, kept)
    raw = {library: _without_bom(library.read_bytes())
           for library in material_libraries(data, references)}
    # a material named with a '#' by the OBJ file and its library alike is that name whole
    whole = {line.name for line in named if line.keyword == b"usemtl"} & {
        name for text in raw.values() for name in material_names_with_a_hash(text)}
    if whole:
        data = with_lines_whole(stripped, whole_file, [
            *kept, *(line for line in named if line.keyword == b"usemtl" and line.name in whole)])
    checked = check_obj_faces(data, str(path))
    crease = smoothing_groups_crease(data)
    libraries = {library: mtl_lines(text, whole) for library, text in raw.items()}
    joined = [note for library, text in raw.items()
              for note in names_a_comment_joins(library, text, whole)]
    found_beside: list[str] = []
    textures = check_obj_textures(libraries, references, max_pixels=max_pixels,
                                  on_missing=on_missing, notes=found_beside)
    if not libraries:  # trimesh would take a name after any "mtllib" (an object's name's too)
        return MeshFileSource(io.BytesIO(checked.source), options={"skip_materials": True},
                              warnings=checked.warnings, crease_degrees=crease)
    text, named = _material_text(libraries, textures)
    return MeshFileSource(io.BytesIO(f"mtllib {MATERIAL_LIBRARIES}\n".encode() + checked.source),
                          named={MATERIAL_LIBRARIES: text, **named},
                          warnings=[*checked.warnings, *joined, *found_beside],
                          material_maps=material_maps(libraries, textures),
                          crease_degrees=crease)


_NORMAL_LINE = re.compile(rb"^[ \t]*vn[ \t]", re.M)
_SMOOTHING_LINE = re.compile(rb"^[ \t]*s[ \t]+(\S+)", re.M)
_FACE_LINE = re.compile(rb"^[ \t]*f[ \t]", re.M)


def smoothing_groups_crease(data: bytes) -> float | None:
    """The crease angle of the normals made for the OBJ file ``data`` (its comments left out)
    where it has none, from its smoothing groups, as Blender and 3ds Max read them: every face
    in a smoothing group (``s 1``), smooth across every edge; every face in none (``s off``),
    flat. None (the default auto smooth) where the file has normals, no smoothing groups, or
    faces in both or before its first ``s`` line."""
    if _NORMAL_LINE.search(data):
        return None
    groups = list(_SMOOTHING_LINE.finditer(data))
    first_face = _FACE_LINE.search(data)
    if not groups or first_face is None or first_face.start() < groups[0].start():
        return None
    off = {match.group(1).lower() in (b"0", b"off") for match in groups}
    if off == {False}:
        return SMOOTH_DEGREES
    return FLAT_DEGREES if off == {True} else None


def _libraries_named_whole(named: list[NamedLine], references: ReferenceResolver
                           ) -> list[NamedLine]:
    """The ``mtllib`` lines of ``named`` whose whole name, ``#`` and all, is a file beside the
    OBJ (``Chair #2.mtl``, as Blender names the library of ``Chair #2.obj``), to be kept
    whole; each name resolved by the app's resolver first, one it refuses left to be read up
    to its '#'."""
    libraries = [line for line in named if line.keyword == b"mtllib"]
    _check_library_count(len(libraries), references)
    kept = []
    for line in libraries:
        try:
            found = references.resolve(line.name.decode("utf-8", errors="replace"),
                                       field="mtllib", must_exist=False).is_file()
        except AssetError:
            continue
        if found:
            kept.append(line)
    return kept


def _check_library_count(count: int, references: ReferenceResolver) -> None:
    if count > MAX_MODEL_REFERENCES:
        raise AssetError(f"names {count} material libraries, over the limit of "
                         f"{MAX_MODEL_REFERENCES}", file=references.user_file, field="mtllib")


def _material_text(libraries: Mapping[Path, list[bytes]],
                   textures: Mapping[tuple[Path, int], Path]) -> tuple[bytes, dict[str, Path]]:
    """The material ``libraries`` (their lines) as one text for trimesh, each ``map_Kd`` line
    naming the file of ``textures`` found for it by a name of its own (left out where none
    was), and those names."""
    named: dict[str, Path] = {}
    lines = []
    for library, library_lines in libraries.items():
        for number, line in enumerate(library_lines):
            words = line.decode("utf-8", errors="replace").split()
            if words and words[0].lower() == "map_kd":  # the one texture trimesh reads
                texture = textures.get((library, number))
                if texture is None:
                    continue
                name = f"<texture {len(named) + 1}>"
                named[name] = texture
                line = f"map_Kd {name}".encode()
            lines.append(line)
    return b"\n".join(lines), named


def _without_bom(data: bytes) -> bytes:
    return data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data


def material_libraries(data: bytes, references: ReferenceResolver) -> list[Path]:
    """The material libraries the OBJ file ``data`` names, in order, each once; every name is
    resolved, and one that leaves the allowed folders refused, before any file is looked at.

    A line names one library, or several apart (``mtllib a.mtl b.mtl``): the whole line is
    taken for one name where a file has it (names may contain spaces)."""
    lines = [match.group(1).decode("utf-8", errors="replace").strip()
             for match in _MTLLIB.finditer(data)]
    _check_library_count(sum(len(line.split()) for line in lines), references)
    found: list[Path] = []
    for line in filter(None, lines):
        words = line.split()
        paths = {name: references.resolve(name, field="mtllib", must_exist=False)
                 for name in dict.fromkeys([*words, line])}
        if paths[line].is_file():
            found.append(paths[line])
            continue
        # the line is one name, unless a word of it names a file
        for name in words if any(paths[word].is_file() for word in words) else [line]:
            if not paths[name].is_file():
                what = (f"material library {name!r} is no regular file: a folder, a device or "
                        "a pipe" if paths[name].exists() else
                        f"material library not found: {name!r}")
                raise AssetError(what, file=references.user_file)
        found += [paths[word] for word in words]
    for library in found:
        check_file_size(library, MAX_FILE_BYTES, error=AssetError)
    return list(dict.fromkeys(found))
