"""Models that name files outside their folder: refused before anything outside is opened.

An audit hook (``sys.addaudithook``) records every file opened while a hostile model loads; the
tests show that none of them lies outside the model's folder.
"""

import json
import os
import struct
from pathlib import Path

import pytest
from PIL import Image

from app.assets.model_loading import load_model
from app.cli import main
from app.errors import AssetError
from tests.file_opens import opens

from .conftest import QUAD_INDICES, QUAD_POSITIONS, edited_quad_gltf


def assert_nothing_opened_outside(opened: list[str], folder: Path, *targets: Path) -> None:
    """No file under ``targets`` (the attacker's goals) was opened, nor anything under the test's
    folder that lies outside the model's ``folder``."""
    root = folder.parent
    for path in opened:
        real = Path(path).resolve()
        for target in targets:
            assert not real.is_relative_to(target.resolve()) and real != target.resolve(), path
        if real.is_relative_to(root):
            assert real.is_relative_to(folder.resolve()), f"opened {path}"


@pytest.fixture
def layout(tmp_path) -> tuple[Path, Path]:
    """(the model's folder, a folder beside it with secrets in it)."""
    model_dir, outside = tmp_path / "model", tmp_path / "outside"
    model_dir.mkdir()
    outside.mkdir()
    Image.new("RGB", (4, 4), (255, 0, 0)).save(outside / "secret.png")
    (outside / "secret.txt").write_text("newmtl stolen\nKd 1 0 0\n")
    (outside / "secret.bin").write_bytes(bytes(256))
    return model_dir, outside


def textured_quad(path: Path, gltf_writer, image_uri: str) -> Path:
    primitive = {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES, "uv": [(0, 0)] * 4,
                 "material": 0}
    return gltf_writer(path, meshes=[{"name": "q", "primitives": [primitive]}],
                       materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
                       images=[{"uri": image_uri}])


@pytest.mark.parametrize("uri", [
    "../outside/secret.png",
    "..%2foutside%2fsecret.png",
    "%2E%2E/outside/secret.png",
    "ABSOLUTE",
    "file://ABSOLUTE",
    "/etc/shadow",
    "/etc/hostname",
], ids=["dot-dot", "percent-encoded-slash", "percent-encoded-dots", "absolute", "file-url",
        "etc-shadow", "etc-hostname"])
def test_a_gltf_image_outside_its_folder_is_refused_unopened(layout, gltf_writer, uri):
    model_dir, outside = layout
    uri = uri.replace("ABSOLUTE", str(outside / "secret.png"))
    path = textured_quad(model_dir / "m.gltf", gltf_writer, uri)
    with opens() as opened, pytest.raises(AssetError) as caught:
        load_model(path)
    assert_nothing_opened_outside(opened, model_dir, outside, Path("/etc/shadow"),
                                  Path("/etc/hostname"))
    message = str(caught.value)
    assert message.startswith(f"{path}: images[0].uri: {uri!r} ")
    assert "leaves the model's folder" in message or "is a URL" in message


def test_a_gltf_buffer_outside_its_folder_is_refused_unopened(layout, gltf_writer):
    model_dir, outside = layout
    path = textured_quad(model_dir / "m.gltf", gltf_writer, "tex.png")
    header = json.loads(path.read_text())
    header["buffers"][0]["uri"] = "../outside/secret.bin"
    path.write_text(json.dumps(header))
    with opens() as opened, pytest.raises(AssetError, match="buffers\\[0\\].uri: "
                                          "'../outside/secret.bin' leaves the model's folder"):
        load_model(path)
    assert_nothing_opened_outside(opened, model_dir, outside)


def test_a_symlink_beside_the_model_that_points_out_is_refused(layout, gltf_writer):
    model_dir, outside = layout
    (model_dir / "innocent.png").symlink_to(outside / "secret.png")
    path = textured_quad(model_dir / "m.gltf", gltf_writer, "innocent.png")
    with opens() as opened, pytest.raises(AssetError, match="'innocent.png' leaves"):
        load_model(path)
    assert_nothing_opened_outside(opened, model_dir, outside)


