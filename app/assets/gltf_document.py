"""The JSON side of a glTF/GLB file, read directly: what trimesh does not keep.

trimesh turns glTF materials into ``PBRMaterial`` objects that quantise colour factors to 8 bits
and drop extensions (KHR_materials_transmission) and texture identities. This module reads the
document itself, checks it (truncated GLB, missing or oversized images) and hands trimesh a copy
whose material names carry their index, so each loaded mesh can be matched to its exact glTF
material.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.assets.refs import (
    DEFAULT_MAPPING,
    TextureMapping,
    TextureSampler,
    TextureTransform,
)
from app.assets.textures import DEFAULT_MAX_PIXELS, check_texture_total, probe_image
from app.errors import AssetError
from app.limits import (
    FEWER_TRIANGLES,
    MAX_FILE_BYTES,
    MAX_GLTF_JSON_BYTES,
    MAX_MODEL_REFERENCES,
    MAX_TRIANGLES,
    check_file_size,
    load_json,
)
from app.references import ReferenceResolver, decode_data_uri

GLTF_NESTING = 64  # a glTF's JSON nests deeper than a product file (extensions in extensions)

_GLB_MAGIC = b"glTF"
_CHUNK_JSON = 0x4E4F534A
_CHUNK_BIN = 0x004E4942
_TAG_SEPARATOR = "\x1f"
_WRAPS = {33071: "CLAMP_TO_EDGE", 33648: "MIRRORED_REPEAT", 10497: "REPEAT"}
_NEAREST, _NEAREST_OR_LINEAR = 9728, (9728, 9729)  # filters that use no mipmaps


WEBP, BASISU = "EXT_texture_webp", "KHR_texture_basisu"


def drawn_source(texture: object) -> tuple[object, str | None]:
    """The image a texture is drawn from (as the file writes it: not yet checked to be an
    index) and the extension that names it, None for the texture's own ``source``:
    EXT_texture_webp's image; else the texture's own (a PNG/JPEG, also KHR_texture_basisu's
    fallback); else KHR_texture_basisu's KTX2 image."""
    if not isinstance(texture, dict):
        return None, None
    extensions = texture.get("extensions")
    extensions = extensions if isinstance(extensions, dict) else {}
    webp, basisu = extensions.get(WEBP), extensions.get(BASISU)
    if isinstance(webp, dict) and "source" in webp:
        return webp["source"], WEBP
    if "source" not in texture and isinstance(basisu, dict) and "source" in basisu:
        return basisu["source"], BASISU
    return texture.get("source"), None


@dataclass(frozen=True)
class GltfDocument:
    path: Path
    header: dict
    binary: bytes | None  # the GLB BIN chunk
    references: ReferenceResolver  # where its buffer and image files may be

    @property
    def materials(self) -> list[dict]:
        return list(self.header.get("materials", []))

    def image_index(self, texture_info: dict | None, where: str | None = None) -> int | None:
        """The image a material's texture slot (``{"index": n}``, at the field ``where``)
        samples, or None."""
        if not isinstance(texture_info, dict) or "index" not in texture_info:
            return None
        index = texture_info["index"]
        try:
            if isinstance(index, bool) or not isinstance(index, int) or index < 0:
                raise TypeError  # a negative index would name another texture
            texture = self.header["textures"][index]
        except (KeyError, IndexError, TypeError):
            raise AssetError(
                f"texture index {index!r} does not exist", file=str(self.path),
                field=f"{where}.index" if where else None
            ) from None
        source, _ = drawn_source(texture)
        return source if isinstance(source, int) and not isinstance(source, bool) else None

    def texture_mapping(self, texture_info: dict | None, where: str) -> TextureMapping:
        """UV set, sampler and KHR_texture_transform of a material's texture slot."""
        if not isinstance(texture_info, dict):
            return DEFAULT_MAPPING
        texcoord = _count(texture_info.get("texCoord", 0), self.path, f"{where}.texCoord")
        sampler = TextureSampler()
        try:
            texture = self.header["textures"][texture_info["index"]]
        except (KeyError, IndexError, TypeError):
            texture = {}
        index = texture.get("sampler") if isinstance(texture, dict) else None
        samplers = self.header.get("samplers") or []
        if isinstance(index, int) and 0 <= index < len(samplers) and isinstance(
                samplers[index], dict):
            spec = samplers[index]
            wrap_s = _WRAPS.get(spec.get("wrapS", 10497), "REPEAT")
            wrap_t = _WRAPS.get(spec.get("wrapT", 10497), "REPEAT")
            sampler = TextureSampler(wrap_s=wrap_s, wrap_t=wrap_t,
                                     nearest=spec.get("magFilter") == _NEAREST,
                                     mipmaps=spec.get("minFilter") not in _NEAREST_OR_LINEAR)
        transform = TextureTransform()
        extensions = texture_info.get("extensions")
        if extensions is not None and not isinstance(extensions, dict):
            raise AssetError(f"expected an object, got {extensions!r:.40}", file=str(self.path),
                             field=f"{where}.extensions")
        extension = (extensions or {}).get("KHR_texture_transform")
        if isinstance(extension, dict):
            field = f"{where}.extensions.KHR_texture_transform"
            transform = TextureTransform(
                offset=_pair(extension.get("offset", (0.0, 0.0)), self.path, f"{field}.offset"),
                rotation=_number(extension.get("rotation", 0.0), self.path, f"{field}.rotation"),
                scale=_pair(extension.get("scale", (1.0, 1.0)), self.path, f"{field}.scale"))
            if "texCoord" in extension:
                texcoord = _count(extension["texCoord"], self.path, f"{field}.texCoord")
        return TextureMapping(texcoord=texcoord, sampler=sampler, transform=transform)


