"""Opening a configuration on the desktop (``read_configuration``, Qt-free): every problem it
has against its product names the file, as the window's dialog and problem list show them."""

from __future__ import annotations

import json

import pytest

from app.errors import AppError
from app.project import open_project
from app.session.configuration_files import read_configuration


@pytest.mark.parametrize("fields, expected", [
    ({"selections": {"g0": "x"}}, "selections.g0: unknown option 'g0'"),
    ({"selections": {"glaze": "plaid"}}, "selections.glaze: unknown choice 'plaid' for"),
    ({"personalization": {"nope": {"kind": "text", "text": "hi"}}},
     "personalization.nope: unknown personalization zone 'nope'"),
    ({"product_id": "teapot"}, "product_id: this configuration is for product 'teapot', which "
                               "is not in the catalog"),
    ({"selections": {"handle": "angular", "interior": "yellow"}},
     "rules[0]: The modern handle is not made with a yellow inside."),
])
def test_each_problem_of_an_opened_file_names_it(tmp_path, project_root, fields, expected):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"schema_version": 1, "product_id": "mug", **fields}))
    with pytest.raises(AppError) as info:
        read_configuration(path, open_project(project_root).catalog.products)
    errors = getattr(info.value, "errors", [info.value])
    assert [str(e) for e in errors if str(e).startswith(f"{path}: {expected}")]
    assert all(e.file == str(path) for e in errors)
