"""Desktop window and kiosk latency at 1280x720 (view size) on each product of the catalog.

click on a choice -> frame presented, the same clicks' work without the frame (resolve, diff,
apply), a plain re-render, keystroke -> frame with the new text (a key event sent to the text
field, or in the kiosk a press of its on-screen keyboard, timed until the view presents the
frame that shows it, whatever the window waits for in between), start -> first interactive
frame with its stages, the two frames a view at rest draws to reflect its parts in one another
(the copy, and the frame that reflects it), and memory growth over random changes (after 500
changes, each one drawn, that fill the caches): the process size and, on glibc, the heap in use
(what malloc keeps free for later is not growth). Last, during a still export (File > Export still,
1600x1200 by default, drawn on a worker thread): the longest time the window took to handle an
input event (a key press posted every 20 ms from another thread, counted from when it was due,
so a worker holding the interpreter lock shows), and the longest gap between ticks of a 10 ms
timer.
Run under a display:

    xvfb-run -a -s '-screen 0 1920x1080x24' .venv/bin/python bench/ui_latency.py
        [--clicks 40] [--keys 100] [--changes 5000] [--export-size 1600x1200] [--export-only]
        [--latency-only]

prints a table and writes bench/results/ui_latency.json (a short run updates the figures it
measured and keeps the others).
"""

from __future__ import annotations

import argparse
import contextlib
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


def until_frame(app, view, action) -> float:
    """Seconds from ``action()`` to the next frame ``view`` presents, the event loop running
    (timers that hold the work back count)."""
    from PySide6.QtCore import QEventLoop

    frames: list[float] = []

    def framed() -> None:
        frames.append(time.perf_counter())

    view.frame_rendered.connect(framed)
    try:
        t = time.perf_counter()
        action()
        deadline = t + 60
        while not frames and time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if not frames:
            raise RuntimeError("no frame within 60 s")
        return frames[0] - t
    finally:
        view.frame_rendered.disconnect(framed)


def send_key(field, text: str) -> None:
    """A key press and release with ``text`` (backspace for "\\b"), as the window system would
    deliver them to the focused field."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    key = Qt.Key.Key_Backspace if text == "\b" else Qt.Key.Key_unknown
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(field, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                "" if text == "\b" else text))


def typing(i: int) -> str:
    """Five letters, then five backspaces: the text stays short of any zone's limit."""
    return "abcde"[i % 5] if i % 10 < 5 else "\b"


def plain_frames(view, count: int) -> list[float]:
    out = []
    for _ in range(count):
        t = time.perf_counter()
        view.render()
        out.append(time.perf_counter() - t)
    return out


def rest_frames(view, count: int) -> float:
    """The median time the view takes, once at rest, to draw the frame it keeps as a copy and
    the one that reflects it (app.viewport.screen_reflections), after a turn of 1 degree."""
    out = []
    for _ in range(count):
        view.plotter.renderer.GetActiveCamera().Azimuth(1.0)
        view.render()  # on the move: the environment's reflections alone
        view.settle.stop()
        t = time.perf_counter()
        view.scene_view.screen.capture()
        view.render()
        view.render()
        out.append(time.perf_counter() - t)
    return pct(out, 0.5)


