"""pydantic validation errors -> ProductFileErrors with readable field paths.

``('options', 2, 'choices', 0, 'material')`` reads ``options[2].choices[0].material``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from app.catalog.yaml_source import YamlData
from app.errors import AppErrors, ProductFileError

Model = TypeVar("Model", bound=BaseModel)

_PREFIX = re.compile(r"^((?:[A-Za-z_]\w*(?:\[\d+\])*\.?)+): ")


def field_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or part.startswith("function-"):
            continue  # pydantic's names for union members and validators, not fields
        else:
            out += ("." if out else "") + part
    return out


def _nested_models(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        out += _nested_models(arg)
    return out


def _field_names_at(model: type[BaseModel], loc: Sequence[str | int]) -> set[str]:
    """Names of the fields allowed where ``loc`` points (inside ``model``)."""
    models = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        nested: list[type[BaseModel]] = []
        for m in models:
            info = m.model_fields.get(part)
            if info is not None:
                nested += _nested_models(info.annotation)
        models = nested or models
    return {name for m in models for name in m.model_fields}


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validation_problems(exc: ValidationError, model: type[BaseModel],
                        file: str) -> list[ProductFileError]:
    problems = []
    for err in exc.errors():
        field = field_path(err["loc"])
        kind = err["type"]
        message = err["msg"]
        if kind == "missing":
            message = "missing required field"
        elif kind == "extra_forbidden":
            name = str(err["loc"][-1])
            known = sorted(_field_names_at(model, err["loc"][:-1]) - {"source"})
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            message = "unknown field" + (f" (did you mean '{close[0]}'?)" if close else "")
        elif kind == "value_error":
            message = message.removeprefix("Value error, ")
            m = _PREFIX.match(message)
            if m:
                field = f"{field}.{m.group(1)}" if field else m.group(1)
                message = message[m.end():]
        else:
            message = f"{message}, got {_describe(err.get('input'))}"
        problems.append(ProductFileError(message, file=file, field=field or None))
    return problems


def validate_file_data(document: YamlData, model: type[Model], path: Path,
                       label: str) -> Model:
    """``document`` read from ``path`` as a ``model`` that records that file in its ``source``;
    AppErrors naming the file, each bad field and its line otherwise."""
    data = document.data
    if "source" in data:
        raise AppErrors(document.locate([ProductFileError("unknown field", file=label,
                                                          field="source")]))
    try:
        return model.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        raise AppErrors(document.locate(validation_problems(exc, model, label))) from None