def test_a_glb_whose_image_names_a_file_outside_is_refused(layout):
    model_dir, outside = layout
    header = {"asset": {"version": "2.0"}, "images": [{"uri": "../outside/secret.png"}],
              "meshes": [], "nodes": []}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 4)
    glb = b"glTF" + struct.pack("<II", 2, 20 + len(text)) + struct.pack("<II", len(text),
                                                                       0x4E4F534A) + text
    (model_dir / "m.glb").write_bytes(glb)
    with opens() as opened, pytest.raises(AssetError, match="images\\[0\\].uri"):
        load_model(model_dir / "m.glb")
    assert_nothing_opened_outside(opened, model_dir, outside)


OBJ_TRIANGLE = "usemtl a\nv 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\nf 1/1 2/2 3/3\n"


@pytest.mark.parametrize("library", ["../outside/secret.txt", "OUTSIDE/secret.txt",
                                     "../../../../../../../etc/hostname"])
def test_an_obj_material_library_outside_its_folder_is_refused(layout, library):
    model_dir, outside = layout
    library = library.replace("OUTSIDE", str(outside))
    (model_dir / "m.obj").write_text(f"mtllib {library}\n{OBJ_TRIANGLE}")
    with opens() as opened, pytest.raises(AssetError) as caught:
        load_model(model_dir / "m.obj")
    assert_nothing_opened_outside(opened, model_dir, outside, Path("/etc/hostname"))
    assert str(caught.value) == (f"{model_dir / 'm.obj'}: mtllib: {library!r} leaves the "
                                 "model's folder (--asset-root DIR allows another)")


@pytest.mark.parametrize("texture", ["../outside/secret.png", "-s 1 1 1 ../outside/secret.png",
                                     "../../../../../../../etc/hostname"])
def test_an_mtl_texture_outside_the_folder_is_refused(layout, texture):
    model_dir, outside = layout
    (model_dir / "m.mtl").write_text(f"newmtl a\nKd 1 1 1\nmap_Kd {texture}\n")
    (model_dir / "m.obj").write_text(f"mtllib m.mtl\n{OBJ_TRIANGLE}")
    with opens() as opened, pytest.raises(AssetError) as caught:
        load_model(model_dir / "m.obj")
    assert_nothing_opened_outside(opened, model_dir, outside, Path("/etc/hostname"))
    assert str(caught.value).startswith(f"{model_dir / 'm.obj'}: m.mtl: map_Kd: ")
    assert "leaves the model's folder" in str(caught.value)


def test_a_ply_texture_outside_the_folder_is_refused(layout):
    model_dir, outside = layout
    (model_dir / "m.ply").write_text(
        "ply\nformat ascii 1.0\ncomment TextureFile ../outside/secret.png\n"
        "element vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
        "element face 1\nproperty list uchar int vertex_indices\nend_header\n"
        "0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n")
    with opens() as opened, pytest.raises(AssetError, match="comment TextureFile: "
                                          "'../outside/secret.png' leaves"):
        load_model(model_dir / "m.ply")
    assert_nothing_opened_outside(opened, model_dir, outside)


def test_a_texture_beside_the_models_folder_loads_with_asset_root(layout, gltf_writer, tmp_path):
    model_dir, outside = layout
    path = textured_quad(model_dir / "m.gltf", gltf_writer, "../outside/secret.png")
    out = tmp_path / "m.png"
    assert main(["render", "--model", str(path), "--out", str(out), "--size", "64x48"]) == 1
    assert main(["render", "--model", str(path), "--asset-root", str(outside), "--out", str(out),
                 "--size", "64x48"]) == 0
    texture = load_model(path, allowed_folders=[model_dir, outside]).meshes["q"].material
    assert texture.base_color_texture is not None


