import shutil

import numpy as np
import pytest

from app.domain.product import ZoneText
from app.errors import AppError
from app.personalize.font_face import font_face
from app.personalize.fonts import PACKAGED_FONTS, FontLibrary
from app.personalize.text import layout_text, rasterise_coverage

BUILTIN = ["sans", "serif", "script", "monogram"]


def test_shipped_faces_serve_every_builtin_id_without_system_fonts(tmp_path):
    fonts = FontLibrary(font_root=tmp_path / "no system fonts")
    assert fonts.ids() == BUILTIN
    families = {i: font_face(fonts.path(i)).family for i in BUILTIN}
    assert families == {"sans": "Liberation Sans", "serif": "Liberation Serif",
                        "script": families["script"], "monogram": "Liberation Serif"}
    assert "Dancing" in families["script"]
    assert all(fonts.path(i).parent == PACKAGED_FONTS for i in BUILTIN)


def test_builtin_ids_resolve_to_installed_faces():
    fonts = FontLibrary()
    assert fonts.ids() == BUILTIN
    families = {i: font_face(fonts.path(i)).family for i in BUILTIN}
    assert families["sans"] == "Liberation Sans"
    assert families["serif"] == "Liberation Serif"
    assert "Dancing" in families["script"]
    assert families["monogram"].startswith("C059")


@pytest.mark.parametrize("font_id", BUILTIN)
def test_each_builtin_font_renders_ink(font_id):
    fonts = FontLibrary()
    layout = layout_text("Ag", fonts.path(font_id), ZoneText(size_mm=5), 30, 10)
    coverage = rasterise_coverage(layout, 8)
    assert coverage.shape == (80, 240)
    assert (coverage > 128).sum() > 200


def test_brand_fonts_come_from_extra_folders(tmp_path):
    source = FontLibrary().path("script")
    shutil.copy(source, tmp_path / "brand_script.otf")
    shutil.copy(FontLibrary().path("sans"), tmp_path / "serif.ttf")  # replaces a built-in id
    (tmp_path / "notes.txt").write_text("not a font")
    fonts = FontLibrary([tmp_path])
    assert fonts.ids() == [*BUILTIN, "brand_script"]
    assert fonts.path("brand_script") == tmp_path / "brand_script.otf"
    assert fonts.path("serif") == tmp_path / "serif.ttf"


def test_unknown_font_lists_the_known_ones():
    with pytest.raises(AppError) as caught:
        FontLibrary().path("comic")
    assert "unknown font 'comic'" in str(caught.value)
    assert "sans, serif, script, monogram" in str(caught.value)


def test_missing_font_folder_is_an_error(tmp_path):
    with pytest.raises(AppError, match="folder of .ttf/.otf fonts"):
        FontLibrary([tmp_path / "nowhere"])


def test_fallback_candidate_is_used_when_the_first_is_missing(tmp_path):
    root = tmp_path / "fonts"
    (root / "truetype/dejavu").mkdir(parents=True)
    shutil.copy("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", root / "truetype/dejavu")
    fonts = FontLibrary(font_root=root, packaged_dir=tmp_path / "nothing shipped")
    assert fonts.ids() == ["sans"]
    assert fonts.path("sans").name == "DejaVuSans.ttf"
    with pytest.raises(AppError, match="font 'script' is not installed"):
        fonts.path("script")


def test_glyph_outline_has_ink_bounds():
    face = font_face(FontLibrary().path("sans"))
    x0, y0, x1, y1 = face.ink_bounds("H")
    assert y0 == pytest.approx(0.0, abs=1e-3)
    assert y1 == pytest.approx(face.cap_height)
    assert 0 < x0 < x1 < face.advance("H")
    assert face.svg_path("H").startswith("M")
    assert face.svg_path(" ") == ""
    assert np.isclose(face.advance("字"), 0.0)
