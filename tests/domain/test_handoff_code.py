"""Hand-off codes: short, random, readable aloud, and typing mistakes caught."""

from __future__ import annotations

import itertools
import re

import pytest

from app.domain.handoff_code import (
    ALPHABET,
    looks_like_handoff_code,
    new_handoff_code,
    parse_handoff_code,
)
from app.errors import ConfigurationError

SHAPE = re.compile(r"[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{2}")


def test_a_code_is_short_grouped_and_free_of_look_alike_symbols():
    for _ in range(200):
        code = new_handoff_code()
        assert len(code) <= 10
        assert SHAPE.fullmatch(code), code
        assert not set(code) & set("01OIL")
        assert parse_handoff_code(code) == code


def test_codes_are_random():
    assert len({new_handoff_code() for _ in range(500)}) == 500
    assert not set("01OIL") & set(ALPHABET)


def test_case_blanks_and_dashes_do_not_matter():
    code = new_handoff_code()
    typed = code.replace("-", " ").lower()
    assert parse_handoff_code(typed) == code
    assert parse_handoff_code(" " + code.replace("-", "") + " ") == code


def test_every_single_wrong_symbol_and_every_swap_is_caught():
    code = new_handoff_code().replace("-", "")
    for i, other in itertools.product(range(len(code)), ALPHABET):
        if other != code[i]:
            typo = code[:i] + other + code[i + 1:]
            with pytest.raises(ConfigurationError, match="typing mistake"):
                parse_handoff_code(typo)
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            with pytest.raises(ConfigurationError, match="typing mistake"):
                parse_handoff_code(swapped)


@pytest.mark.parametrize("text", ["", "K7M", "K7M-4QX-9TT2", "mug-aebagbaf", "x" * 10_000,
                                  "K7M-4QX-9\u0663", "../../etc/pa", "K7M\x004QX9T",
                                  "\u212a7M-4QX-9T"])
def test_anything_else_is_refused_with_what_a_code_looks_like(text):
    with pytest.raises(ConfigurationError) as caught:
        parse_handoff_code(text)
    assert str(caught.value).startswith("hand-off code: ")


def test_look_alike_symbols_are_named():
    with pytest.raises(ConfigurationError, match="no 0, O, 1, I or L"):
        parse_handoff_code("K0M-4QX-9T")


def test_share_codes_never_look_like_hand_off_codes():
    assert not looks_like_handoff_code("mug-aebagbaf")  # the shortest share code has 9+
    assert not looks_like_handoff_code("a-aebagbaf")
    assert looks_like_handoff_code("k7m-4qx-9t")


def test_the_example_in_messages_and_help_is_a_valid_code():
    from app.domain.handoff_code import EXAMPLE

    assert parse_handoff_code(EXAMPLE) == EXAMPLE
