"""Atomic writes: the old file or the new one, never half of one, and no leftovers; a save keeps
the target's mode and writes through a link; leftovers of interrupted writes are removed."""

import fcntl
import os
import time

import pytest

from app.errors import AppError
from app.files import (
    ABANDONED_AFTER_S,
    is_temporary_name,
    leftover_temporaries,
    remove_abandoned_temporaries,
    source_stamp,
    write_atomically,
    write_text_atomically,
)


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


def test_a_save_over_a_0600_file_keeps_0600(tmp_path):
    target = tmp_path / "private.json"
    target.write_text("old")
    target.chmod(0o600)
    write_text_atomically(target, "new")
    assert target.read_text() == "new"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    target.chmod(0o640)
    write_atomically(target, lambda tmp: tmp.write_bytes(b"png"))
    assert oct(target.stat().st_mode & 0o777) == "0o640"


def test_a_save_through_a_link_writes_its_target_and_the_link_stays(tmp_path):
    real_folder, link_folder = tmp_path / "real", tmp_path / "links"
    real_folder.mkdir()
    link_folder.mkdir()
    real = real_folder / "order.json"
    real.write_text("old")
    real.chmod(0o600)
    link = link_folder / "order.json"
    link.symlink_to(os.path.relpath(real, link_folder))
    assert write_text_atomically(link, "new") == link
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(real, link_folder)
    assert real.read_text() == "new" and link.read_text() == "new"
    assert oct(real.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in link_folder.iterdir()) == ["order.json"]
    assert sorted(p.name for p in real_folder.iterdir()) == ["order.json"]
    dangling = link_folder / "new.json"
    dangling.symlink_to(real_folder / "new.json")
    write_text_atomically(dangling, "first")
    assert dangling.is_symlink() and (real_folder / "new.json").read_text() == "first"


def test_the_apps_own_files_replace_a_link_instead_of_following_it(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    state = tmp_path / "state.json"
    state.symlink_to(outside)
    write_text_atomically(state, "{}", follow_link=False)
    assert not state.is_symlink() and state.read_text() == "{}"
    assert outside.read_text() == "keep me"


def test_a_link_loop_is_refused_with_the_path(tmp_path):
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    with pytest.raises(AppError, match="a loop") as caught:
        write_text_atomically(tmp_path / "a.json", "x")
    assert str(tmp_path / "a.json") in str(caught.value)


@pytest.mark.parametrize(("name", "ours"), [
    (".session.json.k2j_9x0a.tmp.json", True),
    (".order.zip.abcdefgh.tmp.zip", True),
    (".README.abcdefgh.tmp", True),
    (".order.zip.abcdefgh.tmp.png", False),  # suffix not the name's
    (".order.zip.ABCDEFGH.tmp.zip", False),  # not mkstemp's characters
    (".order.zip.abc.tmp.zip", False),  # too short
    ("order.zip.abcdefgh.tmp.zip", False),  # not hidden
    (".order.zip", False),
    ("notes.tmp", False),
])
def test_only_the_exact_temporary_name_pattern_counts(name, ours):
    assert is_temporary_name(name) is ours


def _old(path, age=ABANDONED_AFTER_S + 5):
    stamp = time.time() - age
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def test_abandoned_temporaries_are_removed_and_everything_else_stays(tmp_path):
    abandoned = [tmp_path / ".session.json.a1b2c3d4.tmp.json", tmp_path / ".x.png.zz_zz_zz.tmp.png"]
    for path in abandoned:
        path.write_bytes(b"\0" * 3_000_000 if path.suffix == ".json" else b"half")
        _old(path)
    fresh = tmp_path / ".order.json.q1w2e3r4.tmp.json"  # a writer may be about to rename it
    fresh.write_text("{")
    held = tmp_path / ".big.zip.h0h0h0h0.tmp.zip"  # a live writer holds its lock
    held.write_bytes(b"PK")
    _old(held)
    unrelated = {".order.json": "x", "order.json": "{}", "notes.tmp": "n",
                 ".order.json.ABCDEFGH.tmp.json": "y", ".a.png.abcdefgh.tmp.jpg": "z"}
    for name, text in unrelated.items():
        (tmp_path / name).write_text(text)
        _old(tmp_path / name)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text("secret")
    link = tmp_path / ".secret.json.abcdefgh.tmp.json"
    link.symlink_to(outside / "secret.json")
    _old(link)
    folder = tmp_path / ".cache.json.abcdefgh.tmp.json"
    folder.mkdir()
    with open(held, "rb") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)
        removed = remove_abandoned_temporaries(tmp_path)
    assert sorted(removed) == sorted(abandoned)
    assert not any(p.exists() for p in abandoned)
    assert fresh.exists() and held.exists() and folder.is_dir()
    assert link.is_symlink() and (outside / "secret.json").read_text() == "secret"
    assert {name: (tmp_path / name).read_text() for name in unrelated} == unrelated
    later = time.time() + 2 * ABANDONED_AFTER_S  # once nobody writes them any more
    assert sorted(remove_abandoned_temporaries(tmp_path, now=later)) == sorted([fresh, held])
    assert remove_abandoned_temporaries(tmp_path / "missing") == []


