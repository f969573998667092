import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import trimesh


def _load_script(repo_root: Path, name: str) -> ModuleType:
    path = repo_root / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def author_mug(repo_root):
    return _load_script(repo_root, "author_mug")


@pytest.fixture(scope="session")
def studio_environment(repo_root):
    return _load_script(repo_root, "make_studio_environment")


@pytest.fixture(scope="session")
def material_textures(repo_root):
    return _load_script(repo_root, "make_material_textures")


@pytest.fixture(scope="session")
def mug_path(builtin_root) -> Path:
    return builtin_root / "assets" / "models" / "mug.glb"


@pytest.fixture(scope="session")
def mug_scene(mug_path) -> trimesh.Scene:
    return trimesh.load(mug_path, force="scene", process=False)


@pytest.fixture(scope="session")
def studio_path(builtin_root) -> Path:
    return builtin_root / "assets" / "environments" / "studio.hdr"


@pytest.fixture(scope="session")
def materials_dir(builtin_root) -> Path:
    return builtin_root / "assets" / "materials"
