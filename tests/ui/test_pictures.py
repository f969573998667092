"""Pictures on the desktop: an upload goes into the picture store, files and codes name it by
its hash, old files that name a path are imported, and forged codes are refused."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image
from PySide6.QtWidgets import QFileDialog, QPushButton

from app.domain.configuration import UNKNOWN_PICTURE, ImageValue, is_picture_id
from app.domain.share_code import decode_share_code
from app.ui.prompts import DialogPrompts
from tests.domain.forged_codes import forged_picture_code
from tests.file_opens import assert_not_opened, opens


def write_picture(path: Path, colour=(230, 40, 40)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (300, 260), colour).save(path)
    return path


def answer_file_dialogs(monkeypatch, window, answers: list[Path]) -> None:
    """The window's real prompts, with Qt's file dialogs answering from ``answers``."""
    def answer(*_args, **_kwargs):
        return str(answers.pop(0)), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    prompts = DialogPrompts(window)
    prompts.unsaved_asked = []  # the Save/Discard/Cancel question, answered "discard"

    def discard(names, doing):
        prompts.unsaved_asked.append((names, doing))
        return "discard"

    monkeypatch.setattr(prompts, "unsaved_changes", discard)
    monkeypatch.setattr(window, "prompts", prompts)


def decal_ids(window) -> set[str]:
    return {d.id for d in window.view.scene.decals}


def test_pick_a_picture_save_and_reopen(qtbot, window, tmp_path, monkeypatch):
    picture_file = write_picture(tmp_path / "My Pictures" / "holiday.png")
    saved_file = tmp_path / "order.json"
    answer_file_dialogs(monkeypatch, window, [picture_file, saved_file, saved_file])
    store = window.session.project.pictures

    window.options.findChild(QPushButton, "upload_photo_print").click()
    value = window.session.configuration.personalization["photo_print"]
    assert isinstance(value, ImageValue) and is_picture_id(value.image)
    assert store.has(value.image) and store.path(value.image).parent == store.folder
    assert "photo_print" in decal_ids(window)
    digest = value.image.removeprefix("sha256:")
    assert window.options.zone_fields["photo_print"].image_label.text() == \
        f"Picture {digest[:12]}"

    assert window.save_configuration()
    text = saved_file.read_text(encoding="utf-8")
    assert "/" not in text and "holiday" not in text and value.image in text
    code = window.session.share_code()
    assert "/" not in code
    assert decode_share_code(code, window.session.product).personalization[
        "photo_print"].image == value.image

    window.session.set_zone("photo_print", None)
    assert "photo_print" not in decal_ids(window)
    assert window.open_configuration()
    assert len(window.prompts.unsaved_asked) == 1  # the removed picture was unsaved work
    assert window.session.configuration.personalization["photo_print"] == value
    assert "photo_print" in decal_ids(window)
    window.paste_share_code(code)
    assert window.session.configuration.personalization["photo_print"] == value


def test_an_old_file_naming_a_path_opens_and_imports_the_picture(qtbot, window, tmp_path):
    picture_file = write_picture(tmp_path / "photos" / "logo.png", colour=(20, 200, 90))
    old = tmp_path / "old.json"
    old.write_text(json.dumps({
        "schema_version": 1, "product_id": "mug", "selections": {"glaze": "navy"},
        "personalization": {"photo_print": {"kind": "image", "image": str(picture_file),
                                            "fit": "fill"}}}), encoding="utf-8")
    assert window.open_configuration(old)
    value = window.session.configuration.personalization["photo_print"]
    assert window.session.project.pictures.has(value.image) and value.fit == "fill"
    assert window.session.configuration.selections["glaze"] == "navy"
    assert "photo_print" in decal_ids(window)
    assert window.prompts.errors == []
    assert window.windowTitle().split(" \u2013 ")[1].endswith("*")  # save to keep the id
    window.prompts.next_path = None
    assert window.save_configuration()
    assert str(picture_file) not in old.read_text(encoding="utf-8")


def test_an_old_file_whose_picture_is_gone_opens_the_rest(qtbot, window, tmp_path):
    old = tmp_path / "old.json"
    old.write_text(json.dumps({
        "schema_version": 1, "product_id": "mug", "selections": {"glaze": "sage"},
        "personalization": {"photo_print": {"kind": "image", "image": "gone/logo.png"},
                            "wrap_text": {"kind": "text", "text": "Ada"}}}), encoding="utf-8")
    assert window.open_configuration(old)
    configuration = window.session.configuration
    assert configuration.selections["glaze"] == "sage"
    assert list(configuration.personalization) == ["wrap_text"]
    ((title, message),) = window.prompts.errors
    assert title == "Picture not found"
    assert "old.json: personalization.photo_print: the picture 'gone/logo.png' could not be " \
           "imported" in message
    assert any("could not be imported" in m for m in window.problems.messages())


def test_a_pasted_code_naming_a_file_is_refused_like_a_missing_one(qtbot, window, tmp_path):
    readable = write_picture(tmp_path / "outside" / "secret.png")
    product = window.session.product
    before = window.session.configuration
    with opens() as opened:
        for image in ("/etc/hostname", str(readable), str(tmp_path / "missing.png"),
                      "sha256:" + "0" * 64):
            window.paste_share_code(forged_picture_code(product, "photo_print", image))
    assert_not_opened(opened, Path("/etc/hostname"), readable, tmp_path / "missing.png")
    messages = {message for _title, message in window.prompts.errors}
    assert messages == {f"personalization.photo_print: {UNKNOWN_PICTURE}"}
    assert window.session.configuration == before
