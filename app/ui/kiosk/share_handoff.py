"""The hand-off's link for a phone: the customer's configuration (GLB, USDZ and a small still)
served by the kiosk's one ShareServer, started on the first hand-off and closed with the kiosk
(over HTTPS when the kiosk file's share_server block names a certificate).

The still is the frame the customer sees in the kiosk's 3D view; the GLB and USDZ exports and
the share run on a worker thread while the page says "Preparing your files...". A failure is logged
and reported as ``failed``, never raised: the page then falls back to the share code."""

from __future__ import annotations

import logging
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QObject, QTimer, Signal

from app.catalog.kiosk_config import ShareServerSettings
from app.domain.configuration import Configuration
from app.domain.product import Product
from app.errors import AppError
from app.export.glb import export_glb
from app.export.share_server import ShareServer, load_tls_context
from app.export.usdz import export_usdz
from app.project import Project
from app.ui.kiosk.error_log import LOGGER_NAME
from app.viewport.still import save_png

POLL_MS = 50
log = logging.getLogger(LOGGER_NAME)


class KioskShares(QObject):
    """Shares one configuration per ``begin``; emits ``ready(url)`` or ``failed()`` on the GUI
    thread for the latest one only (``cancel`` drops it; a share it still makes is revoked)."""

    ready = Signal(str)
    failed = Signal()

    def __init__(self, settings: ShareServerSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.server: ShareServer | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-share")
        self._pending: Future | None = None
        self._product_id = ""
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def begin(self, project: Project, product: Product, configuration: Configuration,
              frame: np.ndarray | None, code: str = "") -> None:
        """Share ``configuration``; ``frame`` (RGB pixels of the 3D view) is the still, and
        the page shows ``code`` (the hand-off code, when there is one)."""
        self.cancel()
        self._product_id = product.id
        folder = Path(tempfile.mkdtemp(prefix="kiosk-share-"))
        try:
            if frame is None:
                raise AppError("the configuration has no picture to share", file=product.id)
            server = self._server(project.root)
            still = save_png(Image.fromarray(np.ascontiguousarray(frame[..., :3])),
                             folder / "still.png")
            self._pending = self._executor.submit(
                _export_and_share, server, self.settings.minutes, project, product,
                configuration, folder, still, code)
        except Exception as exc:  # noqa: BLE001 (logged; the customer sees the share code)
            shutil.rmtree(folder, ignore_errors=True)
            self._report_failure(exc)
            return
        self._timer.start()

    def cancel(self) -> None:
        """Forget the hand-off being prepared; the share it makes is revoked at once."""
        future, self._pending = self._pending, None
        self._timer.stop()
        if future is not None and not future.cancel():
            future.add_done_callback(self._revoke)

    def close(self) -> None:
        """Stop serving and delete every shared file (the kiosk is closing)."""
        self.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self.server is not None:
            self.server.close()
            self.server = None

    def _server(self, root: Path | None = None) -> ShareServer:
        """The kiosk's server, started on first use; ``root`` (the project folder) is where
        relative certificate paths are."""
        if self.server is None:
            settings = self.settings
            tls = None
            if settings.tls_cert is not None:
                cert, key = settings.tls_paths(root or Path.cwd())
                tls = load_tls_context(cert, key, cert_field="share_server.tls_cert",
                                       key_field="share_server.tls_key")
            self.server = ShareServer(settings.host, settings.port,
                                      public_host=settings.public_host, tls=tls).start()
            log.info("share server listening on %s", self.server.base_url)
        return self.server

    def _revoke(self, future: Future) -> None:
        if not future.cancelled() and future.exception() is None and self.server is not None:
            self.server.revoke(future.result()[0])

    def _poll(self) -> None:
        future = self._pending
        if future is None or not future.done():
            return
        self._timer.stop()
        self._pending = None
        try:
            _token, url = future.result()
        except Exception as exc:  # noqa: BLE001 (logged; the customer sees the share code)
            self._report_failure(exc)
            return
        log.info("shared %s at %s", self._product_id, url)
        self.ready.emit(url)

    def _report_failure(self, exc: BaseException) -> None:
        # a setting or a file the staff can fix reads as its message; anything else with
        # its traceback
        log.error("cannot share %s: %s", self._product_id, exc,
                  exc_info=None if isinstance(exc, AppError) else exc)
        self.failed.emit()


def _export_and_share(server: ShareServer, minutes: float, project: Project, product: Product,
                      configuration: Configuration, folder: Path, still: Path, code: str = ""
                      ) -> tuple[str, str]:
    """On the worker thread: the AR files into ``folder``, then one share of them and the
    still; ``folder`` is deleted either way (the server keeps its own copies)."""
    try:
        files = {"still.png": still}
        for name, exporter in (("model.glb", export_glb), ("model.usdz", export_usdz)):
            report = exporter(product, configuration, project, folder / name)
            files[name] = report.path
            for warning in report.warnings:
                log.warning("%s of %s: %s", name, product.id, warning)
        share = server.add_share(files, minutes=minutes, title=product.name, code=code)
        return share.token, server.url(share)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
