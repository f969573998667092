"""Problems as lines for a person to read: at most ``MAX_PROBLEMS_SHOWN`` of each file, then one
line saying how many more that file has. A file of 100,000 unknown options is 21 lines, not
100,000; a folder of files with a few problems each shows them all."""

from __future__ import annotations

from collections.abc import Iterable

from app.errors import AppError

MAX_PROBLEMS_SHOWN = 20


def problem_lines(problems: Iterable[AppError], *, prefix: str = "",
                  limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
    """``prefix`` and each problem, in order, up to ``limit`` of each file (``AppError.file``;
    problems that name no file count as one more); where a file has more, one line
    ``... and K more problems in FILE`` stands where the first left out would have been."""
    lines: list[str] = []
    shown: dict[str | None, int] = {}
    left_out: dict[str | None, int] = {}
    summary_at: dict[str | None, int] = {}
    for problem in problems:
        count = shown.get(problem.file, 0)
        if count < limit:
            shown[problem.file] = count + 1
            lines.append(f"{prefix}{problem}")
            continue
        if problem.file not in summary_at:
            summary_at[problem.file] = len(lines)
            lines.append("")
        left_out[problem.file] = left_out.get(problem.file, 0) + 1
    for file, index in summary_at.items():
        count = left_out[file]
        where = f" in {file}" if file else ""
        lines[index] = f"... and {count} more problem{'s' if count != 1 else ''}{where}"
    return lines


def message_about(file: str, problems: Iterable[AppError]) -> str:
    """A dialog's message about the problems of ``file``: the file named once, on the first
    line, then ``problem_lines`` without it (problems of another file, a picture it names,
    keep their file)."""
    lines = [line[len(file) + 2:] if line.startswith(f"{file}: ")
             else line.removesuffix(f" in {file}") for line in problem_lines(problems)]
    return "\n".join([f"{file}:", *lines])
