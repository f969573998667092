import numpy as np
import pytest

from app.domain.product import ZoneText
from app.personalize.fonts import FontLibrary
from app.personalize.text import clean_text, layout_text, rasterise_coverage, text_problems

PX_PER_MM = 10.0


@pytest.fixture(scope="module")
def fonts():
    return FontLibrary()


def ink(text, font_path, settings, width_mm=60, height_mm=30, **kw):
    layout = layout_text(text, font_path, settings, width_mm, height_mm, **kw)
    return rasterise_coverage(layout, PX_PER_MM) > 127


def extent_mm(mask, axis):
    """(first, last + 1) ink pixel along ``axis`` (0 = rows, 1 = columns), in mm."""
    used = np.nonzero(mask.any(axis=1 - axis))[0]
    return used[0] / PX_PER_MM, (used[-1] + 1) / PX_PER_MM


@pytest.mark.parametrize("font_id", ["sans", "serif", "script", "monogram"])
def test_size_in_mm_is_the_cap_height(fonts, font_id):
    layout = layout_text("H", fonts.path(font_id), ZoneText(size_mm=10), 60, 30)
    mask = rasterise_coverage(layout, PX_PER_MM) > 127
    top, _ = extent_mm(mask, 0)
    baseline = layout.glyphs[0].y_mm
    assert baseline - top == pytest.approx(10.0, abs=0.15)


def test_alignment_left_center_right(fonts):
    path = fonts.path("sans")
    left = extent_mm(ink("HI", path, ZoneText(size_mm=5, align="left")), 1)
    centre = extent_mm(ink("HI", path, ZoneText(size_mm=5, align="center")), 1)
    right = extent_mm(ink("HI", path, ZoneText(size_mm=5, align="right")), 1)
    assert left[0] < 1.0
    assert 59.0 < right[1] <= 60.0
    assert (centre[0] + centre[1]) / 2 == pytest.approx(30.0, abs=0.3)
    assert right[1] - right[0] == pytest.approx(left[1] - left[0], abs=0.15)


def test_customer_alignment_overrides_the_zone(fonts):
    path = fonts.path("sans")
    mask = ink("HI", path, ZoneText(size_mm=5, align="left"), align="right")
    assert extent_mm(mask, 1)[1] > 59.0


def test_several_lines_stack_at_the_line_spacing(fonts):
    path = fonts.path("sans")
    settings = ZoneText(size_mm=5, line_spacing=1.5)
    mask = ink("HH\nH\nHHH", path, settings)
    rows = mask.any(axis=1)
    starts = np.nonzero(rows[1:] & ~rows[:-1])[0] + 1
    assert len(starts) == 3
    em_mm = 5 / 0.68798828125  # Liberation Sans: cap height 0.688 em
    assert np.diff(starts) / PX_PER_MM == pytest.approx([1.5 * em_mm] * 2, abs=0.15)
    widths = [mask[s: s + 50].any(axis=0).sum() for s in starts]
    assert widths[2] > widths[0] > widths[1]
    top, bottom = extent_mm(mask, 0)
    assert (top + bottom) / 2 == pytest.approx(15.0, abs=1.5)


def test_letter_spacing_widens_by_the_gaps(fonts):
    path = fonts.path("sans")
    plain = extent_mm(ink("HHHH", path, ZoneText(size_mm=5)), 1)
    spaced = extent_mm(ink("HHHH", path, ZoneText(size_mm=5, letter_spacing_mm=2)), 1)
    assert (spaced[1] - spaced[0]) - (plain[1] - plain[0]) == pytest.approx(6.0, abs=0.15)


