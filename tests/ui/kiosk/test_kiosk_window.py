"""The kiosk driven as a customer and as staff would, under Xvfb."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QMenu,
    QMenuBar,
)

from app.domain.configuration import TextValue
from app.ui.kiosk.error_log import install_error_hooks
from app.ui.kiosk.pin_guard import PinGuard
from app.ui.kiosk.touch_targets import too_small
from tests.ui.gui_model import KioskModel, TouchFeed
from tests.ui.kiosk.conftest import PIN


def _camera(window):
    camera = window.view.plotter.renderer.GetActiveCamera()
    return np.array(camera.GetPosition()), np.array(camera.GetFocalPoint())


def _wake(window):
    assert window.user_input() is True  # the first touch only wakes the loop
    assert window.side.currentWidget() is window.configure_page


def test_it_starts_in_the_attract_loop_showing_a_preset(kiosk):
    assert kiosk.side.currentWidget() is kiosk.attract_page
    assert kiosk.session.product.id == "mug"
    assert kiosk.session.configuration.selections["glaze"] == "white"  # preset "classic"
    kiosk.next_attract_step()
    assert kiosk.session.configuration.selections["handle"] == "angular"  # "midnight"
    assert "Midnight" in kiosk.attract_page.showing.text()
    assert kiosk.session.undo_stack.count() == 0
    before, _ = _camera(kiosk)
    kiosk._attract_turn()
    after, _ = _camera(kiosk)
    assert not np.allclose(before, after)  # the turntable turns


def test_the_first_touch_wakes_the_loop_and_is_used_up(kiosk, qtbot):
    qtbot.mouseClick(kiosk.attract_page, Qt.MouseButton.LeftButton)
    assert kiosk.side.currentWidget() is kiosk.configure_page
    assert not kiosk.attract_turn.isActive()


def test_idle_counts_down_then_clears_the_configuration(kiosk):
    _wake(kiosk)
    kiosk.select_choice("glaze", "navy")
    assert kiosk.session.configuration.selections["glaze"] == "navy"
    kiosk.test_clock.advance(31)
    kiosk.tick_idle()
    assert kiosk.side.currentWidget() is kiosk.countdown_page
    kiosk.test_clock.advance(4)
    kiosk.tick_idle()
    assert kiosk.countdown_page.countdown.text() == "Starting over in 6 s"
    kiosk.test_clock.advance(6)
    kiosk.tick_idle()
    assert kiosk.side.currentWidget() is kiosk.attract_page
    assert kiosk.session.configuration.selections["glaze"] != "navy"
    assert kiosk.session.undo_stack.count() == 0


def test_a_touch_during_the_countdown_keeps_the_design(kiosk, qtbot):
    _wake(kiosk)
    kiosk.select_choice("glaze", "navy")
    kiosk.test_clock.advance(31)
    kiosk.tick_idle()
    button = next(b for b in kiosk.countdown_page.findChildren(QAbstractButton))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert kiosk.side.currentWidget() is kiosk.configure_page
    kiosk.test_clock.advance(11)
    kiosk.tick_idle()
    assert kiosk.session.configuration.selections["glaze"] == "navy"


def test_one_finger_orbits_and_two_fingers_zoom_within_the_limits(kiosk):
    _wake(kiosk)
    feed = TouchFeed()
    view = kiosk.view.plotter
    centre = QPoint(view.width() // 2, view.height() // 2)
    position, target = _camera(kiosk)
    feed.drag(view, centre, centre + QPoint(100, 0))
    moved, _ = _camera(kiosk)
    assert not np.allclose(moved, position)
    assert np.linalg.norm(moved - target) == pytest.approx(np.linalg.norm(position - target),
                                                          rel=1e-3)  # an orbit
    distance = np.linalg.norm(moved - target)
    feed.pinch(view, centre, 60, 180)
    closer, target = _camera(kiosk)
    assert np.linalg.norm(closer - target) < distance * 0.8
    for _ in range(6):
        feed.pinch(view, centre, 60, 240)  # far past the closest allowed view
    kiosk.view.render()
    assert kiosk.view.limits.allows(*_camera(kiosk))


def test_a_tap_on_the_product_picks_its_part(kiosk, qtbot):
    _wake(kiosk)
    kiosk.view.reset_view()
    view = kiosk.view.plotter
    with qtbot.waitSignal(kiosk.touch.picked, timeout=2000) as picked:
        TouchFeed().tap(view, QPoint(view.width() // 2, view.height() // 2))
    assert picked.args == ["body"]
    assert kiosk.notice.text() == "Glaze: pick below"


def test_text_typed_on_the_screen_keyboard_personalizes(kiosk, qtbot):
    _wake(kiosk)
    field = kiosk.options.zone_fields["wrap_text"].text
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert kiosk.keyboard.isVisible() and kiosk.keyboard.target is field
    kiosk.keyboard.type_text("Anna 7")
    kiosk.keyboard.press("\u232b")
    kiosk.keyboard.press("Done")
    assert not kiosk.keyboard.isVisible()
    value = kiosk.session.configuration.personalization["wrap_text"]
    assert isinstance(value, TextValue) and value.text == "Anna "


def test_keys_pressed_faster_than_frames_make_one_rebuild_with_the_last_text(kiosk, qtbot):
    _wake(kiosk)
    field = kiosk.options.zone_fields["wrap_text"].text
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    updates = []
    kiosk.session.changed.connect(lambda: updates.append(1))
    kiosk.keyboard.type_text("Maria")  # five key presses before the event loop comes back
    assert updates == []
    qtbot.waitUntil(lambda: len(updates) > 0, timeout=3000)
    qtbot.wait(50)
    assert len(updates) == 1
    assert kiosk.session.configuration.personalization["wrap_text"].text == "Maria"
    assert kiosk.view.scene.decal("wrap_text") is not None
    kiosk.keyboard.press("Done")


def test_every_target_is_at_least_9_mm(kiosk):
    px = kiosk.target_px
    assert px == pytest.approx(9 / 25.4 * kiosk.screen().physicalDotsPerInch(), abs=1)
    _wake(kiosk)
    kiosk._focus_changed(None, kiosk.options.zone_fields["wrap_text"].text)
    pages = [kiosk.configure_page, kiosk.countdown_page, kiosk.handoff_page, kiosk.admin]
    for page in pages:
        kiosk.side.setCurrentWidget(page)
        QApplication.processEvents()
        assert too_small(kiosk, px) == [], page
    kiosk.admin.enter_pin(PIN)
    for page in (kiosk.admin.actions_page, kiosk.admin.health_page):
        kiosk.admin.setCurrentWidget(page)
        QApplication.processEvents()
        assert too_small(kiosk, px) == []


def test_prices_can_be_hidden(kiosk):
    _wake(kiosk)
    kiosk.config = kiosk.config.model_copy(update={"show_prices": False})
    try:
        kiosk._refresh_panels()
        assert not kiosk.total.isVisible()
        texts = [b.text() for b in kiosk.options.buttons.values()]
        assert not [t for t in texts if "EUR" in t or "included" in t]
    finally:
        kiosk.config = kiosk.config.model_copy(update={"show_prices": True})
        kiosk._refresh_panels()
    assert kiosk.total.isVisible() and "EUR" in kiosk.total.text()


def test_the_hand_off_shows_a_qr_code_and_the_hand_off_code(kiosk, qtbot):
    _wake(kiosk)
    qtbot.mouseClick(kiosk.done_button, Qt.MouseButton.LeftButton)
    assert kiosk.side.currentWidget() is kiosk.handoff_page
    code = kiosk.handoff_page.shown_code()
    assert kiosk.session.handoffs.resolve(code) == kiosk.session.share_code()
    assert not kiosk.handoff_page.qr.pixmap().isNull()
    assert not kiosk.handoff_page.print_button.isVisibleTo(kiosk)  # no printer configured


def test_wrong_pins_are_refused_with_a_growing_delay(kiosk, qtbot):
    for _ in range(5):
        qtbot.mouseClick(kiosk.title, Qt.MouseButton.LeftButton)
    assert kiosk.side.currentWidget() is kiosk.admin
    assert kiosk.admin.currentWidget() is kiosk.admin.pin_page
    assert kiosk.admin.enter_pin("111111") is False
    assert "Next try in 1 s" in kiosk.admin.pin_message.text()
    kiosk.test_clock.advance(1)
    assert kiosk.admin.enter_pin("111112") is False
    assert "Next try in 2 s" in kiosk.admin.pin_message.text()
    assert json.loads(kiosk.pin_failures_file.read_text()) == {"failures": 2}  # beside the log
    assert kiosk.pin_failures_file.parent == kiosk.log_file.parent
    restarted = PinGuard(kiosk.config.admin_pin, kiosk.test_clock, kiosk.pin_failures_file)
    assert restarted.failures == 2 and restarted.remaining_wait() == 2.0
    assert kiosk.admin.enter_pin(PIN) is False  # still waiting
    kiosk.test_clock.advance(2)
    for key in PIN:
        qtbot.mouseClick(kiosk.admin.digit_buttons[key], Qt.MouseButton.LeftButton)
    assert kiosk.admin.pin_display.text() == "\u25cf" * len(PIN)
    qtbot.mouseClick(kiosk.admin.digit_buttons["\u2713"], Qt.MouseButton.LeftButton)
    assert kiosk.admin.currentWidget() is kiosk.admin.actions_page
    assert json.loads(kiosk.pin_failures_file.read_text()) == {"failures": 0}


def test_the_health_page_shows_uptime_memory_and_the_last_error(kiosk, qtbot):
    kiosk._run(lambda: 1 / 0)
    assert kiosk.notice.text().startswith("Something went wrong")
    assert "ZeroDivisionError" not in kiosk.notice.text()
    kiosk.open_admin()
    kiosk.admin.enter_pin(PIN)
    qtbot.mouseClick(kiosk.admin.health_button, Qt.MouseButton.LeftButton)
    texts = {label.objectName(): label.text() for label in kiosk.admin.health_page.findChildren(
        type(kiosk.title))}
    assert texts["health_uptime"].endswith(" s") and " h " in texts["health_uptime"]
    assert texts["health_memory"].endswith(" MB)") and float(texts["health_memory"].split()[0]) > 50
    assert "division by zero" in texts["health_last_error"]
    log_text = (kiosk.test_logs / "kiosk.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError: division by zero" in log_text  # the traceback, in the log only


def test_uncaught_errors_go_to_the_log_not_the_screen(kiosk):
    import logging

    saved = sys.excepthook
    try:
        install_error_hooks(logging.getLogger("app.kiosk"), kiosk.show_notice)
        try:
            raise KeyError("secret internals")
        except KeyError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = saved
    assert "secret" not in kiosk.notice.text() and kiosk.notice.text()
    assert "KeyError: 'secret internals'" in (kiosk.test_logs / "kiosk.log").read_text()


def test_there_is_no_route_to_a_file_dialog(kiosk, monkeypatch):
    opened = []
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory",
                 "getOpenFileNames"):
        monkeypatch.setattr(QFileDialog, name, lambda *a, n=name, **k: opened.append(n))
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(type(self).__name__))
    monkeypatch.setattr(QDialog, "open", lambda self: opened.append(type(self).__name__))
    assert kiosk.findChildren(QMenuBar) == [] and kiosk.findChildren(QMenu) == []
    assert kiosk.windowFlags() & Qt.WindowType.FramelessWindowHint
    _wake(kiosk)
    assert not kiosk.options.zone_fields["photo_print"].isVisible()  # no uploads on a kiosk
    errors_before = kiosk.journal.count
    clicked = 0
    for page in (kiosk.configure_page, kiosk.countdown_page, kiosk.handoff_page):
        index = 0
        while True:
            kiosk.side.setCurrentWidget(page)
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            buttons = [b for b in page.findChildren(QAbstractButton)
                       if b.isVisibleTo(kiosk) and b.isEnabled()]
            if index >= len(buttons):
                break
            buttons[index].click()
            clicked += 1
            index += 1
            QApplication.processEvents()
    assert clicked >= 20
    assert kiosk.journal.count == errors_before, kiosk.journal.last
    field = kiosk.options.zone_fields["wrap_text"].text
    menu_event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5),
                                   QPoint(5, 5))
    assert kiosk.eventFilter(field, menu_event) is True  # context menus are swallowed
    assert opened == []
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QDialog | QMenu) and w.isVisible()]
    assert dialogs == []


def _view_state(view):
    plotter = view.plotter
    camera = plotter.renderer.GetActiveCamera()
    return {"representations": [a.GetProperty().GetRepresentation()
                                for a in view.scene_view.actors.values()],
            "stereo": plotter.ren_win.GetStereoRender(),
            "camera": (camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp()),
            "props": plotter.renderer.GetViewProps().GetNumberOfItems(),
            "style": type(plotter.interactor.GetInteractorStyle()).__name__}


@pytest.mark.parametrize("key", ["w", "s", "3", "e", "q", "f", "r", "p"])
def test_vtk_keys_do_nothing_on_the_kiosk_view(kiosk, qtbot, key):
    from PySide6.QtTest import QTest

    _wake(kiosk)
    view = kiosk.view
    interactor = view.plotter.interactor
    if key == "s":  # surface: only visible when it would undo a wireframe
        for actor in view.scene_view.actors.values():
            actor.GetProperty().SetRepresentationToWireframe()
    QApplication.processEvents()  # frames already asked for are drawn before counting
    before = _view_state(view)
    exits, renders = [], []
    exit_tag = interactor.AddObserver("ExitEvent", lambda *_: exits.append(1))
    render_tag = view.plotter.ren_win.AddObserver("StartEvent", lambda *_: renders.append(1))
    try:
        QTest.keyClick(view.plotter, key)  # through Qt, as a keyboard on the kiosk would
        x, y = view.plotter.width() // 2, view.plotter.height() // 2  # on the product
        interactor.SetEventInformation(x, y, 0, 0, key, 0, key)  # straight into VTK
        interactor.KeyPressEvent()
        interactor.CharEvent()
        interactor.KeyReleaseEvent()
        QApplication.processEvents()
        after = _view_state(view)
    finally:
        interactor.RemoveObserver(exit_tag)
        view.plotter.ren_win.RemoveObserver(render_tag)
        for actor in view.scene_view.actors.values():
            actor.GetProperty().SetRepresentationToSurface()
    assert after == before
    assert exits == [] and renders == []
    assert kiosk.isVisible() and not view.closed


def test_closing_needs_the_admin(kiosk):
    kiosk.close()
    assert kiosk.isVisible()  # the close event was refused


def test_a_customers_random_session_keeps_every_invariant(kiosk):
    import random

    model = KioskModel(kiosk, random.Random(8), kiosk.test_clock.advance)
    kinds = [model.step() for _ in range(200)]
    assert {"tap", "drag", "pinch", "text", "idle", "resize"} <= set(kinds)
    assert kiosk.isVisible()


def test_exit_from_the_admin_panel_closes_the_kiosk(shared_kiosk, qtbot):
    kiosk = shared_kiosk
    kiosk.test_clock.advance(1000)
    kiosk.open_admin()
    assert kiosk.admin.enter_pin(PIN)
    qtbot.mouseClick(kiosk.admin.exit_button, Qt.MouseButton.LeftButton)
    assert not kiosk.isVisible()


def test_touch_orbit_is_a_turntable_above_the_floor(kiosk):
    _wake(kiosk)
    feed = TouchFeed()
    view = kiosk.view.plotter
    centre = QPoint(view.width() // 2, view.height() // 2)
    for offset in (QPoint(150, 400), QPoint(-300, -500), QPoint(80, 600), QPoint(0, -700)):
        feed.drag(view, centre, centre + offset)
        kiosk.view.render()
        camera = kiosk.view.plotter.renderer.GetActiveCamera()
        position = np.asarray(camera.GetPosition())
        right = np.cross(np.asarray(camera.GetFocalPoint()) - position, camera.GetViewUp())
        assert abs(right[1]) < 1e-6 * np.linalg.norm(right), "no roll"
        assert position[1] > kiosk.view.limits.floor, "above the floor"
