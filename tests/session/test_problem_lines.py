"""Problems as lines: at most twenty of one file, then one line saying how many more."""

from __future__ import annotations

from app.errors import AppError
from app.session.problem_lines import MAX_PROBLEMS_SHOWN, message_about, problem_lines


def _problems(file: str | None, count: int) -> list[AppError]:
    return [AppError(f"problem {i}", file=file, field=f"f{i}") for i in range(count)]


def test_a_file_with_many_problems_shows_the_first_and_counts_the_rest():
    lines = problem_lines(_problems("c.json", 110_000), prefix="error: ")
    assert len(lines) == MAX_PROBLEMS_SHOWN + 1
    assert lines[0] == "error: c.json: f0: problem 0"
    assert lines[MAX_PROBLEMS_SHOWN - 1] == "error: c.json: f19: problem 19"
    assert lines[-1] == "... and 109980 more problems in c.json"


def test_each_file_has_its_own_limit_and_its_count_follows_its_problems():
    problems = _problems("a.yaml", 22) + _problems("b.yaml", 3) + _problems(None, 21)
    lines = problem_lines(problems)
    assert lines[:20] == [f"a.yaml: f{i}: problem {i}" for i in range(20)]
    assert lines[20] == "... and 2 more problems in a.yaml"
    assert lines[21:24] == [f"b.yaml: f{i}: problem {i}" for i in range(3)]
    assert lines[24:44] == [f"f{i}: problem {i}" for i in range(20)]
    assert lines[44:] == ["... and 1 more problem"]


def test_a_list_within_the_limit_is_shown_whole():
    problems = _problems("a.yaml", MAX_PROBLEMS_SHOWN)
    assert problem_lines(problems) == [str(p) for p in problems]
    assert problem_lines([]) == []


def test_a_dialog_names_the_file_once_and_another_file_on_its_own_lines():
    picture = AppError("picture not found", file="photos/cat.png")
    message = message_about("c.json", [*_problems("c.json", 25), picture])
    assert message.splitlines() == [
        "c.json:", *(f"f{i}: problem {i}" for i in range(20)), "... and 5 more problems",
        "photos/cat.png: picture not found"]
