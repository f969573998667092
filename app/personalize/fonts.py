"""The fonts a customer can choose: built-in faces, plus brand fonts.

Built-in ids map to font files: the OFL faces shipped in ``app/personalize/fonts/`` (so text looks
the same on every machine), then faces of the system's font packages (fonts-liberation2,
fonts-dejavu, fonts-urw-base35, fonts-dancingscript). Each id lists candidates in order of
preference and takes the first that exists; ``packaged/NAME`` is a shipped file, anything else is
relative to the system's font folder. Brand fonts are the ``*.ttf`` / ``*.otf`` files in
``extra_dirs``, with the file stem as id; a brand font may replace a built-in id.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.errors import AppError

FONT_ROOT = Path("/usr/share/fonts")
PACKAGED_FONTS = Path(__file__).resolve().parent / "fonts"
PACKAGED = "packaged/"

BUILTIN_CANDIDATES: dict[str, tuple[str, ...]] = {
    "sans": (
        "packaged/LiberationSans-Regular.ttf",
        "truetype/liberation2/LiberationSans-Regular.ttf",
        "truetype/dejavu/DejaVuSans.ttf",
        "opentype/urw-base35/NimbusSans-Regular.otf",
    ),
    "serif": (
        "packaged/LiberationSerif-Regular.ttf",
        "truetype/liberation2/LiberationSerif-Regular.ttf",
        "truetype/dejavu/DejaVuSerif.ttf",
        "opentype/urw-base35/NimbusRoman-Regular.otf",
    ),
    "script": (
        "packaged/DancingScript-Regular.otf",
        "opentype/dancingscript/DancingScript-Regular.otf",
        "truetype/dancingscript/DancingScript-Regular.ttf",
        "opentype/urw-base35/Z003-MediumItalic.otf",
    ),
    "monogram": (
        "opentype/urw-base35/C059-Roman.otf",
        "opentype/urw-base35/P052-Roman.otf",
        "packaged/LiberationSerif-Regular.ttf",
    ),
}

FONT_SUFFIXES = (".ttf", ".otf")


class FontLibrary:
    """Font id -> font file; ``FontLibrary()`` knows the built-in ids only."""

    def __init__(self, extra_dirs: Sequence[Path] = (), *, font_root: Path = FONT_ROOT,
                 packaged_dir: Path = PACKAGED_FONTS):
        self._paths: dict[str, Path] = {}
        self._missing: dict[str, tuple[Path, ...]] = {}
        for font_id, candidates in BUILTIN_CANDIDATES.items():
            paths = tuple(packaged_dir / c.removeprefix(PACKAGED) if c.startswith(PACKAGED)
                          else font_root / c for c in candidates)
            found = next((path for path in paths if path.is_file()), None)
            if found is None:
                self._missing[font_id] = paths
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
            tried = ", ".join(str(path) for path in self._missing[font_id])
            raise AppError(f"font '{font_id}' is not installed (looked for {tried})",
                           field="font")
        raise AppError(f"unknown font '{font_id}' (known: {', '.join(self.ids())})", field="font")
