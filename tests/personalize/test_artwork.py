import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from app.domain.configuration import ImageValue, TextValue
from app.domain.product import Projector, Zone, ZoneLimits, ZoneText
from app.errors import ConfigurationError
from app.personalize.artwork import write_print_artwork, zone_artwork
from app.personalize.fonts import FontLibrary
from app.personalize.picture_store import PictureStore

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def fonts():
    return FontLibrary()


@pytest.fixture
def pictures(tmp_path):
    return PictureStore(tmp_path / "pictures")


def text_zone(**changes):
    fields = dict(
        id="front", label="Your name", kind="text", part="body",
        projector=Projector(position=(0, 0, 0), direction=(0, 0, -1), width_mm=100,
                            height_mm=30),
        limits=ZoneLimits(max_chars=20, max_lines=2, charset="latin"),
        text=ZoneText(size_mm=8))
    return Zone(**{**fields, **changes})


def image_zone():
    return Zone(id="photo", label="Your photo", kind="image", part="body",
                projector=Projector(position=(0, 0, 0), direction=(0, 0, 1), width_mm=70,
                                    height_mm=60))


def test_text_artwork_covers_the_zone_in_the_ink_colour(fonts):
    art = zone_artwork(text_zone(), TextValue(text="Ada", colour="#123456"), fonts,
                       px_per_mm=4.0)
    assert art.rgba.shape == (120, 400, 4)
    assert (art.width_mm, art.height_mm) == (100, 30)
    inked = art.rgba[..., 3] > 0
    assert 500 < inked.sum() < 20000
    assert (art.rgba[inked][:, :3] == (0x12, 0x34, 0x56)).all()
    assert not art.rgba.flags.writeable
    assert art.warnings == []


def test_key_follows_what_decides_the_pixels(fonts):
    zone = text_zone()
    a = zone_artwork(zone, TextValue(text="Ada"), fonts, px_per_mm=4.0)
    b = zone_artwork(zone, TextValue(text="Ada\u200b"), fonts, px_per_mm=4.0)  # cleans to "Ada"
    c = zone_artwork(zone, TextValue(text="Adam"), fonts, px_per_mm=4.0)
    d = zone_artwork(zone, TextValue(text="Ada", font="serif"), fonts, px_per_mm=4.0)
    e = zone_artwork(zone, TextValue(text="Ada", align="left"), fonts, px_per_mm=4.0)
    assert a.key == b.key
    assert np.array_equal(a.rgba, b.rgba)
    assert len({a.key, c.key, d.key, e.key}) == 4


def test_zone_defaults_apply_without_text_settings(fonts):
    zone = text_zone(text=None, limits=ZoneLimits(max_lines=2, fonts=["serif"],
                                                  colours=["#aa0000"]))
    art = zone_artwork(zone, TextValue(text="H"), fonts, px_per_mm=10.0)
    rows = np.nonzero((art.rgba[..., 3] > 127).any(axis=1))[0]
    assert (rows[-1] + 1 - rows[0]) / 10 == pytest.approx(30 * 0.4 / 2, abs=0.15)
    assert tuple(art.rgba[rows[0] + 5][art.rgba[rows[0] + 5, :, 3] > 0][0, :3]) == (0xAA, 0, 0)


@pytest.mark.parametrize(("text", "words"), [
    ("A" * 21, "Your name: 21 characters, at most 20 fit"),
    ("a\nb\nc", "Your name: 3 lines, at most 2 fit"),
    ("Zoë ☃", "these characters cannot be made: '☃'"),
])
def test_zone_limits_give_the_customer_message(fonts, text, words):
    with pytest.raises(ConfigurationError) as caught:
        zone_artwork(text_zone(), TextValue(text=text), fonts)
    assert words in str(caught.value)
    assert caught.value.field == "personalization.front"


def test_missing_glyph_message_is_given_once_per_character(fonts):
    zone = text_zone(limits=ZoneLimits(max_chars=20))
    with pytest.raises(ConfigurationError) as caught:
        zone_artwork(zone, TextValue(text="Li 字 😀", font="script"), fonts)
    lines = str(caught.value).split("\n")
    assert len(lines) == 2
    assert "emoji" in lines[0] and "😀" in lines[0]
    assert "has no '字' (U+5B57)" in lines[1]


def test_monogram_takes_at_most_three_letters(fonts):
    zone = text_zone(text=ZoneText(layout="monogram", size_mm=10))
    assert zone_artwork(zone, TextValue(text="A B C"), fonts, px_per_mm=4).rgba[..., 3].any()
    with pytest.raises(ConfigurationError, match="at most three letters"):
        zone_artwork(zone, TextValue(text="ABCD"), fonts)


def test_arc_layout_needs_a_radius():
    with pytest.raises(ValidationError, match="arc_radius_mm"):
        ZoneText(layout="arc", size_mm=5)


def test_image_artwork_is_the_placed_picture_with_warnings(fonts, tmp_path, pictures):
    Image.new("RGB", (140, 120), (10, 200, 30)).save(tmp_path / "photo.jpg", quality=95)
    value = ImageValue(image=pictures.add_file(tmp_path / "photo.jpg"), fit="fit")
    art = zone_artwork(image_zone(), value, fonts, px_per_mm=2.0, pictures=pictures)
    assert art.rgba.shape == (120, 140, 4)
    assert (art.rgba[..., 3] == 255).all()
    assert abs(int(art.rgba[60, 70, 1]) - 200) < 10
    assert len(art.warnings) == 1 and "51 pixels per inch" in art.warnings[0]


