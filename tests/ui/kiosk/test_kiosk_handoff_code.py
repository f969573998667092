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
