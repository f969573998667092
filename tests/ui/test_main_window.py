"""The real window under Xvfb: choices change pixels, typing, undo/redo, files, reloads."""

from __future__ import annotations

import json
import logging
import math

import numpy as np
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage

from app.domain.configuration import TextValue, default_configuration
from app.project import open_project
from app.session.autosave import Autosave
from app.ui import view3d
from app.ui.export_dialog import StillRequest
from app.ui.main_window import MainWindow
from tests.ui.conftest import open_window

SHOTS = "UI_SCREENSHOT_DIR"


def region(pixels: np.ndarray, fx: float, fy: float, half: int = 6) -> np.ndarray:
    h, w = pixels.shape[:2]
    y, x = int(h * fy), int(w * fx)
    return pixels[y - half:y + half, x - half:x + half].astype(float)


def click(qtbot, window, group_id: str, choice_id: str) -> None:
    window.options.buttons[(group_id, choice_id)].click()
    qtbot.waitUntil(lambda: window.session.configuration.selections[group_id] == choice_id,
                    timeout=3000)


def test_a_glaze_changes_the_pixels_of_the_mug_and_not_the_background(qtbot, window, tmp_path):
    before = window.view.pixels()
    actors = dict(window.view.scene_view.actors)
    click(qtbot, window, "glaze", "navy")
    after = window.view.pixels()
    body = region(before, 0.45, 0.5), region(after, 0.45, 0.5)
    assert body[0].mean() - body[1].mean() > 60, "the mug body should turn dark blue"
    assert body[1][..., 2].mean() > body[1][..., 0].mean(), "blue, not grey"
    corner = region(before, 0.05, 0.08), region(after, 0.05, 0.08)
    assert np.abs(corner[0] - corner[1]).mean() < 2.0
    assert window.view.scene_view.actors == actors, "actors are mutated, not rebuilt"
    Image.fromarray(after).save(tmp_path / "navy.png")


def test_a_part_swap_toggles_preloaded_parts(qtbot, window):
    parts = window.view.scene_view.parts
    actors = dict(window.view.scene_view.actors)
    assert parts["handle_classic/handle_classic"].actor.GetVisibility()
    assert not parts["handle_angular/handle_angular"].actor.GetVisibility()
    click(qtbot, window, "handle", "angular")
    assert not parts["handle_classic/handle_classic"].actor.GetVisibility()
    assert parts["handle_angular/handle_angular"].actor.GetVisibility()
    assert window.view.scene_view.actors == actors
    assert window.price.total.text() == "Total  16.90 EUR"


def test_forbidden_choice_is_marked_and_offers_the_fix(qtbot, window):
    prompts = window.prompts
    click(qtbot, window, "interior", "yellow")
    angular = window.options.buttons[("handle", "angular")]
    assert angular.property("available") is False
    assert "not made with a yellow inside" in angular.toolTip()
    prompts.fix_answer = False
    angular.click()
    assert window.session.configuration.selections["handle"] == "classic"
    prompts.fix_answer = True
    angular.click()
    assert "Switch Inside colour to White" in prompts.asked[-1]
    assert window.session.configuration.selections == {
        "glaze": "white", "interior": "white", "handle": "angular"}
    assert window.session.undo_stack.undoText() == (
        "Handle: Modern angular (switch Inside colour to White)")


def test_typing_is_coalesced_into_one_update_and_one_undo_step(qtbot, window):
    field = window.options.zone_fields["wrap_text"]
    updates = []
    window.session.changed.connect(lambda: updates.append(1))
    for n in range(1, 6):
        field.type_text("Hello"[:n])
    qtbot.waitUntil(lambda: "wrap_text" in window.session.configuration.personalization,
                    timeout=3000)
    value = window.session.configuration.personalization["wrap_text"]
    assert isinstance(value, TextValue) and value.text == "Hello" and value.font == "sans"
    assert len(updates) == 1
    field.type_text("Hello Ann")
    qtbot.waitUntil(lambda: window.session.configuration.personalization["wrap_text"].text
                    == "Hello Ann", timeout=3000)
    assert window.session.undo_stack.count() == 1, "typing in one zone merges"
    assert window.session.undo_stack.undoText() == "Your text: \u201cHello Ann\u201d"
    assert "Your text" in window.price.lines.itemAtPosition(4, 0).widget().text()
    window.actions_by_name["undo"].trigger()
    assert "wrap_text" not in window.session.configuration.personalization
    assert field.text.text() == ""
    window.actions_by_name["redo"].trigger()
    assert field.text.text() == "Hello Ann"


