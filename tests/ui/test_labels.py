"""Labels from product files: '&' kept, words never cut, colours named."""

from __future__ import annotations

from app.ui.labels import colour_name, literal, wrap_words


def width(text: str) -> float:
    return 7.0 * len(text)  # a monospaced font, 7 px a character


def test_an_ampersand_is_doubled_for_qt_so_it_shows_as_one():
    assert literal("Black & gold") == "Black && gold"


def test_labels_wrap_between_words_and_end_in_an_ellipsis_without_cutting_one():
    assert wrap_words("Speckled stoneware", 96, width) == (["Speckled", "stoneware"], False)
    lines, cut = wrap_words("Street: 14 in chrome ten-spoke, low-profile tyres", 96, width)
    assert cut and len(lines) == 2 and lines[-1].endswith("\u2026")
    words = "Street: 14 in chrome ten-spoke, low-profile tyres".split()
    assert all(w in words for line in lines for w in line.rstrip("\u2026").split())
    assert all(width(line) <= 96 for line in lines)
    assert wrap_words("Caseback", 96, width) == (["Caseback"], False)
    long_word = "Supercalifragilistic"
    assert wrap_words(long_word, 96, width) == ([long_word], False)  # whole, never cut


def test_colours_get_a_readable_name():
    assert colour_name("#1d1d1f") == "Black"
    assert colour_name("#FFFFFF") == "White"
    assert colour_name("#2a5d9f") == "Blue"
    assert colour_name("#d4af37") == "Gold"
    assert colour_name("#9a9a9a") == "Grey"
