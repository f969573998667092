"""Part choices on the kiosk show the part they put on: rendered once, in another process, and
kept on disk under a hash of what they show."""

from __future__ import annotations

import pytest

import app.viewport.drawing_fingerprint as drawing_fingerprint_module
from app.ui.kiosk import choice_thumbnails
from app.ui.kiosk.choice_thumbnails import ChoiceThumbnails, part_choices, thumbnail_key

WAIT_MS = 180_000


def _thumbnails(window) -> dict:
    return {key: button.thumbnail for key, button in window.options.buttons.items()
            if key in set(part_choices(window.session.product))}


def test_a_picture_is_named_by_what_it_shows(kiosk, tmp_path):
    catalog = kiosk.session.catalog
    mug = catalog.products["mug"]
    key = thumbnail_key(mug, catalog, "handle", "classic")
    assert key == thumbnail_key(mug, catalog, "handle", "classic")
    assert key != thumbnail_key(mug, catalog, "handle", "angular")
    assert key != thumbnail_key(mug, catalog, "handle", "classic", px=64)
    edited = mug.model_copy(update={"source": str(tmp_path / "mug.yaml")})
    (tmp_path / "mug.yaml").write_text("id: mug\n# an edit\n")
    assert thumbnail_key(edited, catalog, "handle", "classic") != key
    # its model file, under the project's root
    root = kiosk.session.project.root
    with_model = thumbnail_key(mug, catalog, "handle", "classic", root=root)
    assert with_model == thumbnail_key(mug, catalog, "handle", "classic", root=root)
    (tmp_path / mug.model).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / mug.model).write_bytes((root / mug.model).read_bytes() + b"\0")
    assert thumbnail_key(mug, catalog, "handle", "classic", root=tmp_path) != with_model


def test_a_picture_drawn_otherwise_is_made_again(kiosk, monkeypatch):
    """A new look of the live view (its code changed) names the pictures anew."""
    catalog = kiosk.session.catalog
    mug = catalog.products["mug"]
    key = thumbnail_key(mug, catalog, "handle", "classic")
    monkeypatch.setattr(choice_thumbnails, "drawing_fingerprint", lambda: b"another look")
    assert thumbnail_key(mug, catalog, "handle", "classic") != key


def test_the_drawing_fingerprint_follows_the_drawing_code(tmp_path, monkeypatch):
    (tmp_path / "viewport").mkdir()
    (tmp_path / "viewport" / "materials.py").write_text("GLASS = 1\n")
    monkeypatch.setattr(drawing_fingerprint_module, "_DRAWING_PACKAGES",
                        (tmp_path / "viewport",))
    drawing_fingerprint_module.drawing_fingerprint.cache_clear()
    try:
        first = drawing_fingerprint_module.drawing_fingerprint()
        (tmp_path / "viewport" / "materials.py").write_text("GLASS = 2\n")
        drawing_fingerprint_module.drawing_fingerprint.cache_clear()
        assert drawing_fingerprint_module.drawing_fingerprint() != first
    finally:
        drawing_fingerprint_module.drawing_fingerprint.cache_clear()


def test_part_choices_get_rendered_pictures_made_once(kiosk, qtbot, tmp_path, monkeypatch):
    kiosk.user_input()
    assert part_choices(kiosk.session.product) == [("handle", "classic"),
                                                   ("handle", "angular")]
    assert not any(_thumbnails(kiosk).values())  # grey squares so far
    first = ChoiceThumbnails(tmp_path / "cache", px=96)
    try:
        session = kiosk.session
        first.show(session.project.root, session.catalog, session.product, kiosk.options)
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
    again.show(session.project.root, session.catalog, session.product, kiosk.options)
    assert not again.busy
    assert all(p is not None for p in _thumbnails(kiosk).values())
    again.close()


def test_a_damaged_cached_picture_is_made_again(kiosk, tmp_path, monkeypatch):
    session = kiosk.session
    product = session.catalog.products["mug"]
    for group_id, choice_id in part_choices(product):
        key = thumbnail_key(product, session.catalog, group_id, choice_id, 96)
        (tmp_path / f"{key}.png").write_bytes(b"not a picture")
    thumbnails = ChoiceThumbnails(tmp_path, px=96)
    submitted = []

    class Pool:
        def submit(self, *args):
            submitted.append(args)
            raise RuntimeError("no worker in this test")

    monkeypatch.setattr(thumbnails, "_pool", lambda: Pool())
    thumbnails.show(session.project.root, session.catalog, product, kiosk.options)
    assert len(submitted) == 1 and len(submitted[0][3]) == 2  # both, as one job
    assert not thumbnails.busy  # the failure is logged, the buttons stay plain