def test_keys_typed_before_the_next_frame_make_one_rebuild_with_the_last_text(qtbot,
                                                                              window):
    field = window.options.zone_fields["wrap_text"]
    field.type_text("Ada")
    qtbot.waitUntil(lambda: "wrap_text" in window.view.scene_view.decals, timeout=3000)
    drawn = window.view.scene_view.decals["wrap_text"]
    geometry = drawn.actor.GetMapper().GetInput()
    updates, frames = [], []
    window.session.changed.connect(lambda: updates.append(1))
    window.view.frame_rendered.connect(lambda: frames.append(1))
    for text in ("Ada L", "Ada Lo", "Ada Lov", "Ada Love", "Ada Lovel"):
        field.type_text(text)  # five keys, faster than a frame
    assert updates == []  # nothing yet: the rebuild waits for the event loop
    qtbot.waitUntil(lambda: len(frames) > 0, timeout=3000)
    qtbot.wait(50)
    assert len(updates) == 1
    assert window.session.configuration.personalization["wrap_text"].text == "Ada Lovel"
    assert window.view.scene_view.decals["wrap_text"] is drawn  # the actor stays...
    assert drawn.actor.GetMapper().GetInput() is geometry  # ...and so does its geometry
    assert drawn.decal.key == window.view.scene.decal("wrap_text").key


def test_a_rendered_frame_goes_on_screen_without_being_rendered_again(qtbot, window):
    plotter = window.view.plotter
    qtbot.wait(100)  # paints still owed
    before = plotter.renders
    window.view.render()
    qtbot.wait(200)  # the paint the finished render asks for only copies the frame
    assert plotter.renders == before + 1
    plotter.update()  # exposed again, nothing changed: the same frame is copied again
    qtbot.wait(200)
    assert plotter.renders == before + 1
    window.resize(window.width() - 40, window.height())  # a frame of another size is drawn
    qtbot.waitUntil(lambda: plotter.renders > before + 1, timeout=5000)


def test_the_view_at_rest_draws_once_more_to_reflect_its_own_frame(qtbot, window,
                                                                    monkeypatch):
    """Where frames are quick: the frame after a change reflects the parts as the frame before
    it showed them; once the view rests it draws one frame more, which reflects its own, and
    then nothing."""
    monkeypatch.setattr(view3d, "REFLECT_MAX_FRAME_MS", math.inf)
    plotter = window.view.plotter
    scene_view = window.view.scene_view
    click(qtbot, window, "glaze", "sage")
    assert not scene_view.screen.settled
    before = plotter.renders
    # the parts' shading of one another is worked out at rest too (its own frame, once)
    qtbot.waitUntil(lambda: scene_view.screen.settled and scene_view.occlusion_up_to_date,
                    timeout=10000)
    assert plotter.renders > before
    rested = plotter.renders
    qtbot.wait(500)
    assert plotter.renders == rested


def test_where_frames_are_slow_the_view_at_rest_draws_nothing_more(qtbot, window, monkeypatch):
    """The frames that reflect the parts in one another cost several plain frames, during
    which the window takes no input: where a plain frame is slow the view does without."""
    monkeypatch.setattr(view3d, "REFLECT_MAX_FRAME_MS", 0.0)
    plotter = window.view.plotter
    click(qtbot, window, "glaze", "sage")
    # the parts' shading of one another, worked out off the GUI thread, is one frame more
    qtbot.waitUntil(lambda: not plotter.stale and window.view.scene_view.occlusion_up_to_date,
                    timeout=10000)
    qtbot.wait(100)
    drawn = plotter.renders
    qtbot.wait(view3d.SETTLE_MS + 400)
    assert plotter.renders == drawn
    assert not window.view.scene_view.screen.settled


