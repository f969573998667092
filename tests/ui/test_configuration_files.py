"""Configuration files: atomic saves (a kill mid-save leaves the old file), clear read errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from app.domain.configuration import Configuration, default_configuration
from app.errors import AppError, AppErrors, ConfigurationError
from app.files import leftover_temporaries
from app.project import open_project
from app.ui.autosave import Autosave
from app.ui.configuration_files import read_configuration, save_configuration

SLOW_WRITER = """
import os, sys, time
from pathlib import Path
import app.files as files
real_replace = os.replace
def slow_replace(src, dst):
    Path(sys.argv[2]).write_text("temp written")
    time.sleep(60)
    real_replace(src, dst)
files.os.replace = slow_replace
files.write_text_atomically(Path(sys.argv[1]), "NEW CONTENT" * 1000)
"""


@pytest.fixture
def products(project_root):
    return open_project(project_root).catalog.products


def test_save_then_read_gives_the_same_configuration(tmp_path, products):
    config = default_configuration(products["mug"]).with_choice("glaze", "navy")
    path = save_configuration(config, tmp_path / "order.json")
    assert read_configuration(path, products) == config
    assert list(tmp_path.glob(".order.json.*")) == []


def test_killed_during_save_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "order.json"
    target.write_text("OLD CONTENT", encoding="utf-8")
    flag = tmp_path / "temp-written"
    writer = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target), str(flag)],
                              cwd=os.getcwd())
    deadline = time.monotonic() + 30
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert flag.exists(), "the writer never got to the rename"
    temporaries = list(tmp_path.glob(".order.json.*.tmp.json"))
    assert len(temporaries) == 1 and temporaries[0].read_text().startswith("NEW CONTENT")
    writer.send_signal(signal.SIGKILL)
    writer.wait(10)
    assert target.read_text(encoding="utf-8") == "OLD CONTENT"


def test_a_failing_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch,
                                                                       products):
    target = tmp_path / "order.json"
    target.write_text("OLD", encoding="utf-8")

    def broken_replace(_src, _dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.files.os.replace", broken_replace)
    with pytest.raises(ConfigurationError, match="No space left"):
        save_configuration(default_configuration(products["mug"]), target)
    assert target.read_text() == "OLD"
    assert list(tmp_path.glob(".order.json.*")) == []


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "invalid JSON at line 1"),
    ('{"schema_version": 99, "product_id": "mug"}', "newer version of the app"),
    ('{"schema_version": 0, "product_id": "mug"}', "unknown schema version 0"),
    ('{"schema_version": 1, "product_id": "guitar_x"}', "not in the catalog"),
    ('[1, 2]', "expected a JSON object"),
])
def test_bad_configuration_files_say_what_is_wrong(tmp_path, products, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=expected) as info:
        read_configuration(path, products)
    assert str(path) in str(info.value)


def test_a_configuration_that_does_not_fit_its_product_lists_each_problem(tmp_path, products):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema_version": 1, "product_id": "mug",
                                "selections": {"glaze": "purple", "size": "xl"}}))
    with pytest.raises(AppErrors) as info:
        read_configuration(path, products)
    text = str(info.value)
    assert "selections.glaze: unknown choice 'purple'" in text
    assert "selections.size: unknown option 'size'" in text
    assert all(isinstance(e, AppError) and e.file == str(path) for e in info.value.errors)


def test_autosave_knows_an_unclean_shutdown(tmp_path, products):
    autosave = Autosave(tmp_path / "autosave")
    assert not autosave.unclean_shutdown()
    autosave.start()
    config = default_configuration(products["mug"]).with_choice("glaze", "sage")
    autosave.save(config)
    assert autosave.flush()
    again = Autosave(tmp_path / "autosave")
    assert again.unclean_shutdown() and again.recovered() == config
    again.finish()
    assert not Autosave(tmp_path / "autosave").unclean_shutdown()
    (tmp_path / "autosave" / "session.json").write_text("garbage")
    assert Autosave(tmp_path / "autosave").recovered() is None
    assert isinstance(config, Configuration)


def test_autosave_writes_the_newest_of_many_quick_changes(tmp_path, products):
    autosave = Autosave(tmp_path / "autosave")
    config = default_configuration(products["mug"])
    glazes = [c.id for c in products["mug"].option("glaze").choices]
    for i in range(40):
        config = config.with_choice("glaze", glazes[i % len(glazes)])
        autosave.save(config)
    assert autosave.flush()
    assert Autosave(tmp_path / "autosave").recovered() == config
    assert leftover_temporaries(tmp_path / "autosave") == []
