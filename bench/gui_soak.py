"""Soak run of both windows: random sequences of real actions (tests/ui/gui_model.py) on the
desktop window and the kiosk under Xvfb, every invariant checked after each step.

    xvfb-run -a -s "-screen 0 3840x2160x24" .venv/bin/python bench/gui_soak.py \
        [--steps 2000] [--seed 1] [--window desktop|kiosk|both] [--size WxH]
        [--out bench/results/gui_soak.json]

Prints the step and the invariant that broke and exits 1 when one breaks. The last line reports
the memory growth between the end of the warm-up (a tenth of the steps, which fills the bounded
caches a fresh window fills in its first hour) and the end of the run. With ``--size`` the
windows keep that size (resizes go to it), so the growth is not the frame buffers of other
sizes.
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.catalog.kiosk_config import load_kiosk_config  # noqa: E402
from app.project import open_project  # noqa: E402
from app.session.autosave import Autosave  # noqa: E402
from app.ui.kiosk.error_log import ErrorJournal, open_kiosk_log  # noqa: E402
from app.ui.kiosk.kiosk_window import KioskWindow  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.process_memory import resident_memory_mb  # noqa: E402
from tests.sample_project import write_project  # noqa: E402
from tests.ui.conftest import ScriptedPrompts  # noqa: E402
from tests.ui.gui_model import DesktopModel, InvariantBroken, KioskModel  # noqa: E402


class SoakClock:
    """Real time plus the idle time the run makes pass."""

    def __init__(self):
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skipped

    def advance(self, seconds: float) -> None:
        self.skipped += seconds


def desktop(folder: Path, rng: random.Random, sizes=None) -> tuple[object, DesktopModel]:
    root = write_project(folder / "project")
    window = MainWindow(open_project(root), QSettings(str(folder / "settings.ini"),
                                                      QSettings.Format.IniFormat),
                        autosave=Autosave(folder / "autosave"), prompts=ScriptedPrompts(),
                        background_thumbnails=False)
    window.resize(*(sizes or [(1280, 800)])[0])
    window.show()
    window.start()
    return window, DesktopModel(window, folder / "designs", rng, sizes=sizes)


def kiosk(folder: Path, rng: random.Random, sizes=None) -> tuple[object, KioskModel]:
    project = open_project(REPO / "app/builtin")  # the kiosk file names the built-in products
    config = load_kiosk_config(REPO / "app/builtin/configs/kiosk.yaml",
                               set(project.catalog.products), REPO / "app/builtin")
    journal = ErrorJournal()
    open_kiosk_log(folder / "logs", 1_000_000, 3, journal)
    clock = SoakClock()
    window = KioskWindow(project, config, clock=clock, journal=journal,
                         log_file=folder / "logs" / "kiosk.log")
    window.resize(*(sizes or [(1280, 800)])[0])
    window.show()
    window.start()
    window.idle_timer.stop()  # the run makes idle time pass itself
    window.attract_turn.stop()
    return window, KioskModel(window, rng, clock.advance, sizes=sizes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--window", choices=["desktop", "kiosk", "both"], default="both")
    parser.add_argument("--size", default=None, metavar="WxH",
                        help="keep the windows at this size (default: resize among 1024x600 "
                             "to 3840x2160)")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/gui_soak.json")
    args = parser.parse_args()
    sizes = None
    if args.size:
        width, _, height = args.size.partition("x")
        sizes = [(int(width), int(height))]

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="gui-soak-"))
    rng = random.Random(args.seed)
    models = []
    if args.window in ("desktop", "both"):
        models.append(("desktop", *desktop(folder, rng, sizes)))
    if args.window in ("kiosk", "both"):
        models.append(("kiosk", *kiosk(folder, rng, sizes)))
    app.processEvents()
    warmup = max(1, args.steps // 10)
    baseline = None
    broken: InvariantBroken | None = None
    counts: dict[str, int] = {}
    started = time.perf_counter()
    for index in range(args.steps):
        if index == warmup:
            gc.collect()
            app.processEvents()
            baseline = resident_memory_mb()
        name, _window, model = models[index % len(models)]
        try:
            action = model.step()
        except InvariantBroken as error:
            broken = error
            print(f"{name} {error}", flush=True)
            break
        counts[f"{name}: {action}"] = counts.get(f"{name}: {action}", 0) + 1
        if index % 200 == 199:
            print(f"  {index + 1} steps, {resident_memory_mb():.0f} MB", flush=True)
    seconds = time.perf_counter() - started
    gc.collect()
    app.processEvents()
    final = resident_memory_mb()
    growth = final - (baseline if baseline is not None else final)
    for name, window, _model in models:
        if name == "kiosk":
            window.exit_allowed = True
        else:
            window.prompts.unsaved_answer = "discard"
        window.close()
    result = {
        "steps": args.steps, "seed": args.seed, "window": args.window, "size": args.size,
        "seconds": round(seconds, 1), "actions": counts,
        "broken": str(broken) if broken else None,
        "rss_after_warmup_mb": round(baseline or final, 1), "rss_end_mb": round(final, 1),
        "growth_mb": round(growth, 1), "python": platform.python_version(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'action':32} {'count':>6}")
    for action, count in sorted(counts.items()):
        print(f"{action:32} {count:>6}")
    print(f"wrote {args.out}")
    print(f"{'BROKEN' if broken else 'held'}: {sum(counts.values())} steps in {seconds:.0f} s, "
          f"memory {baseline or final:.0f} MB -> {final:.0f} MB ({growth:+.1f} MB)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