def test_the_live_view_at_rest_shades_the_seat_under_the_golf_cart_s_roof(
        qtbot, builtin_root, settings, prompts, tmp_path):
    """Worked out off the GUI thread once the view rests, then drawn: the roof hides the
    overhead light from the seat. A colour chosen works nothing out again."""
    window = open_window(qtbot, builtin_root, settings, prompts, tmp_path / "autosave")
    scene_view = window.view.scene_view
    window.session.switch_product("golf_cart")
    plotter = window.view.plotter
    qtbot.waitUntil(lambda: scene_view.occlusion_up_to_date and not plotter.stale,
                    timeout=30000)
    seat = scene_view.parts[next(i for i in scene_view.parts if "seat_bench" in i)]
    roof = scene_view.parts[next(i for i in scene_view.parts if i.endswith("roof"))]
    assert seat.shade is not None and roof.shade is not None
    assert np.percentile(seat.shade[:, :3], 10) < 0.75  # its top, under the roof
    assert np.percentile(roof.shade[:, :3], 90) > 0.95  # nothing over the roof
    shaded = seat.shade
    click(qtbot, window, "roof_colour", "black")
    assert scene_view.occlusion_up_to_date
    qtbot.wait(view3d.SETTLE_MS + 200)
    assert not window.view.occlusion.busy and seat.shade is shaded
    window.close()


def test_a_change_made_while_the_view_is_hidden_is_drawn_when_it_shows(qtbot, window,
                                                                        monkeypatch):
    monkeypatch.setattr(view3d, "REFLECT_MAX_FRAME_MS", 0.0)  # one frame, none at rest
    plotter = window.view.plotter
    qtbot.wait(100)
    window.view.hide()
    before = plotter.renders
    click(qtbot, window, "glaze", "sage")
    assert plotter.renders == before  # nothing drawn while hidden...
    window.view.show()
    qtbot.waitUntil(lambda: plotter.renders == before + 1, timeout=5000)  # ...drawn on show
    shown = window.view.last_frame_pixels()
    assert np.array_equal(shown, window.view.pixels())


def test_undo_and_redo_choices_with_readable_names(qtbot, window):
    click(qtbot, window, "glaze", "sage")
    window.session.apply_preset("midnight")
    stack = window.session.undo_stack
    assert [stack.text(i) for i in range(stack.count())] == ["Glaze: Sage green",
                                                             "Preset Midnight"]
    window.actions_by_name["undo"].trigger()
    assert window.session.configuration.selections["glaze"] == "sage"
    assert window.options.buttons[("glaze", "sage")].isChecked()
    window.actions_by_name["undo"].trigger()
    assert window.session.configuration == default_configuration(window.session.product)
    window.actions_by_name["redo"].trigger()
    window.actions_by_name["redo"].trigger()
    assert window.session.configuration.selections["handle"] == "angular"


def test_a_file_of_thousands_of_problems_shows_twenty_and_how_many_more(window, tmp_path):
    before = window.session.configuration
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"schema_version": 1, "product_id": "mug",
                                "selections": {f"g{i}": "x" for i in range(5000)}}))
    assert not window.open_configuration(path)
    (title, message), = window.prompts.errors
    lines = message.splitlines()  # the file named once, then its problems
    assert title == "Cannot open configuration" and len(lines) == 22
    assert lines[0] == f"{path}:"
    assert lines[1] == "selections.g0: unknown option 'g0'"
    assert all(line.startswith("selections.g") for line in lines[1:21])
    assert lines[-1] == "... and 4980 more problems"
    # the problems panel, which lists problems of every file, names it on each line
    assert window.problems.messages()[-1] == f"... and 4980 more problems in {path}"
    assert window.session.configuration == before


def test_save_reopen_and_recent_files(qtbot, window, tmp_path):
    prompts = window.prompts
    click(qtbot, window, "glaze", "terracotta")
    window.options.zone_fields["wrap_text"].type_text("Grandma")
    window.options.flush()
    saved = window.session.configuration
    prompts.next_path = tmp_path / "order.json"
    assert window.save_configuration()
    assert "unsaved" not in window.windowTitle() and "*" not in window.windowTitle()
    click(qtbot, window, "glaze", "white")
    assert window.open_configuration(tmp_path / "order.json")
    assert window.session.configuration == saved
    assert window.recent_files() == [str((tmp_path / "order.json").resolve())]
    assert window.recent_menu.actions()[0].text().endswith("order.json")


