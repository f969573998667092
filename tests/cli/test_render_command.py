import shutil

import numpy as np
import pytest
from PIL import Image

from app.cli import main


def background_fraction(path):
    pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
    corner = pixels[2, 2]
    return float((np.abs(pixels - corner).sum(axis=2) < 12).mean())


def test_render_the_mug_in_matte_black(tmp_path, capsys):
    out = tmp_path / "mug.png"
    assert main(["render", "--product", "mug", "--set", "glaze=matte_black", "--out", str(out),
                 "--size", "320x240"]) == 0
    image = Image.open(out)
    assert image.size == (320, 240)
    pixels = np.asarray(image.convert("RGB")).astype(float)
    centre = pixels[100:180, 120:200].mean(axis=(0, 1))
    assert centre.max() < 90  # the glaze is black where the mug is
    assert 0.3 < background_fraction(out) < 0.95
    captured = capsys.readouterr()
    assert f"wrote {out}" in captured.out
    assert "note:" not in captured.err  # the mug's ceramics are drawn as they say


def test_a_still_notes_what_it_draws_otherwise(tmp_path, capsys):
    """The watch's crystal is glass: the user is told how the live view draws it, naming the
    material's file."""
    out = tmp_path / "watch.png"
    assert main(["render", "--product", "watch", "--out", str(out), "--size", "80x60"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": the live view")[0] for line in err if line.startswith("note:")] == [
        "note: assets/materials/glass_clear.yaml"]


def test_render_transparent_background(tmp_path):
    out = tmp_path / "mug.png"
    assert main(["render", "--product", "mug", "--transparent", "--out", str(out),
                 "--size", "160x120", "--camera", "front"]) == 0
    alpha = np.asarray(Image.open(out))[:, :, 3]
    assert alpha[0, 0] == 0 and alpha[60, 80] == 255


@pytest.mark.parametrize("args, message", [
    (["--set", "glaze=shiny"], "selections.glaze: unknown choice 'shiny' for Glaze"),
    (["--set", "colour=red"], "selections.colour: unknown option 'colour'"),
    (["--set", "glaze=custom", "--colour", "glaze=#ffffff"],
     "colours.glaze: Glaze: colour #ffffff is outside the colours offered"),
    (["--camera", "drone"], "unknown camera 'drone'"),
    (["--preset", "nope"], "unknown preset 'nope' (known: classic, midnight, stoneware)"),
])
def test_bad_render_requests_exit_non_zero_with_a_message(tmp_path, capsys, args, message):
    out = tmp_path / "x.png"
    code = main(["render", "--product", "mug", "--out", str(out), "--size", "64x48", *args])
    assert code == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_unknown_product(tmp_path, capsys):
    assert main(["render", "--product", "kettle", "--out", str(tmp_path / "x.png")]) == 1
    assert "unknown product 'kettle' (known: " in capsys.readouterr().err


def test_render_a_model_file_as_it_comes(external_dir, tmp_path):
    out = tmp_path / "bottle.png"
    model = external_dir / "WaterBottle" / "glTF" / "WaterBottle.gltf"
    assert main(["render", "--model", str(model), "--out", str(out), "--size", "160x120"]) == 0
    assert 0.2 < background_fraction(out) < 0.97


def test_render_a_broken_model_file(tmp_path, capsys):
    model = tmp_path / "broken.glb"
    model.write_bytes(b"glTF\x02\x00\x00\x00garbage")
    assert main(["render", "--model", str(model), "--out", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert str(model) in err
    assert "Traceback" not in err


def test_render_a_model_whose_texture_is_missing_draws_it_and_names_the_file(
    external_dir, tmp_path, capsys
):
    source = external_dir / "WaterBottle" / "glTF"
    for file in source.iterdir():
        if file.name != "WaterBottle_baseColor.png":
            shutil.copy(file, tmp_path / file.name)
    model, out = tmp_path / "WaterBottle.gltf", tmp_path / "bottle.png"
    assert main(["render", "--model", str(model), "--out", str(out), "--size", "160x120"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {model}: texture file not found: 'WaterBottle_baseColor.png'" in err
    assert "drawn without it" in err
    assert 0.2 < background_fraction(out) < 0.97
