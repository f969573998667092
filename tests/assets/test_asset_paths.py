from pathlib import Path

import pytest

from app.errors import AssetError
from app.references import resolve_asset_path


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "configs").mkdir(parents=True)
    (root / "assets" / "models").mkdir(parents=True)
    (root / "configs" / "mug.glb").write_bytes(b"x")
    (root / "assets" / "models" / "body.obj").write_bytes(b"x")
    (tmp_path / "secret.obj").write_bytes(b"x")
    return root


def resolve(project: Path, reference: str) -> Path:
    return resolve_asset_path(
        reference,
        base_dir=project / "configs",
        allowed_roots=[project],
        file_label="configs/mug.yaml",
        field="parts[0].model",
    )


def test_relative_to_the_product_file_folder(project):
    assert resolve(project, "mug.glb") == (project / "configs" / "mug.glb").resolve()


def test_relative_to_the_project_root(project):
    found = resolve(project, "assets/models/body.obj")
    assert found == (project / "assets" / "models" / "body.obj").resolve()


def test_absolute_path_inside_the_project(project):
    target = project / "assets" / "models" / "body.obj"
    assert resolve(project, str(target)) == target.resolve()


@pytest.mark.parametrize("reference", ["../../secret.obj", "../assets/../../secret.obj"])
def test_dot_dot_escape_is_refused(project, reference):
    with pytest.raises(AssetError) as caught:
        resolve(project, reference)
    assert str(caught.value) == (
        f"configs/mug.yaml: parts[0].model: {reference!r} leaves the project's asset folders"
    )


def test_absolute_path_outside_is_refused(project):
    outside = project.parent / "secret.obj"
    with pytest.raises(AssetError, match="leaves the project's asset folders") as caught:
        resolve(project, str(outside))
    assert caught.value.file == "configs/mug.yaml"
    assert caught.value.field == "parts[0].model"


def test_symlink_pointing_out_is_refused(project):
    (project / "configs" / "link.obj").symlink_to(project.parent / "secret.obj")
    with pytest.raises(AssetError, match="'link.obj' leaves the project's asset folders"):
        resolve(project, "link.obj")


def test_symlinked_folder_pointing_out_is_refused(project):
    (project / "assets" / "outside").symlink_to(project.parent)
    with pytest.raises(AssetError, match="leaves the project's asset folders"):
        resolve(project, "assets/outside/secret.obj")


def test_symlink_inside_the_project_is_followed(project):
    (project / "configs" / "body.obj").symlink_to(project / "assets" / "models" / "body.obj")
    assert resolve(project, "body.obj") == (project / "assets" / "models" / "body.obj").resolve()


def test_missing_file(project):
    with pytest.raises(AssetError) as caught:
        resolve(project, "missing.glb")
    assert str(caught.value) == "configs/mug.yaml: parts[0].model: file not found: 'missing.glb'"


def test_empty_reference(project):
    with pytest.raises(AssetError, match="parts\\[0\\].model: expected a file name"):
        resolve(project, "  ")
