"""Desktop window latency at 1280x720 (view size) on each product of the catalog.

click on a choice -> frame presented, the same clicks' work without the frame (resolve, diff,
apply), a plain re-render, keystroke -> frame with the new text, start -> first interactive
frame, and memory growth over random changes (after 500 changes, each one drawn, that fill the
caches): the process size and, on glibc, the heap in use (what malloc keeps free for later is
not growth).
Run under a display:

    xvfb-run -a .venv/bin/python bench/ui_latency.py [--clicks 40] [--changes 5000]

prints a table and writes bench/results/ui_latency.json.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "app" / "builtin"  # the built-in project folder
VIEW_SIZE = (1280, 720)


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def heap_in_use_mb() -> float | None:
    """Bytes malloc has handed out and not had back (glibc), apart from what it keeps free."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
    except (OSError, AttributeError):
        return None
    info = libc.mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def pick(rng, buttons, session):
    """A choice button that changes something: not the current choice, and possible."""
    selected = session.configuration.selections
    candidates = [b for b in buttons if selected.get(b.group_id) != b.choice_id
                  and session.propose(b.group_id, b.choice_id).possible]
    return rng.choice(candidates or buttons)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=40)
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/ui_latency.json")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    start = time.perf_counter()
    from PySide6.QtCore import QEvent, QSettings
    from PySide6.QtWidgets import QApplication

    from app.project import open_project
    from app.session.autosave import Autosave
    from app.ui.main_window import MainWindow

    app = QApplication([])
    folder = Path(tempfile.mkdtemp())
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(open_project(PROJECT), settings, autosave=Autosave(folder / "autosave"),
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
        clicks, works, renders, keys = [], [], [], []
        buttons = list(window.options.buttons.values())
        for _ in range(args.clicks):
            button = pick(rng, buttons, window.session)
            t = time.perf_counter()
            window.session.select(button.group_id, button.choice_id)  # resolve, diff, apply,
            clicks.append(time.perf_counter() - t)                    # and the frame
            t = time.perf_counter()
            window.view.render()
            renders.append(time.perf_counter() - t)
        present = window.view.render
        window.view.render = lambda: None  # the same clicks without the frame: the work alone
        try:
            for _ in range(args.clicks):
                button = pick(rng, buttons, window.session)
                t = time.perf_counter()
                window.session.select(button.group_id, button.choice_id)
                works.append(time.perf_counter() - t)
        finally:
            window.view.render = present
        window.view.render()
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
                     "work_p50_ms": pct(works, 0.5), "work_p95_ms": pct(works, 0.95),
                     "render_p50_ms": pct(renders, 0.5), "render_p95_ms": pct(renders, 0.95),
                     "key_p50_ms": pct(keys, 0.5) if keys else None,
                     "key_p95_ms": pct(keys, 0.95) if keys else None})
    window.session.switch_product(sorted(window.session.catalog.products)[0])
    buttons = list(window.options.buttons.values())
    def random_changes(count: int, frame_every: int) -> None:
        present = window.view.render
        window.view.render = lambda: None  # a frame every 100 changes keeps the run short
        try:
            for i in range(count):
                button = pick(rng, buttons, window.session)
                window.session.select(button.group_id, button.choice_id)
                if i % 10 == 0:
                    # what the event loop does between two clicks, deferred deletes included
                    app.processEvents()
                    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                if i % frame_every == 0:
                    present()
        finally:
            window.view.render = present

    # caches, the undo stack and the renderer's state for each look fill up first
    random_changes(500, frame_every=1)
    gc.collect()
    before, heap_before = rss_mb(), heap_in_use_mb()
    trend = []  # growth after every 500 changes: a leak climbs, allocator noise does not
    for done in range(0, args.changes, 500):
        random_changes(min(500, args.changes - done), frame_every=100)
        gc.collect()
        trend.append(round(rss_mb() - before, 1))
    growth = trend[-1]
    heap_after = heap_in_use_mb()
    heap_growth = None if heap_before is None else round(heap_after - heap_before, 1)
    print(f"start -> first interactive frame: {startup:.2f} s")
    print(f"{'product':<12}{'click p50':>10}{'p95':>8}{'work p50':>9}{'p95':>8}"
          f"{'render p50':>11}{'p95':>8}{'key p50':>9}{'p95':>8}  (ms)")
    for r in rows:
        key = (f"{r['key_p50_ms']:>9.1f}{r['key_p95_ms']:>8.1f}" if r["key_p50_ms"] is not None
               else f"{'-':>9}{'-':>8}")
        print(f"{r['product']:<12}{r['click_p50_ms']:>10.1f}{r['click_p95_ms']:>8.1f}"
              f"{r['work_p50_ms']:>9.1f}{r['work_p95_ms']:>8.1f}"
              f"{r['render_p50_ms']:>11.1f}{r['render_p95_ms']:>8.1f}{key}")
    print(f"memory growth after {args.changes} random changes: {growth:.1f} MB "
          f"(every 500: {', '.join(f'{g:.1f}' for g in trend)}); "
          f"heap in use: {heap_growth} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"view_size": VIEW_SIZE, "startup_s": startup,
                                    "products": rows, "changes": args.changes,
                                    "memory_growth_mb": growth,
                                    "memory_growth_every_500_mb": trend,
                                    "heap_in_use_growth_mb": heap_growth}, indent=2) + "\n")
    sys.stdout.flush()
    # leave without Python's final garbage collection: tearing down the Qt and VTK objects in
    # arbitrary order at interpreter exit can crash after the results are written
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
