"""Reading a YAML file from outside into plain data, within the limits of ``app.limits``.

A safe loader (no Python objects) that also refuses: files over ``MAX_YAML_BYTES`` (unread),
more than ``MAX_YAML_ALIASES`` alias uses (a billion-laughs file), nesting deeper than
``MAX_NESTING`` (which would end in a RecursionError), a key written twice in one mapping
(naming the lines of both), an integer longer than Python converts (``sys.get_int_max_str_digits``)
and a date that is no day. Every error names the file, and the line and column where YAML saw it.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.parser import ParserError
from yaml.scanner import ScannerError

from app.errors import AppError, ProductFileError
from app.limits import (
    MAX_NESTING,
    MAX_YAML_ALIASES,
    MAX_YAML_BYTES,
    MAX_YAML_VALUES,
    read_limited,
)
from app.references import inside_folders

# libyaml's parser and composer where PyYAML was built with it (five times faster on a
# catalog), PyYAML's own otherwise; the constructor is PyYAML's safe one either way
_SafeLoader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _Loader(_SafeLoader):
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

    def construct_object(self, node, deep=False):
        """A value that Python refuses to build (a date that is no day, an integer too long to
        convert) is an error at its place, not a ValueError."""
        try:
            return super().construct_object(node, deep)
        except ValueError as exc:
            raise ConstructorError(None, None, _value_problem(node, exc),
                                   node.start_mark) from None

    def construct_yaml_int(self, node):
        """Integers within Python's limit on digits (sys.get_int_max_str_digits), whatever
        their base: a longer one could not be printed in a message later."""
        value = super().construct_yaml_int(node)
        limit = sys.get_int_max_str_digits()
        if limit and value.bit_length() > 3 * limit and abs(value) >= 10 ** limit:
            raise ConstructorError(None, None, _too_long(int(math.log10(abs(value))) + 1),
                                   node.start_mark)
        return value


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _too_long(digits: int) -> str:
    return (f"a number of {digits} digits is over the limit of "
            f"{sys.get_int_max_str_digits()} digits")


def _value_problem(node: yaml.Node, exc: ValueError) -> str:
    if node.tag == "tag:yaml.org,2002:int":
        return _too_long(sum(c.isdigit() for c in str(node.value)))
    return f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}: {exc}"


def _check_limits(text: str | bytes) -> None:
    """Refuse, before anything is composed, a document with more than ``MAX_YAML_ALIASES``
    alias uses or nodes nested more than ``MAX_NESTING`` deep (ComposerError at the place)."""
    events = _SafeLoader(text)
    aliases = depth = 0
    sizes: dict[str, int] = {}  # per anchor: how many values it stands for, written out
    open_values: list[list] = []  # per open collection: its anchor, its values so far
    done = 0  # values of the top-level collections closed so far
    try:
        while events.check_event():
            event = events.get_event()
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    raise ComposerError(None, None, f"more than {MAX_YAML_ALIASES} aliases "
                                        "(*name); write the values out", event.start_mark)
            # an alias stands for all its anchor's values: aliases of aliases multiply them
            added = 0
            if isinstance(event, yaml.AliasEvent):
                added = sizes.get(event.anchor, 1)
            elif isinstance(event, yaml.ScalarEvent):
                added = 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.CollectionStartEvent):
                open_values.append([event.anchor, 1])
            elif isinstance(event, yaml.CollectionEndEvent) and open_values:
                anchor, added = open_values.pop()
                if anchor:
                    sizes[anchor] = added
            if added:
                if open_values:
                    open_values[-1][1] += added
                else:
                    done += added
                written_out = done + sum(values for _, values in open_values)
                if written_out > MAX_YAML_VALUES:
                    raise ComposerError(None, None, "its aliases (*name) stand for more than "
                                        f"{MAX_YAML_VALUES} values; write the values out",
                                        event.start_mark)
            if isinstance(event, yaml.NodeEvent):  # collection starts too
                if depth + 1 > MAX_NESTING:
                    raise ComposerError(None, None, f"nested more than {MAX_NESTING} levels "
                                        "deep", event.start_mark)
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        events.dispose()


Position = tuple[int, int]  # line, column; both from 1


@dataclass(frozen=True)
class YamlData:
    """A YAML file's data, and where each field and list item of it was written."""

    data: Any
    positions: dict[str, Position] = field(default_factory=dict)  # "options[2].price" -> where

    def locate(self, errors: list[AppError]) -> list[AppError]:
        """``errors`` with the line and column of their field, or of the nearest field that
        holds it (a missing field is reported where its mapping starts)."""
        for error in errors:
            if error.position is None and error.field is not None:
                error.position = self.position_of(error.field)
        return errors

    def position_of(self, field_path: str) -> Position | None:
        path = field_path
        while path:
            if path in self.positions:
                return self.positions[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:max(cut, 0)]
        return None


def _positions(node: yaml.Node, path: str, out: dict[str, Position]) -> None:
    """Field path -> (line, column) of every key and list item under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = f"{path}.{key_node.value}" if path else str(key_node.value)
            out.setdefault(key, (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
            _positions(value_node, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{path}[{index}]"
            out.setdefault(key, (item.start_mark.line + 1, item.start_mark.column + 1))
            _positions(item, key, out)


def parse_yaml(text: str | bytes, label: str) -> Any:
    """The data of YAML ``text``; ProductFileError naming ``label``, the line and column."""
    return parse_yaml_with_positions(text, label).data


def parse_yaml_with_positions(text: str | bytes, label: str) -> YamlData:
    """The data of YAML ``text`` and where its fields are; ProductFileError naming ``label``,
    the line and column."""
    loader = _Loader(text)
    try:
        _check_limits(text)
        node = loader.get_single_node()
        if node is None:
            return YamlData(None)
        positions: dict[str, Position] = {}
        _positions(node, "", positions)
        return YamlData(loader.construct_document(node), positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        kind = "syntax error" if isinstance(exc, ScannerError | ParserError) else "error"
        raise ProductFileError(f"YAML {kind} at {where}: {exc.problem}", file=label) from None
    except yaml.YAMLError as exc:
        raise ProductFileError(f"YAML error: {exc}", file=label) from None
    finally:
        loader.dispose()


def read_yaml_mapping(path: Path, label: str, *, within: Path | None = None) -> dict[str, Any]:
    """The top-level mapping of a YAML file; ProductFileError when it cannot be read as one.

    ``within``: the folder the file was found in; a file there that is a link to a file
    elsewhere is refused unread.
    """
    return read_yaml_file(path, label, within=within).data


def read_yaml_file(path: Path, label: str, *, within: Path | None = None) -> YamlData:
    """``read_yaml_mapping`` with where each field was written, for errors that name lines."""
    if within is not None and not inside_folders(path, [within]):
        raise ProductFileError(f"is a link to a file outside {within.name}/; copy the file "
                               "into the folder instead", file=label)
    data_bytes = read_limited(path, MAX_YAML_BYTES, source=label, error=ProductFileError)
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise ProductFileError("not a text file (expected UTF-8 YAML)", file=label) from None
    document = parse_yaml_with_positions(text, label)
    if document.data is None:
        raise ProductFileError("the file is empty", file=label)
    if not isinstance(document.data, dict):
        raise ProductFileError(f"expected a mapping of fields at the top, got a "
                               f"{type(document.data).__name__}", file=label)
    return document
