"""`app render --model` on real model files: the still shows the product, in both renderers,
and a still that would show none of it is refused and not written."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.cli import main
from app.scene.description import Camera
from tests.assets.conftest import write_gltf

SIZE = "120x90"


def alpha(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA"))[..., 3] > 127


def render(model, out, *extra) -> int:
    return main(["render", "--model", str(model), "--out", str(out), "--size", SIZE,
                 "--transparent", *extra])


@pytest.mark.parametrize("model", ["WaterBottle/glTF/WaterBottle.gltf",
                                   "khronos/DamagedHelmet/glTF-Binary/DamagedHelmet.glb"])
def test_photoreal_still_shows_the_product_as_the_live_view_does(external_dir, tmp_path, model):
    """Both have emissive textures, which once hid the whole product from the camera."""
    live, still = tmp_path / "live.png", tmp_path / "still.png"
    assert render(external_dir / model, live) == 0
    assert render(external_dir / model, still, "--photoreal", "--spp", "4") == 0
    a, b = alpha(still), alpha(live)
    assert 0.05 < a.mean() < 0.6
    assert (a & b).sum() / (a | b).sum() >= 0.9


@pytest.mark.parametrize("model", ["khronos/Box/glTF-Draco/Box.gltf",
                                   "khronos/Avocado/glTF-Draco/Avocado.gltf"])
def test_draco_models_render(external_dir, tmp_path, model):
    out = tmp_path / "draco.png"
    assert render(external_dir / model, out) == 0
    assert alpha(out).mean() > 0.05


def test_draco_box_photoreal(external_dir, tmp_path):
    out = tmp_path / "box.png"
    assert render(external_dir / "khronos/Box/glTF-Draco/Box.gltf", out, "--photoreal",
                  "--spp", "2") == 0
    assert alpha(out).mean() > 0.05


def masked_quad(path, alpha_factor: float):
    write_gltf(path, meshes=[{"name": "card", "primitives": [{
        "positions": [(-0.5, 0, 0), (0.5, 0, 0), (0.5, 1, 0), (-0.5, 1, 0)],
        "normals": [(0, 0, 1)] * 4, "indices": [(0, 1, 2), (0, 2, 3)], "material": 0}]}],
        materials=[{"name": "cut", "alphaMode": "MASK", "alphaCutoff": 0.5, "doubleSided": True,
                    "pbrMetallicRoughness": {"baseColorFactor": [0.8, 0.2, 0.2, alpha_factor]}}])
    return path


def test_photoreal_still_of_a_fully_masked_model_is_refused_and_not_written(
        tmp_path, capsys):
    model = masked_quad(tmp_path / "cut.gltf", 0.3)
    out = tmp_path / "cut.png"
    assert render(model, out, "--photoreal", "--spp", "2") == 1
    err = capsys.readouterr().err
    assert f"{model}: the still would show none of the product" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [model]


def clear_quad(path, mode: str, alpha_factor: float):
    masked_quad(path, alpha_factor)
    header = json.loads(path.read_text())
    header["materials"][0]["alphaMode"] = mode
    path.write_text(json.dumps(header))
    return path


@pytest.mark.parametrize(("mode", "alpha_factor"), [("MASK", 0.3), ("BLEND", 0.0)])
def test_live_still_of_a_model_clear_throughout_is_refused_and_not_written(
        tmp_path, capsys, mode, alpha_factor):
    """A material nothing of which is drawn (assimp wrote a BLEND of alpha 0): an empty image
    was written with exit status 0."""
    model = clear_quad(tmp_path / "clear.gltf", mode, alpha_factor)
    out = tmp_path / "clear.png"
    assert render(model, out) == 1
    assert f"{model}: the still would show none of the product" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [model]


def test_live_still_of_a_faint_blend_is_drawn(tmp_path):
    model = clear_quad(tmp_path / "faint.gltf", "BLEND", 0.2)
    out = tmp_path / "faint.png"
    assert render(model, out) == 0
    assert out.exists()


def test_photoreal_mask_above_the_cutoff_is_drawn_opaque(tmp_path):
    model = masked_quad(tmp_path / "kept.gltf", 0.7)
    out = tmp_path / "kept.png"
    assert render(model, out, "--photoreal", "--spp", "2") == 0
    pixels = np.asarray(Image.open(out).convert("RGBA"))
    assert alpha(out).mean() > 0.05
    assert pixels[..., 3][alpha(out)].mean() > 250  # opaque, not blended at 0.7


def test_live_still_looking_away_from_the_product_is_refused_and_not_written(
        external_dir, tmp_path, capsys, monkeypatch):
    import app.cli.render as render_command

    away = Camera("away", "Away", position=(0.0, 0.1, 3.0), target=(0.0, 0.1, 6.0))
    monkeypatch.setattr(render_command, "view_camera", lambda *args, **kwargs: away)
    model = external_dir / "khronos/Box/glTF-Draco/Box.gltf"
    out = tmp_path / "away.png"
    assert render(model, out) == 1
    assert f"{model}: the still would show none of the product" in capsys.readouterr().err
    assert not out.exists()


def test_model_requiring_an_unknown_extension_is_refused_by_render(tmp_path, capsys):
    model = masked_quad(tmp_path / "ext.gltf", 1.0)
    header = json.loads(model.read_text())
    header["extensionsUsed"] = header["extensionsRequired"] = ["EXT_from_the_future"]
    model.write_text(json.dumps(header))
    assert render(model, tmp_path / "x.png") == 1
    err = capsys.readouterr().err
    assert f"{model}: extensionsRequired: requires the glTF extension 'EXT_from_the_future'" in err


def test_model_using_an_unknown_extension_renders_with_a_warning(tmp_path, capsys):
    model = masked_quad(tmp_path / "ext.gltf", 1.0)
    header = json.loads(model.read_text())
    header["extensionsUsed"] = ["EXT_from_the_future"]
    model.write_text(json.dumps(header))
    assert render(model, tmp_path / "x.png") == 0
    err = capsys.readouterr().err
    assert f"warning: {model}: uses the glTF extension 'EXT_from_the_future'" in err


def test_photoreal_hdr_emission_glows(external_dir, tmp_path):
    """KHR_materials_emissive_strength takes emission past 1: the cubes glow (as the Khronos
    screenshot shows), they are not black and the render does not fail."""
    model = external_dir / "khronos/EmissiveStrengthTest/glTF-Binary/EmissiveStrengthTest.glb"
    out = tmp_path / "glow.png"
    assert render(model, out, "--photoreal", "--spp", "2") == 0
    pixels = np.asarray(Image.open(out).convert("RGBA")).astype(int)
    covered = pixels[..., 3] > 127
    blue_glow = (pixels[..., 2] > 200) & (pixels[..., 0] < 150) & covered
    assert blue_glow.sum() >= 5


def test_what_the_renderers_draw_otherwise_is_printed(external_dir, tmp_path, capsys):
    """ClearCoatTest's labels glow, which the live view lights from one point: the user is
    told so, naming the file and the material; TextureSettingsTest's samplers, which wrap
    each axis its own way, are drawn as they are and need no such note."""
    model = external_dir / "khronos/ClearCoatTest/glTF-Binary/ClearCoatTest.glb"
    assert render(model, tmp_path / "x.png") == 0
    err = capsys.readouterr().err
    # the warning names the file as opened: its real place, through any link to its folder
    assert (f"note: {model.resolve()}: material 'LabelMaterial': glows and lights what "
            "is around it") in err
    settings = external_dir / "khronos/TextureSettingsTest/glTF-Binary/TextureSettingsTest.glb"
    assert render(settings, tmp_path / "y.png") == 0
    assert "wrap" not in capsys.readouterr().err


def test_a_gltf_with_a_number_too_long_to_convert_is_refused_without_a_traceback(tmp_path,
                                                                                capsys):
    model = masked_quad(tmp_path / "long.gltf", 1.0)
    header = json.loads(model.read_text())
    header["accessors"][0]["count"] = 0
    model.write_text(json.dumps(header).replace('"count": 0', f'"count": {"1" * 5001}', 1))
    assert render(model, tmp_path / "x.png") == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {model}: ")
    assert "a number of 5001 digits at line 1 column " in err
    assert f"is over the limit of {sys.get_int_max_str_digits()} digits" in err
    assert "Traceback" not in err and not (tmp_path / "x.png").exists()


BLENDER = Path(__file__).parents[1] / "assets" / "blender"


def _height_over_width(path) -> float:
    rows, cols = np.nonzero(alpha(path))
    return (rows.max() - rows.min() + 1) / (cols.max() - cols.min() + 1)


@pytest.mark.parametrize("name", ["standing.stl", "standing.ply"])
def test_an_stl_or_ply_stands_up_as_blender_wrote_it(tmp_path, capsys, name):
    """Blender's STL and PLY exporters (as CAD and 3D-printing tools) write Z up: a post 1 tall
    and 0.2 wide stands, with a note saying how it was read; ``--up y`` lays it down as
    before."""
    standing, lying = tmp_path / "standing.png", tmp_path / "lying.png"
    assert render(BLENDER / name, standing) == 0
    assert f"read Z up, as {name[-3:].upper()} files are written" in capsys.readouterr().err
    assert render(BLENDER / name, lying, "--up", "y") == 0
    assert "read Z up" not in capsys.readouterr().err
    assert _height_over_width(standing) > 2 > 1 > _height_over_width(lying)


def test_an_obj_or_gltf_is_read_y_up_without_a_note(tmp_path, capsys):
    out = tmp_path / "cube.png"
    assert render(BLENDER / "maps" / "cube.obj", out) == 0
    assert "read Z up" not in capsys.readouterr().err
