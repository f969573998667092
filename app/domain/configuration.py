"""A customer's configuration of a product: selections, free colours, personalization.

Stable JSON with a schema version; ``configuration_problems`` checks it against the product.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.domain.colour import HexColour, hex_to_hsl
from app.domain.product import FreeColour, Product, Technique, Zone, ZoneLimits
from app.domain.rules import violations
from app.errors import ConfigurationError
from app.limits import MAX_CONFIGURATION_BYTES, MAX_ZONE_TEXT_CHARS, load_json

SCHEMA_VERSION = 1

PICTURE_ID_PREFIX = "sha256:"
_PICTURE_ID = re.compile(r"sha256:[0-9a-f]{64}")
# one answer for every picture a code or file names that the picture store does not hold, so a
# code from outside learns nothing about the files of the machine
UNKNOWN_PICTURE = "this picture is not in the app's picture store; upload it again"


def is_picture_id(text: object) -> bool:
    """Whether ``text`` is a picture id: ``sha256:`` and 64 lower-case hex digits."""
    return isinstance(text, str) and _PICTURE_ID.fullmatch(text) is not None


def picture_id(digest: str) -> str:
    """The picture id of a SHA-256 hex digest."""
    text = PICTURE_ID_PREFIX + digest
    if not is_picture_id(text):
        raise ValueError("expected 64 lower-case hex digits")
    return text


def picture_digest(picture: str) -> str:
    """The 64 hex digits of a picture id; ValueError for anything else (a path, a name)."""
    if not is_picture_id(picture):
        raise ValueError(UNKNOWN_PICTURE)
    return picture[len(PICTURE_ID_PREFIX):]


# (zone id, what an old file names) -> the picture id to use, or None to leave the zone empty
OldPictures = Callable[[str, str], str | None]


class TextValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    kind: Literal["text"] = "text"
    text: str = Field(max_length=MAX_ZONE_TEXT_CHARS)
    font: str | None = None
    colour: HexColour | None = None
    technique: Technique | None = None
    align: Literal["left", "center", "right"] | None = Field(
        None, description="the zone's alignment when absent")


class ImageValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    kind: Literal["image"] = "image"
    image: str = Field(description="the picture in the app's picture store: sha256: and the 64 "
                                   "hex digits of its content hash (never a file path)")
    fit: Literal["fit", "fill", "crop"] = "fit"
    technique: Technique | None = None

    @field_validator("image")
    @classmethod
    def _picture_id(cls, value: str) -> str:
        if not is_picture_id(value):
            raise ValueError("expected a picture id from the picture store (sha256: and 64 hex "
                             "digits), not a file path or name")
        return value


ZoneValue = Annotated[TextValue | ImageValue, Field(discriminator="kind")]


class Configuration(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    schema_version: int = SCHEMA_VERSION
    product_id: str
    selections: dict[str, str] = Field(default_factory=dict)  # option group -> choice
    colours: dict[str, HexColour] = Field(default_factory=dict)  # option group -> free colour
    personalization: dict[str, ZoneValue] = Field(default_factory=dict)  # zone -> value

    def with_choice(self, group_id: str, choice_id: str) -> Configuration:
        return self.model_copy(update={"selections": {**self.selections, group_id: choice_id}})

    def with_colour(self, group_id: str, colour: str) -> Configuration:
        return self.model_copy(update={"colours": {**self.colours, group_id: colour.lower()}})

    def with_zone(self, zone_id: str, value: TextValue | ImageValue | None) -> Configuration:
        values = dict(self.personalization)
        if value is None:
            values.pop(zone_id, None)
        else:
            values[zone_id] = value
        return self.model_copy(update={"personalization": values})

    def to_json(self) -> str:
        """Stable text: sorted keys, two-space indent, a trailing newline."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=2,
                          ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "<configuration>",
                  old_pictures: OldPictures | None = None) -> Configuration:
        """A configuration from JSON that came from outside (size and nesting limited).

        A picture named by a path (files saved before the picture store) is refused, unless
        ``old_pictures(zone_id, path)`` is given: it returns the picture id to use instead, or
        None to leave the zone empty (the user's own file, opened on the desktop).
        """
        try:
            data = load_json(text, source=source, max_bytes=MAX_CONFIGURATION_BYTES,
                             error=ConfigurationError)
        except ConfigurationError as exc:
            exc.message = f"not a configuration file: {exc.message}"
            raise
        if not isinstance(data, dict):
            raise ConfigurationError("expected a JSON object", file=source)
        version = data.get("schema_version")
        if not isinstance(version, int):
            raise ConfigurationError("expected an integer schema version", file=source,
                                     field="schema_version")
        if version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"written by a newer version of the app (schema {version}; this app reads up to "
                f"{SCHEMA_VERSION})", file=source, field="schema_version")
        if version < 1:
            raise ConfigurationError(f"unknown schema version {version}", file=source,
                                     field="schema_version")
        if old_pictures is not None:
            _replace_old_pictures(data, old_pictures)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise ConfigurationError(err["msg"], file=source, field=field) from None


