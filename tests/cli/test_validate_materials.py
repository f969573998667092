"""``app validate`` on a material file alone checks its textures as a product that uses it
would load them: missing, a folder, a damaged PNG, a path out of the project."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
import yaml
from PIL import Image

from app.cli.main import main


@pytest.fixture
def root(tmp_path) -> Path:
    """A project with no products and an empty material library."""
    root = tmp_path / "project"
    (root / "configs").mkdir(parents=True)
    (root / "assets" / "materials" / "textures").mkdir(parents=True)
    return root


def _png() -> bytes:
    """A 64x64 PNG of noise (its pixel data spans most of the file)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (64, 64), random.Random(1).randbytes(64 * 64 * 3)).save(out, "PNG")
    return out.getvalue()


def _material(folder: Path, texture: str, name: str = "tile") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"name: Tile\nbase_color: '#ffffff'\ntextures:\n  base_color: {texture}\n",
                    encoding="utf-8")
    return path


TEXTURES = "assets/materials/textures"


@pytest.mark.parametrize("texture, expected", [
    ("textures/missing.png", "file not found: 'textures/missing.png'"),
    ("textures/folder.png", "'textures/folder.png' is no regular file"),
    ("textures/damaged.png", f"{TEXTURES}/damaged.png: "),
    ("textures/truncated.png", f"{TEXTURES}/truncated.png: "),
    ("../../../../../../etc/passwd", "'../../../../../../etc/passwd' leaves the project's asset"),
    ("/etc/passwd", "'/etc/passwd' leaves the project's asset folders"),
])
def test_a_material_with_a_bad_texture_is_not_called_clean(root, capsys, texture, expected):
    textures = root / TEXTURES
    (textures / "folder.png").mkdir()
    (textures / "damaged.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not the rest of a PNG" * 8)
    (textures / "truncated.png").write_bytes(_png()[:6000])
    path = _material(root / "assets" / "materials", texture)
    assert main(["--root", str(root), "validate", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"assets/materials/tile.yaml: textures.base_color: {expected}")
    assert "1 problem in 1 file" in captured.err


def test_a_material_whose_textures_load_is_clean(root, capsys):
    (root / TEXTURES / "tile.png").write_bytes(_png())
    path = _material(root / "assets" / "materials", "textures/tile.png")
    assert main(["--root", str(root), "validate", str(path)]) == 0
    assert "1 file checked, no problems" in capsys.readouterr().out


def test_each_bad_texture_slot_of_a_material_is_named(root, capsys):
    textures = root / TEXTURES
    (textures / "tile.png").write_bytes(_png())
    (textures / "damaged.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    path = root / "assets" / "materials" / "tile.yaml"
    path.write_text(yaml.safe_dump({"name": "Tile", "base_color": "#ffffff", "textures": {
        "base_color": "textures/tile.png", "orm": "textures/damaged.png",
        "normal": "textures/damaged.png"}}), encoding="utf-8")
    assert main(["--root", str(root), "validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["textures.orm", "textures.normal"]


def test_a_material_file_outside_the_library_has_its_textures_checked(root, tmp_path, capsys):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    path = _material(folder, "missing.png")
    assert main(["--root", str(root), "validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: textures.base_color: file not found: 'missing.png'"]


def test_the_project_reports_a_materials_bad_texture_once(project_root, capsys):
    material = project_root / "assets" / "materials" / "ceramic_matte.yaml"
    data = yaml.safe_load(material.read_text(encoding="utf-8"))
    data["textures"] = {"base_color": "textures/gone.png"}
    material.write_text(yaml.safe_dump(data), encoding="utf-8")
    # alone, and with the products that use it
    assert main(["--root", str(project_root), "validate", str(material)]) == 1
    alone = capsys.readouterr().out.splitlines()
    assert alone == ["assets/materials/ceramic_matte.yaml: textures.base_color: file not found: "
                     "'textures/gone.png'"]
    assert main(["--root", str(project_root), "validate"]) == 1
    assert capsys.readouterr().out.splitlines() == alone
