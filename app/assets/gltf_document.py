"""The JSON side of a glTF/GLB file, read directly: what trimesh does not keep.

trimesh turns glTF materials into ``PBRMaterial`` objects that quantise colour factors to 8 bits
and drop extensions (KHR_materials_transmission) and texture identities. This module reads the
document itself, checks it (truncated GLB, missing or oversized images) and hands trimesh a copy
whose material names carry their index, so each loaded mesh can be matched to its exact glTF
material.
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from app.assets.textures import DEFAULT_MAX_PIXELS, probe_image
from app.errors import AssetError

_GLB_MAGIC = b"glTF"
_CHUNK_JSON = 0x4E4F534A
_CHUNK_BIN = 0x004E4942
_TAG_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class GltfDocument:
    path: Path
    header: dict
    binary: bytes | None  # the GLB BIN chunk

    @property
    def materials(self) -> list[dict]:
        return list(self.header.get("materials", []))

    def image_index(self, texture_info: dict | None) -> int | None:
        """The image a material's texture slot (``{"index": n}``) samples, or None."""
        if not isinstance(texture_info, dict) or "index" not in texture_info:
            return None
        try:
            texture = self.header["textures"][texture_info["index"]]
        except (KeyError, IndexError, TypeError):
            raise AssetError(
                f"texture index {texture_info.get('index')!r} does not exist", file=str(self.path)
            ) from None
        source = texture.get("source")
        for extension in (texture.get("extensions") or {}).values():
            if isinstance(extension, dict) and "source" in extension:
                source = extension["source"]
        return source if isinstance(source, int) else None


def read_gltf_document(path: Path) -> GltfDocument:
    """Parse the JSON of a .gltf or .glb file, raising ``AssetError`` on damage."""
    data = path.read_bytes()
    if not data:
        raise AssetError("file is empty", file=str(path))
    if path.suffix.lower() == ".glb" or data[:4] == _GLB_MAGIC:
        header, binary = _split_glb(data, path)
    else:
        header, binary = _parse_json(data, path), None
    if not isinstance(header.get("asset"), dict):
        raise AssetError("not a glTF file: the 'asset' object is missing", file=str(path))
    return GltfDocument(path=path, header=header, binary=binary)


def _parse_json(data: bytes, path: Path) -> dict:
    try:
        header = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AssetError(
            f"not a glTF file: its JSON does not parse ({error})", file=str(path)
        ) from None
    if not isinstance(header, dict):
        raise AssetError("not a glTF file: its JSON is not an object", file=str(path))
    return header


def _split_glb(data: bytes, path: Path) -> tuple[dict, bytes | None]:
    if len(data) < 20 or data[:4] != _GLB_MAGIC:
        raise AssetError("not a GLB file: the 'glTF' header is missing", file=str(path))
    _, declared_length = struct.unpack_from("<II", data, 4)
    if declared_length > len(data):
        raise AssetError(
            f"GLB file is truncated: {len(data)} of {declared_length} bytes", file=str(path)
        )
    chunks: dict[int, bytes] = {}
    offset = 12
    while offset + 8 <= declared_length:
        length, kind = struct.unpack_from("<II", data, offset)
        start, end = offset + 8, offset + 8 + length
        if end > declared_length:
            raise AssetError("GLB file is truncated inside a chunk", file=str(path))
        chunks.setdefault(kind, data[start:end])
        offset = end
    if _CHUNK_JSON not in chunks:
        raise AssetError("GLB file has no JSON chunk", file=str(path))
    return _parse_json(chunks[_CHUNK_JSON], path), chunks.get(_CHUNK_BIN)


def check_images(
    document: GltfDocument,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    on_missing: Callable[[str], None] | None = None,
) -> None:
    """Every image the document references exists, is readable and is not a bomb.

    An image file that is not on disk is an error, or, with ``on_missing``, reported to it and
    passed over (the material is then drawn without that texture).
    """
    for index, image in enumerate(document.header.get("images", [])):
        label = f"{document.path}#image{index}"
        uri = image.get("uri")
        if isinstance(uri, str) and uri.startswith("data:"):
            try:
                payload = base64.b64decode(uri.split(",", 1)[1])
            except (IndexError, ValueError):
                raise AssetError(
                    f"image {index}: its data URI does not decode", file=label
                ) from None
            probe_image(payload, source=label, max_pixels=max_pixels)
        elif isinstance(uri, str):
            file = _image_file(document.path.parent, uri)
            if file is None:
                what = f"texture file not found: {uri!r} (image {index})"
                if on_missing is None:
                    raise AssetError(what, file=str(document.path))
                on_missing(what)
                continue
            probe_image(file, source=str(file), max_pixels=max_pixels)
        elif "bufferView" in image:
            probe_image(
                _buffer_view_bytes(document, image["bufferView"]),
                source=label,
                max_pixels=max_pixels,
            )


def _image_file(folder: Path, uri: str) -> Path | None:
    for name in (uri, unquote(uri)):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _buffer_view_bytes(document: GltfDocument, view_index: int) -> bytes:
    try:
        view = document.header["bufferViews"][view_index]
        buffer = document.header["buffers"][view.get("buffer", 0)]
    except (KeyError, IndexError, TypeError):
        raise AssetError(
            f"bufferView {view_index!r} does not exist", file=str(document.path)
        ) from None
    if "uri" in buffer:
        uri = buffer["uri"]
        if uri.startswith("data:"):
            blob = base64.b64decode(uri.split(",", 1)[1])
        else:
            file = _image_file(document.path.parent, uri)
            if file is None:
                raise AssetError(f"buffer file not found: {uri!r}", file=str(document.path))
            blob = file.read_bytes()
    else:
        blob = document.binary or b""
    start = view.get("byteOffset", 0)
    end = start + view["byteLength"]
    if end > len(blob):
        raise AssetError(
            f"bufferView {view_index} runs past the end of its buffer", file=str(document.path)
        )
    return blob[start:end]


def tagged_bytes(document: GltfDocument) -> bytes:
    """The file's bytes with each material renamed ``"<index>\\x1f<name>"`` (see module doc)."""
    header = json.loads(json.dumps(document.header))
    for index, material in enumerate(header.get("materials", [])):
        material["name"] = f"{index}{_TAG_SEPARATOR}{material.get('name', '')}"
    text = json.dumps(header).encode("utf-8")
    if document.binary is None:
        return text
    text += b" " * (-len(text) % 4)
    binary = document.binary + b"\x00" * (-len(document.binary) % 4)
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


def material_index_from_tag(name: str | None) -> int | None:
    if not name or _TAG_SEPARATOR not in name:
        return None
    prefix = name.split(_TAG_SEPARATOR, 1)[0]
    return int(prefix) if prefix.isdigit() else None
