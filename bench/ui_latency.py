"""Desktop window latency at 1280x720 (view size) on each product of the catalog.

click on a choice -> frame presented, the same clicks' work without the frame (resolve, diff,
apply), a plain re-render, keystroke -> frame with the new text, start -> first interactive
frame, and memory growth over random changes (after 500 changes, each one drawn, that fill the
caches): the process size and, on glibc, the heap in use (what malloc keeps free for later is
not growth). Last, during a still export (File > Export still, 1600x1200 by default, drawn on
a worker thread): the longest time the window took to handle an input event (a key press
posted every 20 ms from another thread, counted from when it was due, so a worker holding the
interpreter lock shows), and the longest gap between ticks of a 10 ms timer.
Run under a display:

    xvfb-run -a .venv/bin/python bench/ui_latency.py [--clicks 40] [--changes 5000]
        [--export-size 1600x1200] [--export-only]

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
INPUT_EVERY_S = 0.02


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


def still_export_latency(app, window, folder: Path, size: tuple[int, int]) -> dict:
    """Export a still from the window and, while it runs, time how long posted key presses wait
    before the GUI thread handles them."""
    import threading
    from collections import deque

    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtGui import QKeyEvent

    from app.ui.export_dialog import StillRequest

    app.processEvents()  # a frame the view still owes is its own work, not the export's
    window.view.render()
    app.processEvents()
    out = folder / "export_latency.png"
    window.prompts.still_request = lambda _cameras, _suggested: StillRequest(path=out,
                                                                              size=size)
    period = INPUT_EVERY_S
    due: deque[float] = deque()
    waits: list[float] = []

    class Probe(QObject):
        def eventFilter(self, _obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_F24:
                waits.append(time.perf_counter() - due.popleft())
                return True
            return False

    gaps, last = [0.0], [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps[0] = max(gaps[0], now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    t0 = time.perf_counter()
    runner = window.exports.still()
    probe = Probe()
    runner.dialog.installEventFilter(probe)
    stop = threading.Event()

    def post_input() -> None:  # as the window system would: on time, whatever the GUI does
        start = time.perf_counter()
        k = 0
        while not stop.is_set():
            when = start + k * period
            time.sleep(max(0.0, when - time.perf_counter()))
            due.append(when)
            QCoreApplication.postEvent(runner.dialog, QKeyEvent(
                QEvent.Type.KeyPress, Qt.Key.Key_F24, Qt.KeyboardModifier.NoModifier))
            k += 1

    poster = threading.Thread(target=post_input, daemon=True)
    last[0] = time.perf_counter()
    timer.start()
    poster.start()
    loop = QEventLoop()  # the window's own event loop, as in the app
    for signal in (runner.finished, runner.failed, runner.cancelled):
        signal.connect(loop.quit)
    if not runner.done:
        loop.exec()
    seconds = time.perf_counter() - t0
    stop.set()
    poster.join()
    timer.stop()
    app.processEvents()
    runner.dialog.removeEventFilter(probe)
    return {"size": list(size), "seconds": round(seconds, 2), "written": out.is_file(),
            "input_events": len(waits), "input_max_ms": round(max(waits) * 1000, 1),
            "input_p95_ms": round(pct(waits, 0.95), 1),
            "timer_gap_max_ms": round(gaps[0] * 1000, 1)}


def print_export(export: dict) -> None:
    print(f"still export {export['size'][0]}x{export['size'][1]} ({export['seconds']:.1f} s, "
          f"on a worker thread): input handled within {export['input_max_ms']:.1f} ms at most "
          f"(p95 {export['input_p95_ms']:.1f}, {export['input_events']} key presses), longest "
          f"timer gap {export['timer_gap_max_ms']:.1f} ms (target < 100 ms)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=40)
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--export-size", type=lambda v: tuple(int(n) for n in v.split("x")),
                        default=(1600, 1200), metavar="WxH")
    parser.add_argument("--export-only", action="store_true",
                        help="only the still export's input latency (a short run)")
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
    if args.export_only:
        export = still_export_latency(app, window, folder, args.export_size)
        print_export(export)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"still_export": export}, indent=2) + "\n")
        sys.stdout.flush()
        os._exit(0)
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
    export = still_export_latency(app, window, folder, args.export_size)
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
    print_export(export)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"view_size": VIEW_SIZE, "startup_s": startup,
                                    "products": rows, "changes": args.changes,
                                    "memory_growth_mb": growth,
                                    "memory_growth_every_500_mb": trend,
                                    "heap_in_use_growth_mb": heap_growth,
                                    "still_export": export}, indent=2) + "\n")
    sys.stdout.flush()
    # leave without Python's final garbage collection: tearing down the Qt and VTK objects in
    # arbitrary order at interpreter exit can crash after the results are written
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
