"""What a font file knows about itself, read once with fontTools: characters, advances, outlines.

fontTools is imported when a font is first read (the app's start draws no print file).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import AppError

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

FALLBACK_CAP_HEIGHT_EM = 0.7


class FontFace:
    """Metrics in em units (1.0 = the font size) and glyph outlines of one font file."""

    def __init__(self, path: Path):
        from fontTools.ttLib import TTFont, TTLibError

        self.path = path
        try:
            font = TTFont(str(path), lazy=True)
        except (OSError, TTLibError) as exc:
            raise AppError(f"not a usable TrueType/OpenType font ({exc})", file=str(path)) from None
        self._font = font
        self._glyphs = font.getGlyphSet()
        self.units_per_em = int(font["head"].unitsPerEm)
        self.cmap: dict[int, str] = dict(font.getBestCmap() or {})
        self.family = _family_name(font) or path.stem
        hhea = font["hhea"]
        self.ascender = hhea.ascent / self.units_per_em
        self.descender = -hhea.descent / self.units_per_em
        bounds = self.ink_bounds("H")
        self.cap_height = bounds[3] if bounds else _os2_cap_height(font, self.units_per_em)
        self._paths: dict[str, str] = {}

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def advance(self, ch: str) -> float:
        """Horizontal advance of ``ch`` in em; 0 for characters the font lacks."""
        name = self.cmap.get(ord(ch))
        if name is None:
            return 0.0
        return self._glyphs[name].width / self.units_per_em

    def ink_bounds(self, ch: str) -> tuple[float, float, float, float] | None:
        """(x_min, y_min, x_max, y_max) of the outline in em, y up; None when it has no ink."""
        name = self.cmap.get(ord(ch))
        if name is None:
            return None
        from fontTools.pens.boundsPen import BoundsPen

        pen = BoundsPen(self._glyphs)
        self._glyphs[name].draw(pen)
        if pen.bounds is None:
            return None
        u = self.units_per_em
        x0, y0, x1, y1 = pen.bounds
        return x0 / u, y0 / u, x1 / u, y1 / u

    def svg_path(self, ch: str) -> str:
        """SVG path data of the outline of ``ch`` in font units, y up; '' for no ink."""
        cached = self._paths.get(ch)
        if cached is None:
            name = self.cmap.get(ord(ch))
            if name is None:
                cached = ""
            else:
                from fontTools.pens.svgPathPen import SVGPathPen

                pen = SVGPathPen(self._glyphs)
                self._glyphs[name].draw(pen)
                cached = pen.getCommands()
            self._paths[ch] = cached
        return cached


def _family_name(font: TTFont) -> str | None:
    if "name" not in font:
        return None
    for name_id in (4, 1):
        record = font["name"].getDebugName(name_id)
        if record:
            return record
    return None


def _os2_cap_height(font: TTFont, units_per_em: int) -> float:
    os2 = font.get("OS/2")
    cap = getattr(os2, "sCapHeight", 0) if os2 is not None else 0
    return cap / units_per_em if cap else FALLBACK_CAP_HEIGHT_EM


@lru_cache(maxsize=32)
def font_face(path: Path) -> FontFace:
    """The FontFace of ``path``, read once per process."""
    return FontFace(Path(path))
