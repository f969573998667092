"""One kiosk window for a module (the first frame costs seconds), on a small project copy, with
a fake clock, fast timings and a cheap PIN hash; ``kiosk`` puts it back in the attract loop."""

from __future__ import annotations

import hashlib
import secrets

import pytest

from app.catalog.kiosk_config import PBKDF2_MIN_ITERATIONS, KioskConfig, PinHash
from app.project import open_project
from app.ui.kiosk.error_log import ErrorJournal, open_kiosk_log
from app.ui.kiosk.kiosk_window import KioskWindow
from tests.sample_project import write_project

PIN = "386051"  # the example PIN of app/builtin/configs/kiosk.yaml and the README


class FakeClock:
    def __init__(self):
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def cheap_pin_hash(pin: str) -> PinHash:
    """A real salted PBKDF2 hash with the fewest iterations the file format allows."""
    salt = secrets.token_hex(16)
    iterations = PBKDF2_MIN_ITERATIONS
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), iterations)
    return PinHash(salt=salt, hash=digest.hex(), digits=len(pin), iterations=iterations)


def kiosk_config(**changes) -> KioskConfig:
    return KioskConfig(products=["mug", "tumbler"], admin_pin=cheap_pin_hash(PIN),
                       timings={"idle": 30, "reset_countdown": 10, "attract_preset": 60},
                       **changes)


@pytest.fixture(scope="module")
def shared_kiosk(qapp, tmp_path_factory):
    yield from _open_kiosk(tmp_path_factory, kiosk_config())


@pytest.fixture(scope="module")
def shared_sharing_kiosk(qapp, tmp_path_factory):
    """A kiosk with its own share server on 127.0.0.1 (a free port)."""
    config = kiosk_config(share_server={"host": "127.0.0.1", "port": 0, "minutes": 5})
    yield from _open_kiosk(tmp_path_factory, config)


@pytest.fixture
def sharing_kiosk(shared_sharing_kiosk):
    window = shared_sharing_kiosk
    window.enter_attract()
    window.attract_turn.stop()
    return window


def _open_kiosk(tmp_path_factory, config: KioskConfig):
    from pytestqt.qtbot import QtBot

    folder = tmp_path_factory.mktemp("kiosk")
    root = write_project(folder / "project")
    journal = ErrorJournal()
    open_kiosk_log(folder / "logs", 100_000, 2, journal)
    clock = FakeClock()
    window = KioskWindow(open_project(root), config, clock=clock, fonts=["sans"],
                         journal=journal, log_file=folder / "logs" / "kiosk.log")
    window.resize(900, 560)
    window.show()
    QtBot(None).waitExposed(window)
    window.start()
    window.attract_turn.setInterval(1000)  # one slow frame a second is enough in tests
    window.test_clock = clock
    window.test_logs = folder / "logs"
    yield window
    window.exit_allowed = True
    window.close()


@pytest.fixture
def kiosk(shared_kiosk):
    window = shared_kiosk
    window.test_clock.advance(1000)  # any PIN delay of an earlier test is over
    window.admin.guard.failures = 0
    window.enter_attract()
    window.attract_turn.stop()
    return window
