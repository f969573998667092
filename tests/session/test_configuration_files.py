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
from app.session.autosave import Autosave
from app.session.configuration_files import read_configuration, save_configuration

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


def _interrupted_temporary(folder, name, size):
    """What a writer killed before its rename leaves: a temporary, a while ago."""
    from app.files import ABANDONED_AFTER_S

    path = folder / name
    path.write_bytes(b"{" + b" " * (size - 1))
    stamp = time.time() - ABANDONED_AFTER_S - 10
    os.utime(path, (stamp, stamp))
    return path


def test_a_start_removes_what_interrupted_autosaves_left(tmp_path, products):
    folder = tmp_path / "autosave"
    autosave = Autosave(folder)
    autosave.save(default_configuration(products["mug"]))
    assert autosave.flush()
    leftovers = [_interrupted_temporary(folder, f".session.json.{tag}.tmp.json", 3_000_000)
                 for tag in ("a1b2c3d4", "x_y_z_0_")]
    unrelated = {"notes.txt": "mine", ".session.json.bak": "mine too",
                 ".session.json.ABCDEFGH.tmp.json": "not our name"}
    for name, text in unrelated.items():
        (folder / name).write_text(text)
    again = Autosave(folder)
    assert again.recovered() is not None
    again.start()
    assert not any(p.exists() for p in leftovers)
    assert {n: (folder / n).read_text() for n in unrelated} == unrelated
    assert (folder / "session.json").is_file() and again.marker_path.is_file()
    again.finish()


def test_autosave_replaces_a_link_in_its_folder_instead_of_writing_through_it(tmp_path,
                                                                              products):
    folder = tmp_path / "autosave"
    folder.mkdir()
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not the app's")
    (folder / "session.json").symlink_to(outside)
    autosave = Autosave(folder)
    autosave.save(default_configuration(products["mug"]))
    assert autosave.flush()
    assert not (folder / "session.json").is_symlink()
    assert outside.read_text() == "not the app's"


def test_a_save_keeps_the_files_mode_and_writes_through_a_link(tmp_path, products):
    config = default_configuration(products["mug"]).with_choice("glaze", "navy")
    private = tmp_path / "private.json"
    private.write_text("{}")
    private.chmod(0o600)
    save_configuration(config, private)
    assert read_configuration(private, products) == config
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    (tmp_path / "designs").mkdir()
    link = tmp_path / "designs" / "current.json"
    link.symlink_to(private)
    other = config.with_choice("glaze", "sage")
    assert save_configuration(other, link) == link
    assert link.is_symlink() and link.resolve() == private.resolve()
    assert read_configuration(private, products) == other
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in (tmp_path / "designs").iterdir()] == ["current.json"]


def test_a_save_removes_what_interrupted_saves_left_in_its_folder(tmp_path, products):
    leftover = _interrupted_temporary(tmp_path, ".order.json.k2j_9x0a.tmp.json", 1000)
    mine = tmp_path / ".order.json.tmp.json"
    mine.write_text("a file of the user's that only looks alike")
    save_configuration(default_configuration(products["mug"]), tmp_path / "order.json")
    assert not leftover.exists() and mine.exists()
