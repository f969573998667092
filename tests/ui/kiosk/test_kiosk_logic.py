"""PIN delays, idle states and gestures: pure logic, driven by a fake clock."""

import json
import os

import pytest

from app.ui.kiosk.gestures import GestureTracker, Orbit, Pan, Tap, Zoom
from app.ui.kiosk.idle import IdleClock, IdleEvent, IdleState
from app.ui.kiosk.pin_guard import (
    MAX_DELAY_S,
    PIN_FAILURES_FILE,
    UNREADABLE_FAILURES,
    PinGuard,
    delay_after,
)
from tests.ui.kiosk.conftest import PIN, cheap_pin_hash


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def pin_hash():
    return cheap_pin_hash(PIN)


def test_wrong_pins_wait_longer_each_time(pin_hash):
    clock = FakeClock()
    guard = PinGuard(pin_hash, clock)
    waits = []
    for _ in range(4):
        attempt = guard.attempt("111111")
        assert not attempt.accepted
        waits.append(attempt.wait_s)
        clock.now += attempt.wait_s
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert guard.delay_after(20) == MAX_DELAY_S


def test_even_the_right_pin_is_refused_while_waiting(pin_hash):
    clock = FakeClock()
    guard = PinGuard(pin_hash, clock)
    guard.attempt("000000")
    clock.now += 0.5
    refused = guard.attempt(PIN)
    assert not refused.accepted and refused.wait_s == pytest.approx(0.5)
    clock.now += 0.5
    assert guard.attempt(PIN).accepted
    assert guard.failures == 0 and guard.remaining_wait() == 0


def test_the_delay_stays_capped_at_the_1025th_and_the_100000th_wrong_pin(pin_hash):
    clock = FakeClock()
    guard = PinGuard(pin_hash, clock)
    waits = {}
    for number in range(1, 100_001):
        clock.now += guard.remaining_wait()
        attempt = guard.attempt("1")  # a PIN too short to be hashed: quick to refuse
        assert not attempt.accepted and attempt.message.startswith("Wrong PIN")
        if number in (1, 9, 10, 1024, 1025, 1026, 100_000):
            waits[number] = attempt.wait_s
    assert waits == {1: 1.0, 9: 256.0, 10: MAX_DELAY_S, 1024: MAX_DELAY_S, 1025: MAX_DELAY_S,
                     1026: MAX_DELAY_S, 100_000: MAX_DELAY_S}
    assert not guard.attempt(PIN).accepted  # the last wait still holds
    clock.now += MAX_DELAY_S
    assert guard.attempt(PIN).accepted
    for count in (1024, 1025, 2**64, 10**400):
        assert delay_after(count) == MAX_DELAY_S


def test_the_count_of_wrong_pins_survives_a_restart(pin_hash, tmp_path):
    path = tmp_path / PIN_FAILURES_FILE
    clock = FakeClock()
    guard = PinGuard(pin_hash, clock, path)
    for _ in range(3):
        clock.now += guard.attempt("123456").wait_s
    assert json.loads(path.read_text()) == {"failures": 3}
    restarted_clock = FakeClock()  # a new process: a new monotonic clock
    restarted = PinGuard(pin_hash, restarted_clock, path)
    assert restarted.failures == 3 and restarted.remaining_wait() == 4.0  # the wait again
    assert not restarted.attempt(PIN).accepted
    restarted_clock.now += 4
    assert restarted.attempt("654321").wait_s == 8.0
    restarted_clock.now += 8
    assert restarted.attempt(PIN).accepted
    assert json.loads(path.read_text()) == {"failures": 0}
    assert PinGuard(pin_hash, FakeClock(), path).remaining_wait() == 0


def _fifo(path):
    os.mkfifo(path)


def _link_to_a_good_count(path):
    path.with_name("elsewhere.json").write_text('{"failures": 0}')
    path.symlink_to(path.with_name("elsewhere.json"))