def test_another_picture_changes_the_key(fonts, tmp_path, pictures):
    path = tmp_path / "photo.png"
    Image.new("RGB", (70, 60), (255, 0, 0)).save(path)
    red = ImageValue(image=pictures.add_file(path))
    first = zone_artwork(image_zone(), red, fonts, px_per_mm=1.0, pictures=pictures)
    Image.new("RGB", (70, 60), (0, 0, 255)).save(path)
    blue = ImageValue(image=pictures.add_file(path))
    second = zone_artwork(image_zone(), blue, fonts, px_per_mm=1.0, pictures=pictures)
    assert red.image != blue.image and first.key != second.key
    assert second.rgba[30, 35, 2] == 255
    again = zone_artwork(image_zone(), red, fonts, px_per_mm=1.0, pictures=pictures)
    assert again.key == first.key and again.rgba[30, 35, 0] == 255  # the stored copy stays


def test_a_picture_the_store_lacks_is_a_configuration_error(fonts, tmp_path, pictures):
    other = PictureStore(tmp_path / "elsewhere")
    Image.new("RGB", (70, 60), (255, 0, 0)).save(tmp_path / "photo.png")
    value = ImageValue(image=other.add_file(tmp_path / "photo.png"))
    zone_artwork(image_zone(), value, fonts, px_per_mm=1.0, pictures=other)
    with pytest.raises(ConfigurationError, match="not in the app's picture store"):
        zone_artwork(image_zone(), value, fonts, px_per_mm=1.0, pictures=pictures)


def svg_bounds_mm(root):
    """Bounding box of all outline points, in the SVG's user units (mm)."""
    xs, ys = [], []
    for path in root.iter(f"{SVG}path"):
        m = re.fullmatch(r"translate\(([-\d.]+) ([-\d.]+)\) scale\(([-\d.e]+) ([-\d.e]+)\)",
                         path.get("transform"))
        tx, ty, sx, sy = map(float, m.groups())
        x = y = 0.0
        for cmd, args in re.findall(r"([MLHVQCZ])([^MLHVQCZ]*)", path.get("d")):
            nums = [float(n) for n in re.findall(r"-?[\d.]+(?:e-?\d+)?", args)]
            if cmd == "H":
                x = nums[-1]
            elif cmd == "V":
                y = nums[-1]
            elif nums:
                x, y = nums[-2], nums[-1]
            else:
                continue
            xs.append(tx + sx * x)
            ys.append(ty + sy * y)
    return min(xs), min(ys), max(xs), max(ys)


def test_print_files_for_a_text_zone(fonts, tmp_path):
    zone = text_zone()
    written = write_print_artwork(zone, TextValue(text="Ada\nLovelace", colour="#203040"),
                                  fonts, tmp_path / "order")
    assert [p.name for p in written] == ["front.svg", "front.png"]
    assert sorted(p.name for p in (tmp_path / "order").iterdir()) == ["front.png", "front.svg"]

    root = ET.parse(written[0]).getroot()
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == ("100mm", "30mm")
    assert root.get("viewBox") == "0 0 100 30"
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == len("AdaLovelace")
    assert all(re.match(r"M-?\d", p.get("d")) and p.get("d").endswith("Z") for p in paths)
    assert root.find(f"{SVG}g").get("fill") == "#203040"

    png = Image.open(written[1])
    assert png.size == (round(100 / 25.4 * 300), round(30 / 25.4 * 300)) == (1181, 354)
    assert png.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    alpha = np.asarray(png)[..., 3] > 127
    rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
    px_mm = 25.4 / 300
    x0, y0, x1, y1 = svg_bounds_mm(root)  # vector and raster agree to a fraction of a mm
    assert x0 == pytest.approx(cols[0] * px_mm, abs=0.2)
    assert x1 == pytest.approx((cols[-1] + 1) * px_mm, abs=0.2)
    assert y0 == pytest.approx(rows[0] * px_mm, abs=0.2)
    assert y1 == pytest.approx((rows[-1] + 1) * px_mm, abs=0.2)


def test_print_files_for_an_image_zone(fonts, tmp_path, pictures):
    Image.new("RGBA", (900, 800), (0, 0, 255, 128)).save(tmp_path / "logo.png")
    value = ImageValue(image=pictures.add_file(tmp_path / "logo.png"), fit="crop")
    written = write_print_artwork(image_zone(), value, fonts, tmp_path / "order",
                                  pictures=pictures)
    assert [p.name for p in written] == ["photo.png"]
    png = Image.open(written[0])
    assert png.size == (827, 709)
    assert png.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert np.asarray(png)[300, 400].tolist() == [0, 0, 255, 128]


def test_unknown_font_is_a_configuration_error(fonts):
    with pytest.raises(ConfigurationError) as caught:
        zone_artwork(text_zone(), TextValue(text="Ada", font="comic"), fonts)
    assert "Your name: unknown font 'comic'" in str(caught.value)
