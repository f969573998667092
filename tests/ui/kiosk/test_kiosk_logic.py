"""PIN delays, idle states and gestures: pure logic, driven by a fake clock."""

import pytest

from app.ui.kiosk.gestures import GestureTracker, Orbit, Pan, Tap, Zoom
from app.ui.kiosk.idle import IdleClock, IdleEvent, IdleState
from app.ui.kiosk.pin_guard import MAX_DELAY_S, PinGuard
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
