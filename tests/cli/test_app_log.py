"""VTK's own messages go to the app's log file, not the terminal; --verbose shows them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main as cli_main
from tests.conftest import REPO_ROOT

# a real VTK complaint: a reader asked for a file that is not there
VTK_COMPLAINT = """
import sys
from pathlib import Path
from app.cli.app_log import start_app_log
start_app_log(verbose=sys.argv[1] == "verbose", log_file=Path(sys.argv[2]))
from vtkmodules.vtkIOImage import vtkPNGReader
reader = vtkPNGReader()
reader.SetFileName("/no/such/picture.png")
reader.Update()
print("done")
"""


def _run(tmp_path: Path, args: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    run = subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return run


def test_a_render_without_a_display_leaves_the_terminal_clean_and_starts_the_log(tmp_path):
    out = tmp_path / "mug.png"
    run = _run(tmp_path, ["-m", "app", "render", "--product", "mug", "--size", "64x48",
                          "--out", str(out)])
    assert run.stderr == ""
    assert "wrote" in run.stdout and out.is_file()
    assert (tmp_path / "state" / "showcraft" / "log" / "showcraft.log").is_file()


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_vtk_messages_go_to_the_log_and_with_verbose_to_the_terminal_too(tmp_path, verbose):
    log = tmp_path / "showcraft.log"
    run = _run(tmp_path, ["-c", VTK_COMPLAINT, "verbose" if verbose else "quiet", str(log)])
    assert "done" in run.stdout
    assert "/no/such/picture.png" in log.read_text()
    assert ("/no/such/picture.png" in run.stderr) is verbose


@pytest.mark.parametrize("args", [["--verbose", "validate"], ["validate", "--verbose"]],
                         ids=["before-the-command", "after-the-command"])
def test_verbose_is_taken_before_and_after_the_command(monkeypatch, args):
    seen = []
    monkeypatch.setattr(sys.modules["app.cli.main"], "start_app_log",
                        lambda **kw: seen.append(kw["verbose"]))
    cli_main(args)
    assert seen == [True]
