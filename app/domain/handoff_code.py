"""Hand-off codes: a few characters a customer can read aloud, like ``K7M-4QX-9A``.

A hand-off code says nothing about the configuration: it is random (from ``secrets``) and only
a store of hand-offs (app.export.handoff_store) knows which share code it stands for. Seven
random symbols and one check symbol, written in groups of three, three and two. The alphabet
is Crockford's base32 without 0 and 1 (so no 0/O, 1/l/I to confuse) and with U back in: 31
symbols, a prime count, so the weighted check symbol catches every single wrong symbol and
every swap of two neighbours.

Reading one back ignores case, blanks and dashes; anything that is not exactly a code is
refused with a message that says what a code looks like.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from app.errors import ConfigurationError

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_SYMBOLS = 7
SYMBOLS = RANDOM_SYMBOLS + 1  # and the check symbol
GROUPS = (3, 3, 2)
EXAMPLE = "K7M-4QX-9A"
MAX_TYPED = 32  # anything longer is not a hand-off code, whatever it holds
_SEPARATORS = " -\t"
_VALUE = {symbol: i for i, symbol in enumerate(ALPHABET)}

FIELD = "hand-off code"


def _check_symbol(symbols: str) -> str:
    total = sum((i + 1) * _VALUE[s] for i, s in enumerate(symbols))
    return ALPHABET[total % len(ALPHABET)]


def format_handoff_code(symbols: str) -> str:
    """``symbols`` (the 8 of a code) grouped with dashes."""
    out, start = [], 0
    for size in GROUPS:
        out.append(symbols[start:start + size])
        start += size
    return "-".join(out)


def new_handoff_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random code, grouped (``choice`` picks one symbol; tests may pass their own)."""
    symbols = "".join(choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return format_handoff_code(symbols + _check_symbol(symbols))


def _symbols(text: str) -> str:
    return "".join(c for c in text[:MAX_TYPED + 1] if c not in _SEPARATORS).upper()


def looks_like_handoff_code(text: str) -> bool:
    """Whether ``text`` is meant as a hand-off code rather than a long share code: at most
    MAX_TYPED characters holding exactly 8 letters and digits besides blanks and dashes (every
    share code has more)."""
    if not isinstance(text, str) or len(text) > MAX_TYPED:
        return False
    symbols = _symbols(text)
    return len(symbols) == SYMBOLS and symbols.isascii() and symbols.isalnum()


def parse_handoff_code(text: str) -> str:
    """The code ``text`` holds, grouped (``k7m 4qx9a`` -> ``K7M-4QX-9A``); ConfigurationError
    when it is no code or has a typing mistake."""
    if not looks_like_handoff_code(text):
        raise ConfigurationError(f"expected a hand-off code of 8 letters and digits like "
                                 f"{EXAMPLE}", field=FIELD)
    symbols = _symbols(text)
    wrong = sorted({c for c in symbols if c not in _VALUE})
    if wrong:
        raise ConfigurationError(
            f"a hand-off code has no {', '.join(wrong)} (no 0, O, 1, I or L): check the code",
            field=FIELD)
    if _check_symbol(symbols[:-1]) != symbols[-1]:
        raise ConfigurationError("this hand-off code has a typing mistake: check the code",
                                 field=FIELD)
    return format_handoff_code(symbols)
