"""Labels from product files read as written and are never cut mid-word; a swatch's price is
the figure the price panel adds; an engraving asks for no ink; Undo keeps its width."""

from __future__ import annotations

import os

import pytest
import yaml
from PySide6.QtCore import QSettings, Qt

from app.domain.pricing import price_breakdown
from app.project import open_project
from app.session.autosave import Autosave
from app.ui.main_window import MainWindow
from tests.sample_project import write_project
from tests.ui.conftest import ScriptedPrompts
from tests.ui.test_main_window import click

LONG = "Speckled stoneware with a hand-thrown rim"
SHOTS = "UI_SCREENSHOT_DIR"


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    from pytestqt.qtbot import QtBot

    folder = tmp_path_factory.mktemp("labels")
    root = write_project(folder / "project")
    mug_file = root / "configs" / "mug.yaml"
    mug = yaml.safe_load(mug_file.read_text(encoding="utf-8"))
    glaze = next(g for g in mug["options"] if g["id"] == "glaze")
    glaze["default"] = "speckled"  # a default choice with a price of its own (4.00)
    for choice in glaze["choices"]:
        if choice["id"] == "matte_black":
            choice["label"] = "Black & gold"
        if choice["id"] == "speckled":
            choice["label"] = LONG
    zone = next(z for z in mug["zones"] if z["id"] == "wrap_text")
    zone["techniques"] = ["print", "engrave"]
    mug_file.write_text(yaml.safe_dump(mug, sort_keys=False), encoding="utf-8")
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(open_project(root), settings, autosave=Autosave(folder / "autosave"),
                     prompts=ScriptedPrompts(), background_thumbnails=False)
    win.resize(1280, 800)
    win.show()
    QtBot(None).waitExposed(win)
    yield win
    win.closing = True  # nothing to ask
    win.close()


def test_an_ampersand_in_a_label_shows_as_an_ampersand(window):
    button = window.options.buttons[("glaze", "matte_black")]
    assert button.text().startswith("Black && gold")  # "&&" is how Qt draws one "&"
    assert button.accessibleName().startswith("Black & gold")
    assert "Black & gold" in button.toolTip()
    window.session.select("glaze", "matte_black")
    labels = [window.price.lines.itemAtPosition(r, 0).widget().text()
              for r in range(window.price.lines.rowCount())]
    assert "Glaze: Black & gold" in labels


def test_a_long_label_wraps_between_words_and_keeps_every_word_whole(window):
    button = window.options.buttons[("glaze", "speckled")]
    label_lines = button.text().split("\n")[:-1]  # the last line is the price
    words = LONG.split()
    for line in label_lines:
        for word in line.rstrip("\u2026").split():
            assert word in words, f"{word!r} is a cut word"
    assert LONG in button.toolTip()
    metrics = button.fontMetrics()
    assert all(metrics.horizontalAdvance(line) <= button.width() for line in label_lines)


def test_a_swatch_shows_what_the_price_panel_adds_for_it(qtbot, window):
    product = window.session.product
    for choice_id in ("speckled", "white", "matte_black"):
        click(qtbot, window, "glaze", choice_id)
        breakdown = price_breakdown(window.session.configuration, product)
        line = next(x for x in breakdown.lines if x.label.startswith("Glaze:"))
        shown = dict(
            (window.price.lines.itemAtPosition(r, 0).widget().text(),
             window.price.lines.itemAtPosition(r, 1).widget().text())
            for r in range(window.price.lines.rowCount())
            if not window.price.lines.itemAtPosition(r, 0).widget().isHidden())
        swatch = window.options.buttons[("glaze", choice_id)].text().split("\n")[-1]
        if line.amount == 0:
            assert swatch == "included" and shown[line.label] == "0.00 EUR"
        else:
            assert swatch.lstrip("+").replace("\u2212", "-") == shown[line.label]
    click(qtbot, window, "glaze", "speckled")  # the default: included, and listed at 0.00
    assert window.options.buttons[("glaze", "speckled")].text().endswith("included")


def test_engraving_hides_the_ink_colour_and_inks_have_names(qtbot, window):
    fields = window.options.zone_fields["wrap_text"]
    assert fields.ink_shown()
    assert fields.colour.itemText(0) == "Black"
    assert fields.colour.itemData(0, Qt.ItemDataRole.ToolTipRole) == "#1d1d1f"
    fields.type_text("Ann")
    index = fields.technique.findData("engrave")
    fields.technique.setCurrentIndex(index)
    fields.technique.activated.emit(index)
    assert not fields.ink_shown()
    window.options.flush()
    assert window.session.configuration.personalization["wrap_text"].technique == "engrave"
    fields.technique.setCurrentIndex(fields.technique.findData("print"))
    assert fields.ink_shown()


def test_the_undo_button_keeps_its_text_and_width(qtbot, window):
    undo = window.actions_by_name["undo"]
    button = window.view_toolbar.widgetForAction(undo)
    width, text = button.width(), undo.text()
    click(qtbot, window, "glaze", "navy")
    click(qtbot, window, "glaze", "matte_black")
    assert undo.text() == text and button.width() == width
    assert "Glaze: Black & gold" in undo.toolTip()
    folder = os.environ.get(SHOTS)
    if folder:
        window.grab().save(os.path.join(folder, "labels_1280x800.png"))


def test_the_camera_list_shows_its_longest_preset_whole(window):
    box = window.camera_box
    box.addItem("Caseback and buckle", "long")  # a longer preset than the first product's
    metrics = box.fontMetrics()
    longest = max(metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count()))
    assert box.sizeHint().width() > longest
    box.removeItem(box.count() - 1)
