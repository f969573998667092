"""Reading back what a written GLB holds: its JSON and the bytes of each image."""

import hashlib
import json
import struct
from pathlib import Path


def glb_parts(path: Path) -> tuple[dict, bytes]:
    data = Path(path).read_bytes()
    assert data[:4] == b"glTF"
    json_length = struct.unpack_from("<I", data, 12)[0]
    header = json.loads(data[20:20 + json_length])
    binary = data[20 + json_length + 8:]
    return header, binary


def glb_images(path: Path) -> list[tuple[str, bytes]]:
    """(MIME type, bytes) of every image, in the order of the file's ``images``."""
    header, binary = glb_parts(path)
    out = []
    for image in header.get("images", []):
        view = header["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        out.append((image["mimeType"], binary[start:start + view["byteLength"]]))
    return out


def image_digests(images: list[tuple[str, bytes]]) -> list[str]:
    return [hashlib.sha256(data).hexdigest() for _, data in images]