def test_a_writer_at_work_keeps_its_temporary_while_another_start_tidies_up(tmp_path):
    target = tmp_path / "order.zip"
    seen = []

    def slow_write(temporary):
        temporary.write_bytes(b"PK partial")
        _old(temporary, 10 * ABANDONED_AFTER_S)  # however long it has been at it
        seen.append(remove_abandoned_temporaries(tmp_path))
        temporary.write_bytes(b"PK done")

    write_atomically(target, slow_write)
    assert seen == [[]] and target.read_bytes() == b"PK done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["order.zip"]


def test_a_save_can_first_remove_leftovers_beside_its_target(tmp_path):
    leftover = tmp_path / ".order.json.k2j_9x0a.tmp.json"
    leftover.write_text("{half")
    _old(leftover)
    write_text_atomically(tmp_path / "other.json", "{}")
    assert leftover.exists()  # plain writes (batch, autosave) do not scan their folder
    write_text_atomically(tmp_path / "order.json", "{}", remove_leftovers=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["order.json", "other.json"]


def test_a_source_stamp_changes_with_any_module_of_the_folder(tmp_path):
    (tmp_path / "materials.py").write_text("GLASS = 1\n")
    (tmp_path / "notes.txt").write_text("not code\n")
    first = source_stamp(tmp_path)
    assert [entry[0] for entry in first] == ["materials.py"]
    (tmp_path / "notes.txt").write_text("still not code, longer\n")
    assert source_stamp(tmp_path) == first
    (tmp_path / "materials.py").write_text("GLASS = 20\n")
    assert source_stamp(tmp_path) != first
    (tmp_path / "tint.py").write_text("")
    assert len(source_stamp(tmp_path)) == 2


@pytest.mark.parametrize("kind", ["folder", "device", "name too long"])
def test_writing_over_a_folder_or_a_device_is_refused_and_leaves_it(tmp_path, kind):
    """`--out` naming a folder raised IsADirectoryError after the render; naming /dev/full,
    the rename put a PNG in the device's place (as root, /dev/stdout likewise)."""
    if kind == "folder":
        target = tmp_path / "out"
        target.mkdir()
        reason = "expected a file name to write, got a folder"
    elif kind == "device":
        target = tmp_path / "null"
        target.symlink_to("/dev/null")
        reason = "expected a file name to write, got a device or a pipe"
    else:
        target = tmp_path / ("a" * 300 + ".png")
        reason = "cannot write there: File name too long"
    with pytest.raises(AppError) as caught:
        write_atomically(target, lambda temporary: temporary.write_bytes(b"png"))
    assert str(caught.value).endswith(reason)
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