def kiosk_latency(app, folder: Path, clicks: int, key_count: int) -> list[dict]:
    """The kiosk at its configured products: click -> frame (a choice button), keystroke ->
    frame (its on-screen keyboard), plain frame (one after each click and key)."""
    from app.catalog.kiosk_config import load_kiosk_config
    from app.project import open_project
    from app.ui.kiosk.kiosk_window import KioskWindow

    project = open_project(PROJECT)
    config = load_kiosk_config(PROJECT / "configs/kiosk.yaml", set(project.catalog.products),
                               PROJECT)
    window = KioskWindow(project, config, log_file=folder / "kiosk.log")
    window.resize(1920, 1080)
    window.show()
    window.view.plotter.setFixedSize(*VIEW_SIZE)
    window.leave_attract()  # the idle clock is not started: no reset during the run
    app.processEvents()
    rows = []
    rng = random.Random(2)
    for product_id in window.product_ids:
        window.session.switch_product(product_id)
        app.processEvents()
        window.view.render()
        buttons = [b for b in window.options.buttons.values() if b.isVisible()]
        plain, taps = [], []  # a plain frame after each tap and key: the same load
        for _ in range(clicks):
            button = pick(rng, buttons, window.session)
            taps.append(until_frame(app, window.view, button.click))
            plain += plain_frames(window.view, 1)
        keys = []
        text_zones = [z for z, f in window.options.zone_fields.items()
                      if f.text is not None and f.isVisible()]
        if text_zones:
            field = window.options.zone_fields[text_zones[0]].text
            window._focus_changed(None, field)  # as a touch on the field does
            for i in range(key_count):
                key = typing(i)
                keys.append(until_frame(app, window.view, lambda k=key: window.keyboard.press(
                    "\u232b" if k == "\b" else k.upper())))
                plain += plain_frames(window.view, 1)
            window.keyboard.press("Done")
        rows.append(latency_row("kiosk", product_id, taps, plain, keys))
    window.exit_allowed = True
    window.close()
    return rows


def latency_row(window: str, product_id: str, clicks, renders, keys, works=None) -> dict:
    row = {"window": window, "product": product_id,
           "click_p50_ms": pct(clicks, 0.5), "click_p95_ms": pct(clicks, 0.95),
           "work_p50_ms": pct(works, 0.5) if works else None,
           "work_p95_ms": pct(works, 0.95) if works else None,
           "render_p50_ms": pct(renders, 0.5), "render_p95_ms": pct(renders, 0.95),
           "key_p50_ms": pct(keys, 0.5) if keys else None,
           "key_p95_ms": pct(keys, 0.95) if keys else None}
    row["key_over_render_p95_ms"] = (row["key_p95_ms"] - row["render_p95_ms"]
                                     if keys else None)
    return row


def print_latency(rows: list[dict]) -> None:
    def cell(value, width):
        return f"{value:>{width}.1f}" if value is not None else f"{'-':>{width}}"

    print(f"{'window':<8}{'product':<12}{'click p50':>10}{'p95':>8}{'work p50':>9}{'p95':>8}"
          f"{'render p50':>11}{'p95':>8}{'key p50':>9}{'p95':>8}{'key-render p95':>15}"
          f"{'at rest':>9}  (ms)")
    for r in rows:
        print(f"{r['window']:<8}{r['product']:<12}{cell(r['click_p50_ms'], 10)}"
              f"{cell(r['click_p95_ms'], 8)}{cell(r['work_p50_ms'], 9)}"
              f"{cell(r['work_p95_ms'], 8)}{cell(r['render_p50_ms'], 11)}"
              f"{cell(r['render_p95_ms'], 8)}{cell(r['key_p50_ms'], 9)}"
              f"{cell(r['key_p95_ms'], 8)}{cell(r['key_over_render_p95_ms'], 15)}"
              f"{cell(r.get('rest_ms'), 9)}")


def print_startup(startup: float, stages: dict) -> None:
    parts = ", ".join(f"{name} {seconds:.2f}" for name, seconds in stages.items())
    print(f"start -> first interactive frame: {startup:.2f} s ({parts})")


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


