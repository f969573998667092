"""What the live view's modules import when the app starts: pyplot only when it is used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_live_view_starts_without_pyplot_and_pyplot_works_when_asked():
    out = run(
        "import sys\n"
        "import app.viewport.scene_view, pyvista.plotting\n"
        "print('matplotlib.figure' in sys.modules, 'matplotlib.axes' in sys.modules)\n"
        "import matplotlib.pyplot as plt\n"
        "figure, axes = plt.subplots()\n"
        "print(type(figure).__name__, sys.modules['matplotlib.pyplot'].__name__)\n"
        "from pyvista.plotting.colors import get_cycler\n"
        "print(len(get_cycler('matplotlib').by_key()['color']))\n"
    )
    assert out.splitlines() == ["False False", "Figure matplotlib.pyplot", "10"]


def test_a_pyplot_imported_first_is_left_alone():
    out = run(
        "import matplotlib.pyplot as plt\n"
        "import app.viewport, sys\n"
        "print(sys.modules['matplotlib.pyplot'] is plt, type(plt).__name__)\n"
    )
    assert out == "True module"
