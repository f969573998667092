"""zone_artwork for 1..40 characters of text on the mug's wrap_text zone: milliseconds per call.

Each call types one more character (so the artwork cache never answers); "repeat" is the same
value again (a cache hit). Fonts are loaded before timing; "first" is one cold call per font.

    .venv/bin/python bench/text_artwork.py [--out bench/results/text_artwork.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"  # the built-in project folder
LENGTHS = [1, 5, 10, 20, 30, 40]
FONTS = ["sans", "serif", "script", "monogram"]
SAMPLE = "Happy birthday Grandpa Joe, with love xx"
ROUNDS = 15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/text_artwork.json")
    parser.add_argument("--px-per-mm", type=float, default=8.0)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from app.domain.configuration import TextValue
    from app.personalize.artwork import zone_artwork
    from app.personalize.fonts import FontLibrary
    from app.project import open_project

    zone = open_project(PROJECT).catalog.product("mug").zone("wrap_text")
    zone = zone.model_copy(update={"limits": zone.limits.model_copy(
        update={"max_chars": 40, "charset": None})})
    fonts = FontLibrary()
    rows = []
    for font in FONTS:
        start = time.perf_counter()
        zone_artwork(zone, TextValue(text="Hg", font=font), fonts, px_per_mm=args.px_per_mm)
        first_ms = (time.perf_counter() - start) * 1000
        for n in LENGTHS:
            times = []
            for r in range(ROUNDS):
                text = (SAMPLE * 2)[r: r + n]
                value = TextValue(text=text, font=font)
                start = time.perf_counter()
                art = zone_artwork(zone, value, fonts, px_per_mm=args.px_per_mm)
                times.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            zone_artwork(zone, value, fonts, px_per_mm=args.px_per_mm)
            repeat_ms = (time.perf_counter() - start) * 1000
            rows.append({"font": font, "chars": n, "median_ms": statistics.median(times),
                         "max_ms": max(times), "repeat_ms": repeat_ms, "first_ms": first_ms,
                         "pixels": list(art.rgba.shape[:2])})
    print(f"zone {zone.projector.width_mm:g} x {zone.projector.height_mm:g} mm at "
          f"{args.px_per_mm:g} px/mm")
    print(f"{'font':<9} {'chars':>5} {'median ms':>10} {'max ms':>8} {'repeat ms':>10} "
          f"{'first ms':>9}")
    for row in rows:
        print(f"{row['font']:<9} {row['chars']:>5} {row['median_ms']:>10.2f} "
              f"{row['max_ms']:>8.2f} {row['repeat_ms']:>10.3f} {row['first_ms']:>9.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "text_artwork", "px_per_mm": args.px_per_mm, "rounds": ROUNDS,
        "machine": platform.platform(), "python": platform.python_version(), "rows": rows,
    }, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
