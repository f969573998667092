"""The hand-off server: a small HTTP(S) server that gives a phone the files of one configuration.

A share is a random token that maps to a fixed set of files copied into the server's own folder
when the share is made; what is answered and how is share_http's, the limits per client and the
deadlines share_limits'. Shares expire; an expired share's files are deleted and its URLs answer
410. The server runs aiohttp on an event loop of its own in a background thread, so a Qt window
or a command-line wait can start and stop it from any thread.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from app.domain.handoff_code import parse_handoff_code
from app.errors import AppError
from app.export.share_http import SHARE_FILES, ShareConnection, answer, callback_logger
from app.export.share_limits import ClientTable, ShareLimits

__all__ = ["SHARE_FILES", "Share", "ShareLimits", "ShareServer", "load_tls_context"]

HOUSEKEEPING_S = 1.0
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


@dataclass
class Share:
    """One configuration's files under ``token`` until ``expires_at`` (server clock)."""

    token: str
    title: str
    files: dict[str, Path]
    expires_at: float
    max_requests: int
    requests: int = 0
    expired: bool = False
    code: str = ""  # the hand-off code the page shows (app.domain.handoff_code), if any


def load_tls_context(cert: Path, key: Path | None = None, *, cert_field: str = "tls_cert",
                     key_field: str = "tls_key") -> ssl.SSLContext:
    """A server TLS context from a PEM certificate (chain) file and its key file (``None``:
    the key is in the certificate file); AppErrors name ``cert_field``/``key_field``."""
    for path, name in ((cert, cert_field), (key, key_field)):
        if path is not None and not Path(path).is_file():
            raise AppError(f"expected a PEM file, found none at {path}", field=name)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        fields = cert_field if key is None else f"{cert_field} and {key_field}"
        raise AppError(f"expected a PEM certificate and its private key in {cert}"
                       + (f" and {key}" if key is not None else "")
                       + f" ({exc.reason or exc})", field=fields) from None
    except OSError as exc:
        raise AppError(f"cannot read {exc.filename or cert}: {exc.strerror}",
                       field=cert_field) from None
    return context


