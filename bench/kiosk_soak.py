"""Soak run of the kiosk: thousands of random touches, drags, pinches, typed words and idle
resets on the kiosk window (under Xvfb), then the memory growth and the errors logged.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python bench/kiosk_soak.py \
        [--events 10000] [--warmup 3000] [--size 960x600] [--out bench/results/kiosk_soak.json]

Passes when no error is logged and the resident memory grows less than 20 MB between the end
of the warm-up and the end of the run (exit status 1 otherwise). The warm-up fills the bounded
caches (decal geometry, text artwork, textures, swatches) that a fresh kiosk fills in its first
hour; memory growth after it is what a kiosk running for days would see.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"  # the built-in project folder
sys.path.insert(0, str(REPO))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.catalog.kiosk_config import load_kiosk_config  # noqa: E402
from app.project import open_project  # noqa: E402
from app.ui.kiosk.error_log import ErrorJournal, open_kiosk_log  # noqa: E402
from app.ui.kiosk.health import peak_memory_mb, resident_memory_mb  # noqa: E402
from app.ui.kiosk.kiosk_window import KioskWindow  # noqa: E402
from app.ui.kiosk.soak import TouchFeed, random_event  # noqa: E402

LIMIT_MB = 20.0


class SoakClock:
    """Real time plus the idle time the run makes pass."""

    def __init__(self):
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skipped

    def advance(self, seconds: float) -> None:
        self.skipped += seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--size", default="960x600")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/kiosk_soak.json")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    app = QApplication.instance() or QApplication(sys.argv[:1])
    logs = Path(tempfile.mkdtemp(prefix="kiosk-soak-"))
    journal = ErrorJournal()
    open_kiosk_log(logs, 1_000_000, 3, journal)
    project = open_project(PROJECT)
    config = load_kiosk_config(PROJECT / "configs/kiosk.yaml", set(project.catalog.products),
                               PROJECT)
    clock = SoakClock()
    window = KioskWindow(project, config, clock=clock, journal=journal,
                         log_file=logs / "kiosk.log")
    window.resize(width, height)
    window.show()
    window.start()
    window.idle_timer.stop()  # the run drives idle time itself
    window.attract_turn.stop()
    app.processEvents()
    feed, rng = TouchFeed(), random.Random(args.seed)
    kinds: Counter[str] = Counter()
    started = time.perf_counter()
    baseline = None
    for index in range(args.warmup + args.events):
        if index == args.warmup:
            gc.collect()
            app.processEvents()
            baseline = resident_memory_mb()
            started = time.perf_counter()
        kinds[random_event(window, rng, feed, clock.advance)] += 1
        if index % 1000 == 999:
            print(f"  {index + 1} events, {resident_memory_mb():.0f} MB, "
                  f"{journal.count} errors", flush=True)
    seconds = time.perf_counter() - started
    gc.collect()
    app.processEvents()
    final = resident_memory_mb()
    growth = final - (baseline if baseline is not None else final)
    result = {
        "events": args.events, "warmup_events": args.warmup, "seed": args.seed,
        "window": [width, height], "seconds": round(seconds, 1),
        "events_per_second": round(args.events / seconds, 1) if seconds else None,
        "kinds": dict(kinds), "errors_logged": journal.count, "last_error": journal.last,
        "rss_after_warmup_mb": round(baseline or 0.0, 1), "rss_end_mb": round(final, 1),
        "growth_mb": round(growth, 1), "peak_rss_mb": round(peak_memory_mb(), 1),
        "limit_mb": LIMIT_MB, "passed": journal.count == 0 and growth < LIMIT_MB,
        "python": platform.python_version(), "machine": platform.machine(),
    }
    window.exit_allowed = True
    window.close()
    print(f"{'events':>8} {'seconds':>8} {'ev/s':>6} {'errors':>7} {'RSS start':>10} "
          f"{'RSS end':>8} {'growth':>7}")
    print(f"{args.events:>8} {seconds:>8.1f} {result['events_per_second']:>6} "
          f"{journal.count:>7} {result['rss_after_warmup_mb']:>9.1f}M "
          f"{final:>7.1f}M {growth:>6.1f}M   {'PASS' if result['passed'] else 'FAIL'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
