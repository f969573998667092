"""Atomic writes: the old file or the new one, never half of one, and no leftovers."""

import pytest

from app.errors import AppError
from app.files import leftover_temporaries, write_atomically, write_text_atomically


def test_written_file_replaces_the_old_one_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "order.json"
    target.write_text("old")
    write_text_atomically(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["order.json"]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "still.png"
    target.write_bytes(b"old")

    def broken(path):
        path.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["still.png"]


def test_the_temporary_keeps_the_suffix_for_writers_that_need_it(tmp_path):
    seen = []
    write_atomically(tmp_path / "x.exr", lambda tmp: (seen.append(tmp), tmp.write_bytes(b"e")))
    assert seen[0].suffix == ".exr" and seen[0].name.startswith(".x.exr.")


def test_missing_folder_is_an_error_unless_asked_to_create_it(tmp_path):
    with pytest.raises(AppError, match="existing folder"):
        write_text_atomically(tmp_path / "no" / "x.txt", "a")
    assert write_text_atomically(tmp_path / "no" / "x.txt", "a", create_folder=True).is_file()


def test_leftovers_of_killed_writers_are_found(tmp_path):
    (tmp_path / ".a.png.x1.tmp.png").write_bytes(b"1")
    (tmp_path / ".b.x2.tmp").write_bytes(b"2")
    (tmp_path / "a.png").write_bytes(b"done")
    (tmp_path / ".hidden.png").write_bytes(b"not ours")
    assert sorted(p.name for p in leftover_temporaries(tmp_path)) == [".a.png.x1.tmp.png",
                                                                     ".b.x2.tmp"]


@pytest.mark.parametrize(("durable", "flushes"), [(True, 1), (False, 0)])
def test_durable_writes_are_flushed_to_disk_and_others_are_not(tmp_path, monkeypatch, durable,
                                                                flushes):
    import os

    calls = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real_fsync(fd)))
    target = write_text_atomically(tmp_path / "a.json", "{}", durable=durable)
    assert target.read_text() == "{}"
    assert len(calls) == flushes
    assert leftover_temporaries(tmp_path) == []
