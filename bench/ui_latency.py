"""Desktop window latency at 1280x720 (view size) on each product of the catalog.

click on a choice -> frame presented, a plain re-render, keystroke -> frame with the new text,
start -> first interactive frame, and memory growth over random changes. Run under a display:

    xvfb-run -a .venv/bin/python bench/ui_latency.py [--clicks 40] [--changes 5000]

prints a table and writes bench/results/ui_latency.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VIEW_SIZE = (1280, 720)


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=40)
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/ui_latency.json")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    start = time.perf_counter()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.project import open_project
    from app.ui.autosave import Autosave
    from app.ui.main_window import MainWindow

    app = QApplication([])
    folder = Path(tempfile.mkdtemp())
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(open_project(REPO), settings, autosave=Autosave(folder / "autosave"),
                        background_thumbnails=False, watch_files=False)
    window.show()
    window.view.plotter.setFixedSize(*VIEW_SIZE)
    app.processEvents()
    window.view.render()
    startup = time.perf_counter() - start
    rows = []
    rng = random.Random(1)
    for product_id in sorted(window.session.catalog.products):
        window.session.switch_product(product_id)
        app.processEvents()
        window.view.render()
        product = window.session.product
        clicks, renders, keys = [], [], []
        buttons = list(window.options.buttons.values())
        for _ in range(args.clicks):
            button = rng.choice(buttons)
            t = time.perf_counter()
            window.session.select(button.group_id, button.choice_id)
            window.view.render()  # the frame, presented (synchronous on this backend)
            clicks.append(time.perf_counter() - t)
            t = time.perf_counter()
            window.view.render()
            renders.append(time.perf_counter() - t)
        text_zones = [z.id for z in product.zones if z.kind == "text"]
        for i in range(args.clicks if text_zones else 0):
            field = window.options.zone_fields[text_zones[0]]
            t = time.perf_counter()
            field.type_text("Name " + "x" * (i % 10))
            window.options.flush()
            window.view.render()
            keys.append(time.perf_counter() - t)
        rows.append({"product": product_id,
                     "click_p50_ms": pct(clicks, 0.5), "click_p95_ms": pct(clicks, 0.95),
                     "render_p50_ms": pct(renders, 0.5), "render_p95_ms": pct(renders, 0.95),
                     "key_p50_ms": pct(keys, 0.5) if keys else None,
                     "key_p95_ms": pct(keys, 0.95) if keys else None})
    window.session.switch_product(sorted(window.session.catalog.products)[0])
    buttons = list(window.options.buttons.values())
    before = rss_mb()
    for i in range(args.changes):
        button = rng.choice(buttons)
        window.session.select(button.group_id, button.choice_id)
        if i % 100 == 0:
            window.view.render()
            app.processEvents()
    growth = rss_mb() - before
    window.close()
    print(f"start -> first interactive frame: {startup:.2f} s")
    print(f"{'product':<12}{'click p50':>10}{'p95':>8}{'render p50':>11}{'p95':>8}"
          f"{'key p50':>9}{'p95':>8}  (ms)")
    for r in rows:
        key = (f"{r['key_p50_ms']:>9.1f}{r['key_p95_ms']:>8.1f}" if r["key_p50_ms"] is not None
               else f"{'-':>9}{'-':>8}")
        print(f"{r['product']:<12}{r['click_p50_ms']:>10.1f}{r['click_p95_ms']:>8.1f}"
              f"{r['render_p50_ms']:>11.1f}{r['render_p95_ms']:>8.1f}{key}")
    print(f"memory growth after {args.changes} random changes: {growth:.1f} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"view_size": VIEW_SIZE, "startup_s": startup,
                                    "products": rows, "changes": args.changes,
                                    "memory_growth_mb": growth}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
