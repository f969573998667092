import numpy as np
import pytest
from PIL import Image

from app.cli.main import main
from app.export.room_preview import RoomPreviewError, composite, contact_point


def _still() -> Image.Image:
    """A 40x60 still: a solid red box (x 10..29, y 10..49) over a soft shadow below it."""
    pixels = np.zeros((60, 40, 4), np.uint8)
    pixels[50:54, 5:35] = (0, 0, 0, 120)  # contact shadow, half transparent
    pixels[10:50, 10:30] = (255, 0, 0, 255)
    return Image.fromarray(pixels, "RGBA")


def _photo() -> Image.Image:
    return Image.new("RGB", (200, 150), (200, 200, 200))


def test_contact_point_is_the_bottom_centre_of_the_solid_pixels():
    assert contact_point(_still()) == (20.0, 50.0)


def test_composite_puts_the_contact_point_on_the_floor_position():
    result = np.asarray(composite(_still(), _photo(), (100, 120), scale=1.0))
    assert result.shape == (150, 200, 3)
    assert tuple(result[119, 100]) == (255, 0, 0)  # product just above the point
    assert tuple(result[80, 90]) == (255, 0, 0) and tuple(result[79, 90]) == (200, 200, 200)
    shadow = result[121, 100]
    assert 90 < shadow[0] < 130 and shadow[0] == shadow[1]  # darkened by the shadow alpha
    assert tuple(result[10, 10]) == (200, 200, 200)


def test_composite_scales_around_the_contact_point():
    result = np.asarray(composite(_still(), _photo(), (100, 140), scale=2.0))
    red = np.all(result == (255, 0, 0), axis=2)
    rows, columns = np.flatnonzero(red.any(axis=1)), np.flatnonzero(red.any(axis=0))
    assert rows[-1] == pytest.approx(139, abs=1) and rows[0] == pytest.approx(60, abs=1)
    assert columns[0] == pytest.approx(80, abs=1) and columns[-1] == pytest.approx(119, abs=1)


def test_composite_rejects_a_still_without_alpha_and_bad_positions():
    with pytest.raises(RoomPreviewError, match="transparency"):
        composite(_still().convert("RGB"), _photo(), (10, 10))
    with pytest.raises(RoomPreviewError, match="outside"):
        composite(_still(), _photo(), (500, 10))
    with pytest.raises(RoomPreviewError, match="scale"):
        composite(_still(), _photo(), (10, 10), scale=0)


def test_cli_writes_the_composite_and_reports_a_bad_photo(tmp_path, capsys):
    _still().save(tmp_path / "still.png")
    _photo().save(tmp_path / "room.jpg")
    out = tmp_path / "preview.jpg"
    code = main(["room-preview", "--still", str(tmp_path / "still.png"), "--photo",
                 str(tmp_path / "room.jpg"), "--at", "100,120", "--scale", "1", "--out",
                 str(out)])
    assert code == 0
    with Image.open(out) as image:
        assert image.size == (200, 150)
        red = image.getpixel((100, 100))
        assert red[0] > 230 and red[1] < 30
    (tmp_path / "broken.jpg").write_bytes(b"not an image")
    code = main(["room-preview", "--still", str(tmp_path / "still.png"), "--photo",
                 str(tmp_path / "broken.jpg"), "--at", "1,1", "--out", str(tmp_path / "x.jpg")])
    assert code == 1
    error = capsys.readouterr().err
    assert "broken.jpg" in error and "photo" in error and "not a readable image" in error
    assert not (tmp_path / "x.jpg").exists()
