"""The share server's HTTP side on aiohttp's server: one connection per request, each under
the client limits and deadlines of share_limits, and the answers themselves.

aiohttp parses requests; this module decides who may connect (``ShareConnection``), how long a
connection may take, and what a request gets (``answer``). Only ``/s/<token>/`` (a plain HTML
page), ``/s/<token>/model.glb``, ``model.usdz`` and ``still.png`` are answered, matched on the
raw request target with no decoding (so ``..`` and ``%2e%2e`` never reach a file); nothing a
client sends is echoed into an answer.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
import re
import ssl
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong

from app.export.share_limits import ClientTable, ShareLimits, client_key

if TYPE_CHECKING:
    from app.export.share_server import Share, ShareServer

__all__ = ["SHARE_FILES", "ShareConnection", "answer", "callback_logger", "share_page"]

SHARE_FILES: dict[str, str] = {
    "model.glb": "model/gltf-binary",
    "model.usdz": "model/vnd.usdz+zip",
    "still.png": "image/png",
}
_PATH = re.compile(r"/s/([A-Za-z0-9_-]{16,64})/([a-z.]*)")
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    "Server": "share",
}


class ShareConnection(web.RequestHandler):
    """One client connection: admitted only within its client's limits, closed when its head
    is not complete ``head_timeout_s`` after connecting (TLS handshake included), and after
    that when its answer is not sent by the deadline ``answer`` sets."""

    def __init__(self, manager: web.Server, *, clients: ClientTable,
                 tls: ssl.SSLContext | None, note: Callable[[str], None],
                 loop: asyncio.AbstractEventLoop, **options):
        super().__init__(manager, loop=loop, **options)
        self.clients = clients
        self.tls = tls
        self.note = note
        self.client = ""
        self.opened_at = loop.time()
        self.head_received = False
        self._event_loop = loop
        self._raw: asyncio.Transport | None = None
        self._admitted = False
        self._serving = False
        self._deadline: asyncio.TimerHandle | None = None
        self._handshake: asyncio.Task | None = None  # held: the loop keeps weak references

    # --- the connection's life ------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._raw = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.client = client_key(str(peer[0])) if peer else "?"
        if not self.clients.admit(self.client, self):
            transport.abort()
            return
        self._admitted = True
        self._deadline = self._event_loop.call_later(
            self.clients.limits.head_timeout_s, self._deadline_passed, "request head")
        if self.tls is None:
            self._serve(transport)
        else:
            transport.pause_reading()  # nothing reaches the HTTP parser before the handshake
            self._handshake = self._event_loop.create_task(self._start_tls(transport))

    async def _start_tls(self, transport: asyncio.BaseTransport) -> None:
        try:
            secure = await self._event_loop.start_tls(
                transport, self, self.tls, server_side=True,
                ssl_handshake_timeout=self.clients.limits.head_timeout_s)
        except OSError as exc:  # ssl.SSLError, TimeoutError and resets among them
            self.note(f"{self.client} TLS handshake failed: {type(exc).__name__}")
            transport.abort()
            self._release()
            return
        if secure is None or secure.is_closing():
            self._release()
            return
        self._serve(secure)

    def _serve(self, transport: asyncio.BaseTransport) -> None:
        self._serving = True
        super().connection_made(transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        self._release()
        if exc is not None:
            self.note(f"{self.client} connection ended: {type(exc).__name__}: {exc}")
        if self._serving:
            self._serving = False
            super().connection_lost(exc)

    def evict(self) -> None:
        """Make room for a newcomer (the server is at its ceiling)."""
        self.note(f"{self.client} connection closed to make room: its head was not complete")
        self.close_now()

    def close_now(self) -> None:
        self._release()
        self._abort()

    def _release(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if self._admitted:
            self._admitted = False
            self.clients.release(self.client, self)

    def _abort(self) -> None:
        transport = self.transport if self.transport is not None else self._raw
        if transport is not None:
            transport.abort()

    def _deadline_passed(self, what: str) -> None:
        self._deadline = None
        self.note(f"{self.client} connection closed: {what} not done in time")
        self._abort()

    def set_deadline(self, seconds: float, what: str) -> None:
        """The request head is in: the rest of this connection must be done in ``seconds``."""
        self.head_received = True
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if self._admitted:  # not closed already
            self._deadline = self._event_loop.call_later(seconds, self._deadline_passed, what)

    # --- aiohttp's hooks ------------------------------------------------------------------

    def handle_error(self, request: web.BaseRequest, status: int = 500,
                     exc: BaseException | None = None, message: str | None = None
                     ) -> web.StreamResponse:
        """A request aiohttp could not parse, or an answer that failed: a plain status
        page, the client's allowance spent, one line in the log (no traceback, no echo)."""
        self.set_deadline(self.clients.limits.body_timeout_s, "error answer")
        wait = self.clients.take_request(self.client)
        if status == HTTPStatus.BAD_REQUEST and isinstance(exc, BadHttpMessage):
            status = _parse_error_status(exc, self.clients.limits)
            self.note(f"{self.client} bad request: {status} ({type(exc).__name__})")
        elif exc is not None:
            self.logger.error("%s error answering a request", self.client, exc_info=exc)
        if request.writer.output_size > 0:
            raise ConnectionError("the answer was being sent already")
        if wait > 0 and status < 500:
            return too_many_requests(wait)
        return error_response(HTTPStatus(status))

    async def finish_response(self, request, resp, start_time):
        resp, reset = await super().finish_response(request, resp, start_time)
        if reset:
            self.note(f"{self.client} connection ended before the answer was sent")
        return resp, reset


