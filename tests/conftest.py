from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
EXTERNAL_DIR = REPO_ROOT.parent / "shared" / "testdata" / "external"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def external_dir() -> Path:
    assert EXTERNAL_DIR.is_dir(), f"external test assets not found at {EXTERNAL_DIR}"
    return EXTERNAL_DIR