def _number(value: object, path: Path, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
            value):
        raise AssetError(f"expected a finite number, got {value!r}", file=str(path),
                         field=field)
    return float(value)


def _pair(value: object, path: Path, field: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise AssetError(f"expected two numbers, got {value!r}", file=str(path), field=field)
    return (_number(value[0], path, field), _number(value[1], path, field))


def _count(value: object, path: Path, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AssetError(f"expected a UV set index (0, 1, ...), got {value!r}",
                         file=str(path), field=field)
    return value


def read_gltf_document(path: Path, references: ReferenceResolver | None = None) -> GltfDocument:
    """Parse the JSON of a .gltf or .glb file, raising ``AssetError`` on damage.

    ``references`` says where the files it names may be (default: the file's own folder); every
    one of them is resolved here, before anything reads them.
    """
    check_file_size(path, MAX_FILE_BYTES, error=AssetError)
    data = path.read_bytes()
    if not data:
        raise AssetError("file is empty", file=str(path))
    if path.suffix.lower() == ".glb" or data[:4] == _GLB_MAGIC:
        header, binary = split_glb(data, path)
    else:
        header, binary = _parse_json(data, path), None
    if not isinstance(header.get("asset"), dict):
        raise AssetError("not a glTF file: the 'asset' object is missing", file=str(path))
    document = GltfDocument(path=path, header=header, binary=binary,
                            references=references or ReferenceResolver.for_file(path))
    check_references(document)
    return document


def external_references(document: GltfDocument) -> list[tuple[str, str]]:
    """(field, uri) of every buffer and image the document reads from a file."""
    found = []
    for kind in ("buffers", "images"):
        items = document.header.get(kind, [])
        if not isinstance(items, list):
            raise AssetError(f"expected a list of {kind}", file=str(document.path), field=kind)
        for index, item in enumerate(items):
            uri = item.get("uri") if isinstance(item, dict) else None
            if uri is None:
                continue
            if not isinstance(uri, str):
                raise AssetError("expected a URI string", file=str(document.path),
                                 field=f"{kind}[{index}].uri")
            if not uri.startswith("data:"):
                found.append((f"{kind}[{index}].uri", uri))
    if len(found) > MAX_MODEL_REFERENCES:
        raise AssetError(f"names {len(found)} files; the limit is {MAX_MODEL_REFERENCES}",
                         file=str(document.path))
    return found


def check_references(document: GltfDocument) -> None:
    """Every file the document names lies where it may: refused before any is opened."""
    for field, uri in external_references(document):
        document.references.resolve(uri, field=field, uri=True, must_exist=False)


def _parse_json(data: bytes, path: Path) -> dict:
    try:
        header = load_json(data, source=str(path), max_bytes=MAX_GLTF_JSON_BYTES,
                           max_nesting=GLTF_NESTING, error=AssetError)
    except AssetError as error:
        error.message = f"not a glTF file: its JSON does not parse ({error.message})"
        raise
    if not isinstance(header, dict):
        raise AssetError("not a glTF file: its JSON is not an object", file=str(path))
    return header


def split_glb(data: bytes, path: Path) -> tuple[dict, bytes | None]:
    """(the JSON, the BIN chunk or None) of the GLB file ``data`` (from ``path``), each chunk
    checked to lie inside the file."""
    if len(data) < 20 or data[:4] != _GLB_MAGIC:
        raise AssetError("not a GLB file: the 'glTF' header is missing", file=str(path))
    _, declared_length = struct.unpack_from("<II", data, 4)
    if declared_length > len(data):
        raise AssetError(
            f"GLB file is truncated: it ends after {len(data)} bytes, its header declares "
            f"{declared_length} (a download or copy that stopped part way?)",
            file=str(path), field="header.length")
    chunks: dict[int, bytes] = {}
    offset, number = 12, 0
    while offset + 8 <= declared_length:
        length, kind = struct.unpack_from("<II", data, offset)
        start, end = offset + 8, offset + 8 + length
        if end > declared_length:
            raise AssetError(
                f"GLB file is truncated inside a chunk: the chunk at byte {offset} declares "
                f"{length} bytes, the file's length leaves {declared_length - start}",
                file=str(path), field=f"chunks[{number}].length")
        chunks.setdefault(kind, data[start:end])
        offset, number = end, number + 1
    if _CHUNK_JSON not in chunks:
        raise AssetError("GLB file has no JSON chunk", file=str(path))
    return _parse_json(chunks[_CHUNK_JSON], path), chunks.get(_CHUNK_BIN)


def check_triangle_count(document: GltfDocument) -> None:
    """The triangles the meshes declare (index or vertex counts) stay within the limit, checked
    before any buffer is read."""
    accessors = document.header.get("accessors", [])
    total = 0
    for mi, mesh in enumerate(document.header.get("meshes", [])):
        for pi, primitive in enumerate(mesh.get("primitives", []) if isinstance(mesh, dict)
                                       else []):
            if not isinstance(primitive, dict):
                continue
            index = primitive.get("indices", (primitive.get("attributes") or {}).get("POSITION"))
            try:
                count = int(accessors[index]["count"]) if isinstance(index, int) else 0
            except (IndexError, KeyError, TypeError, ValueError):
                raise AssetError(f"accessor {index!r} does not exist", file=str(document.path),
                                 field=f"meshes[{mi}].primitives[{pi}]") from None
            strip_or_fan = primitive.get("mode") in (5, 6)
            total += max(count - 2, 0) if strip_or_fan else max(count, 0) // 3
    if total > MAX_TRIANGLES:
        raise AssetError(f"declares {total} triangles; the limit is {MAX_TRIANGLES}: "
                         f"{FEWER_TRIANGLES}", file=str(document.path))


def check_images(
    document: GltfDocument,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    on_missing: Callable[[str], None] | None = None,
    skip: Collection[int] = (),
) -> None:
    """Every image the document references exists, is readable and is not a bomb.

    An image file that is not on disk is an error, or, with ``on_missing``, reported to it and
    passed over (the material is then drawn without that texture). Images in ``skip`` are not
    read (KTX2 images of textures the app draws from their fallbacks). All of them together
    are held to ``MAX_MODEL_TEXTURE_PIXELS``.
    """
    user_file = str(document.path)
    total = checked = 0
    for index, image in enumerate(document.header.get("images", [])):
        if index in skip:
            continue
        label = image_source(document, index)
        field = f"images[{index}].uri"
        uri = image.get("uri") if isinstance(image, dict) else None
        if isinstance(uri, str) and uri.startswith("data:"):
            payload = decode_data_uri(uri, user_file=user_file, field=field)
            with naming_image(document, index):
                total += probe_image(payload, source=label, max_pixels=max_pixels)
        elif isinstance(uri, str):
            file = document.references.resolve(uri, field=field, uri=True, must_exist=False)
            if not file.is_file():
                what = f"texture file not found: {uri!r} (image {index})"
                if on_missing is None:
                    raise AssetError(what, file=user_file)
                on_missing(what)
                continue
            total += probe_image(file, source=str(file), max_pixels=max_pixels)
        elif isinstance(image, dict) and "bufferView" in image:
            with naming_image(document, index):
                data = buffer_view_bytes(document, image["bufferView"],
                                         field=f"images[{index}].bufferView")
                total += probe_image(data, source=label, max_pixels=max_pixels)
        else:
            continue
        checked += 1
        check_texture_total(total, checked, file=user_file)


def image_source(document: GltfDocument, index: int) -> str:
    """What the app calls image ``index`` of the document (its textures' ``source``)."""
    return f"{document.path}#image{index}"


@contextmanager
def naming_image(document: GltfDocument, index: int) -> Iterator[None]:
    """An ``AssetError`` about image ``index`` raised inside the block names the image as the
    user knows it: its own file where the model names one beside it, or else the model and
    the image's field (``images[i]``), not the app's name for it."""
    try:
        yield
    except AssetError as error:
        if error.file is not None and error.file.startswith(image_source(document, index)):
            image = document.header.get("images", [])[index]
            uri = image.get("uri") if isinstance(image, dict) else None
            if isinstance(uri, str) and not uri.startswith("data:"):
                error.file = str(document.references.resolve(
                    uri, field=f"images[{index}].uri", uri=True, must_exist=False))
            else:
                error.file, error.field = str(document.path), error.field or f"images[{index}]"
        raise


def image_bytes(document: GltfDocument, index: int) -> bytes | None:
    """The encoded bytes of image ``index`` (a data URI, a file or a buffer view); None when
    the image or its file is not there. ``check_images`` has held it to the limits."""
    images = document.header.get("images", [])
    image = images[index] if isinstance(index, int) and 0 <= index < len(images) else None
    if not isinstance(image, dict):
        return None
    uri = image.get("uri")
    field = f"images[{index}].uri"
    if isinstance(uri, str) and uri.startswith("data:"):
        return decode_data_uri(uri, user_file=str(document.path), field=field)
    if isinstance(uri, str):
        file = document.references.resolve(uri, field=field, uri=True, must_exist=False)
        return (document.references.read_bytes(uri, field=field, uri=True) if file.is_file()
                else None)
    if "bufferView" in image:
        return buffer_view_bytes(document, image["bufferView"], field=f"images[{index}].bufferView")
    return None


def buffer_view_bytes(document: GltfDocument, view_index: object, *,
                      field: str | None = None) -> bytes:
    """The bytes of bufferView ``view_index`` (named by the file at ``field``), refused naming
    it where the view does not exist or runs past the end of its buffer."""
    try:
        if not isinstance(view_index, int) or isinstance(view_index, bool) or view_index < 0:
            raise TypeError
        view = document.header["bufferViews"][view_index]
        buffer_index = view.get("buffer", 0)
        start = int(view.get("byteOffset", 0))
        end = start + int(view["byteLength"])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        raise AssetError(f"bufferView {view_index!r} does not exist", file=str(document.path),
                         field=field) from None
    blob = buffer_bytes(document, buffer_index)
    if start < 0 or end > len(blob):
        raise AssetError(f"bufferView {view_index} runs past the end of its buffer; the file "
                         "may be truncated", file=str(document.path), field=field)
    return blob[start:end]


def buffer_bytes(document: GltfDocument, buffer_index: int) -> bytes:
    """The bytes of buffer ``buffer_index``: a data URI, a file (through the document's
    references) or the GLB's BIN chunk."""
    try:
        buffer = document.header["buffers"][buffer_index]
    except (KeyError, IndexError, TypeError):
        raise AssetError(
            f"buffer {buffer_index!r} does not exist", file=str(document.path)
        ) from None
    uri = buffer.get("uri") if isinstance(buffer, dict) else None
    if uri is None:
        return document.binary or b""
    field = f"buffers[{buffer_index}].uri"
    if not isinstance(uri, str):
        raise AssetError("expected a URI string", file=str(document.path), field=field)
    if uri.startswith("data:"):
        return decode_data_uri(uri, user_file=str(document.path), field=field)
    return document.references.read_bytes(uri, field=field, uri=True)


def buffer_size(document: GltfDocument, buffer_index: int) -> int | None:
    """How many bytes buffer ``buffer_index`` holds, without reading a file it names (one
    that is not there, or no regular file, is refused naming the buffer); None for a buffer
    with no data of its own."""
    buffer = document.header["buffers"][buffer_index]
    uri = buffer.get("uri")
    if uri is None:
        return len(document.binary or b"") if buffer_index == 0 else None
    if not isinstance(uri, str) or uri.startswith("data:"):
        return len(buffer_bytes(document, buffer_index))
    file = document.references.resolve(uri, field=f"buffers[{buffer_index}].uri", uri=True)
    return file.stat().st_size


def header_copy(document: GltfDocument) -> dict:
    """A deep copy of the document's JSON, to rewrite for trimesh."""
    return json.loads(json.dumps(document.header))


def tagged_bytes(document: GltfDocument, header: dict | None = None,
                 binary: bytes | None = None) -> bytes:
    """The file's bytes with each material renamed ``"<index>\\x1f<name>"`` (see module doc).

    ``header`` and ``binary`` replace the document's JSON and BIN chunk (a copy rewritten for
    trimesh, e.g. with Draco primitives decoded)."""
    header = header_copy(document) if header is None else header
    for index, material in enumerate(header.get("materials", [])):
        material["name"] = f"{index}{_TAG_SEPARATOR}{material.get('name', '')}"
    return document_bytes(header, document.binary if binary is None else binary)


def document_bytes(header: dict, binary: bytes | None) -> bytes:
    """A .gltf (JSON text) when there is no BIN chunk, else a GLB, of ``header`` and ``binary``."""
    text = json.dumps(header).encode("utf-8")
    if binary is None:
        return text
    text += b" " * (-len(text) % 4)
    binary = binary + b"\x00" * (-len(binary) % 4)
    total = 12 + 8 + len(text) + 8 + len(binary)
    return b"".join(
        [
            _GLB_MAGIC,
            struct.pack("<II", 2, total),
            struct.pack("<II", len(text), _CHUNK_JSON),
            text,
            struct.pack("<II", len(binary), _CHUNK_BIN),
            binary,
        ]
    )


UV_ATTRIBUTE = "_TEXCOORD_{set}{normalized}"  # a UV set as trimesh keeps it, see expose_attributes
COLOR_ATTRIBUTE = "_COLOR_0"  # the vertex colours as trimesh keeps them, see expose_attributes


def expose_attributes(header: dict) -> dict:
    """``header`` (a copy for trimesh) with each primitive's TEXCOORD_0 and TEXCOORD_1 renamed
    ``_TEXCOORD_<n>`` (``_TEXCOORD_<n>_N`` when its accessor is normalized) and its COLOR_0
    ``_COLOR_0``.

    trimesh reads only the first UV set, flips its v in the accessor's own type (which wraps
    quantized integers) and ignores ``normalized``; it casts 16-bit colours to bytes (wrapping
    them) and keeps glTF's linear colours as if they were sRGB. Attributes whose names start
    with "_" it keeps as they are, for ``model_loading`` to read."""
    accessors = header.get("accessors", []) or []
    for mesh in header.get("meshes", []) or []:
        for primitive in (mesh.get("primitives", []) if isinstance(mesh, dict) else []) or []:
            attributes = primitive.get("attributes") if isinstance(primitive, dict) else None
            if not isinstance(attributes, dict):
                continue
            for uv_set in (0, 1):
                index = attributes.pop(f"TEXCOORD_{uv_set}", None)
                if index is None:
                    continue
                accessor = accessors[index] if isinstance(index, int) and 0 <= index < len(
                    accessors) else {}
                normalized = isinstance(accessor, dict) and accessor.get("normalized") is True
                attributes[UV_ATTRIBUTE.format(set=uv_set,
                                               normalized="_N" if normalized else "")] = index
            if "COLOR_0" in attributes:
                attributes[COLOR_ATTRIBUTE] = attributes.pop("COLOR_0")
    return header


def without_cameras(header: dict) -> dict:
    """``header`` (a copy for trimesh) without the file's cameras, which the app does not use
    (it frames the product itself). trimesh leaves a node that carries a camera out of the
    scene, its mesh and its transform with it (a mesh on a camera's node vanished, a part
    under a camera rig lost the rig's move), and stops on a camera it cannot read."""
    header.pop("cameras", None)
    for node in header.get("nodes", []) or []:
        if isinstance(node, dict):
            node.pop("camera", None)
    return header


def material_index_from_tag(name: str | None) -> int | None:
    if not name or _TAG_SEPARATOR not in name:
        return None
    prefix = name.split(_TAG_SEPARATOR, 1)[0]
    return int(prefix) if prefix.isdigit() else None
