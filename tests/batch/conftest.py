import shutil
from pathlib import Path

import pytest

from app.project import open_project


@pytest.fixture(scope="session")
def project(builtin_root):
    return open_project(builtin_root)


@pytest.fixture
def mug_project_dir(tmp_path, builtin_root) -> Path:
    """A project folder with only the mug: its file, model, materials and lighting."""
    root = tmp_path / "project"
    (root / "configs").mkdir(parents=True)
    shutil.copy(builtin_root / "configs" / "mug.yaml", root / "configs" / "mug.yaml")
    (root / "assets" / "models").mkdir(parents=True)
    shutil.copy(builtin_root / "assets" / "models" / "mug.glb", root / "assets" / "models")
    shutil.copytree(builtin_root / "assets" / "materials", root / "assets" / "materials")
    shutil.copytree(builtin_root / "assets" / "environments", root / "assets" / "environments")
    return root
