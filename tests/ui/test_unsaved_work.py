"""No lost work: each product keeps its configuration and its own file; leaving unsaved work
asks Save / Discard / Cancel."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from tests.ui.conftest import open_window
from tests.ui.test_main_window import click


def on_disk(path) -> tuple[str, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["product_id"], data["selections"]


def test_saving_after_a_product_switch_never_overwrites_the_other_products_file(
        qtbot, window, tmp_path):
    prompts = window.prompts
    click(qtbot, window, "glaze", "navy")
    prompts.next_path = tmp_path / "mug_anna.json"
    window.actions_by_name["save"].trigger()
    assert on_disk(tmp_path / "mug_anna.json") == ("mug", {
        "glaze": "navy", "interior": "white", "handle": "classic"})

    window.catalog.product_chosen.emit("tumbler")  # nothing unsaved: no question
    assert window.session.product.id == "tumbler" and prompts.asked == []
    assert window.windowTitle().startswith("Espresso cup \u2013 unsaved")
    click(qtbot, window, "glaze", "sage")
    assert window.windowTitle().startswith("Espresso cup \u2013 unsaved *")
    prompts.next_path = tmp_path / "cup.json"
    window.actions_by_name["save"].trigger()  # no file of its own yet: Save As
    assert on_disk(tmp_path / "mug_anna.json")[0] == "mug", "the mug's file holds the mug"
    assert on_disk(tmp_path / "cup.json") == ("tumbler", {
        "glaze": "sage", "interior": "white", "handle": "classic"})
    assert window.windowTitle().startswith("Espresso cup \u2013 cup.json \u2013")

    prompts.next_path = None  # a question about a path would now cancel
    click(qtbot, window, "interior", "red")
    window.actions_by_name["save"].trigger()  # its own file, no question
    assert on_disk(tmp_path / "cup.json")[1]["interior"] == "red"

    window.catalog.product_chosen.emit("mug")
    assert window.session.configuration.selections["glaze"] == "navy", "the mug as it was left"
    assert window.options.buttons[("glaze", "navy")].isChecked()
    assert window.windowTitle().startswith("Ceramic Mug \u2013 mug_anna.json \u2013")
    window.step_product(1)
    assert window.session.configuration.selections == {
        "glaze": "sage", "interior": "red", "handle": "classic"}


def test_switching_away_from_unsaved_work_asks_and_cancel_keeps_it(qtbot, window, tmp_path):
    prompts = window.prompts
    click(qtbot, window, "glaze", "navy")
    prompts.unsaved_answer = "cancel"
    window.catalog.product_chosen.emit("tumbler")
    assert prompts.asked == ["unsaved Ceramic Mug before showing Espresso cup"]
    assert window.session.product.id == "mug"
    assert window.session.configuration.selections["glaze"] == "navy"
    assert window.catalog.currentItem().data(Qt.ItemDataRole.UserRole) == "mug"

    prompts.unsaved_answer = "discard"
    window.catalog.product_chosen.emit("tumbler")
    assert window.session.product.id == "tumbler"
    window.catalog.product_chosen.emit("mug")
    assert window.session.configuration.selections["glaze"] == "white", "discarded"

    click(qtbot, window, "glaze", "sage")
    prompts.unsaved_answer = "save"
    prompts.next_path = tmp_path / "sage.json"
    window.catalog.product_chosen.emit("tumbler")
    assert window.session.product.id == "tumbler"
    assert on_disk(tmp_path / "sage.json") == ("mug", {
        "glaze": "sage", "interior": "white", "handle": "classic"})

    click(qtbot, window, "glaze", "navy")
    prompts.unsaved_answer = "save"
    prompts.next_path = None  # the Save As is cancelled: so is the switch
    window.catalog.product_chosen.emit("mug")
    assert window.session.product.id == "tumbler"


def test_opening_a_file_over_unsaved_work_asks(qtbot, window, tmp_path):
    prompts = window.prompts
    prompts.next_path = tmp_path / "white.json"
    assert window.save_configuration()
    click(qtbot, window, "glaze", "terracotta")
    prompts.unsaved_answer = "cancel"
    assert not window.open_configuration(tmp_path / "white.json")
    assert window.session.configuration.selections["glaze"] == "terracotta"
    assert window.windowTitle().startswith("Ceramic Mug \u2013 white.json *")
    prompts.unsaved_answer = "discard"
    assert window.open_configuration(tmp_path / "white.json")
    assert window.session.configuration.selections["glaze"] == "white"
    assert "*" not in window.windowTitle()


def test_quitting_with_unsaved_work_asks_and_ctrl_q_quits(qtbot, project_root, settings,
                                                         prompts, tmp_path):
    window = open_window(qtbot, project_root, settings, prompts, tmp_path / "autosave")
    click(qtbot, window, "glaze", "navy")
    prompts.unsaved_answer = "cancel"
    assert not window.close()
    assert window.isVisible()
    assert prompts.asked == ["unsaved Ceramic Mug before quitting"]

    prompts.unsaved_answer = "save"
    prompts.next_path = tmp_path / "kept.json"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    assert on_disk(tmp_path / "kept.json")[1]["glaze"] == "navy"
