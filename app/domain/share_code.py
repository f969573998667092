"""Short share codes: a configuration in a few characters, round-tripping exactly.

``mug-2k3f9q...``: the product id, then base32 of a compact binary form that refers to option
groups, choices and zones by their position in the product, plus a checksum byte that catches
typing mistakes. A picture is carried as its id in the picture store (``sha256:`` and its
content hash), never as a path: a code that names anything else is refused, with the same
message as a code naming a picture the store lacks. Decoding needs the same product (a later
edit that reorders choices changes what old codes mean; saved JSON files do not depend on
order).
"""

from __future__ import annotations

import base64
import zlib

from app.domain.configuration import (
    UNKNOWN_PICTURE,
    Configuration,
    ImageValue,
    TextValue,
    is_picture_id,
)
from app.domain.product import Product, Technique
from app.errors import ConfigurationError

_VERSION = 1
_TECHNIQUES = list(Technique)
_FITS = ["fit", "fill", "crop"]
_ALIGNS = ["left", "center", "right"]
_SHOWN_CHARS = 40  # of a text that is no code, in the message that says so


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _text(s: str) -> bytes:
    raw = s.encode("utf-8")
    return _varint(len(raw)) + raw


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise ValueError("code too short")
        self.pos += 1
        return self.data[self.pos - 1]

    def varint(self) -> int:
        n = shift = 0
        while True:
            b = self.byte()
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return n

    def text(self) -> str:
        n = self.varint()
        if self.pos + n > len(self.data):
            raise ValueError("code too short")
        s = self.data[self.pos : self.pos + n].decode("utf-8")
        self.pos += n
        return s


def encode_share_code(configuration: Configuration, product: Product) -> str:
    """The share code of ``configuration``; ConfigurationError when it names things the product
    does not have."""
    try:
        return _encode(configuration, product)
    except (KeyError, ValueError):
        raise ConfigurationError(
            f"cannot share: the configuration does not fit product '{product.id}'",
            field="share code") from None


def _encode(configuration: Configuration, product: Product) -> str:
    groups = [g.id for g in product.options]
    zones = [z.id for z in product.zones]
    out = bytearray([_VERSION])
    out += _varint(len(configuration.selections))
    for group_id, choice_id in configuration.selections.items():
        group = product.option(group_id)
        out += _varint(groups.index(group_id))
        out += _varint([c.id for c in group.choices].index(choice_id))
    out += _varint(len(configuration.colours))
    for group_id, colour in configuration.colours.items():
        out += _varint(groups.index(group_id)) + bytes.fromhex(colour[1:])
    out += _varint(len(configuration.personalization))
    for zone_id, value in configuration.personalization.items():
        out += _varint(zones.index(zone_id))
        technique = 0 if value.technique is None else 1 + _TECHNIQUES.index(value.technique)
        if isinstance(value, TextValue):
            flags = ((value.font is not None) | (value.colour is not None) << 1
                     | (value.align is not None) << 2)
            out += bytes([0, flags, technique]) + _text(value.text)
            if value.font is not None:
                out += _text(value.font)
            if value.colour is not None:
                out += bytes.fromhex(value.colour[1:])
            if value.align is not None:
                out += bytes([_ALIGNS.index(value.align)])
        else:
            if not is_picture_id(value.image):
                raise ValueError("a picture named by something else than its id")
            out += bytes([1, _FITS.index(value.fit), technique]) + _text(value.image)
    out.append(zlib.crc32(bytes(out)) & 0xFF)
    body = base64.b32encode(bytes(out)).decode("ascii").rstrip("=").lower()
    return f"{product.id}-{body}"


def share_code_product(code: str) -> str:
    """The product id a share code is for."""
    product_id, sep, _ = code.strip().lower().rpartition("-")
    if not sep or not product_id:
        shown = code if len(code) <= _SHOWN_CHARS else code[:_SHOWN_CHARS] + "..."
        raise ConfigurationError(f"'{shown}' is not a share code", field="share code")
    return product_id


def decode_share_code(code: str, product: Product) -> Configuration:
    """The configuration a share code holds; case and surrounding blanks do not matter."""
    code = code.strip().lower()
    product_id = share_code_product(code)
    if product_id != product.id:
        raise ConfigurationError(
            f"this share code is for product '{product_id}', not '{product.id}'",
            field="share code")
    body = code.rpartition("-")[2].upper()
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError:
        raise ConfigurationError("this share code has a typing mistake",
                                 field="share code") from None
    if len(raw) < 2 or zlib.crc32(raw[:-1]) & 0xFF != raw[-1]:
        raise ConfigurationError("this share code has a typing mistake", field="share code")
    try:
        return _decode_body(_Reader(raw[:-1]), product)
    except _UnknownPicture as exc:
        raise ConfigurationError(UNKNOWN_PICTURE, field=f"personalization.{exc.zone_id}"
                                 ) from None
    except (ValueError, IndexError):
        raise ConfigurationError(
            "this share code does not fit the current version of the product",
            field="share code") from None


class _UnknownPicture(Exception):
    def __init__(self, zone_id: str):
        super().__init__(zone_id)
        self.zone_id = zone_id


def _decode_body(r: _Reader, product: Product) -> Configuration:
    if r.byte() != _VERSION:
        raise ValueError("version")
    selections = {}
    for _ in range(r.varint()):
        group = product.options[r.varint()]
        selections[group.id] = group.choices[r.varint()].id
    colours = {}
    for _ in range(r.varint()):
        group = product.options[r.varint()]
        colours[group.id] = "#" + bytes(r.byte() for _ in range(3)).hex()
    values: dict[str, TextValue | ImageValue] = {}
    for _ in range(r.varint()):
        zone = product.zones[r.varint()]
        kind, extra, technique_code = r.byte(), r.byte(), r.byte()
        technique = None if technique_code == 0 else _TECHNIQUES[technique_code - 1]
        if kind == 0:
            text = r.text()
            font = r.text() if extra & 1 else None
            colour = "#" + bytes(r.byte() for _ in range(3)).hex() if extra & 2 else None
            align = _ALIGNS[r.byte()] if extra & 4 else None
            values[zone.id] = TextValue(text=text, font=font, colour=colour, technique=technique,
                                        align=align)
        elif kind == 1:
            image = r.text()
            if not is_picture_id(image):
                raise _UnknownPicture(zone.id)
            values[zone.id] = ImageValue(image=image, fit=_FITS[extra], technique=technique)
        else:
            raise ValueError("zone kind")
    if r.pos != len(r.data):
        raise ValueError("trailing bytes")
    return Configuration(product_id=product.id, selections=selections, colours=colours,
                         personalization=values)
