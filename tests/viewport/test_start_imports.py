"""What the app imports when it starts: the live view's widget without pyvistaqt's plotting
module, PyVista or matplotlib (most of a second of imports for classes the app does not use),
or trimesh, and the names of pyvista and pyvistaqt still there for anyone who asks."""

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


def test_the_desktop_window_starts_without_plotting_modules():
    out = run(
        "import sys\n"
        "import app.ui.main_window, app.ui.kiosk.kiosk_window, app.project\n"
        "print(sorted(m for m in ('pyvista.core', 'pyvista.plotting', 'pyvistaqt.plotting',\n"
        "                         'matplotlib') if m in sys.modules))\n"
        "print(sys.modules['pyvistaqt.rwi'].QVTKRenderWindowInteractor.__name__)\n"
    )
    assert out.splitlines() == ["[]", "QVTKRenderWindowInteractor"]


def test_the_desktop_window_starts_without_the_mesh_loaders():
    # a start from the model cache draws without trimesh (half a second of imports): the live
    # view's modules take what they need of app.assets without it
    out = run(
        "import sys\n"
        "import app.ui.main_window, app.ui.kiosk.kiosk_window, app.project\n"
        "print('trimesh' in sys.modules)\n"
    )
    assert out == "False"


def test_pyvistaqt_answers_for_its_names_after_the_view_is_imported():
    out = run(
        "import app.ui.view3d\n"
        "from pyvistaqt import QtInteractor, BackgroundPlotter\n"
        "import pyvistaqt, pyvistaqt.rwi\n"
        "print(QtInteractor.__mro__[1] is pyvistaqt.rwi.QVTKRenderWindowInteractor,\n"
        "      isinstance(pyvistaqt.__version__, str))\n"
        "widget = pyvistaqt.rwi.QVTKRenderWindowInteractor\n"
        "print(app.ui.view3d.FrameInteractor.__mro__[1] is widget)\n"
    )
    assert out.splitlines() == ["True True", "True"]


def test_a_pyvistaqt_imported_first_is_left_alone():
    out = run(
        "import pyvistaqt, sys\n"
        "import app.ui.view3d\n"
        "print(sys.modules['pyvistaqt'] is pyvistaqt, type(pyvistaqt).__name__)\n"
    )
    assert out == "True module"


def test_pyvista_answers_for_its_names_after_the_view_is_imported():
    out = run(
        "import app.ui.view3d, sys\n"
        "print('pyvista.core' in sys.modules)\n"
        "import pyvista as pv\n"
        "print(pv.Sphere().n_points > 0, pv.PolyData.__name__, pv.Plotter.__name__)\n"
        "from pyvista import _vtk\n"
        "print(_vtk.vtkPolyData.__name__)\n"
    )
    assert out.splitlines() == ["False", "True PolyData Plotter", "vtkPolyData"]