def _deeply_nested(path):
    path.write_text("[" * 2000 + "]" * 2000)


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b"\xff\xfe garbage \x00"),
    lambda p: p.write_text(""),
    lambda p: p.write_text('{"failures": -5}'),
    lambda p: p.write_text('{"failures": 2.5}'),
    lambda p: p.write_text('{"failures": true}'),
    lambda p: p.write_text('{"failures": "0"}'),
    lambda p: p.write_text('{"failures": 1e400}'),
    lambda p: p.write_text('{"failures": ' + "9" * 5000 + "}"),
    lambda p: p.write_text('{"errors": 0}'),
    lambda p: p.write_text("[0]"),
    lambda p: p.write_bytes(b'{"failures": 0}' + b" " * 10_000_000),
    _deeply_nested,
    _link_to_a_good_count,
    _fifo,
    lambda p: p.mkdir(),
], ids=["binary", "empty", "negative", "fraction", "bool", "string", "huge float", "huge int",
        "no count", "a list", "10 MB", "deep nesting", "a symlink", "a fifo", "a folder"])
def test_a_damaged_or_hostile_count_file_waits_the_longest(pin_hash, tmp_path, damage):
    path = tmp_path / PIN_FAILURES_FILE
    damage(path)
    clock = FakeClock()
    guard = PinGuard(pin_hash, clock, path)  # no crash
    assert guard.failures == UNREADABLE_FAILURES
    assert guard.remaining_wait() == MAX_DELAY_S  # never zero
    assert not guard.attempt(PIN).accepted
    clock.now += MAX_DELAY_S
    assert guard.attempt("111111").wait_s == MAX_DELAY_S
    clock.now += MAX_DELAY_S
    assert guard.attempt(PIN).accepted  # the right PIN, after the wait, still works
    if not path.is_dir():  # a folder cannot be replaced: the error is logged, the kiosk goes on
        assert not path.is_symlink() and json.loads(path.read_text()) == {"failures": 0}
    if (tmp_path / "elsewhere.json").exists():
        assert (tmp_path / "elsewhere.json").read_text() == '{"failures": 0}'  # not written


def test_idle_with_changes_counts_down_then_resets():
    clock = FakeClock()
    idle = IdleClock(idle_s=60, countdown_s=10, clock=clock)
    assert idle.state is IdleState.ATTRACT
    assert idle.poke() is IdleEvent.WOKEN
    clock.now += 59
    assert idle.tick(True) is IdleEvent.NONE
    clock.now += 1
    assert idle.tick(True) is IdleEvent.COUNTDOWN_STARTED
    clock.now += 4
    assert idle.seconds_left() == pytest.approx(6)
    assert idle.tick(True) is IdleEvent.NONE
    clock.now += 6
    assert idle.tick(True) is IdleEvent.RESET
    assert idle.state is IdleState.ATTRACT


def test_a_touch_cancels_the_countdown_and_no_changes_skip_it():
    clock = FakeClock()
    idle = IdleClock(idle_s=60, countdown_s=10, clock=clock)
    idle.poke()
    clock.now += 61
    idle.tick(True)
    assert idle.poke() is IdleEvent.COUNTDOWN_CANCELLED
    assert idle.state is IdleState.ACTIVE
    clock.now += 61
    assert idle.tick(False) is IdleEvent.RESET  # nothing to lose: straight to the loop


def test_one_finger_orbits_and_a_short_still_touch_taps():
    clock = FakeClock()
    tracker = GestureTracker(clock, degrees_per_pixel=0.5)
    assert tracker.update({1: (100, 100)}) == []
    assert tracker.update({1: (120, 90)}) == [Orbit(azimuth=-10.0, elevation=-5.0)]
    assert tracker.update({}) == []  # it moved: no tap
    tracker.update({1: (50, 60)})
    tracker.update({1: (53, 62)})  # within the slop
    clock.now += 0.2
    assert tracker.update({}) == [Tap(50, 60)]
    tracker.update({1: (50, 60)})
    clock.now += 2.0
    assert tracker.update({}) == []  # a long press is not a tap


def test_two_fingers_pinch_and_pan_without_jumps():
    tracker = GestureTracker(FakeClock())
    tracker.update({1: (100, 100)})
    assert tracker.update({1: (100, 100), 2: (200, 100)}) == []  # second finger: no jump
    moves = tracker.update({1: (80, 110), 2: (220, 110)})
    assert moves == [Zoom(pytest.approx(1.4)), Pan(0.0, 10.0)]
    assert tracker.update({1: (80, 110)}) == []  # one finger lifted: no orbit jump
    assert tracker.update({}) == []
