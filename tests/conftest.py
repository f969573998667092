import os
import sys
import tempfile
from pathlib import Path

import pytest

# the user's own folders (log, data) are a throw-away folder for the whole run, never the
# tester's home
_USER_HOME = Path(tempfile.mkdtemp(prefix="showcraft-test-home-"))
os.environ["XDG_STATE_HOME"] = str(_USER_HOME / "state")
os.environ["XDG_DATA_HOME"] = str(_USER_HOME / "data")
# the store's database is always one a test makes, never the tester's own
os.environ.pop("APP_DATABASE_URL", None)

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILTIN_ROOT = REPO_ROOT / "app" / "builtin"  # the built-in project folder: configs/, assets/
EXTERNAL_DIR = REPO_ROOT.parent / "shared" / "testdata" / "external"


@pytest.fixture(autouse=True)
def no_gl_context_left_current():
    """Each test starts with no Qt GL context current on its thread (an earlier test's window
    leaves one), so that drawing off-screen there (EGL) draws in the window's own context:
    libglvnd does not make an EGL context current over a current GLX one, and the frames would
    go into Qt's, mixed with whatever it holds."""
    gui = sys.modules.get("PySide6.QtGui")  # never imported for this
    context = gui.QOpenGLContext.currentContext() if gui is not None else None
    if context is not None:
        context.doneCurrent()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def builtin_root() -> Path:
    return BUILTIN_ROOT


@pytest.fixture(scope="session")
def external_dir() -> Path:
    assert EXTERNAL_DIR.is_dir(), f"external test assets not found at {EXTERNAL_DIR}"
    return EXTERNAL_DIR


@pytest.fixture
def project_root(tmp_path) -> Path:
    """A copy of the built-in project to change (see tests/sample_project.py)."""
    from tests.sample_project import write_project

    return write_project(tmp_path / "project")