def test_bad_files_show_a_message_and_keep_the_configuration(qtbot, window,
                                                            tmp_path):
    prompts = window.prompts
    click(qtbot, window, "glaze", "sage")
    before = window.session.configuration
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_bytes(b"\x89PNG\r\n garbage")
    other = tmp_path / "other.json"
    other.write_text('{"schema_version": 1, "product_id": "guitar"}')
    newer = tmp_path / "newer.json"
    newer.write_text('{"schema_version": 7, "product_id": "mug"}')
    for path in (corrupt, other, newer):
        assert not window.open_configuration(path)
    messages = [m for _title, m in prompts.errors]
    assert "not a configuration file" in messages[0]
    assert "product 'guitar', which is not in the catalog" in messages[1]
    assert "newer version of the app" in messages[2]
    assert window.session.configuration == before
    bad_image = tmp_path / "photo.png"
    bad_image.write_text("not an image")
    prompts.next_path = bad_image
    window.upload_image("photo_print")
    assert "this file is not a picture" in prompts.errors[-1][1]
    assert "photo_print" not in window.session.configuration.personalization
    window.paste_share_code("mug-zzzz")
    assert "typing mistake" in prompts.errors[-1][1]
    assert window.session.configuration == before


def test_share_code_round_trip_through_the_price_panel(qtbot, window):
    click(qtbot, window, "interior", "blue")
    code = window.price.code.text()
    assert code.startswith("mug-")
    click(qtbot, window, "interior", "red")
    window.price.code.setText(code)
    window.price.code.returnPressed.emit()
    assert window.session.configuration.selections["interior"] == "blue"


def test_broken_product_file_is_listed_and_the_app_keeps_working(qtbot, window):
    project_root = window.test_root
    click(qtbot, window, "glaze", "mustard")
    product_file = project_root / "configs" / "mug.yaml"
    good = product_file.read_text(encoding="utf-8")
    product_file.write_text(good.replace("kind: part_swap", "kind: part_swop"),
                            encoding="utf-8")
    qtbot.waitUntil(lambda: any("configs/mug.yaml" in m for m in window.problems.messages()),
                    timeout=5000)
    message = next(m for m in window.problems.messages() if "configs/mug.yaml" in m)
    assert "options[2].kind" in message
    assert window.problems_dock.isVisible()
    click(qtbot, window, "interior", "red")  # still working on the last good version
    assert window.session.product.option("handle").kind == "part_swap"

    product_file.write_text(good.replace("label: Mustard", "label: Honey"), encoding="utf-8")
    qtbot.waitUntil(lambda: window.problems.messages() == [], timeout=5000)
    assert window.session.product.option("glaze").choice("mustard").label == "Honey"
    assert window.session.configuration.selections == {
        "glaze": "mustard", "interior": "red", "handle": "classic"}
    assert "Honey" in window.options.buttons[("glaze", "mustard")].text()


def test_product_switch_export_and_window_screenshot(qtbot, window, tmp_path):
    prompts = window.prompts
    import os

    window.catalog.product_chosen.emit("tumbler")
    assert window.session.product.id == "tumbler"
    assert window.camera_box.count() == 4
    window.actions_by_name["undo"].trigger()
    assert window.session.product.id == "mug"
    prompts.next_still = StillRequest(path=tmp_path / "still.png", size=(160, 120),
                                      transparent=True, camera_id="front")
    with qtbot.waitSignal(window.exports.still().finished, timeout=60_000) as done:
        pass
    image = Image.open(done.args[0])
    assert image.size == (160, 120) and image.mode == "RGBA"
    alpha = np.asarray(image)[..., 3]
    assert alpha[0, 0] == 0 and alpha[60, 80] == 255
    folder = os.environ.get(SHOTS)
    if folder:
        window.grab().save(os.path.join(folder, "window.png"))


