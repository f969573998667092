"""The kiosk's own share server: the hand-off's QR leads a phone to the customer's AR files."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import yaml
import zxingcpp
from PySide6.QtGui import QImage

from app.catalog.kiosk_config import ShareServerSettings, load_kiosk_config
from app.errors import AppError, AppErrors
from app.ui.kiosk.handoff import PREPARING
from app.ui.kiosk.share_handoff import KioskShares
from tests.export.self_signed import self_signed_cert
from tests.ui.kiosk.conftest import cheap_pin_hash

WAIT_MS = 60_000


def _qr_text(page) -> str:
    image = page.qr.pixmap().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * image.height())
    pixels = rows.reshape(image.height(), image.bytesPerLine())[:, :image.width()].copy()
    found = zxingcpp.read_barcodes(pixels)
    assert len(found) == 1, "expected one readable QR code on the hand-off page"
    return found[0].text


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def _hand_off(window, qtbot) -> None:
    assert window.user_input() is True  # wakes the attract loop
    window.select_choice("glaze", "navy")
    window.show_handoff()
    page = window.handoff_page
    assert window.side.currentWidget() is page
    assert window.session.handoffs.resolve(page.shown_code()) == window.session.share_code()
    if window.shares.busy:
        assert page.hint.text() == PREPARING
        assert page.qr.isHidden()
    qtbot.waitUntil(lambda: not window.shares.busy, timeout=WAIT_MS)


def test_the_hand_off_qr_leads_to_the_customers_ar_files(sharing_kiosk, qtbot):
    _hand_off(sharing_kiosk, qtbot)
    page = sharing_kiosk.handoff_page
    assert page.qr.isVisibleTo(sharing_kiosk)
    url = _qr_text(page)
    assert url.startswith(sharing_kiosk.shares.server.base_url + "/s/"), url
    assert url.startswith("http://127.0.0.1:")
    assert _fetch(url + "model.glb").startswith(b"glTF")
    assert _fetch(url + "model.usdz").startswith(b"PK")
    assert _fetch(url + "still.png").startswith(b"\x89PNG\r\n\x1a\n")
    assert b"model.glb" in _fetch(url)
    code = page.shown_code()
    assert f"<strong>{code}</strong>".encode() in _fetch(url)  # the page shows the code too
    assert sharing_kiosk.session.handoffs.resolve(code) == sharing_kiosk.session.share_code()


def test_a_failed_export_falls_back_to_the_share_code(sharing_kiosk, qtbot, monkeypatch):
    def broken_export(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("app.ui.kiosk.share_handoff.export_glb", broken_export)
    errors = sharing_kiosk.journal.count
    _hand_off(sharing_kiosk, qtbot)
    page = sharing_kiosk.handoff_page
    assert _qr_text(page) == page.shown_code()  # no share_url configured: the code itself
    assert "could not be prepared" in page.hint.text()
    shown = " ".join(label.text() for label in (page.hint, page.code, page.status))
    assert "disk is full" not in shown and "Traceback" not in shown
    assert sharing_kiosk.journal.count == errors + 1
    assert "the disk is full" in sharing_kiosk.journal.last
    log_text = (sharing_kiosk.test_logs / "kiosk.log").read_text(encoding="utf-8")
    assert "RuntimeError: the disk is full" in log_text


def test_closing_the_kiosk_stops_serving(shared_sharing_kiosk, tmp_path):
    window = shared_sharing_kiosk
    server = window.shares._server()  # the one the hand-offs started
    still = tmp_path / "still.png"
    still.write_bytes(b"\x89PNG\r\n\x1a\n")
    url = server.url(server.add_share({"still.png": still}, minutes=1), "still.png")
    assert _fetch(url) == still.read_bytes()
    window.exit_allowed = True
    window.close()
    assert window.shares.server is None
    with pytest.raises(urllib.error.URLError):
        _fetch(url)


def _kiosk_file(tmp_path, share_server: dict):
    path = tmp_path / "kiosk.yaml"
    path.write_text(yaml.safe_dump({"products": ["mug"], "share_server": share_server,
                                    "admin_pin": cheap_pin_hash("24681357").model_dump()}),
                    encoding="utf-8")
    return path


def test_the_share_server_block_takes_a_certificate_and_its_key(tmp_path):
    config = load_kiosk_config(_kiosk_file(tmp_path, {"tls_cert": "certs/share.pem",
                                                      "tls_key": "/etc/kiosk/share.key"}),
                               {"mug"}, tmp_path)
    assert config.share_server.tls_paths(tmp_path) == (
        tmp_path / "certs/share.pem", Path("/etc/kiosk/share.key"))
    assert ShareServerSettings().tls_paths(tmp_path) == (None, None)
    with pytest.raises(AppErrors) as caught:
        load_kiosk_config(_kiosk_file(tmp_path, {"tls_key": "share.key"}), {"mug"}, tmp_path)
    assert str(caught.value) == ("kiosk.yaml: share_server.tls_key: a key needs its "
                                 "certificate (tls_cert) (line 13, column 3)")


def test_the_kiosk_serves_https_with_its_certificate(qapp, tmp_path):
    self_signed_cert(tmp_path)
    shares = KioskShares(ShareServerSettings(host="127.0.0.1", port=0, tls_cert="cert.pem",
                                             tls_key="key.pem"))
    try:
        server = shares._server(tmp_path)
        assert server.base_url.startswith("https://127.0.0.1:")
        still = tmp_path / "still.png"
        still.write_bytes(b"\x89PNG\r\n\x1a\n")
        url = server.url(server.add_share({"still.png": still}, minutes=1), "still.png")
        context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        with urllib.request.urlopen(url, context=context, timeout=10) as response:
            assert response.read() == still.read_bytes()
    finally:
        shares.close()


def test_a_missing_certificate_names_the_setting(qapp, tmp_path):
    shares = KioskShares(ShareServerSettings(host="127.0.0.1", port=0, tls_cert="missing.pem"))
    try:
        with pytest.raises(AppError) as caught:
            shares._server(tmp_path)
        assert str(caught.value) == ("share_server.tls_cert: expected a PEM file, found none "
                                     f"at {tmp_path / 'missing.pem'}")
        assert shares.server is None
    finally:
        shares.close()
