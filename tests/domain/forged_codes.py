"""Share codes as an attacker writes them: well-formed codes whose picture is any text."""

from __future__ import annotations

import base64
import zlib

from app.domain.product import Product
from app.domain.share_code import _varint


def forged_picture_code(product: Product, zone_id: str, image: str) -> str:
    """A code (version 1, checksum right) that puts ``image`` (a path, a name, anything) in the
    image zone ``zone_id`` and leaves every option at its default."""
    zone_index = [z.id for z in product.zones].index(zone_id)
    raw = image.encode("utf-8")
    body = bytearray([1]) + _varint(0) + _varint(0) + _varint(1) + _varint(zone_index)
    body += bytes([1, 0, 0]) + _varint(len(raw)) + raw
    body.append(zlib.crc32(bytes(body)) & 0xFF)
    return f"{product.id}-" + base64.b32encode(bytes(body)).decode("ascii").rstrip("=").lower()
