"""The layer rules of DESIGN.md, held by the import-linter contracts in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def run_lint_imports(repo_root, *args):
    return subprocess.run([str(LINT_IMPORTS), *args], cwd=repo_root, capture_output=True,
                          text=True, timeout=120)


def test_import_contracts_are_kept(repo_root):
    done = run_lint_imports(repo_root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_broken_contract_is_caught(repo_root, tmp_path):
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "app"\n\n'
        '[[tool.importlinter.contracts]]\nname = "domain must not use errors"\n'
        'type = "forbidden"\nsource_modules = ["app.domain"]\n'
        'forbidden_modules = ["app.errors"]\n')
    done = run_lint_imports(repo_root, "--config", str(config))
    assert done.returncode == 1
    assert "BROKEN" in done.stdout