def test_render_of_a_hostile_model_names_the_file_and_field_without_a_traceback(
    layout, gltf_writer, tmp_path, capsys
):
    model_dir, _outside = layout
    path = textured_quad(model_dir / "m.gltf", gltf_writer, "/etc/shadow")
    assert main(["render", "--model", str(path), "--out", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert f"{path}: images[0].uri: '/etc/shadow' leaves the model's folder" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_the_audit_hook_sees_the_files_a_model_opens(layout, gltf_writer):
    model_dir, _outside = layout
    Image.new("RGB", (4, 4), (0, 255, 0)).save(model_dir / "tex.png")
    path = textured_quad(model_dir / "m.gltf", gltf_writer, "tex.png")
    with opens() as opened:
        load_model(path)
    assert str(model_dir / "tex.png") in opened
    with pytest.raises(AssertionError):
        assert_nothing_opened_outside(opened, model_dir / "elsewhere")


def _variants_gltf(path: Path, gltf_writer, uri: str) -> Path:
    textured_quad(path, gltf_writer, uri)
    header = json.loads(path.read_text())
    header["extensionsUsed"] = ["KHR_materials_variants"]
    header["extensions"] = {"KHR_materials_variants": {"variants": [{"name": "Red"}]}}
    header["meshes"][0]["primitives"][0]["extensions"] = {
        "KHR_materials_variants": {"mappings": [{"material": 0, "variants": [0]}]}}
    path.write_text(json.dumps(header))
    return path


def test_import_refuses_a_file_outside_and_copies_it_inside_with_asset_root(
    layout, gltf_writer, tmp_path, capsys
):
    model_dir, outside = layout
    path = _variants_gltf(model_dir / "m.gltf", gltf_writer, "../outside/secret.png")
    project = tmp_path / "project"
    (project / "configs").mkdir(parents=True)
    assert main(["--root", str(project), "import-gltf", str(path), "--id", "quad"]) == 1
    assert "images[0].uri: '../outside/secret.png' leaves the model's folder" in (
        capsys.readouterr().err)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["--root", str(project), "import-gltf", str(path), "--id", "quad",
                 "--asset-root", str(outside)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written beside
    copied = project / "assets" / "models" / "quad"
    header = json.loads((copied / "m.gltf").read_text())
    assert header["images"][0]["uri"] == "external/images0_secret.png"
    assert (copied / "external" / "images0_secret.png").read_bytes() == (
        (outside / "secret.png").read_bytes())
    model = load_model(copied / "m.gltf")  # the copy names only files inside its folder
    assert model.meshes["q"].material.base_color_texture is not None


@pytest.mark.parametrize("kind", ["missing", "folder", "pipe"])
def test_a_buffer_that_names_no_regular_file_is_refused_naming_the_buffer(tmp_path, kind):
    """A pipe would block the reader; a folder or a missing file was "uri: file not found",
    naming no buffer."""
    def change(header):
        header["buffers"][0]["uri"] = "data.bin"
    path = edited_quad_gltf(tmp_path / "quad.gltf", change)
    if kind == "folder":
        (tmp_path / "data.bin").mkdir()
    elif kind == "pipe":
        os.mkfifo(tmp_path / "data.bin")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    reason = ("file not found: 'data.bin'" if kind == "missing"
              else "'data.bin' is no regular file (a folder, a device or a pipe)")
    assert str(caught.value) == f"{path}: buffers[0].uri: {reason}"


@pytest.mark.parametrize("kind", ["name too long", "loop of links"])
def test_a_texture_name_the_system_cannot_look_up_is_refused_naming_it(tmp_path, kind):
    """A name over 255 bytes (ENAMETOOLONG) and a loop of symbolic links gave tracebacks."""
    name = "a" * 300 + ".png" if kind == "name too long" else "loop.png"
    if kind == "loop of links":
        (tmp_path / "loop.png").symlink_to("loop.png")
    (tmp_path / "t.mtl").write_text(f"newmtl m\nmap_Kd {name}\n")
    path = tmp_path / "m.obj"
    path.write_text("mtllib t.mtl\nusemtl m\nv 0 0 0\nv 1 0 0\nv 0 1 0\n"
                    "vt 0 0\nvt 1 0\nvt 0 1\nf 1/1 2/2 3/3\n")
    with pytest.raises(AssetError) as caught:
        load_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: t.mtl: map_Kd: '") and "cannot be looked up" in message
    assert len(message) < 600  # the name is cut short
