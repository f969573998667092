"""The hand-off server: a small HTTP server that gives a phone the files of one configuration.

A share is a random token that maps to a fixed set of files copied into the server's own folder
when the share is made. Only ``/s/<token>/`` (a plain HTML page), ``/s/<token>/model.glb``,
``model.usdz`` and ``still.png`` are answered; every other path is 404, with no listing and no
decoding of the path (so ``..`` and ``%2e%2e`` never reach a file). Shares expire; an expired
share's files are deleted and its URLs answer 410. Requests are limited in size, per share,
overall and in how many are handled at once; only GET and HEAD are allowed.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from app.errors import AppError

__all__ = ["SHARE_FILES", "Share", "ShareServer"]

SHARE_FILES: dict[str, str] = {
    "model.glb": "model/gltf-binary",
    "model.usdz": "model/vnd.usdz+zip",
    "still.png": "image/png",
}
MAX_REQUEST_LINE = 2048
MAX_HEADER_LINES = 32
MAX_HEAD_BYTES = 8192
SOCKET_TIMEOUT_S = 10.0
_PATH = re.compile(r"/s/([A-Za-z0-9_-]{16,64})/([a-z.]*)")
_CHUNK = 64 * 1024


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


class ShareServer(ThreadingHTTPServer):
    """Serves shares on ``host``:``port`` (port 0 picks a free one) from a background thread.

    ``public_host`` is the address phones use in URLs (default: ``host``, or this machine's
    LAN address when ``host`` is a wildcard). ``clock`` returns seconds (default
    ``time.monotonic``); tests pass their own to expire shares.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str, port: int, *, public_host: str | None = None,
                 clock: Callable[[], float] = time.monotonic, max_requests_per_share: int = 200,
                 max_requests_total: int = 2000, max_connections: int = 16,
                 log: Callable[[str], None] | None = None):
        try:
            super().__init__((host, port), _ShareRequestHandler)
        except OSError as exc:
            raise AppError(f"cannot listen on {host}:{port}: {exc.strerror}",
                           field="share server") from None
        self.clock = clock
        self.public_host = public_host or _public_host(host)
        self.max_requests_per_share = max_requests_per_share
        self.max_requests_total = max_requests_total
        self.requests_total = 0
        self.log = log
        self._shares: dict[str, Share] = {}
        self._lock = threading.Lock()
        self._connections = threading.BoundedSemaphore(max_connections)
        self._folder = Path(tempfile.mkdtemp(prefix="share-"))
        self._thread: threading.Thread | None = None

    # --- shares ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host = self.public_host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.server_address[1]}"

    def add_share(self, files: Mapping[str, Path], *, minutes: float, title: str = "Your product"
                  ) -> Share:
        """Copy ``files`` (names from SHARE_FILES -> existing files) and serve them for
        ``minutes`` under a new token."""
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
                      self.max_requests_per_share)
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

    def service_actions(self) -> None:
        """Between requests: delete the files of shares whose time is up."""
        now = self.clock()
        with self._lock:
            for share in self._shares.values():
                if not share.expired and now >= share.expires_at:
                    self._expire(share)

    def count_request(self) -> bool:
        """Count one request against the overall limit; False when it is spent."""
        with self._lock:
            self.requests_total += 1
            return self.requests_total <= self.max_requests_total

    def count_share_request(self, share: Share) -> bool:
        with self._lock:
            share.requests += 1
            return share.requests <= share.max_requests

    # --- running --------------------------------------------------------------------------

    def start(self) -> ShareServer:
        """Serve from a daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self.serve_forever, name="share-server",
                                            kwargs={"poll_interval": 0.05}, daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, close the socket and delete every shared file."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()
        with self._lock:
            for share in self._shares.values():
                share.expired = True
                share.files = {}
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> ShareServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def process_request(self, request, client_address):
        if not self._connections.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def handle_error(self, request, client_address) -> None:
        """A phone that stops a download mid-way is normal: note it, print no traceback."""
        error = sys.exc_info()[1]
        if self.log is not None:
            self.log(f"{client_address[0]} connection ended: {type(error).__name__}: {error}")


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


def share_page(server: ShareServer, share: Share) -> str:
    """The page a phone opens: AR Quick Look link (iOS), Scene Viewer intent (Android), still."""
    title = html.escape(share.title)
    still = '<img src="still.png" alt="">' if "still.png" in share.files else title
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        "<style>body{font-family:sans-serif;margin:1.5em;text-align:center}"
        "img{max-width:100%}a.button{display:block;margin:1em auto;padding:.8em;"
        "border:1px solid #444;border-radius:.5em;color:#000;text-decoration:none}</style>",
        f"</head><body><h1>{title}</h1>",
    ]
    if "model.usdz" in share.files:
        parts.append(f'<a rel="ar" href="model.usdz">{still}</a>')
        parts.append('<a class="button" rel="ar" href="model.usdz">View in AR (iPhone, iPad)</a>')
    elif "still.png" in share.files:
        parts.append(still)
    if "model.glb" in share.files:
        glb_url = server.url(share, "model.glb")
        intent = ("intent://arvr.google.com/scene-viewer/1.0?file=" + glb_url
                  + "&mode=ar_preferred#Intent;scheme=https;package=com.google.ar.core;"
                  "action=android.intent.action.VIEW;"
                  f"S.browser_fallback_url={glb_url};end;")
        parts.append(f'<a class="button" href="{html.escape(intent)}">View in AR (Android)</a>')
        parts.append('<a class="button" href="model.glb" download>Download the 3D model</a>')
    parts.append("</body></html>\n")
    return "\n".join(parts)


class _ShareRequestHandler(BaseHTTPRequestHandler):
    server: ShareServer
    server_version = "share"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT_S

    def handle(self) -> None:
        self.close_connection = True
        self.handle_one_request()

    def handle_one_request(self) -> None:
        try:
            head = self._read_head()
        except TimeoutError:
            return
        if not head:
            return
        if not self.server.count_request():
            self._refuse(HTTPStatus.SERVICE_UNAVAILABLE, drain=False)
            return
        self.raw_requestline = head[0]
        real_rfile, self.rfile = self.rfile, _Lines(head[1:])
        try:
            parsed = self.parse_request()
        finally:
            self.rfile = real_rfile
        if not parsed:
            return
        self.close_connection = True
        if self.command not in ("GET", "HEAD"):
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": "GET, HEAD"})
            return
        self._answer()

    def _read_head(self) -> list[bytes] | None:
        """The request line and header lines; None (after an error reply) when too large."""
        lines: list[bytes] = []
        total = 0
        while True:
            limit = MAX_REQUEST_LINE if not lines else MAX_HEAD_BYTES
            line = self.rfile.readline(limit + 1)
            total += len(line)
            if not lines and not line:
                return []
            if not lines and len(line) > MAX_REQUEST_LINE:
                self._refuse(HTTPStatus.REQUEST_URI_TOO_LONG)
                return None
            if (total > MAX_HEAD_BYTES or len(lines) > MAX_HEADER_LINES
                    or (line and not line.endswith(b"\n"))):
                self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
                return None
            lines.append(line)
            if not line or line in (b"\r\n", b"\n"):
                return lines
            if len(lines) == 1 and not self._looks_like_http(line):
                return lines

    def _refuse(self, status: HTTPStatus, *, drain: bool = True) -> None:
        """Answer an oversized request, then read (a bounded amount of) what the client is
        still sending, so that closing the socket does not reset the connection before the
        client has read the answer."""
        self.requestline, self.request_version, self.command = "", "HTTP/1.1", ""
        self._error(status)
        if not drain:
            return
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.2)
            for _ in range(16):
                if not self.connection.recv(_CHUNK):
                    break
        except OSError:
            pass

    @staticmethod
    def _looks_like_http(request_line: bytes) -> bool:
        return len(request_line.split()) == 3

    def _answer(self) -> None:
        path = self.path.split("?", 1)[0]
        match = _PATH.fullmatch(path)
        if match is None:
            self._error(HTTPStatus.NOT_FOUND)
            return
        token, name = match.groups()
        share = self.server.find_share(token)
        if share is None or (name and name not in SHARE_FILES):
            self._error(HTTPStatus.NOT_FOUND)
            return
        if share.expired:
            self._error(HTTPStatus.GONE)
            return
        if not self.server.count_share_request(share):
            self._error(HTTPStatus.TOO_MANY_REQUESTS)
            return
        if not name:
            body = share_page(self.server, share).encode("utf-8")
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", len(body))
            if self.command == "GET":
                self.wfile.write(body)
            return
        file = share.files.get(name)
        try:
            stream = open(file, "rb") if file is not None else None
        except OSError:
            stream = None
        if stream is None:
            self._error(HTTPStatus.NOT_FOUND)
            return
        with stream:
            size = os.fstat(stream.fileno()).st_size
            self._send(HTTPStatus.OK, SHARE_FILES[name], size)
            if self.command == "GET":
                shutil.copyfileobj(stream, self.wfile, _CHUNK)

    def _send(self, status: HTTPStatus, content_type: str, length: int,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy",
                         "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
        self.send_header("Connection", "close")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _error(self, status: HTTPStatus, extra: dict[str, str] | None = None) -> None:
        body = f"{status.value} {status.phrase}\n".encode("ascii")
        self._send(status, "text/plain; charset=utf-8", len(body), extra)
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code, message=None, explain=None) -> None:
        self.close_connection = True
        self._error(HTTPStatus(code))

    def log_message(self, format: str, *args) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")


class _Lines:
    """The already-read header lines, read again by ``parse_request``."""

    def __init__(self, lines: list[bytes]):
        self._lines = list(lines)

    def readline(self, limit: int = -1) -> bytes:
        return self._lines.pop(0) if self._lines else b""