def _parse_error_status(exc: BadHttpMessage, limits: ShareLimits) -> int:
    if isinstance(exc, LineTooLong) and len(exc.args) > 1:
        if exc.args[1] == limits.max_request_line:
            return HTTPStatus.REQUEST_URI_TOO_LONG
        if exc.args[1] == limits.max_header_field:
            return HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
    if "Too many headers" in exc.message:
        return HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
    return HTTPStatus.BAD_REQUEST


# --- answers --------------------------------------------------------------------------------

async def answer(server: ShareServer, request: web.BaseRequest) -> web.StreamResponse:
    """The answer to one parsed request (every connection carries exactly one)."""
    connection: ShareConnection = request.protocol  # type: ignore[assignment]
    limits = connection.clients.limits
    connection.set_deadline(limits.body_timeout_s, "answer")
    response = _answer(server, request, connection)
    response.force_close()
    if server.log is not None:
        server.log(f"{connection.client} {request.method} {response.status}")
    return response


def _answer(server: ShareServer, request: web.BaseRequest, connection: ShareConnection
            ) -> web.StreamResponse:
    wait = connection.clients.take_request(connection.client)
    if wait > 0:
        return too_many_requests(wait)
    if request.method not in ("GET", "HEAD"):
        return error_response(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": "GET, HEAD"})
    if request.body_exists:
        return error_response(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    match = _PATH.fullmatch(request.raw_path.split("?", 1)[0])
    if match is None:
        return error_response(HTTPStatus.NOT_FOUND)
    token, name = match.groups()
    share = server.find_share(token)
    if share is None or (name and name not in SHARE_FILES):
        return error_response(HTTPStatus.NOT_FOUND)
    if share.expired:
        return error_response(HTTPStatus.GONE)
    if not server.count_share_request(share):
        return error_response(HTTPStatus.TOO_MANY_REQUESTS)
    if not name:
        return web.Response(body=share_page(server, share).encode("utf-8"),
                            content_type="text/html", charset="utf-8", headers=_HEADERS)
    file = share.files.get(name)
    size = _size(file)
    if file is None or size is None:
        return error_response(HTTPStatus.NOT_FOUND)
    connection.set_deadline(connection.clients.limits.send_deadline_s(size), name)
    return web.FileResponse(file, headers={**_HEADERS, "Content-Type": SHARE_FILES[name]})


def _size(file: Path | None) -> int | None:
    try:
        return file.stat().st_size if file is not None else None
    except OSError:
        return None


def error_response(status: HTTPStatus, extra: dict[str, str] | None = None) -> web.Response:
    response = web.Response(status=status.value, text=f"{status.value} {status.phrase}\n",
                            headers={**_HEADERS, **(extra or {})})
    response.force_close()
    return response


def too_many_requests(wait: float) -> web.Response:
    return error_response(HTTPStatus.TOO_MANY_REQUESTS,
                          {"Retry-After": str(max(1, math.ceil(wait)))})


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
    if share.code:  # a hand-off code: letters, digits and dashes only
        parts.append(f"<p>Your code: <strong>{html.escape(share.code)}</strong></p>")
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


class _CallbackHandler(logging.Handler):
    def __init__(self, log: Callable[[str], None] | None):
        super().__init__()
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        if self.log is None:
            return
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            text += f": {type(error).__name__}: {error}"
        self.log(text)


def callback_logger(log: Callable[[str], None] | None) -> logging.Logger:
    """A logger of the server's own (not in logging's registry) whose records go to ``log``,
    one line each, or nowhere: aiohttp's messages never print tracebacks on the terminal."""
    logger = logging.Logger("share-server")
    logger.addHandler(_CallbackHandler(log))
    logger.propagate = False
    return logger