def test_restart_after_a_kill_offers_the_session(qtbot, project_root, settings, prompts,
                                                  tmp_path):
    first = open_window(qtbot, project_root, settings, prompts, tmp_path / "autosave")
    click(qtbot, first, "glaze", "cream")
    expected = first.session.configuration
    assert first.autosave.flush()  # the change reached the disk (the autosave thread's work)
    first.autosave = None  # the process dies: no clean exit is recorded
    first.close()
    assert prompts.asked == ["unsaved Ceramic Mug before quitting"]  # answered: discard
    prompts.asked.clear()
    second = open_window(qtbot, project_root, settings, prompts, tmp_path / "autosave")
    assert prompts.asked == ["restore"]
    assert second.session.configuration == expected
    second.close()
    assert not Autosave(tmp_path / "autosave").unclean_shutdown(), "a clean exit is recorded"


def test_photoreal_still_renders_behind_a_progress_dialog(qtbot, window, tmp_path):
    out = tmp_path / "photoreal.png"
    window.prompts.next_still = StillRequest(path=out, size=(64, 48), camera_id="front",
                                             photoreal=True, spp=4)
    runner = window.exports.still()  # it runs on a worker thread
    with qtbot.waitSignal(runner.finished, timeout=120_000) as done:
        pass
    assert done.args == [out]
    image = Image.open(out)
    assert image.size == (64, 48)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    assert (np.abs(pixels - pixels[0, 0]).sum(axis=2) > 30).mean() > 0.1  # the mug is there


def test_cancelled_photoreal_still_writes_nothing(qtbot, window, tmp_path):
    out = tmp_path / "cancelled.png"
    window.prompts.next_still = StillRequest(path=out, size=(320, 240), camera_id="front",
                                             photoreal=True, spp=256)
    runner = window.exports.still()
    with qtbot.waitSignal(runner.cancelled, timeout=120_000):
        runner.cancel()
    assert not out.exists()
    assert list(tmp_path.glob("cancelled*")) == []


def test_part_swap_choices_get_rendered_thumbnails_of_their_part(qtbot, project_root, settings,
                                                                   prompts, tmp_path):
    window = open_window(qtbot, project_root, settings, prompts, tmp_path / "autosave",
                         thumbnails=True)
    qtbot.waitUntil(lambda: window.view.presented, timeout=60_000)
    # the rep turns the product meanwhile: the live view draws between the thumbnails
    turning = QTimer(window)
    turning.setInterval(50)
    turning.timeout.connect(window.view.render)
    turning.start()
    buttons = [window.options.buttons[("handle", c)] for c in ("classic", "angular")]
    qtbot.waitUntil(lambda: all(b.thumbnail is not None for b in buttons)
                    and "mug" in window.catalog.thumbnails, timeout=60_000)
    turning.stop()
    images = [pixels_of(b.thumbnail) for b in buttons]
    catalog = pixels_of(window.catalog.thumbnails["mug"])
    for image in (*images, catalog):  # a white mug in the white studio, all of it drawn
        assert image.mean() > 180, image.mean()
        assert (image.max(axis=2) < 40).mean() < 0.01
    assert images[0].shape == images[1].shape
    differing = (np.abs(images[0] - images[1]).sum(axis=2) > 30).mean()
    assert differing > 0.05  # two handle styles, two pictures
    window.close()


def test_choice_thumbnails_of_a_product_switched_away_from_are_dropped_unmade(
        qtbot, project_root, settings, prompts, tmp_path, caplog):
    """The rep opens the espresso cup before the mug's part-swap thumbnails are drawn: the
    mug's are dropped without a warning in the log, and the cup's come."""
    window = open_window(qtbot, project_root, settings, prompts, tmp_path / "autosave",
                         thumbnails=True)
    with caplog.at_level(logging.WARNING, logger="app.ui.thumbnails"):
        assert window.thumbnails.jobs  # the mug's, held for the first frame
        window.session.switch_product("tumbler")
        buttons = [window.options.buttons[("handle", c)] for c in ("classic", "angular")]
        qtbot.waitUntil(lambda: all(b.thumbnail is not None for b in buttons)
                        and not window.thumbnails.jobs, timeout=60_000)
    assert window.session.product.id == "tumbler"
    assert [r.getMessage() for r in caplog.records] == []
    window.close()


def pixels_of(pixmap) -> np.ndarray:
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                              image.bytesPerLine())
    return rows[:, :3 * image.width()].reshape(image.height(), image.width(), 3).astype(int)


