import shutil
import sys

import pytest

from app.cli import main


def test_built_in_catalog_is_clean(capsys):
    """No problems; the notes name each glass material the products use, once."""
    assert main(["validate"]) == 0
    captured = capsys.readouterr()
    assert "no problems" in captured.out
    notes = sorted(line.split(": the live view")[0] for line in captured.err.splitlines()
                   if line.startswith("note:"))
    assert notes == ["note: assets/materials/glass_clear.yaml",
                     "note: assets/materials/plastic_frosted.yaml"]


def test_broken_copy_of_the_mug_gets_readable_errors(builtin_root, tmp_path, capsys):
    text = (builtin_root / "configs" / "mug.yaml").read_text()
    broken = (text.replace("material: ceramic_matte", "material: ceramc_matte")
              .replace("base_price: 14.90", "base_price: cheap")
              .replace("kind: part_swap", "kind: part_swap\n    colour: red"))
    path = tmp_path / "mug.yaml"
    path.write_text(broken)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (f"{path}: base_price: Input should be a valid decimal, got 'cheap' "
            f"({where(broken, 'base_price: cheap')})") in out
    assert f"{path}: options[2].colour: unknown field ({where(broken, 'colour: red')})" in out
    # schema errors come first; cross references are checked once the shape is right
    once = text.replace("material: ceramic_matte", "material: ceramc_matte")
    path.write_text(once)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{path}: options[0].choices[7].material: unknown material 'ceramc_matte' "
                   f"(did you mean 'ceramic_matte'?) ({where(once, 'material: ceramc_matte')})"]


def test_a_number_too_long_to_convert_is_an_error_not_a_traceback(builtin_root, tmp_path,
                                                                   capsys):
    text = (builtin_root / "configs" / "mug.yaml").read_text()
    path = tmp_path / "mug.yaml"
    path.write_text(text.replace("base_price: 14.90", f"base_price: {'1' * 5001}"))
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{path}: YAML error at {where(text, '14.90')}: a number of 5001 digits is over the "
        f"limit of {sys.get_int_max_str_digits()} digits")


def where(text: str, written: str) -> str:
    """'line L, column C' of the first ``written`` in ``text``."""
    before = text[:text.index(written)]
    return f"line {before.count(chr(10)) + 1}, column {len(before) - before.rfind(chr(10))}"


def test_missing_mesh_and_node_are_reported(builtin_root, tmp_path, capsys):
    text = (builtin_root / "configs" / "mug.yaml").read_text()
    path = tmp_path / "mug.yaml"
    path.write_text(text.replace("nodes: [handle_angular]", "nodes: [handle_angled]"))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "parts[3].nodes[0]: no node or mesh 'handle_angled' in assets/models/mug.glb" in out
    path.write_text(text.replace("model: assets/models/mug.glb", "model: assets/models/cup.glb"))
    assert main(["validate", str(path)]) == 1
    assert f"{path}: model: file not found: 'assets/models/cup.glb'" in capsys.readouterr().out


def test_broken_material_file(tmp_path, capsys, builtin_root):
    path = tmp_path / "shiny.yaml"
    path.write_text("name: Shiny\nbase_color: '#ffffff'\nmetalic: 1\n")
    assert main(["validate", str(path)]) == 1
    assert (f"{path}: metalic: unknown field (did you mean 'metallic'?)"
            in capsys.readouterr().out)


def test_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml: file not found" in capsys.readouterr().out