def test_monogram_middle_letter_is_larger(fonts):
    mask = ink("HHH", fonts.path("monogram"), ZoneText(layout="monogram", size_mm=8))
    cols = mask.any(axis=0)
    starts = np.nonzero(cols[1:] & ~cols[:-1])[0] + 1
    ends = np.nonzero(cols[:-1] & ~cols[1:])[0] + 1
    assert len(starts) == len(ends) == 3
    heights = []
    centres = []
    for s, e in zip(starts, ends, strict=True):
        top, bottom = extent_mm(mask[:, s:e], 0)
        heights.append(bottom - top)
        centres.append((top + bottom) / 2)
    assert heights[0] == pytest.approx(8.0, abs=0.15)
    assert heights[1] == pytest.approx(12.0, abs=0.15)
    assert heights[2] == pytest.approx(8.0, abs=0.15)
    assert centres == pytest.approx([centres[1]] * 3, abs=0.15)


@pytest.mark.parametrize(("radius", "ends_lower"), [(40.0, True), (-40.0, False)])
def test_arc_text_bends(fonts, radius, ends_lower):
    settings = ZoneText(layout="arc", size_mm=4, arc_radius_mm=radius)
    mask = ink("HHHHHHHHHHHHHHH", fonts.path("serif"), settings)
    ys, xs = np.nonzero(mask)
    third = (xs.max() - xs.min()) / 3
    left = ys[xs < xs.min() + third].mean()
    middle = ys[(xs > xs.min() + third) & (xs < xs.max() - third)].mean()
    right = ys[xs > xs.max() - third].mean()
    assert left == pytest.approx(right, abs=2)
    if ends_lower:  # y grows downwards
        assert left > middle + 10
    else:
        assert left < middle - 10


def test_text_too_large_is_made_smaller_to_fit(fonts):
    layout = layout_text("HHHHHHHHHH", fonts.path("sans"), ZoneText(size_mm=10), 40, 30)
    assert layout.scale < 1
    assert layout.warnings and "smaller" in layout.warnings[0]
    left, right = extent_mm(rasterise_coverage(layout, PX_PER_MM) > 127, 1)
    assert left >= 0 and right <= 40


def test_clean_text_removes_control_and_zero_width_characters():
    assert clean_text("A\u200bB\x07C\r\nD\u200dE\ufeffF\tG\x00") == "ABC\nDEF G"
    assert clean_text("Zoe\u0301") == "Zoé"  # NFC
    assert clean_text("one\u2028two") == "one\ntwo"


def test_missing_glyph_names_the_character(fonts):
    problems = text_problems("Anna 字", fonts.path("script"))
    assert len(problems) == 1
    assert "'字' (U+5B57)" in problems[0]
    assert "DancingScript" in problems[0]


@pytest.mark.parametrize(("text", "words", "named"), [
    ("Hi 😀", "emoji", "😀"),
    ("Hi ❤", "emoji", "❤"),
    ("שלום", "right-to-left", "ש"),
    ("مرحبا", "right-to-left", "م"),
    ("q\u0303", "accents", "\u0303"),
])
def test_emoji_right_to_left_and_loose_marks_are_refused(fonts, text, words, named):
    problems = text_problems(clean_text(text), fonts.path("sans"))
    assert len(problems) == 1
    assert words in problems[0]
    assert named in problems[0]


def test_accented_letters_typed_as_combinations_render(fonts):
    text = clean_text("Zoe\u0301 A\u030a")
    assert text_problems(text, fonts.path("serif")) == []
    assert ink(text, fonts.path("serif"), ZoneText(size_mm=5)).sum() > 500


def test_text_shrunk_below_a_pixel_draws_nothing_and_never_raises(fonts):
    layout = layout_text("W" * 500, fonts.path("sans"), ZoneText(size_mm=8), 20, 10)
    assert layout.scale < 0.01  # made far smaller to fit
    coverage = rasterise_coverage(layout, 2.0)  # glyphs well under one pixel high
    assert coverage.shape == (20, 40)
    assert coverage.max() == 0
    # at print resolution the same layout has ink again
    assert rasterise_coverage(layout, 300 / 25.4 * 20).max() > 0
