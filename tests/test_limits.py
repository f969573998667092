"""``app.limits.load_json`` on numbers built to break Python's conversions: an integer longer
than Python converts is an error naming the file and the place; long or huge floats parse."""

import math
import os
import sys

import pytest

from app.errors import AppError
from app.limits import json_nesting, load_json, read_limited

LIMIT = sys.get_int_max_str_digits()


def test_an_integer_too_long_to_convert_is_an_error_naming_the_file_and_place():
    text = ('{"asset": {"version": "2.0"},\n "accessors": [{"componentType": 5126, '
            f'"count": {"1" * (LIMIT + 701)}, "type": "VEC3"}}]}}')
    with pytest.raises(AppError) as caught:
        load_json(text, source="F.gltf", max_bytes=10**8)
    column = text.index("1111") - text.index("\n")
    assert str(caught.value) == (f"F.gltf: a number of {LIMIT + 701} digits at line 2 column "
                                 f"{column} is over the limit of {LIMIT} digits")


def test_digits_in_strings_and_floats_are_not_taken_for_the_long_integer():
    text = f'["{"2" * (LIMIT + 1)}", 1.{"3" * (LIMIT + 1)}, -{"4" * (LIMIT + 1)}]'
    with pytest.raises(AppError, match=f"a number of {LIMIT + 1} digits at line 1 column "
                                       f"{text.index('-') + 1} is over the limit"):
        load_json(text, source="x.json", max_bytes=10**8)


def test_an_integer_at_the_limit_and_floats_of_any_length_or_size_parse():
    text = (f'[{"9" * LIMIT}, 1e999999, -1e999999, 0.{"0" * 5000}1, {"7" * 5000}.5, '
            f'1.{"1" * 5000}]')
    data = load_json(text, source="x.json", max_bytes=10**8)
    assert data[0] == 10**LIMIT - 1
    assert data[1:3] == [math.inf, -math.inf]
    assert data[3] == 0.0
    assert data[4] == math.inf and data[5] == pytest.approx(1.1111111)


@pytest.mark.parametrize(("text", "depth"), [
    ('[1, [2, {"a": "]]]"}]]', 3),  # brackets in a string do not count
    ('["a\\"]]", [[]]]', 3),  # nor after an escaped quote
    ('[[["left open', 3),  # a string left open to the end
    ('[[["x\\', 3),  # ... ending on a backslash
])
def test_nesting_is_counted_outside_strings(text, depth):
    assert json_nesting(text) == depth


def test_a_file_of_unclosed_quotes_is_refused_as_json_not_read_again_from_each():
    """200 kB of '"\\' took minutes (a 2 MB one hours) to count its nesting: the pattern
    that skipped strings looked for each quote's closing quote in the rest of the text."""
    with pytest.raises(AppError, match="invalid JSON at line 1"):
        load_json('"\\' * 100_000, source="c.json", max_bytes=10**8)


@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_a_pipe_or_a_device_is_refused_unread(tmp_path, kind):
    """Opening a pipe blocks until something writes to it: a configuration or a product file
    that was one hung every command."""
    path = tmp_path / "c.json"
    if kind == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(AppError) as caught:
        read_limited(path, 1000, source="c.json")
    assert str(caught.value) == "c.json: expected a file, got a pipe or a device"