def _replace_old_pictures(data: dict, old_pictures: OldPictures) -> None:
    """Image values of ``data`` that name something other than a picture id, passed through
    ``old_pictures``; a zone whose picture it cannot give is left out."""
    values = data.get("personalization")
    if not isinstance(values, dict):
        return
    for zone_id, value in list(values.items()):
        if not isinstance(value, dict) or value.get("kind") != "image":
            continue
        image = value.get("image")
        if not isinstance(image, str) or not image or is_picture_id(image):
            continue
        replacement = old_pictures(str(zone_id), image)
        if replacement is None:
            del values[zone_id]
        else:
            values[zone_id] = {**value, "image": replacement}


def default_configuration(product: Product) -> Configuration:
    return Configuration(
        product_id=product.id,
        selections={g.id: g.default_choice.id for g in product.options},
        colours={
            g.id: g.default_choice.free_colour.default
            for g in product.options
            if g.default_choice.free_colour is not None
        },
    )


def complete(configuration: Configuration, product: Product) -> Configuration:
    """The configuration with a default for every option group it leaves out."""
    base = default_configuration(product)
    colours = dict(configuration.colours)
    selections = {**base.selections, **configuration.selections}
    for g in product.options:
        choice_id = selections.get(g.id)
        choice = next((c for c in g.choices if c.id == choice_id), None)
        if choice is not None and choice.free_colour is not None and g.id not in colours:
            colours[g.id] = choice.free_colour.default
    return configuration.model_copy(update={"selections": selections, "colours": colours})


def colour_allowed(limit: FreeColour, colour: str) -> bool:
    if limit.palette is not None:
        return colour.lower() in limit.palette
    assert limit.range is not None
    h, s, lightness = hex_to_hsl(colour)
    h_lo, h_hi = limit.range.hue
    hue_ok = h_lo <= h <= h_hi if h_lo <= h_hi else (h >= h_lo or h <= h_hi)
    eps = 1e-6
    return (
        hue_ok
        and limit.range.saturation[0] - eps <= s <= limit.range.saturation[1] + eps
        and limit.range.lightness[0] - eps <= lightness <= limit.range.lightness[1] + eps
    )


_CHARSETS = {
    "ascii": set(string.printable) - set("\t\r\x0b\x0c"),
    "digits": set(string.digits + " \n"),
    "latin": set(string.printable) - set("\t\r\x0b\x0c")
    | {chr(c) for c in range(0xC0, 0x180) if c not in (0xD7, 0xF7)},
}


def charset_allows(charset: str | None, ch: str) -> bool:
    if charset is None:
        return True
    allowed = _CHARSETS.get(charset)
    if allowed is None:
        allowed = set(charset) | {" ", "\n"}
    return ch in allowed


def text_size(text: str) -> tuple[int, int]:
    """(characters, lines) of a zone's text, as its limits count them (line breaks are none)."""
    return len(text.replace("\n", "")), text.count("\n") + 1


def text_fits(limits: ZoneLimits, text: str) -> bool:
    """Whether ``text`` has no more characters and lines than ``limits`` take."""
    chars, lines = text_size(text)
    return chars <= limits.max_chars and lines <= limits.max_lines


