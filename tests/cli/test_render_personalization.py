"""``app render`` with --text / --image: personalized headless renders and the customer's errors."""

import json

import numpy as np
import pytest
from PIL import Image

from app.cli import main
from app.personalize.images import load_upload
from app.personalize.picture_store import PictureStore, pixel_digest, stored_bytes


def mug(out, *extra):
    return main(["render", "--product", "mug", "--out", str(out), "--size", "160x120",
                 "--camera", "front", *extra])


def test_text_shows_on_the_rendered_mug(tmp_path):
    plain, named = tmp_path / "plain.png", tmp_path / "named.png"
    assert mug(plain) == 0
    assert mug(named, "--text", "wrap_text=Ada Lovelace", "--font", "wrap_text=serif",
               "--ink", "wrap_text=#b3262e") == 0
    a = np.asarray(Image.open(plain).convert("RGB"), dtype=int)
    b = np.asarray(Image.open(named).convert("RGB"), dtype=int)
    changed = np.abs(a - b).sum(axis=2) > 60
    rows, cols = np.nonzero(changed)
    assert changed.sum() > 40
    assert 45 < rows.mean() < 80  # the text band around the mug's middle
    red = b[changed].mean(axis=0)
    assert red[0] > red[1] + 30  # in the red ink


@pytest.mark.parametrize("args, message", [
    (["--text", "wrap_text=Ada Lovelace, first programmer"],
     "personalization.wrap_text: Your text: 30 characters, at most 24 fit"),
    (["--text", "wrap_text=Hi \N{GRINNING FACE}"], "these characters cannot be made"),
    (["--text", "wrap_text=Ada", "--font", "wrap_text=comic"],
     "font 'comic' is not offered here"),
    (["--text", "photo_print=Ada"], "Your photo takes an image"),
    (["--text", "lid=Ada"], "unknown personalization zone 'lid'"),
    (["--text", "wrap_text=Ada", "--ink", "wrap_text=red"], "--ink: wrap_text:"),
    (["--text", "wrap_text=Ada", "--technique", "wrap_text=stamp"], "--technique: wrap_text:"),
    (["--font", "wrap_text=serif"], "--font wrap_text=... needs --text wrap_text=..."),
    (["--image", "photo_print=nowhere.png"], "does not exist"),
])
def test_bad_personalization_exits_with_the_customers_message(tmp_path, capsys, args, message):
    out = tmp_path / "x.png"
    assert mug(out, *args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_a_file_that_is_not_a_picture_is_refused(tmp_path, capsys):
    fake = tmp_path / "photo.png"
    fake.write_text("not a picture")
    assert mug(tmp_path / "x.png", "--image", f"photo_print={fake}") == 1
    assert "error:" in capsys.readouterr().err


def test_an_image_option_copies_the_picture_into_the_store(tmp_path, capsys):
    picture_file = tmp_path / "photo.png"
    Image.new("RGB", (120, 100), (30, 160, 40)).save(picture_file)
    store = PictureStore.default()
    out = tmp_path / "x.png"
    upload = load_upload(picture_file)
    data, suffix = stored_bytes(upload)
    digest = pixel_digest(upload.rgba)  # the id hashes the pixels
    assert not store.has(f"sha256:{digest}")
    assert mug(out, "--image", f"photo_print={picture_file}") == 0
    assert out.is_file() and (store.folder / f"{digest}{suffix}").read_bytes() == data
    again = tmp_path / "again.png"
    assert mug(again, "--image", f"photo_print=sha256:{digest}") == 0  # by its id, from the store
    assert np.array_equal(np.asarray(Image.open(out)), np.asarray(Image.open(again)))
    assert mug(tmp_path / "y.png", "--image", "photo_print=sha256:" + "0" * 64) == 1
    assert "not in the app's picture store" in capsys.readouterr().err


def test_an_old_configuration_file_with_a_path_is_imported(tmp_path, capsys):
    picture_file = tmp_path / "pictures" / "logo.png"
    picture_file.parent.mkdir()
    Image.new("RGB", (120, 100), (200, 160, 40)).save(picture_file)
    old = {"schema_version": 1, "product_id": "mug", "personalization": {
        "photo_print": {"kind": "image", "image": "pictures/logo.png", "fit": "fill"}}}
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    assert mug(tmp_path / "x.png", "--config", str(tmp_path / "old.json")) == 0
    old["personalization"]["photo_print"]["image"] = "pictures/gone.png"
    (tmp_path / "gone.json").write_text(json.dumps(old), encoding="utf-8")
    assert mug(tmp_path / "y.png", "--config", str(tmp_path / "gone.json")) == 1
    err = capsys.readouterr().err
    assert "gone.json: personalization.photo_print: the picture 'pictures/gone.png' could not " \
           "be imported" in err
    assert not (tmp_path / "y.png").exists()
