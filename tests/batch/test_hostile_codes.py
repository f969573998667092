"""Share codes from outside in ``app batch --codes``: a picture is taken from the picture store
only; a code naming a file of the machine is refused, with the same message as one naming a
file that does not exist, and nothing outside the store is opened."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PIL import Image

from app.batch.variants import configurations_from_codes
from app.cli import main
from app.domain.configuration import UNKNOWN_PICTURE, ImageValue, default_configuration
from app.domain.share_code import encode_share_code
from app.errors import AppErrors
from tests.domain.forged_codes import forged_picture_code
from tests.file_opens import assert_not_opened, opens

HOSTNAME = Path("/etc/hostname")


@pytest.fixture
def outside(tmp_path) -> Path:
    """A readable picture outside the store, where an attacker guesses it is."""
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    Image.new("RGB", (32, 32), (255, 0, 0)).save(secret)
    return secret


def hostile_codes(mug, outside: Path, tmp_path: Path) -> dict[str, str]:
    return {name: forged_picture_code(mug, "photo_print", image) for name, image in {
        "hostname": str(HOSTNAME),
        "readable png": str(outside),
        "relative png": "../outside/secret.png",
        "missing file": str(tmp_path / "nowhere" / "missing.png"),
        "unknown picture id": "sha256:" + "0" * 64,
    }.items()}


def test_forged_codes_are_refused_alike_without_opening_anything(project, outside, tmp_path):
    assert HOSTNAME.is_file() and outside.is_file()
    mug = project.catalog.product("mug")
    messages = {}
    with opens() as opened:
        for name, code in hostile_codes(mug, outside, tmp_path).items():
            with pytest.raises(AppErrors) as caught:
                configurations_from_codes(mug, [code], pictures=project.pictures)
            (error,) = caught.value.errors
            assert error.message.startswith(f"{code}: ")
            messages[name] = error.message.removeprefix(f"{code}: ")
    assert set(messages.values()) == {UNKNOWN_PICTURE}, messages
    assert_not_opened(opened, HOSTNAME, outside, tmp_path / "nowhere")


def test_batch_command_refuses_a_forged_code(project, builtin_root, outside, tmp_path, capsys):
    mug_codes = hostile_codes(project.catalog.product("mug"), outside, tmp_path)
    out = tmp_path / "shots"
    errors = []
    for code in (mug_codes["hostname"], mug_codes["readable png"], mug_codes["missing file"]):
        with opens() as opened:
            status = main(["--root", str(builtin_root), "batch", "--product", "mug", "--codes",
                           code, "--out", str(out), "--workers", "0", "--quiet"])
        assert status == 1
        assert_not_opened(opened, HOSTNAME, outside, tmp_path / "nowhere")
        err = capsys.readouterr().err
        assert "Traceback" not in err and str(outside) not in err
        errors.append(err.replace(code, "CODE"))
    assert len(set(errors)) == 1 and UNKNOWN_PICTURE in errors[0]
    assert not out.exists() or not list(out.glob("*.png"))


def test_a_code_naming_a_stored_picture_renders(project, builtin_root, outside, tmp_path):
    mug = project.catalog.product("mug")
    picture = project.pictures.add_file(outside)  # the customer uploaded it on this machine
    configuration = default_configuration(mug).with_zone("photo_print",
                                                         ImageValue(image=picture))
    code = encode_share_code(configuration, mug)
    out = tmp_path / "shots"
    assert main(["--root", str(builtin_root), "batch", "--product", "mug", "--codes", code,
                 "--out", str(out), "--workers", "0", "--size", "64x48", "--quiet"]) == 0
    (row,) = list(csv.DictReader((out / "manifest.csv").open(encoding="utf-8")))
    assert row["status"] == "rendered" and row["share_code"] == code
    for text in ((out / "manifest.csv").read_text(), (out / "manifest.json").read_text()):
        assert str(tmp_path) not in text and "secret" not in text
    assert json.loads((out / "manifest.json").read_text())["images"][0]["file"] == row["file"]

