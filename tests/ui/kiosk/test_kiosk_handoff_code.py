"""The hand-off code as a customer meets it: choose, take it with you, read the short code
aloud; staff type it in and get the same design. And every new customer starts afresh."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication

from app.domain.configuration import TextValue, default_configuration
from app.domain.handoff_code import new_handoff_code
from app.errors import AppError, ConfigurationError
from app.ui.session import ConfigSession
from tests.ui.kiosk.conftest import PIN

SHORT = re.compile(r"[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{2}")


def _camera(window):
    camera = window.view.plotter.renderer.GetActiveCamera()
    return np.array([*camera.GetPosition(), *camera.GetFocalPoint(), camera.GetViewAngle()])


def _wake(window):
    assert window.user_input() is True
    assert window.side.currentWidget() is window.configure_page


def _design_something(window, qtbot):
    window.select_choice("glaze", "navy")
    window.session.set_zone("wrap_text", TextValue(text="Anna"))
    QApplication.processEvents()
    bar = window.scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    window.view.orbit(40.0, 10.0)


def _all_at_the_top(window) -> bool:
    return all(a.verticalScrollBar().value() == 0
               for a in window.findChildren(QAbstractScrollArea))


def test_the_short_code_brings_the_same_design_back_at_the_desk(kiosk, qtbot):
    _wake(kiosk)
    _design_something(kiosk, qtbot)
    designed = kiosk.session.configuration
    qtbot.mouseClick(kiosk.done_button, Qt.MouseButton.LeftButton)
    page = kiosk.handoff_page
    assert page.isVisible()
    code = page.shown_code()
    assert SHORT.fullmatch(code), code
    assert len(code) <= 10
    assert code not in kiosk.session.share_code()
    assert "code" in page.hint.text()
    # staff at the desktop type it as they hear it
    desk = ConfigSession(kiosk.session.project, "tumbler", handoffs=kiosk.session.handoffs)
    desk.paste_share_code(code.lower().replace("-", " "))
    assert desk.product.id == "mug"
    assert desk.configuration.to_json() == designed.to_json()


def test_each_hand_off_gets_its_own_code(kiosk, qtbot):
    _wake(kiosk)
    kiosk.show_handoff()
    first = kiosk.handoff_page.shown_code()
    kiosk.show_configurator()
    kiosk.show_handoff()
    assert kiosk.handoff_page.shown_code() != first


@pytest.mark.parametrize("typed", [
    "", " ", "ABC-DEF-GH", "K7M-4QX-9O", "k7m-4qx-9l", "K7M-4QX-9T-22", "K7M\u00004QX9T",
    "../../../etc/passwd", "x" * 1_000_000, "\u202eK7M-4QX-9T", "mug-", "-zzzz", "mug-zzzz",
    "tumbler-" + "a" * 5000, "\U0001f600" * 8,
])
def test_hostile_and_mistyped_codes_are_refused_and_nothing_changes(kiosk, typed):
    session = ConfigSession(kiosk.session.project, "mug", handoffs=kiosk.session.handoffs)
    before = session.configuration.to_json()
    with pytest.raises(AppError) as caught:
        session.paste_share_code(typed)
    assert str(caught.value)
    assert len(str(caught.value)) < 400  # a message, never the input echoed at length
    assert session.configuration.to_json() == before


def test_an_unknown_code_says_so(kiosk):
    session = ConfigSession(kiosk.session.project, "mug", handoffs=kiosk.session.handoffs)
    with pytest.raises(ConfigurationError, match="unknown here or has expired"):
        session.paste_share_code(new_handoff_code())


def test_a_kiosk_that_cannot_keep_the_code_hands_off_the_long_code(kiosk, monkeypatch):
    def full(_share_code):
        raise OSError("no space left on device")

    monkeypatch.setattr(kiosk.session.handoffs, "add", full)
    errors = kiosk.journal.count
    _wake(kiosk)
    side_width, window_width = kiosk.side.width(), kiosk.width()
    kiosk.session.set_zone("wrap_text", TextValue(text="W" * 20))
    kiosk.show_handoff()
    page = kiosk.handoff_page
    assert page.shown_code() == kiosk.session.share_code()
    assert kiosk.journal.count == errors + 1
    QApplication.processEvents()
    # the long code wraps: the panel keeps its width
    assert page.code.minimumSizeHint().width() <= side_width
    assert (kiosk.side.width(), kiosk.width()) == (side_width, window_width)
    shown = page.code.geometry()
    assert page.rect().contains(shown), shown


def _starts_afresh(window, camera) -> None:
    product = window.session.product
    assert window.session.configuration.to_json() == default_configuration(product).to_json()
    assert window.session.undo_stack.count() == 0
    assert np.allclose(_camera(window), camera, atol=1e-6)
    assert _all_at_the_top(window)


def _default_camera(window):
    window.view.set_camera_preset(None)
    return _camera(window)


def test_after_an_idle_reset_the_next_customer_starts_from_the_default_look(kiosk, qtbot):
    _wake(kiosk)
    camera = _default_camera(kiosk)
    _design_something(kiosk, qtbot)
    assert not _all_at_the_top(kiosk)
    kiosk.test_clock.advance(31)
    kiosk.tick_idle()
    kiosk.test_clock.advance(11)
    kiosk.tick_idle()
    assert kiosk.side.currentWidget() is kiosk.attract_page
    kiosk.next_attract_step()  # the loop may show a preset meanwhile
    _wake(kiosk)
    _starts_afresh(kiosk, camera)


def test_after_a_hand_off_the_next_customer_starts_from_the_default_look(kiosk, qtbot):
    _wake(kiosk)
    camera = _default_camera(kiosk)
    _design_something(kiosk, qtbot)
    qtbot.mouseClick(kiosk.done_button, Qt.MouseButton.LeftButton)
    done = next(b for b in kiosk.handoff_page.findChildren(type(kiosk.done_button))
                if b.text().startswith("I'm done"))
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    assert kiosk.side.currentWidget() is kiosk.attract_page
    _wake(kiosk)
    _starts_afresh(kiosk, camera)


def test_start_over_also_goes_back_to_the_default_look(kiosk, qtbot):
    _wake(kiosk)
    camera = _default_camera(kiosk)
    _design_something(kiosk, qtbot)
    qtbot.mouseClick(kiosk.start_over_button, Qt.MouseButton.LeftButton)
    _starts_afresh(kiosk, camera)


def _staff_open_code_page(window, qtbot):
    window.test_clock.advance(1000)
    window.admin.guard.failures = 0
    window.open_admin()
    assert window.admin.enter_pin(PIN)
    qtbot.mouseClick(window.admin.code_button, Qt.MouseButton.LeftButton)
    assert window.side.currentWidget() is window.code_page


def _type(window, qtbot, text):
    keys = window.code_page.keyboard.keys
    for ch in text:
        qtbot.mouseClick(keys[ch.upper()], Qt.MouseButton.LeftButton)


def test_staff_bring_a_customers_design_back_at_the_kiosk(kiosk, qtbot):
    _wake(kiosk)
    _design_something(kiosk, qtbot)
    designed = kiosk.session.configuration.to_json()
    kiosk.show_handoff()
    code = kiosk.handoff_page.shown_code()
    kiosk.handoff_page.finished.emit()  # "I'm done: start over"
    _wake(kiosk)
    kiosk.select_choice("glaze", "cream")  # another customer meanwhile
    _staff_open_code_page(kiosk, qtbot)
    _type(kiosk, qtbot, code)
    assert kiosk.code_page.field.text() == code  # capitals stay on for codes
    qtbot.mouseClick(kiosk.code_page.open_button, Qt.MouseButton.LeftButton)
    assert kiosk.side.currentWidget() is kiosk.configure_page
    assert kiosk.session.configuration.to_json() == designed
    assert _all_at_the_top(kiosk)


@pytest.mark.parametrize("typed, expected", [
    ("K0M4QX9A", "no 0, O"), ("K7M4QX9B", "typing mistake"), ("", "Type the code first"),
    ("ZZZZ", "is not a share code"),
])
def test_a_wrong_code_at_the_kiosk_says_what_is_wrong(kiosk, qtbot, typed, expected):
    _wake(kiosk)
    before = kiosk.session.configuration.to_json()
    _staff_open_code_page(kiosk, qtbot)
    _type(kiosk, qtbot, typed)
    qtbot.mouseClick(kiosk.code_page.open_button, Qt.MouseButton.LeftButton)
    assert kiosk.side.currentWidget() is kiosk.code_page  # open for another try
    assert expected in kiosk.code_page.message.text()
    assert kiosk.session.configuration.to_json() == before


def test_an_unknown_or_hostile_code_at_the_kiosk_changes_nothing(kiosk, qtbot):
    _wake(kiosk)
    before = kiosk.session.configuration.to_json()
    errors = kiosk.journal.count
    _staff_open_code_page(kiosk, qtbot)
    for typed in [new_handoff_code(), "mug-" + "7" * 3000, "\x00" * 50, "tumbler-aaaa"]:
        kiosk.code_page.field.setText(typed)
        kiosk.code_page.field.returnPressed.emit()
        assert kiosk.side.currentWidget() is kiosk.code_page
        assert kiosk.code_page.message.text()
        assert len(kiosk.code_page.message.text()) < 200
    assert "unknown here or has expired" not in kiosk.code_page.message.text()
    assert kiosk.session.configuration.to_json() == before
    assert kiosk.journal.count == errors  # a wrong code is no error of the kiosk
    qtbot.mouseClick(next(b for b in kiosk.code_page.findChildren(type(kiosk.done_button))
                          if b.text() == "Back"), Qt.MouseButton.LeftButton)
    assert kiosk.side.currentWidget() is kiosk.admin
