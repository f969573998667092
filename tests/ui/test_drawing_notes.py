"""The problems panel notes what the shown product's files are drawn otherwise than they say:
the designer sees it beside the problems, and the notes are not counted as problems."""

import os
import shutil

import yaml

from tests.sample_project import BUILTIN

SHOTS = "UI_SCREENSHOT_DIR"

GLASS_NOTE = ("assets/materials/glass_clear.yaml: the live view draws it partly transparent, "
              "without refraction")


def settled(qtbot, condition) -> None:
    """Wait for the window's notes, made once the event loop is back (after a switch or a
    reload), to meet ``condition``."""
    qtbot.waitUntil(condition, timeout=5000)


def test_the_problems_panel_notes_how_the_shown_product_is_drawn(qtbot, window):
    settled(qtbot, lambda: window.problems.notes() == [])  # the mug's ceramics: as they say
    watch = window.test_root / "configs" / "watch.yaml"
    shutil.copyfile(BUILTIN / "configs" / "watch.yaml", watch)
    try:
        window.reload_catalog()
        window.session.switch_product("watch")
        settled(qtbot, lambda: len(window.problems.notes()) == 1)
        shows_the_glass_note(qtbot, window)
    finally:
        watch.unlink()
        window.reload_catalog()


def shows_the_glass_note(qtbot, window):
    [note] = window.problems.notes()
    assert note.startswith(GLASS_NOTE)
    assert window.problems.messages() == []
    assert window.problems.summary.text() == "No problems; 1 note on how this product is drawn"
    assert not window.problems_dock.isVisible()  # a note does not open the panel
    assert window.problems.list.item(0).text() == f"Note: {note}"
    assert window.problems.list.item(0).toolTip() == note  # in full, however narrow the panel

    window.problems.report("could not read picture.png")
    assert window.problems.messages() == ["could not read picture.png"]
    assert window.problems.notes() == [note]
    assert window.problems.list.item(1).text() == f"Note: {note}"  # after the problem
    assert window.problems.summary.text().startswith("1 problem: ")
    assert window.problems.summary.text().endswith("; 1 note on how this product is drawn")
    folder = os.environ.get(SHOTS)
    if folder:
        window.problems_dock.show()
        for width, height in ((800, 600), (1280, 800), (1920, 1080)):
            window.resize(width, height)
            qtbot.wait(200)
            window.problems.report("could not read picture.png")  # after any catalog reload
            window.grab().save(os.path.join(folder, f"notes_{width}x{height}.png"))
        window.problems_dock.hide()
        window.resize(800, 600)

    window.session.switch_product("mug")
    settled(qtbot, lambda: window.problems.notes() == [])


def test_a_catalog_reload_brings_a_materials_new_notes(qtbot, window):
    material = window.test_root / "assets" / "materials" / "ceramic_gloss.yaml"
    good = material.read_text(encoding="utf-8")
    try:
        velvet = {**yaml.safe_load(good), "sheen_color": "#ffffff"}
        material.write_text(yaml.safe_dump(velvet), encoding="utf-8")
        window.reload_catalog()
        settled(qtbot, lambda: len(window.problems.notes()) == 1)
        [note] = window.problems.notes()
        assert note.startswith("assets/materials/ceramic_gloss.yaml: the live view has no "
                               "sheen lobe")
    finally:
        material.write_text(good, encoding="utf-8")
        window.reload_catalog()
    settled(qtbot, lambda: window.problems.notes() == [])


def test_what_a_photoreal_still_draws_otherwise_is_noted(qtbot, window, tmp_path):
    """A glass glaze with a clear coat: the path tracer draws no coat on glass. The rep's still
    says so in the panel (it had been only in the log); the next product's notes replace it."""
    from app.ui.export_dialog import StillRequest

    material = window.test_root / "assets" / "materials" / "ceramic_gloss.yaml"
    good = material.read_text(encoding="utf-8")
    try:
        glass = {**yaml.safe_load(good), "transmission": 1.0, "clearcoat": 1.0}
        material.write_text(yaml.safe_dump(glass), encoding="utf-8")
        window.reload_catalog()
        assert window.problems.messages() == []
        settled(qtbot, lambda: any("partly transparent" in n for n in window.problems.notes()))
        before = window.problems.notes()
        assert not any("clear coat" in n for n in before), before
        window.prompts.next_still = StillRequest(path=tmp_path / "still.png", size=(48, 36),
                                                 camera_id="front", photoreal=True, spp=2)
        runner = window.exports.still()
        with qtbot.waitSignal(runner.finished, timeout=120_000):
            pass
        added = [n for n in window.problems.notes() if n not in before]
        assert added and all(n.startswith("the photoreal still: material 'ceramic_gloss")
                             for n in added), added
        assert any("clear coat dropped on a transmissive material" in n for n in added)
        assert window.problems.messages() == []
        window.session.switch_product("tumbler")
        settled(qtbot, lambda: not any("clear coat" in n for n in window.problems.notes()))
        assert any("partly transparent" in n for n in window.problems.notes())
    finally:
        material.write_text(good, encoding="utf-8")
        window.reload_catalog()
