"""Part choices on the kiosk show the part they put on: rendered once, in another process, and
kept on disk under a hash of what they show."""

from __future__ import annotations

import pytest

from app.batch.jobs import asset_fingerprint
from app.ui.kiosk.choice_thumbnails import ChoiceThumbnails, part_choices, thumbnail_key

WAIT_MS = 180_000


def _thumbnails(window) -> dict:
    return {key: button.thumbnail for key, button in window.options.buttons.items()
            if key in set(part_choices(window.session.product))}


def test_a_picture_is_named_by_what_it_shows():
    key = thumbnail_key("assets", "mug", "handle", "classic")
    assert key == thumbnail_key("assets", "mug", "handle", "classic")
    assert key != thumbnail_key("assets", "mug", "handle", "angular")
    assert key != thumbnail_key("assets", "mug", "handle", "classic", px=64)
    # the product's look, files and the code that draws it: app.batch's asset_fingerprint
    assert key != thumbnail_key("other assets", "mug", "handle", "classic")


def test_part_choices_get_rendered_pictures_made_once(kiosk, qtbot, tmp_path, monkeypatch):
    kiosk.user_input()
    assert part_choices(kiosk.session.product) == [("handle", "classic"),
                                                   ("handle", "angular")]
    assert not any(_thumbnails(kiosk).values())  # grey squares so far
    first = ChoiceThumbnails(tmp_path / "cache", px=96)
    try:
        session = kiosk.session
        first.show(session.project, session.product, kiosk.options)
        assert first.busy  # the GUI thread goes on meanwhile
        qtbot.waitUntil(lambda: not first.busy, timeout=WAIT_MS)
    finally:
        first.close()
    assert first.rendered == 2
    pictures = _thumbnails(kiosk)
    assert all(p is not None and p.width() == 96 for p in pictures.values())
    classic, angular = (pictures[k].toImage() for k in [("handle", "classic"),
                                                         ("handle", "angular")])
    assert classic != angular
    assert len(list((tmp_path / "cache").glob("*.png"))) == 2
    # the next start finds them on disk and renders nothing
    for button in kiosk.options.buttons.values():
        button.thumbnail = None
    again = ChoiceThumbnails(tmp_path / "cache", px=96)
    monkeypatch.setattr(again, "_pool", lambda: pytest.fail("rendered again"))
    again.show(session.project, session.product, kiosk.options)
    assert not again.busy
    assert all(p is not None for p in _thumbnails(kiosk).values())
    again.close()


def test_a_damaged_cached_picture_is_made_again(kiosk, tmp_path, monkeypatch):
    session = kiosk.session
    product = session.catalog.products["mug"]
    for group_id, choice_id in part_choices(product):
        key = thumbnail_key(asset_fingerprint(session.project, product), product.id, group_id,
                            choice_id, 96)
        (tmp_path / f"{key}.png").write_bytes(b"not a picture")
    thumbnails = ChoiceThumbnails(tmp_path, px=96)
    submitted = []

    class Pool:
        def submit(self, *args):
            submitted.append(args)
            raise RuntimeError("no worker in this test")

    monkeypatch.setattr(thumbnails, "_pool", lambda: Pool())
    thumbnails.show(session.project, product, kiosk.options)
    assert len(submitted) == 1 and len(submitted[0][3]) == 2  # both, as one job
    assert not thumbnails.busy  # the failure is logged, the buttons stay plain
