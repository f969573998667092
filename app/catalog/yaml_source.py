"""Reading a YAML file into plain data, with errors that name the file, line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from app.errors import ProductFileError


def read_yaml_mapping(path: Path, label: str) -> dict[str, Any]:
    """The top-level mapping of a YAML file; ProductFileError when it cannot be read as one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProductFileError("file not found", file=label) from None
    except UnicodeDecodeError:
        raise ProductFileError("not a text file (expected UTF-8 YAML)", file=label) from None
    except OSError as exc:
        raise ProductFileError(f"cannot read the file: {exc.strerror}", file=label) from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise ProductFileError(f"YAML syntax error at {where}: {exc.problem}",
                               file=label) from None
    except yaml.YAMLError as exc:
        raise ProductFileError(f"YAML syntax error: {exc}", file=label) from None
    if data is None:
        raise ProductFileError("the file is empty", file=label)
    if not isinstance(data, dict):
        raise ProductFileError(
            f"expected a mapping of fields at the top, got a {type(data).__name__}", file=label)
    return data