def _text_problems(zone: Zone, value: TextValue, field: str) -> list[ConfigurationError]:
    out = []
    limits = zone.limits
    chars, lines = text_size(value.text)
    if chars > limits.max_chars:
        out.append(ConfigurationError(
            f"{zone.label}: {chars} characters, at most {limits.max_chars} fit", field=field))
    if lines > limits.max_lines:
        out.append(ConfigurationError(
            f"{zone.label}: {lines} lines, at most {limits.max_lines} fit", field=field))
    bad = sorted({ch for ch in value.text if not charset_allows(limits.charset, ch)})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        out.append(ConfigurationError(f"{zone.label}: these characters cannot be made: {shown}",
                                      field=field))
    if value.font is not None and limits.fonts and value.font not in limits.fonts:
        out.append(ConfigurationError(
            f"{zone.label}: font '{value.font}' is not offered here "
            f"(choose {', '.join(limits.fonts)})", field=f"{field}.font"))
    if value.colour is not None and limits.colours and value.colour not in limits.colours:
        out.append(ConfigurationError(
            f"{zone.label}: colour {value.colour} is not offered here", field=f"{field}.colour"))
    return out


def zone_text_problems(zone: Zone, value: TextValue, field: str = "text"
                       ) -> list[ConfigurationError]:
    """What keeps ``value`` within ``zone``'s limits (characters, lines, charset, font, colour)."""
    return _text_problems(zone, value, field)


def configuration_problems(configuration: Configuration, product: Product
                           ) -> list[ConfigurationError]:
    """Everything that keeps ``configuration`` from being made; [] when it is valid."""
    out: list[ConfigurationError] = []
    if configuration.product_id != product.id:
        return [ConfigurationError(
            f"this configuration is for product '{configuration.product_id}', not "
            f"'{product.id}'", field="product_id")]
    group_ids = {g.id for g in product.options}
    for group_id, choice_id in configuration.selections.items():
        field = f"selections.{group_id}"
        if group_id not in group_ids:
            out.append(ConfigurationError(f"unknown option '{group_id}'", field=field))
            continue
        group = product.option(group_id)
        try:
            choice = group.choice(choice_id)
        except KeyError:
            out.append(ConfigurationError(
                f"unknown choice '{choice_id}' for {group.label}", field=field))
            continue
        if choice.free_colour is not None:
            colour = configuration.colours.get(group_id)
            if colour is None:
                out.append(ConfigurationError(f"{group.label}: pick a colour",
                                              field=f"colours.{group_id}"))
            elif not colour_allowed(choice.free_colour, colour):
                out.append(ConfigurationError(
                    f"{group.label}: colour {colour} is outside the colours offered",
                    field=f"colours.{group_id}"))
    for group in product.options:
        if group.id not in configuration.selections:
            out.append(ConfigurationError(f"no choice made for {group.label}",
                                          field=f"selections.{group.id}"))
    for group_id in configuration.colours:
        if group_id not in group_ids:
            out.append(ConfigurationError(f"unknown option '{group_id}'",
                                          field=f"colours.{group_id}"))
    for v in violations(product, configuration.selections):
        out.append(ConfigurationError(v.rule.message, field=f"rules[{v.index}]"))
    zone_ids = {z.id for z in product.zones}
    for zone_id, value in configuration.personalization.items():
        field = f"personalization.{zone_id}"
        if zone_id not in zone_ids:
            out.append(ConfigurationError(f"unknown personalization zone '{zone_id}'",
                                          field=field))
            continue
        zone = product.zone(zone_id)
        if value.kind != zone.kind:
            out.append(ConfigurationError(
                f"{zone.label} takes {'an image' if zone.kind == 'image' else 'text'}",
                field=field))
            continue
        if value.technique is not None and value.technique not in zone.techniques:
            out.append(ConfigurationError(
                f"{zone.label}: '{value.technique.value}' is not offered here",
                field=f"{field}.technique"))
        if isinstance(value, TextValue):
            out.extend(_text_problems(zone, value, field))
    return out