def test_thumbnails_wait_for_the_first_frame_of_the_window(qtbot, project_root, settings,
                                                         prompts, tmp_path):
    window = MainWindow(open_project(project_root), settings, prompts=prompts,
                        fonts=["sans"], watch_files=False)
    qtbot.addWidget(window)
    assert window.thumbnails.jobs and window.thumbnails.held  # queued, not started
    assert not window.thumbnails.timer.isActive() and not window.view.presented
    window.show()
    qtbot.waitUntil(lambda: window.view.presented and not window.thumbnails.held,
                    timeout=60_000)
    qtbot.waitUntil(lambda: "mug" in window.catalog.thumbnails, timeout=60_000)
    window.close()


def test_choice_thumbnail_is_framed_on_the_part_it_shows(project_root):
    from app.project import open_project
    from app.ui.thumbnails import choice_thumbnail_scene

    project = open_project(project_root)
    product = project.catalog.product("mug")
    scene = choice_thumbnail_scene(product, default_configuration(product), "handle",
                                   "angular", project.scene_context())
    assert scene.drawable("handle_angular/handle_angular").visible
    assert not scene.drawable("handle_classic/handle_classic").visible
    target = scene.camera().target
    assert target[0] > 0.04  # the handle sticks out at +x; the mug's centre is x = 0


def test_first_window_fits_a_small_screen_and_keeps_its_size_on_a_large_one():
    from PySide6.QtCore import QSize

    from app.ui.desktop import first_window_size

    assert first_window_size(QSize(1280, 760)) == QSize(1216, 722)
    assert first_window_size(QSize(2560, 1400)) == QSize(1440, 900)


def shown_price_lines(window) -> list[tuple[str, str]]:
    grid = window.price.lines
    rows = [(grid.itemAtPosition(r, 0), grid.itemAtPosition(r, 1)) for r in range(grid.rowCount())]
    return [(a.widget().text(), b.widget().text()) for a, b in rows
            if a is not None and not a.widget().isHidden()]


def test_price_lines_and_choice_marks_follow_undo(qtbot, window):
    from app.domain.pricing import price_breakdown

    def expected():
        breakdown = price_breakdown(window.session.configuration, window.session.product)
        return [(line.label, breakdown.format(line.amount)) for line in breakdown.lines]

    start = shown_price_lines(window)
    assert start == expected()
    window.session.set_zone("wrap_text", TextValue(text="Ann", font="sans"))
    click(qtbot, window, "interior", "yellow")
    longer = shown_price_lines(window)
    assert len(longer) == len(start) + 1 and longer == expected()
    angular = window.options.buttons[("handle", "angular")]
    assert angular.property("available") is False
    window.actions_by_name["undo"].trigger()
    assert angular.property("available") is True
    assert "not made" not in angular.toolTip()
    window.actions_by_name["undo"].trigger()
    assert shown_price_lines(window) == start == expected()


def test_choice_icons_are_reused_from_change_to_change(qtbot, window):
    """A new icon for every change would pile up pixmaps in Qt's pixmap cache."""
    navy = window.options.buttons[("glaze", "navy")]
    keys = set()
    for _ in range(6):
        click(qtbot, window, "glaze", "navy")
        keys.add(navy.icon().cacheKey())
        click(qtbot, window, "glaze", "sage")
        keys.add(navy.icon().cacheKey())
    assert len(keys) == 2, "one icon for selected, one for not"


def test_an_autosave_that_cannot_be_written_is_reported_and_the_work_kept(
        qtbot, project_root, settings, prompts, tmp_path):
    folder = tmp_path / "autosave"
    window = open_window(qtbot, project_root, settings, prompts, folder)
    (folder / "session.json").mkdir()  # a folder where the file should be: every write fails
    click(qtbot, window, "glaze", "navy")
    qtbot.waitUntil(lambda: any("cannot autosave" in m for m in window.problems.messages()),
                    timeout=5000)
    message = next(m for m in window.problems.messages() if "cannot autosave" in m)
    assert "session.json" in message
    assert window.session.configuration.selections["glaze"] == "navy"
    click(qtbot, window, "glaze", "sage")  # the app goes on
    assert window.session.undo_stack.count() == 2
    window.close()
