"""``app render`` with --text / --image: personalized headless renders and the customer's errors."""

import numpy as np
import pytest
from PIL import Image

from app.cli import main


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
