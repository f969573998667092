"""VTK's own messages go to the app's log file, not the terminal; --verbose shows them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


def _render_without_display(tmp_path: Path, before: list[str], after: list[str]):
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    out = tmp_path / "mug.png"
    run = subprocess.run(
        [sys.executable, "-m", "app", *before, "render", "--product", "mug", "--size", "64x48",
         "--out", str(out), *after],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.is_file()
    return run, tmp_path / "state" / "showcraft" / "log" / "showcraft.log"


def test_vtk_warnings_go_to_the_log_file_not_the_terminal(tmp_path):
    run, log = _render_without_display(tmp_path, [], [])
    assert run.stderr == ""
    assert "wrote" in run.stdout
    assert "bad X server connection" in log.read_text()


@pytest.mark.parametrize("before, after", [(["--verbose"], []), ([], ["--verbose"])],
                         ids=["before-the-command", "after-the-command"])
def test_verbose_shows_vtk_warnings_on_the_terminal_too(tmp_path, before, after):
    run, log = _render_without_display(tmp_path, before, after)
    assert "bad X server connection" in run.stderr
    assert "bad X server connection" in log.read_text()