def test_project_with_broken_product_still_validates_the_rest(builtin_root, tmp_path, capsys):
    root = tmp_path / "project"
    shutil.copytree(builtin_root / "configs", root / "configs")
    shutil.copytree(builtin_root / "assets", root / "assets")
    (root / "configs" / "broken.yaml").write_text("id: broken\nname: [\n")
    assert main(["--root", str(root), "validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith("configs/broken.yaml: YAML syntax error at line 3")


def test_model_extension_drawn_without_is_a_warning_in_validate_and_render(builtin_root,
                                                                           tmp_path, capsys):
    from app.assets.gltf_document import document_bytes, read_gltf_document

    root = tmp_path / "project"
    shutil.copytree(builtin_root, root)
    for other in (root / "configs").glob("*.yaml"):
        if other.name != "mug.yaml":
            other.unlink()
    model = root / "assets" / "models" / "mug.glb"
    document = read_gltf_document(model)
    header = dict(document.header, extensionsUsed=["EXT_from_the_future"])
    model.write_bytes(document_bytes(header, document.binary))
    assert main(["--root", str(root), "validate"]) == 0
    captured = capsys.readouterr()
    assert "no problems" in captured.out
    assert ("configs/mug.yaml: parts[0]: assets/models/mug.glb: uses the glTF extension "
            "'EXT_from_the_future'") in captured.err
    out = tmp_path / "mug.png"
    assert main(["--root", str(root), "render", "--product", "mug", "--size", "80x60",
                 "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "warning: configs/mug.yaml: parts[0]: " in captured.err
    assert "'EXT_from_the_future'" in captured.err
    assert out.exists()


def quad_model(path, **header_fields):
    """A one-quad .gltf (two triangles) with ``header_fields`` set in its JSON."""
    import json

    from tests.assets.conftest import write_gltf

    write_gltf(path, meshes=[{"name": "card", "primitives": [{
        "positions": [(-0.5, 0, 0), (0.5, 0, 0), (0.5, 1, 0), (-0.5, 1, 0)],
        "indices": [(0, 1, 2), (0, 2, 3)]}]}])
    path.write_text(json.dumps({**json.loads(path.read_text()), **header_fields}))
    return path


@pytest.mark.parametrize("model, loaded", [
    ("builtin:assets/models/mug.glb", "4 meshes, 54784 triangles"),
    ("external:khronos/Box/glTF-Draco/Box.gltf", "1 mesh, 12 triangles")])
def test_a_model_file_is_checked_as_a_model(request, capsys, model, loaded):
    folder, name = model.split(":")
    path = request.getfixturevalue(f"{folder}_{'root' if folder == 'builtin' else 'dir'}") / name
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"ok: {path}: {loaded}", "1 file checked, no problems"]
    assert captured.err == ""


def test_a_model_whose_extension_is_drawn_without_validates_with_a_warning(tmp_path, capsys):
    path = quad_model(tmp_path / "used.gltf", extensionsUsed=["EXT_foo_bar"])
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"ok: {path}: 1 mesh, 2 triangles" in captured.out.splitlines()
    assert (f"warning: {path}: uses the glTF extension 'EXT_foo_bar', which this app does not "
            "support; drawn without it") in captured.err.splitlines()


def test_a_model_requiring_an_unknown_extension_is_a_problem(tmp_path, capsys):
    path = quad_model(tmp_path / "required.gltf", extensionsUsed=["EXT_foo_bar"],
                      extensionsRequired=["EXT_foo_bar"])
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{path}: extensionsRequired: requires the glTF extension 'EXT_foo_bar', which this "
        "app cannot draw"]
    assert "1 problem in 1 file" in captured.err


def test_a_truncated_glb_is_a_problem(builtin_root, tmp_path, capsys):
    path = tmp_path / "half.glb"
    whole = (builtin_root / "assets" / "models" / "mug.glb").read_bytes()
    path.write_bytes(whole[:len(whole) // 2])
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: header.length: GLB file is truncated: it ends after {len(whole) // 2} "
        f"bytes, its header declares {len(whole)} (a download or copy that stopped part way?)"]


def test_a_folder_of_models_is_checked_model_by_model(tmp_path, capsys):
    good = quad_model(tmp_path / "a.gltf")
    bad = quad_model(tmp_path / "b.gltf", extensionsRequired=["EXT_foo_bar"])
    (tmp_path / "notes.txt").write_text("not a model")
    assert main(["validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"ok: {good}: 1 mesh, 2 triangles",
        f"{bad}: extensionsRequired: requires the glTF extension 'EXT_foo_bar', which this app "
        "cannot draw"]
    assert "1 problem in 2 files" in captured.err


def test_a_folder_with_product_files_is_checked_for_them_alone(builtin_root, tmp_path, capsys):
    shutil.copy(builtin_root / "configs" / "mug.yaml", tmp_path / "mug.yaml")
    quad_model(tmp_path / "required.gltf", extensionsRequired=["EXT_foo_bar"])
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == ["1 file checked, no problems"]
