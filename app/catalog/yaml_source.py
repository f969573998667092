"""Reading a YAML file from outside into plain data, within the limits of ``app.limits``.

A safe loader (no Python objects) that also refuses: files over ``MAX_YAML_BYTES`` (unread),
more than ``MAX_YAML_ALIASES`` alias uses (a billion-laughs file), nesting deeper than
``MAX_NESTING`` (which would end in a RecursionError) and a key written twice in one mapping
(naming the lines of both). Every error names the file, and the line and column where YAML saw it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.parser import ParserError
from yaml.scanner import ScannerError

from app.errors import ProductFileError
from app.limits import MAX_NESTING, MAX_YAML_ALIASES, MAX_YAML_BYTES, read_limited
from app.references import inside_folders


class _LimitedLoader(yaml.SafeLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise ComposerError(None, None, f"more than {MAX_YAML_ALIASES} aliases (*name); "
                                    "write the values out", self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise ComposerError(None, None, f"nested more than {MAX_NESTING} levels deep",
                                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first_lines: dict[Any, int] = {}
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    line = first_lines.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:
                    continue  # an unhashable key: the constructor below says so
                if line != key_node.start_mark.line + 1:
                    raise ConstructorError(
                        None, None, f"duplicate key {key!r}: it is also at line {line}",
                        key_node.start_mark)
        return super().construct_mapping(node, deep)


def parse_yaml(text: str | bytes, label: str) -> Any:
    """The data of YAML ``text``; ProductFileError naming ``label``, the line and column."""
    try:
        return yaml.load(text, Loader=_LimitedLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        kind = "syntax error" if isinstance(exc, ScannerError | ParserError) else "error"
        raise ProductFileError(f"YAML {kind} at {where}: {exc.problem}", file=label) from None
    except yaml.YAMLError as exc:
        raise ProductFileError(f"YAML error: {exc}", file=label) from None


def read_yaml_mapping(path: Path, label: str, *, within: Path | None = None) -> dict[str, Any]:
    """The top-level mapping of a YAML file; ProductFileError when it cannot be read as one.

    ``within``: the folder the file was found in; a file there that is a link to a file
    elsewhere is refused unread.
    """
    if within is not None and not inside_folders(path, [within]):
        raise ProductFileError(f"is a link to a file outside {within.name}/; copy the file "
                               "into the folder instead", file=label)
    data_bytes = read_limited(path, MAX_YAML_BYTES, source=label, error=ProductFileError)
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise ProductFileError("not a text file (expected UTF-8 YAML)", file=label) from None
    data = parse_yaml(text, label)
    if data is None:
        raise ProductFileError("the file is empty", file=label)
    if not isinstance(data, dict):
        raise ProductFileError(
            f"expected a mapping of fields at the top, got a {type(data).__name__}", file=label)
    return data