class ShareServer:
    """Serves shares on ``host``:``port`` (port 0 picks a free one) from a background thread.

    ``public_host`` is the address phones use in URLs (default: ``host``, or this machine's
    LAN address when ``host`` is a wildcard). ``clock`` returns seconds (default
    ``time.monotonic``); tests pass their own to expire shares. ``tls`` (see
    ``load_tls_context``) serves HTTPS instead of HTTP. ``log`` gets one line per request
    and per refused or broken connection.
    """

    def __init__(self, host: str, port: int, *, public_host: str | None = None,
                 clock: Callable[[], float] = time.monotonic, max_requests_per_share: int = 200,
                 limits: ShareLimits | None = None, tls: ssl.SSLContext | None = None,
                 log: Callable[[str], None] | None = None):
        self.limits = limits or ShareLimits()
        self._socket = _listen(host, port)
        self.server_address: tuple[str, int] = self._socket.getsockname()[:2]
        self.clock = clock
        self.public_host = public_host or _public_host(host)
        self.max_requests_per_share = max_requests_per_share
        self.tls = tls
        self.log = log
        self._shares: dict[str, Share] = {}
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="share-"))
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Future | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    # --- shares ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host = self.public_host
        if ":" in host:
            host = f"[{host}]"
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{host}:{self.server_address[1]}"

    def add_share(self, files: Mapping[str, Path], *, minutes: float, title: str = "Your product",
                  code: str = "") -> Share:
        """Copy ``files`` (names from SHARE_FILES -> existing files) and serve them for
        ``minutes`` under a new token; the page shows ``code`` (a hand-off code) when given."""
        if code:
            code = parse_handoff_code(code)
        if minutes <= 0:
            raise AppError(f"expected a positive number of minutes, got {minutes}",
                           field="minutes")
        unknown = sorted(set(files) - set(SHARE_FILES))
        if unknown:
            raise AppError(f"cannot share '{unknown[0]}' (expected one of "
                           f"{', '.join(SHARE_FILES)})", field="share files")
        token = secrets.token_urlsafe(24)
        folder = self._folder / token
        folder.mkdir()
        copied = {}
        for name, source in files.items():
            if not Path(source).is_file():
                shutil.rmtree(folder, ignore_errors=True)
                raise AppError("file not found", file=str(source), field=name)
            copied[name] = Path(shutil.copyfile(source, folder / name))
        share = Share(token, title, copied, self.clock() + minutes * 60.0,
                      self.max_requests_per_share, code=code)
        with self._lock:
            self._shares[token] = share
        return share

    def url(self, share: Share, name: str = "") -> str:
        return f"{self.base_url}/s/{share.token}/{name}"

    def revoke(self, token: str) -> None:
        with self._lock:
            share = self._shares.get(token)
            if share is not None:
                self._expire(share)

    def _expire(self, share: Share) -> None:
        share.expired = True
        share.files = {}
        shutil.rmtree(self._folder / share.token, ignore_errors=True)

    def find_share(self, token: str) -> Share | None:
        """The share of ``token`` (compared in constant time), expired first when its time is
        up; None for an unknown token."""
        now = self.clock()
        with self._lock:
            found = None
            for candidate, share in self._shares.items():
                if secrets.compare_digest(candidate.encode(), token.encode()):
                    found = share
            if found is not None and not found.expired and now >= found.expires_at:
                self._expire(found)
            return found

    def expire_due_shares(self) -> None:
        """Delete the files of shares whose time is up."""
        now = self.clock()
        with self._lock:
            for share in self._shares.values():
                if not share.expired and now >= share.expires_at:
                    self._expire(share)

    def count_share_request(self, share: Share) -> bool:
        """Count one request against the share's own limit (only holders of its token can
        spend it); False when it is spent."""
        with self._lock:
            share.requests += 1
            return share.requests <= share.max_requests

    # --- running --------------------------------------------------------------------------

    def start(self) -> ShareServer:
        """Serve from a daemon thread with its own event loop; returns self once listening."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="share-server", daemon=True)
            self._thread.start()
            if not self._ready.wait(START_TIMEOUT_S) or self._failure is not None:
                failure = self._failure
                self.close()
                raise AppError(f"cannot start serving: {failure or 'no answer'}",
                               field="share server")
        return self

    def close(self) -> None:
        """Stop serving, close every connection and the socket, delete every shared file."""
        thread, self._thread = self._thread, None
        if thread is not None:
            loop, stop = self._loop, self._stop
            if loop is not None and stop is not None and not loop.is_closed():
                try:
                    loop.call_soon_threadsafe(_settle, stop)
                except RuntimeError:
                    pass  # the loop has ended already
            thread.join(timeout=STOP_TIMEOUT_S + 1)
        self._socket.close()
        with self._lock:
            for share in self._shares.values():
                share.expired = True
                share.files = {}
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> ShareServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(loop))
        except BaseException as exc:  # noqa: BLE001 (start() reports it)
            self._failure = exc
        finally:
            self._ready.set()
            _cancel_remaining(loop)
            loop.close()

    async def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        limits = self.limits
        clients = ClientTable(limits, loop.time)
        logger = callback_logger(self.log)
        note = self.log or _ignore

        async def handle(request: web.BaseRequest) -> web.StreamResponse:
            return await answer(self, request)

        http = web.Server(handle, loop=loop, handler_cancellation=True)
        options = {"logger": logger, "access_log": None, "keepalive_timeout":
                   limits.head_timeout_s, "lingering_time": limits.body_timeout_s,
                   "max_line_size": limits.max_request_line,
                   "max_field_size": limits.max_header_field,
                   "max_headers": limits.max_headers}
        def connect() -> ShareConnection:
            return ShareConnection(http, clients=clients, tls=self.tls, note=note, loop=loop,
                                   **options)

        listener = await loop.create_server(connect, sock=self._socket,
                                            backlog=limits.max_connections)
        self._stop = loop.create_future()
        self._ready.set()
        try:
            while not self._stop.done():
                await asyncio.wait([self._stop], timeout=HOUSEKEEPING_S)
                self.expire_due_shares()
                clients.prune()
        finally:
            listener.close()
            for connection in clients.connections():
                connection.close_now()
            await http.shutdown(timeout=1.0)


def _listen(host: str, port: int) -> socket.socket:
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        dual = family == socket.AF_INET6 and host in ("", "::") and socket.has_dualstack_ipv6()
        return socket.create_server(address[:2], family=family, backlog=128,
                                    dualstack_ipv6=dual)
    except OSError as exc:
        raise AppError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                       field="share server") from None


def _public_host(host: str) -> str:
    if host not in ("", "0.0.0.0", "::"):
        return host
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the route
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def _settle(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def _ignore(_message: str) -> None:
    pass
