"""The built wheel is the whole app: installed apart from this checkout, it renders the built-in
mug and validates the built-in catalog from an empty folder."""

import configparser
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # built from a copy, so no build/ folder is left in (or stale files taken from) the checkout
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "app", source / "app",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(dist), str(source)],
                   check=True, timeout=600, capture_output=True)
    [built] = dist.glob("showcraft-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--target", str(target), str(wheel)],
                   check=True, timeout=300, capture_output=True)
    return target


def run_installed(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Python without site (so this checkout's editable install is not seen): the installed
    wheel first on the path, then the dependencies already installed here."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(installed), sysconfig.get_paths()["purelib"]])
    return subprocess.run([sys.executable, "-S", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_the_wheel_holds_the_app_its_catalog_and_fonts_and_nothing_else(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("app/builtin/configs/mug.yaml", "app/builtin/configs/kiosk.yaml",
                    "app/builtin/assets/models/mug.glb",
                    "app/builtin/assets/environments/studio.hdr",
                    "app/builtin/assets/materials/ceramic_gloss.yaml",
                    "app/builtin/schemas/product.schema.json",
                    "app/personalize/fonts/LiberationSans-Regular.ttf",
                    "app/personalize/fonts/LICENSE-Liberation.txt"):
        assert shipped in names, shipped
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "bench/"))]
    assert not [n for n in names if "__pycache__" in n]


def test_the_wheel_names_the_showcraft_command_and_app_beside_it(installed):
    [info] = installed.glob("showcraft-*.dist-info")
    entry_points = configparser.ConfigParser()
    entry_points.read(info / "entry_points.txt")
    assert dict(entry_points["console_scripts"]) == {"showcraft": "app.cli:main",
                                                     "app": "app.cli:main"}


def test_installed_app_renders_the_builtin_mug_from_an_empty_folder(installed, tmp_path):
    where = run_installed(installed, tmp_path, "-c", "import app; print(app.__file__)")
    assert where.stdout.strip() == str(installed / "app" / "__init__.py"), where.stderr
    run = run_installed(installed, tmp_path, "-m", "app", "render", "--product", "mug",
                        "--size", "160x120", "--out", "mug.png")
    assert run.returncode == 0, run.stderr
    pixels = np.asarray(Image.open(tmp_path / "mug.png").convert("RGB")).astype(int)
    corner = pixels[2, 2]
    product = (np.abs(pixels - corner).sum(axis=2) > 30).mean()
    assert 0.05 < product < 0.8  # the mug is drawn, not an empty frame
    assert sorted(os.listdir(tmp_path)) == ["mug.png"]


def test_installed_app_validates_the_builtin_catalog_from_an_empty_folder(installed, tmp_path):
    run = run_installed(installed, tmp_path, "-m", "app", "validate")
    assert run.returncode == 0, run.stderr + run.stdout
    shipped = installed / "app" / "builtin"
    files = [*(shipped / "configs").glob("*.yaml"), *(shipped / "assets/materials").glob("*.yaml")]
    assert len(files) > 20
    assert run.stdout.strip().endswith(f"{len(files)} files checked, no problems")
    assert os.listdir(tmp_path) == []


def test_installed_app_makes_its_store_with_the_migrations_it_ships(installed, tmp_path):
    database = tmp_path / "shop.sqlite3"
    run = run_installed(installed, tmp_path, "-m", "app", "store", "--database",
                        f"sqlite:///{database}", "init")
    assert run.returncode == 0, run.stderr + run.stdout
    from app.store.database import head_revision

    assert f"(schema {head_revision()})" in run.stdout
    assert database.exists()