def write_results(out: Path, figures: dict) -> None:
    """Write ``figures`` into the results file, keeping what an earlier run measured that this
    one did not (a short run with --export-only, say, keeps the latency table)."""
    kept = {}
    if out.is_file():
        with contextlib.suppress(ValueError):
            kept = json.loads(out.read_text())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**(kept if isinstance(kept, dict) else {}), **figures},
                              indent=2) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=40)
    parser.add_argument("--keys", type=int, default=100,
                        help="keystrokes per product (a frame takes 100-250 ms here and varies "
                             "by a third, so a p95 needs many)")
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--export-size", type=lambda v: tuple(int(n) for n in v.split("x")),
                        default=(1600, 1200), metavar="WxH")
    parser.add_argument("--export-only", action="store_true",
                        help="only the still export's input latency (a short run)")
    parser.add_argument("--start-only", action="store_true",
                        help="only start -> first interactive frame, with its stages")
    parser.add_argument("--latency-only", action="store_true",
                        help="start, clicks, keys and frames of both windows; no memory run "
                             "and no export")
    parser.add_argument("--model-cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "ui_latency_models",
                        help="loaded models kept between runs, as the app keeps them (a first "
                             "run fills it; delete it for a cold start)")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/ui_latency.json")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    start = time.perf_counter()
    stages = {}

    def stage(name: str) -> None:
        stages[name] = round(time.perf_counter() - start - sum(stages.values()), 3)

    from PySide6.QtCore import QEvent, QSettings
    from PySide6.QtWidgets import QApplication

    from app.assets.model_cache import ModelDiskCache
    from app.project import open_project
    from app.session.autosave import Autosave
    from app.ui.main_window import MainWindow

    stage("imports")
    app = QApplication([])
    folder = Path(tempfile.mkdtemp())
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    project = open_project(PROJECT, model_cache=ModelDiskCache(args.model_cache))  # as the app
    stage("project (catalog)")
    window = MainWindow(project, settings, autosave=Autosave(folder / "autosave"),
                        background_thumbnails=False, watch_files=False)
    stage("window (first resolve)")
    window.view.plotter.setFixedSize(*VIEW_SIZE)
    window.show()
    while not getattr(window.view, "presented", True):  # until the first paint has drawn
        app.processEvents()
    app.processEvents()
    if not hasattr(window.view, "presented"):  # a window that does not say: one frame more
        window.view.render()
    stage("shown, first frame")
    startup = time.perf_counter() - start
    if args.start_only:
        print_startup(startup, stages)
        write_results(args.out, {"startup_s": startup, "startup_stages_s": stages})
        sys.stdout.flush()
        os._exit(0)
    if args.export_only:
        export = still_export_latency(app, window, folder, args.export_size)
        print_export(export)
        write_results(args.out, {"still_export": export})
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
        if text_zones:
            fields = window.options.zone_fields[text_zones[0]]
            fields.type_text("Name")
            window.options.flush()
            for i in range(args.keys):
                key = typing(i)
                keys.append(until_frame(app, window.view,
                                        lambda f=fields.text, k=key: send_key(f, k)))
                renders += plain_frames(window.view, 1)
        rows.append(latency_row("desktop", product_id, clicks, renders, keys, works))
        rows[-1]["rest_ms"] = rest_frames(window.view, 5)
    rows += kiosk_latency(app, folder, args.clicks, args.keys)
    if args.latency_only:
        print_startup(startup, stages)
        print_latency(rows)
        write_results(args.out, {"view_size": VIEW_SIZE, "startup_s": startup,
                                 "startup_stages_s": stages, "products": rows})
        sys.stdout.flush()
        os._exit(0)
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
    print_startup(startup, stages)
    print_latency(rows)
    print(f"memory growth after {args.changes} random changes: {growth:.1f} MB "
          f"(every 500: {', '.join(f'{g:.1f}' for g in trend)}); "
          f"heap in use: {heap_growth} MB")
    print_export(export)
    write_results(args.out, {"view_size": VIEW_SIZE, "startup_s": startup,
                             "startup_stages_s": stages, "products": rows,
                             "changes": args.changes,
                             "memory_growth_mb": growth,
                             "memory_growth_every_500_mb": trend,
                             "heap_in_use_growth_mb": heap_growth,
                             "still_export": export})
    sys.stdout.flush()
    # leave without Python's final garbage collection: tearing down the Qt and VTK objects in
    # arbitrary order at interpreter exit can crash after the results are written
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
