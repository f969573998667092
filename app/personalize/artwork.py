"""Zone artwork: what a personalization zone shows on screen and what the factory prints."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.domain.configuration import (
    ImageValue,
    TextValue,
    charset_allows,
    zone_text_problems,
)
from app.domain.product import Zone, ZoneText
from app.errors import AppError, ConfigurationError
from app.personalize.fonts import FontLibrary
from app.personalize.images import Upload, place_image
from app.personalize.picture_store import PictureStore
from app.personalize.print_files import layout_svg, write_png, write_svg
from app.personalize.text import (
    TextLayout,
    clean_text,
    layout_text,
    rasterise_coverage,
    text_problems,
)

PRINT_PPI = 300.0
DEFAULT_FONT = "sans"
DEFAULT_INK = "#000000"
DEFAULT_CAP_HEIGHT_SHARE = 0.4  # of the zone's height per line, when the zone sets no size
_CACHE_SIZE = 16


@dataclass(frozen=True, eq=False)
class Artwork:
    """The zone's content as an RGBA image covering exactly ``width_mm`` x ``height_mm``.

    Text: ink colour in RGB, coverage in alpha. Images: the placed picture. ``key`` is a hash of
    everything that decides the pixels; equal keys mean equal pixels. ``rgba`` is read-only.
    """

    rgba: np.ndarray
    width_mm: float
    height_mm: float
    key: str
    warnings: list[str] = field(default_factory=list)


def zone_text_settings(zone: Zone) -> ZoneText:
    """The zone's text settings, or a single-size default that fits its lines in its height."""
    if zone.text is not None:
        return zone.text
    size = zone.projector.height_mm * DEFAULT_CAP_HEIGHT_SHARE / zone.limits.max_lines
    return ZoneText(size_mm=round(size, 2))


def text_font_id(zone: Zone, value: TextValue) -> str:
    return value.font or (zone.limits.fonts[0] if zone.limits.fonts else DEFAULT_FONT)


def text_colour(zone: Zone, value: TextValue) -> str:
    return value.colour or (zone.limits.colours[0] if zone.limits.colours else DEFAULT_INK)


def _fail(zone: Zone, messages: list[str]) -> ConfigurationError:
    return ConfigurationError("\n".join(messages), field=f"personalization.{zone.id}")


def _font_path(zone: Zone, value: TextValue, fonts: FontLibrary) -> Path:
    try:
        return fonts.path(text_font_id(zone, value))
    except AppError as exc:
        raise _fail(zone, [f"{zone.label}: {exc.message}"]) from None


def zone_text_layout(zone: Zone, value: TextValue, fonts: FontLibrary) -> TextLayout:
    """The checked text of ``value`` laid out in the zone; ConfigurationError with the customer's
    messages when it cannot be made."""
    text = clean_text(value.text)
    cleaned = value.model_copy(update={"text": text})
    problems = [e.message for e in zone_text_problems(zone, cleaned)]
    font_path = _font_path(zone, value, fonts)
    settings = zone_text_settings(zone)
    allowed = "".join(ch for ch in text if charset_allows(zone.limits.charset, ch))
    problems += [f"{zone.label}: {m}" for m in text_problems(allowed, font_path)]
    if settings.layout == "monogram" and len([c for c in text if not c.isspace()]) > 3:
        problems.append(f"{zone.label}: a monogram has at most three letters")
    if problems:
        raise _fail(zone, problems)
    p = zone.projector
    return layout_text(text, font_path, settings, p.width_mm, p.height_mm, align=value.align)


def _text_key(zone: Zone, value: TextValue, fonts: FontLibrary, px_per_mm: float) -> str:
    font_path = _font_path(zone, value, fonts)
    return json.dumps([
        "text", clean_text(value.text), str(font_path), text_colour(zone, value), value.align,
        zone_text_settings(zone).model_dump(mode="json"), zone.projector.width_mm,
        zone.projector.height_mm, zone.limits.model_dump(mode="json"), px_per_mm,
    ])


