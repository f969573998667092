import os
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

EGL_PACKAGES = {"libegl1", "libegl-mesa0", "libgl1-mesa-dri", "libgles2"}


def markdown_section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README.md: no '## {heading}' section"
    return match.group(1)


def code_block_commands(markdown: str) -> list[str]:
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, re.M | re.S)
    lines = (line.strip() for block in blocks for line in block.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def setup_commands(repo_root: Path) -> list[str]:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    return code_block_commands(markdown_section(readme, "Set up"))


def ci_command(repo_root: Path) -> str:
    script = (repo_root / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    last = shlex.split(commands[-1])
    assert last[0] == "exec", f".ci/run: last command should exec the test command: {commands[-1]}"
    return shlex.join(last[1:])


def run_bootstrap(repo_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(repo_root / "bootstrap"), *args],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_markdown_section_stops_at_next_heading() -> None:
    text = "# T\n## Set up\n```sh\na run\na test\n```\n## Other\n```sh\nb\n```\n"
    assert code_block_commands(markdown_section(text, "Set up")) == ["a run", "a test"]


def test_readme_set_up_section_has_exactly_a_run_and_a_test_command(repo_root: Path) -> None:
    commands = setup_commands(repo_root)
    assert len(commands) == 2, f"README.md: set-up section should hold two commands: {commands}"
    words = [shlex.split(command) for command in commands]
    assert [w[0] for w in words] == ["./bootstrap", "./bootstrap"]
    assert sorted(w[1] for w in words) == ["run", "test"]
    assert all(len(w) == 2 for w in words)


def test_ci_runs_the_readme_test_command(repo_root: Path) -> None:
    test_command = next(c for c in setup_commands(repo_root) if c.split()[-1] == "test")
    assert ci_command(repo_root) == test_command


@pytest.mark.parametrize("script", ["bootstrap", ".ci/run"])
def test_scripts_are_executable_bash_that_parses(repo_root: Path, script: str) -> None:
    path = repo_root / script
    assert os.access(path, os.X_OK), f"{script}: not executable"
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in path.read_text(encoding="utf-8")
    check = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_bootstrap_package_list_has_xvfb_and_mesa_egl(repo_root: Path) -> None:
    listed = run_bootstrap(repo_root, "packages")
    assert listed.returncode == 0, listed.stderr
    packages = set(listed.stdout.split())
    assert {"xvfb", "xauth", "libxcb-cursor0", "python3-venv"} <= packages
    assert EGL_PACKAGES <= packages
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", name) for name in packages), packages


def test_bootstrap_rejects_an_unknown_command_with_usage(repo_root: Path) -> None:
    result = run_bootstrap(repo_root, "deploy")
    assert result.returncode == 2
    assert "./bootstrap test" in result.stderr
    assert "Installing" not in result.stdout


def _locked_versions(repo_root: Path) -> dict[str, tuple[str, list[str]]]:
    """requirements.lock: canonical name -> (version, hashes)."""
    text = (repo_root / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[1])
    locked = {}
    for entry in entries:
        head = entry.split(";")[0].split("\\")[0].strip()
        name, _, version = head.partition("==")
        locked[canonicalize_name(name)] = (version, re.findall(r"--hash=sha256:([0-9a-f]{64})",
                                                               entry))
    return locked


def test_lock_pins_every_dependency_within_its_range_with_hashes(repo_root: Path) -> None:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in
              [*project["dependencies"], *project["optional-dependencies"]["dev"]]]
    locked = _locked_versions(repo_root)
    for requirement in wanted:
        assert not any(spec.operator == "==" for spec in requirement.specifier), (
            f"pyproject.toml: {requirement} should give a compatible range; the lock pins it")
        version, hashes = locked[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version), f"{requirement}: locked {version}"
    assert all(hashes for _version, hashes in locked.values())


def test_bootstrap_installs_the_lock_with_hashes_then_the_project_alone(repo_root: Path) -> None:
    script = (repo_root / "bootstrap").read_text(encoding="utf-8")
    assert '--require-hashes -r "$LOCK"' in script
    assert '--no-deps --no-build-isolation -e "$REPO_ROOT"' in script
    assert script.index("--require-hashes") < script.index("--no-deps --no-build-isolation")
