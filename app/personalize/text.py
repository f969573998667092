"""Customer text: cleaning, checks a customer understands, layout in millimetres, rasterisation.

Size convention: ``ZoneText.size_mm`` is the cap height, the height of a capital letter such as
'H', measured on the product. Layout works in millimetres with the origin at the zone's top-left
corner and y pointing down; each placed glyph has its baseline origin and a clockwise angle.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.domain.product import ZoneText
from app.personalize.font_face import font_face

MONOGRAM_MIDDLE_SCALE = 1.5
MONOGRAM_GAP_EM = 0.08

_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\t": " "}


def clean_text(text: str) -> str:
    """NFC-normalised text without control characters (newline kept) or zero-width characters.

    Carriage returns and Unicode line/paragraph separators become newlines, tabs become spaces.
    """
    for old, new in _LINE_BREAKS.items():
        text = text.replace(old, new)
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch for ch in text
        if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
            or cp in (0xFE0E, 0xFE0F, 0x20E3))


def _is_right_to_left(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def _is_combining_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


def _shown(chars: list[str]) -> str:
    return ", ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in chars)


def text_problems(text: str, font_path: Path) -> list[str]:
    """What keeps ``text`` (already cleaned) from being set in the font, in a customer's words.

    Emoji, right-to-left scripts (Hebrew, Arabic) and combining marks left over after NFC are
    refused; any other character the font has no glyph for is named.
    """
    face = font_face(font_path)
    chars = sorted(set(text) - {"\n"}, key=text.index)
    out = []
    emoji = [ch for ch in chars if _is_emoji(ch)]
    if emoji:
        out.append(f"emoji and pictographs cannot be made: {_shown(emoji)}")
    rtl = [ch for ch in chars if _is_right_to_left(ch)]
    if rtl:
        out.append("right-to-left writing (Hebrew, Arabic) is not offered yet: " + _shown(rtl))
    marks = [ch for ch in chars if _is_combining_mark(ch)]
    if marks:
        out.append("these accents cannot be placed on the letter before them; type the accented "
                   f"letter itself if there is one: {_shown(marks)}")
    refused = set(emoji) | set(rtl) | set(marks)
    missing = [ch for ch in chars if ch not in refused and not face.has(ch)]
    if missing:
        out.append(f"the font {face.family} has no {_shown(missing)}; choose another font or "
                   "leave these characters out")
    return out


@dataclass(frozen=True)
class PlacedGlyph:
    char: str
    x_mm: float  # baseline origin, from the zone's left edge
    y_mm: float  # baseline, from the zone's top edge, y down
    em_mm: float  # font size (em) in millimetres
    angle_deg: float = 0.0  # clockwise, about the origin


@dataclass(frozen=True)
class TextLayout:
    font_path: Path
    width_mm: float
    height_mm: float
    glyphs: tuple[PlacedGlyph, ...]
    scale: float = 1.0  # < 1 when the text was made smaller to fit the zone
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Run:
    glyphs: list[PlacedGlyph]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in mm, y down


def layout_text(text: str, font_path: Path, settings: ZoneText, width_mm: float,
                height_mm: float, *, align: str | None = None) -> TextLayout:
    """Place the glyphs of ``text`` in a ``width_mm`` x ``height_mm`` zone.

    Text that does not fit at ``settings.size_mm`` is made smaller (uniformly) to fit, with a
    warning. ``align`` overrides ``settings.align``.
    """
    align = align or settings.align
    face = font_face(font_path)
    em = settings.size_mm / face.cap_height

    def arrange(scale: float) -> _Run:
        if settings.layout == "monogram":
            return _monogram(text, face, em * scale, settings.letter_spacing_mm * scale)
        if settings.layout == "arc":
            assert settings.arc_radius_mm is not None
            return _arc(text, face, em * scale, settings.letter_spacing_mm * scale,
                        settings.arc_radius_mm)
        return _lines(text, face, em * scale, settings.letter_spacing_mm * scale,
                      settings.line_spacing, align)

    run = arrange(1.0)
    scale = 1.0
    x0, y0, x1, y1 = run.box
    if x1 - x0 > width_mm or y1 - y0 > height_mm:
        scale = min(width_mm / max(x1 - x0, 1e-9), height_mm / max(y1 - y0, 1e-9)) * 0.999
        run = arrange(scale)
    warnings = []
    if scale < 1.0:
        warnings.append(f"the text is made smaller to fit: {settings.size_mm * scale:.1f} mm "
                        f"high letters instead of {settings.size_mm:g} mm")
    x0, y0, x1, y1 = run.box
    if settings.layout == "lines":
        dx = {"left": 0.0, "center": width_mm / 2, "right": width_mm}[align]
    else:
        dx = {"left": -x0, "center": (width_mm - x0 - x1) / 2, "right": width_mm - x1}[align]
    dy = (height_mm - y0 - y1) / 2
    glyphs = tuple(PlacedGlyph(g.char, g.x_mm + dx, g.y_mm + dy, g.em_mm, g.angle_deg)
                   for g in run.glyphs)
    return TextLayout(font_path, width_mm, height_mm, glyphs, scale, warnings)


def _line_width(line: str, face, em: float, spacing: float) -> float:
    return sum(face.advance(ch) for ch in line) * em + spacing * max(len(line) - 1, 0)


def _lines(text: str, face, em: float, spacing: float, line_spacing: float,
           align: str) -> _Run:
    """Lines placed relative to x = the alignment point, first baseline at y = 0."""
    glyphs = []
    widest = 0.0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        w = _line_width(line, face, em, spacing)
        widest = max(widest, w)
        x = {"left": 0.0, "center": -w / 2, "right": -w}[align]
        y = i * line_spacing * em
        for ch in line:
            glyphs.append(PlacedGlyph(ch, x, y, em))
            x += face.advance(ch) * em + spacing
    bottom = (len(lines) - 1) * line_spacing * em + face.descender * em
    return _Run(glyphs, (0.0, -face.cap_height * em, widest, bottom))


def _monogram(text: str, face, em: float, spacing: float) -> _Run:
    """Up to three letters side by side, the middle of three larger, centred on one midline."""
    letters = [ch for ch in text if not ch.isspace()]
    sizes = [em] * len(letters)
    if len(letters) in (1, 3):
        sizes[len(letters) // 2] = em * MONOGRAM_MIDDLE_SCALE
    gap = spacing + MONOGRAM_GAP_EM * em
    glyphs, x = [], 0.0
    for ch, size in zip(letters, sizes, strict=True):
        glyphs.append(PlacedGlyph(ch, x, face.cap_height * size / 2, size))
        x += face.advance(ch) * size + gap
    half = face.cap_height * max(sizes, default=em) / 2
    return _Run(glyphs, (0.0, -half, max(x - gap, 0.0), half))


def _arc(text: str, face, em: float, spacing: float, radius: float) -> _Run:
    """One line along a circle through (0, 0); radius > 0 bends the ends down, < 0 up."""
    line = text.replace("\n", " ")
    total = _line_width(line, face, em, spacing)
    glyphs, s = [], -total / 2
    xs, ys = [0.0], [0.0]
    top, bottom = face.cap_height * em, face.descender * em
    for ch in line:
        adv = face.advance(ch) * em
        theta = (s + adv / 2) / radius
        cos, sin = np.cos(theta), np.sin(theta)
        px, py = radius * sin, radius * (1 - cos)
        ox, oy = px - adv / 2 * cos, py - adv / 2 * sin
        glyphs.append(PlacedGlyph(ch, float(ox), float(oy), em, float(np.degrees(theta))))
        for u, v in ((0, -top), (adv, -top), (0, bottom), (adv, bottom)):
            xs.append(float(ox + u * cos - v * sin))
            ys.append(float(oy + u * sin + v * cos))
        s += adv + spacing
    if not glyphs:
        return _Run([], (0.0, -top, 0.0, bottom))
    return _Run(glyphs, (min(xs), min(ys), max(xs), max(ys)))


MIN_GLYPH_PX = 1.0


@lru_cache(maxsize=64)
def _pillow_font(path: str, size_px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size=size_px, layout_engine=ImageFont.Layout.BASIC)


def rasterise_coverage(layout: TextLayout, px_per_mm: float) -> np.ndarray:
    """Ink coverage (H, W) uint8 of the laid-out text, the image covering exactly the zone."""
    w = max(1, round(layout.width_mm * px_per_mm))
    h = max(1, round(layout.height_mm * px_per_mm))
    canvas = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(canvas)
    path = str(layout.font_path)
    for g in layout.glyphs:
        if g.char.isspace():
            continue
        size_px = round(g.em_mm * px_per_mm * 64) / 64
        if size_px < MIN_GLYPH_PX:
            continue  # smaller than a pixel: no ink to draw (and FreeType refuses the size)
        font = _pillow_font(path, size_px)
        x, y = g.x_mm * px_per_mm, g.y_mm * px_per_mm
        if abs(g.angle_deg) < 1e-6:
            draw.text((x, y), g.char, fill=255, font=font, anchor="ls")
        else:
            _paste_rotated(canvas, g, font, x, y)
    return np.asarray(canvas)


def _paste_rotated(canvas: Image.Image, g: PlacedGlyph, font: ImageFont.FreeTypeFont,
                   x: float, y: float) -> None:
    left, top, right, bottom = font.getbbox(g.char, anchor="ls")
    reach = int(np.ceil(np.hypot(max(-left, right), max(-top, bottom)))) + 2
    ix, iy = int(np.floor(x)), int(np.floor(y))
    tile = Image.new("L", (2 * reach, 2 * reach), 0)
    ImageDraw.Draw(tile).text((reach + x - ix, reach + y - iy), g.char, fill=255, font=font,
                              anchor="ls")
    tile = tile.rotate(-g.angle_deg, resample=Image.Resampling.BICUBIC,
                       center=(reach + x - ix, reach + y - iy))
    box = (ix - reach, iy - reach)
    region = canvas.crop((box[0], box[1], box[0] + 2 * reach, box[1] + 2 * reach))
    merged = np.maximum(np.asarray(region), np.asarray(tile))
    canvas.paste(Image.fromarray(merged), box)