def _image_key(zone: Zone, value: ImageValue, px_per_mm: float) -> str:
    # the id is the hash of the stored picture: equal ids, equal pixels
    return json.dumps(["image", value.image, value.fit, zone.projector.width_mm,
                       zone.projector.height_mm, px_per_mm])


class _Recent(OrderedDict):
    def remember(self, key, value, size: int = _CACHE_SIZE):
        self[key] = value
        self.move_to_end(key)
        while len(self) > size:
            self.popitem(last=False)
        return value


_artworks: _Recent = _Recent()


def _store(pictures: PictureStore | None) -> PictureStore:
    return pictures if pictures is not None else PictureStore.default()


def _picture(zone: Zone, value: ImageValue, pictures: PictureStore) -> Upload:
    return pictures.upload(value.image, field=f"personalization.{zone.id}")


def _ink_rgba(coverage: np.ndarray, colour: str) -> np.ndarray:
    """(H, W, 4) uint8: ``colour`` everywhere, ``coverage`` as alpha (one packed pass)."""
    r, g, b = int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
    packed = (coverage.astype("<u4") << 24) | np.uint32(r | g << 8 | b << 16)
    return packed.view(np.uint8).reshape(*coverage.shape, 4)


def zone_artwork(zone: Zone, value: TextValue | ImageValue, fonts: FontLibrary, *,
                 px_per_mm: float = 8.0, pictures: PictureStore | None = None) -> Artwork:
    """The artwork of ``value`` in ``zone`` at ``px_per_mm``, the image covering exactly the
    zone. ConfigurationError with the customer's message for text or a picture that cannot be
    made; pictures come from ``pictures`` (None: the user's picture store) and nowhere else."""
    if value.kind != zone.kind:
        raise _fail(zone, [f"{zone.label} takes {'an image' if zone.kind == 'image' else 'text'}"])
    if isinstance(value, TextValue):
        raw_key = _text_key(zone, value, fonts, px_per_mm)
    else:
        pictures = _store(pictures)
        pictures.path(value.image, field=f"personalization.{zone.id}")  # in this store
        raw_key = _image_key(zone, value, px_per_mm)
    key = hashlib.sha256(raw_key.encode("utf-8")).hexdigest()[:32]
    found = _artworks.get(key)
    if found is not None:
        _artworks.move_to_end(key)
        return found
    p = zone.projector
    if isinstance(value, TextValue):
        layout = zone_text_layout(zone, value, fonts)
        coverage = rasterise_coverage(layout, px_per_mm)
        rgba = _ink_rgba(coverage, text_colour(zone, value))
        warnings = list(layout.warnings)
    else:
        placement = place_image(_picture(zone, value, pictures), p.width_mm, p.height_mm,
                                value.fit, px_per_mm)
        rgba, warnings = placement.rgba, list(placement.warnings)
    rgba.setflags(write=False)
    return _artworks.remember(key, Artwork(rgba, p.width_mm, p.height_mm, key, warnings))


def write_print_artwork(zone: Zone, value: TextValue | ImageValue, fonts: FontLibrary,
                        folder: Path, pictures: PictureStore | None = None) -> list[Path]:
    """Print-ready files for the order package, named by zone: ``<zone>.svg`` (vector text at
    physical size) for text zones, and ``<zone>.png`` at 300 pixels per inch for every zone."""
    folder = Path(folder)
    written = []
    if isinstance(value, TextValue):
        layout = zone_text_layout(zone, value, fonts)
        svg = layout_svg(layout, text_colour(zone, value), title=f"{zone.label} ({zone.id})")
        written.append(write_svg(folder / f"{zone.id}.svg", svg))
    artwork = zone_artwork(zone, value, fonts, px_per_mm=PRINT_PPI / 25.4, pictures=pictures)
    written.append(write_png(folder / f"{zone.id}.png", artwork.rgba, PRINT_PPI))
    return written
