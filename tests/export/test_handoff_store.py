"""The store of hand-offs: a code resolves to the share code it was made for, for a while."""

from __future__ import annotations

import json
import os

import pytest

from app.domain.handoff_code import new_handoff_code
from app.errors import ConfigurationError
from app.export.handoff_store import HANDOFFS_FILE, HandoffStore, resolve_code


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


def test_a_code_resolves_to_its_share_code_after_a_restart(tmp_path):
    code = HandoffStore(tmp_path).add("mug-aebagbafaq")
    again = HandoffStore(tmp_path)
    assert again.resolve(code) == "mug-aebagbafaq"
    assert again.resolve(code.lower().replace("-", " ")) == "mug-aebagbafaq"
    assert resolve_code(code, again) == "mug-aebagbafaq"
    assert resolve_code("mug-aebagbafaq", again) == "mug-aebagbafaq"


def test_expired_and_unknown_codes_are_refused_alike(tmp_path):
    clock = Clock()
    store = HandoffStore(tmp_path, days=1, clock=clock)
    code = store.add("mug-aebagbafaq")
    clock.now += 86400 + 1
    with pytest.raises(ConfigurationError, match="unknown here or has expired"):
        store.resolve(code)
    with pytest.raises(ConfigurationError, match="unknown here or has expired"):
        store.resolve(new_handoff_code())
    store.add("mug-second")
    rows = json.loads((tmp_path / HANDOFFS_FILE).read_text())["handoffs"]
    assert [r["share_code"] for r in rows] == ["mug-second"]  # the expired one is dropped


def test_the_store_stays_small(tmp_path):
    clock = Clock()
    store = HandoffStore(tmp_path, max_entries=5, clock=clock)
    codes = []
    for i in range(8):
        clock.now += 1
        codes.append(store.add(f"mug-code{i}"))
    assert len(store) == 5
    with pytest.raises(ConfigurationError):
        store.resolve(codes[0])
    assert store.resolve(codes[-1]) == "mug-code7"
    with pytest.raises(ConfigurationError, match="too large"):
        store.add("x" * 100_000)


def test_a_code_already_taken_is_never_given_twice(tmp_path):
    taken = new_handoff_code()
    fresh = new_handoff_code()
    offered = iter([taken, taken, fresh])
    store = HandoffStore(tmp_path, new_code=lambda: next(offered))
    store.path.parent.mkdir(exist_ok=True)
    first = HandoffStore(tmp_path, new_code=lambda: taken).add("mug-first")
    assert store.add("mug-second") == fresh
    assert store.resolve(first) == "mug-first"


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"handoffs": 3}', b"\xff\xfe",
                                     b"[" * 100_000, b'{"handoffs": [1, {"code": "x"}]}'])
def test_a_damaged_file_reads_as_empty_and_is_replaced(tmp_path, content):
    (tmp_path / HANDOFFS_FILE).write_bytes(content)
    store = HandoffStore(tmp_path)
    assert len(store) == 0
    code = store.add("mug-aebagbafaq")
    assert store.resolve(code) == "mug-aebagbafaq"


def test_hostile_rows_are_ignored(tmp_path):
    good = new_handoff_code()
    rows = [{"code": "../../x", "share_code": "mug-a", "created": 0, "expires": 9e18},
            {"code": new_handoff_code(), "share_code": ["x"], "created": 0, "expires": 9e18},
            {"code": new_handoff_code(), "share_code": "mug-a", "created": 0, "expires": True},
            {"code": good, "share_code": "mug-good", "created": 0, "expires": 9e18}]
    (tmp_path / HANDOFFS_FILE).write_text(json.dumps({"handoffs": rows}))
    store = HandoffStore(tmp_path)
    assert len(store) == 1
    assert store.resolve(good) == "mug-good"


def test_a_link_in_place_of_the_file_is_not_followed(tmp_path):
    secret = tmp_path / "elsewhere.json"
    secret.write_text(json.dumps({"handoffs": []}))
    folder = tmp_path / "data"
    folder.mkdir()
    os.symlink(secret, folder / HANDOFFS_FILE)
    store = HandoffStore(folder)
    assert len(store) == 0
    store.add("mug-aebagbafaq")
    assert not (folder / HANDOFFS_FILE).is_symlink()
    assert json.loads(secret.read_text()) == {"handoffs": []}


def test_the_default_store_is_in_the_users_data_folder():
    assert HandoffStore.default().path.parent.name == "showcraft"


def test_two_processes_adding_at_once_lose_nothing(tmp_path):
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        codes = pool.starmap(_add_many, [(str(tmp_path), "a"), (str(tmp_path), "b")])
    store = HandoffStore(tmp_path)
    assert len(store) == 40
    for prefix, mine in zip("ab", codes, strict=True):
        assert [store.resolve(c) for c in mine] == [f"mug-{prefix}{i}" for i in range(20)]


def _add_many(folder: str, prefix: str) -> list[str]:
    store = HandoffStore(folder)
    return [store.add(f"mug-{prefix}{i}") for i in range(20)]
