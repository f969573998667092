"""The fonts a customer can choose: built-in faces from installed packages, plus brand fonts.

Built-in ids map to font files that the set-up installs (Debian packages fonts-liberation2,
fonts-dejavu, fonts-urw-base35, fonts-dancingscript); each id lists candidates in order of
preference and takes the first that exists. Brand fonts are the ``*.ttf`` / ``*.otf`` files in
``extra_dirs``, with the file stem as id; a brand font may replace a built-in id.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.errors import AppError

FONT_ROOT = Path("/usr/share/fonts")

BUILTIN_CANDIDATES: dict[str, tuple[str, ...]] = {
    "sans": (
        "truetype/liberation2/LiberationSans-Regular.ttf",
        "truetype/dejavu/DejaVuSans.ttf",
        "opentype/urw-base35/NimbusSans-Regular.otf",
    ),
    "serif": (
        "truetype/liberation2/LiberationSerif-Regular.ttf",
        "truetype/dejavu/DejaVuSerif.ttf",
        "opentype/urw-base35/NimbusRoman-Regular.otf",
    ),
    "script": (
        "opentype/dancingscript/DancingScript-Regular.otf",
        "truetype/dancingscript/DancingScript-Regular.ttf",
        "opentype/urw-base35/Z003-MediumItalic.otf",
    ),
    "monogram": (
        "opentype/urw-base35/C059-Roman.otf",
        "opentype/urw-base35/P052-Roman.otf",
        "truetype/liberation2/LiberationSerif-Regular.ttf",
    ),
}

FONT_SUFFIXES = (".ttf", ".otf")


class FontLibrary:
    """Font id -> font file; ``FontLibrary()`` knows the built-in ids only."""

    def __init__(self, extra_dirs: Sequence[Path] = (), *, font_root: Path = FONT_ROOT):
        self._paths: dict[str, Path] = {}
        self._missing: dict[str, tuple[str, ...]] = {}
        for font_id, candidates in BUILTIN_CANDIDATES.items():
            found = next((font_root / c for c in candidates if (font_root / c).is_file()), None)
            if found is None:
                self._missing[font_id] = candidates
            else:
                self._paths[font_id] = found
        for folder in extra_dirs:
            folder = Path(folder)
            if not folder.is_dir():
                raise AppError("expected a folder of .ttf/.otf fonts", file=str(folder))
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
                    self._paths[path.stem] = path
                    self._missing.pop(path.stem, None)

    def ids(self) -> list[str]:
        """Every usable font id: built-in ones first, then brand fonts, each group sorted."""
        builtin = [i for i in BUILTIN_CANDIDATES if i in self._paths]
        return builtin + sorted(i for i in self._paths if i not in BUILTIN_CANDIDATES)

    def path(self, font_id: str) -> Path:
        """The font file for ``font_id``; AppError naming the known ids when there is none."""
        found = self._paths.get(font_id)
        if found is not None:
            return found
        if font_id in self._missing:
            tried = ", ".join(str(FONT_ROOT / c) for c in self._missing[font_id])
            raise AppError(f"font '{font_id}' is not installed (looked for {tried})",
                           field="font")
        raise AppError(f"unknown font '{font_id}' (known: {', '.join(self.ids())})", field="font")
