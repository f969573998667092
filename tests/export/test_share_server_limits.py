"""The share server under attack over loopback: junk floods and slow sockets come from other
loopback addresses (127.0.0.2, ...) than the good client (127.0.0.1), with counts and times
bounded; each test shows the real link answered while the attack goes on. Deadlines are short
ones set for the tests."""

from __future__ import annotations

import collections
import contextlib
import http.client
import select
import socket
import ssl
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from app.errors import AppError
from app.export.share_limits import ClientTable, ShareLimits, client_key
from app.export.share_server import ShareServer, load_tls_context
from tests.export.self_signed import self_signed_cert

GLB = b"glTF\x02\x00\x00\x00" + bytes(range(256)) * 64
PNG = b"\x89PNG\r\n\x1a\nstill"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "a.glb").write_bytes(GLB)
    (tmp_path / "a.png").write_bytes(PNG)
    return {"model.glb": tmp_path / "a.glb", "still.png": tmp_path / "a.png"}


@contextlib.contextmanager
def running(files, limits: ShareLimits, **options):
    notes: list[str] = []
    with ShareServer("127.0.0.1", 0, limits=limits, log=notes.append, **options) as server:
        share = server.add_share(files, minutes=5)
        yield server, share, notes


def connect_from(address: str, port: int, timeout: float = 5.0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.bind((address, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def request_from(address: str, port: int, data: bytes) -> bytes:
    """Everything the server sends back to one request from ``address``."""
    with connect_from(address, port) as sock:
        sock.sendall(data)
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def good_get(server: ShareServer, share, name: str = "model.glb") -> tuple[int, bytes, float]:
    """The real link, from 127.0.0.1: status, body and seconds."""
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5,
                                      source_address=("127.0.0.1", 0))
    try:
        conn.request("GET", f"/s/{share.token}/{name}")
        response = conn.getresponse()
        return response.status, response.read(), time.monotonic() - start
    finally:
        conn.close()


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes ``sock`` within ``within`` seconds (what it sends is read)."""
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([sock], [], [], left)
        if readable:
            try:
                if sock.recv(65536) == b"":
                    return True
            except ConnectionResetError:
                return True
    return False


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class SlowSockets:
    """``count`` sockets from ``addresses`` (in turn), each sending a request line and then one
    header line every ``every`` seconds, never the blank line that ends the head; each
    connects again when the server closes it. ``connections`` counts the connects."""

    def __init__(self, port: int, addresses: list[str], count: int, every: float):
        self.port, self.every = port, every
        self.stop = threading.Event()
        self.connections = 0
        self.cut_after: list[float] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(addresses[i % len(addresses)],),
                                          daemon=True) for i in range(count)]

    def __enter__(self) -> SlowSockets:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _run(self, address: str) -> None:
        while not self.stop.is_set():
            try:
                sock = connect_from(address, self.port)
            except OSError:
                time.sleep(0.05)
                continue
            with self._lock:
                self.connections += 1
            opened = time.monotonic()
            with sock:
                try:
                    sock.sendall(b"GET / HTTP/1.1\r\n")
                    n = 0
                    while not self.stop.is_set():
                        if closed_by_server(sock, self.every):
                            with self._lock:
                                self.cut_after.append(time.monotonic() - opened)
                            break
                        n += 1
                        sock.sendall(b"X-Slow-%d: v\r\n" % n)
                except OSError:
                    pass
            time.sleep(0.05)


def test_slow_sockets_from_other_addresses_leave_the_good_link_answered(files):
    limits = ShareLimits(head_timeout_s=2.0, connections_per_client=4)
    with running(files, limits) as (server, share, notes):
        addresses = [f"127.0.0.{i}" for i in range(2, 6)]
        with SlowSockets(server.server_address[1], addresses, 16, every=0.5) as attack:
            assert wait_until(lambda: attack.connections >= 16)
            answers = []
            for _ in range(7):  # spread over more than one head deadline
                answers.append(good_get(server, share))
                time.sleep(0.45)
            assert wait_until(lambda: attack.cut_after, timeout=3)
        for status, body, seconds in answers:
            assert (status, body) == (200, GLB)
            assert seconds < 1.0
        # the trickle never reset the deadline: every slow socket was cut at it
        assert attack.connections > 16
        assert all(1.8 <= cut <= 3.0 for cut in attack.cut_after), attack.cut_after
        assert any("request head not done in time" in n for n in notes)


def test_at_the_connection_ceiling_slow_sockets_make_room_for_the_good_link(files):
    limits = ShareLimits(head_timeout_s=5.0, connections_per_client=4, max_connections=8)
    with running(files, limits) as (server, share, notes):
        addresses = [f"127.0.0.{i}" for i in range(2, 5)]
        with SlowSockets(server.server_address[1], addresses, 12, every=0.5) as attack:
            assert wait_until(lambda: attack.connections >= 12)
            answers = [good_get(server, share) for _ in range(7)]
        assert [(status, body) for status, body, _ in answers] == [(200, GLB)] * 7
        assert any("to make room" in n for n in notes)


def test_a_trickling_client_is_cut_off_at_its_deadline(files):
    limits = ShareLimits(head_timeout_s=1.5, body_timeout_s=1.5)
    with running(files, limits) as (server, share, _notes):
        port = server.server_address[1]
        with connect_from("127.0.0.2", port) as head:
            start = time.monotonic()
            head.sendall(f"GET /s/{share.token}/model.glb HTTP/1.1\r\n".encode())
            for n in range(40):  # a header line every 0.2 s for up to 8 s
                if closed_by_server(head, 0.2):
                    break
                with contextlib.suppress(OSError):
                    head.sendall(b"X-Trickle-%d: v\r\n" % n)
            assert 1.4 <= time.monotonic() - start <= 2.5

        with connect_from("127.0.0.3", port) as silent:
            start = time.monotonic()
            assert closed_by_server(silent, 4.0)
            assert 1.4 <= time.monotonic() - start <= 2.5

        with connect_from("127.0.0.4", port) as body:
            start = time.monotonic()
            body.sendall(f"GET /s/{share.token}/model.glb HTTP/1.1\r\nHost: x\r\n"
                         "Content-Length: 100000\r\n\r\n".encode())
            assert body.recv(64).startswith(b"HTTP/1.1 413")
            for _ in range(40):  # a body byte every 0.2 s
                if closed_by_server(body, 0.2):
                    break
                with contextlib.suppress(OSError):
                    body.sendall(b"x")
            assert time.monotonic() - start <= 2.5
        assert good_get(server, share)[:2] == (200, GLB)


def test_each_address_has_its_own_connection_cap(files):
    limits = ShareLimits(connections_per_client=3, head_timeout_s=5.0)
    with running(files, limits) as (server, share, _notes):
        port = server.server_address[1]
        held = [connect_from("127.0.0.2", port) for _ in range(3)]
        try:
            with connect_from("127.0.0.2", port) as extra:
                assert closed_by_server(extra, 1.0)
            with connect_from("127.0.0.3", port) as other:
                assert not closed_by_server(other, 0.3)
                other.sendall(f"GET /s/{share.token}/still.png HTTP/1.1\r\n"
                              "Host: x\r\n\r\n".encode())
                assert other.recv(64).startswith(b"HTTP/1.1 200")
            assert good_get(server, share, "still.png")[:2] == (200, PNG)
            held.pop().close()
            time.sleep(0.2)
            reply = request_from("127.0.0.2", port, f"GET /s/{share.token}/still.png HTTP/1.1"
                                                    "\r\nHost: x\r\n\r\n".encode())
            assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(PNG)
        finally:
            for sock in held:
                sock.close()


def test_requests_without_the_token_cost_only_their_sender(files):
    limits = ShareLimits(requests_per_client=5, request_rate=0.5)
    with running(files, limits) as (server, share, _notes):
        port = server.server_address[1]
        wrong = share.token[:-1] + ("A" if share.token[-1] != "A" else "B")
        junk = [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                f"GET /s/{wrong}/model.glb HTTP/1.1\r\nHost: x\r\n\r\n".encode()] * 4
        replies = [request_from("127.0.0.2", port, data) for data in junk]
        statuses = [reply[9:12] for reply in replies]
        assert statuses == [b"404"] * 5 + [b"429"] * 3
        assert b"Retry-After: " in replies[-1]
        assert all(wrong.encode() not in reply for reply in replies)
        for _ in range(3):
            assert good_get(server, share)[:2] == (200, GLB)
        assert request_from("127.0.0.3", port, junk[1]).startswith(b"HTTP/1.1 404")


def test_a_junk_flood_from_other_addresses_costs_the_good_link_nothing(files):
    limits = ShareLimits(requests_per_client=20, request_rate=5.0)
    junk = (b"GET /s/AAAAAAAAAAAAAAAAAAAAAAAA/<svg/onload=alert(1)> HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n", b"\x16\x03\x01 junk\r\n\r\n")
    statuses: collections.Counter[bytes] = collections.Counter()
    echoed = []
    stop = threading.Event()
    lock = threading.Lock()

    def flood(address: str, port: int) -> None:
        for n in range(500):  # 4 addresses: at most 2,000 requests
            if stop.is_set():
                return
            try:
                reply = request_from(address, port, junk[n % len(junk)])
            except OSError:
                reply = b"(refused)"
            with lock:
                statuses[reply[9:12] if reply.startswith(b"HTTP/") else reply[:9]] += 1
                if b"<svg" in reply:
                    echoed.append(reply)

    with running(files, limits) as (server, share, _notes):
        port = server.server_address[1]
        attackers = [threading.Thread(target=flood, args=(f"127.0.0.{i}", port), daemon=True)
                     for i in range(2, 6)]
        start = time.monotonic()
        for thread in attackers:
            thread.start()
        answers = []
        try:
            while time.monotonic() - start < 3.0:
                answers.append(good_get(server, share))
                time.sleep(0.1)
        finally:
            stop.set()
            for thread in attackers:
                thread.join(timeout=10)
        seconds = time.monotonic() - start
        after = good_get(server, share)
    assert answers and all((s, b) == (200, GLB) for s, b, _ in answers + [after])
    flood_size = sum(statuses.values())
    assert flood_size >= 200, statuses
    assert statuses[b"429"] > 0 and b"503" not in statuses
    answered = statuses[b"404"] + statuses[b"400"]
    assert answered <= 4 * (20 + 5.0 * seconds + 2), statuses
    assert not echoed


def test_tls_with_a_self_signed_certificate(files, tmp_path):
    cert, key = self_signed_cert(tmp_path)
    limits = ShareLimits(head_timeout_s=1.5)
    with running(files, limits, tls=load_tls_context(cert, key)) as (server, share, _notes):
        url = server.url(share)
        assert url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(cert))
        with urllib.request.urlopen(url, context=context, timeout=5) as response:
            assert b'href="model.glb"' in response.read()
        with urllib.request.urlopen(url + "model.glb", context=context, timeout=5) as response:
            assert (response.headers["Content-Type"], response.read()) == (
                "model/gltf-binary", GLB)
        port = server.server_address[1]
        plain = request_from("127.0.0.2", port, f"GET /s/{share.token}/model.glb HTTP/1.1\r\n"
                                                "Host: x\r\n\r\n".encode())
        assert GLB not in plain and not plain.startswith(b"HTTP/1.1 200")
        with connect_from("127.0.0.3", port) as stalled:  # a handshake never finished
            start = time.monotonic()
            stalled.sendall(b"\x16\x03\x01")
            assert closed_by_server(stalled, 4.0)
            assert time.monotonic() - start <= 2.5
        with urllib.request.urlopen(url + "still.png", context=context, timeout=5) as response:
            assert response.read() == PNG

    combined = tmp_path / "combined.pem"
    combined.write_text(cert.read_text() + key.read_text())
    assert isinstance(load_tls_context(combined), ssl.SSLContext)


def test_a_bad_certificate_setting_is_a_clear_error(tmp_path):
    cert, key = self_signed_cert(tmp_path)
    with pytest.raises(AppError, match=r"^--tls-cert: expected a PEM file, found none at .*"
                                       r"missing\.pem"):
        load_tls_context(tmp_path / "missing.pem", key, cert_field="--tls-cert")
    with pytest.raises(AppError, match=r"^share_server\.tls_key: expected a PEM file"):
        load_tls_context(cert, tmp_path / "nokey.pem", key_field="share_server.tls_key")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(AppError, match=r"^tls_cert: expected a PEM certificate and its "
                                       r"private key in .*junk\.pem"):
        load_tls_context(junk)
    with pytest.raises(AppError, match=r"^tls_cert and tls_key: expected a PEM certificate"):
        load_tls_context(cert, junk)


def test_limits_count_per_address_and_per_ipv6_network():
    assert client_key("192.168.1.20") == "192.168.1.20"
    assert client_key("::ffff:192.168.1.20") == "192.168.1.20"
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("fe80::1%eth0") == "fe80::/64"


class _Connection:
    def __init__(self, opened_at: float, head_received: bool = False):
        self.opened_at, self.head_received, self.evicted = opened_at, head_received, False
        self.table: ClientTable | None = None
        self.key = ""

    def evict(self) -> None:
        self.evicted = True
        self.table.release(self.key, self)

    def close_now(self) -> None:
        self.evict()


def test_at_the_ceiling_the_oldest_waiting_connection_of_the_busiest_address_goes():
    now = [0.0]
    table = ClientTable(ShareLimits(connections_per_client=3, max_connections=5,
                                    requests_per_client=2, request_rate=1.0), lambda: now[0])

    def admit(key: str, opened_at: float, head: bool = False) -> tuple[bool, _Connection]:
        connection = _Connection(opened_at, head)
        connection.table, connection.key = table, key
        return table.admit(key, connection), connection

    busy = [admit("10.0.0.2", t)[1] for t in (1.0, 2.0, 3.0)]
    quiet = [admit("10.0.0.3", 0.5)[1], admit("10.0.0.3", 0.6, head=True)[1]]
    assert admit("10.0.0.2", 4.0)[0] is False  # its own cap
    accepted, newcomer = admit("10.0.0.4", 5.0)
    assert accepted and busy[0].evicted and not any(c.evicted for c in busy[1:] + quiet)
    for connection in busy[1:]:
        connection.head_received = True
    quiet[0].head_received = newcomer.head_received = True
    assert admit("10.0.0.5", 6.0)[0] is False  # everyone is being answered: no room
    assert table.open_connections == 5
    assert [table.take_request("10.0.0.9") for _ in range(2)] == [0.0, 0.0]
    assert table.take_request("10.0.0.9") == pytest.approx(1.0)
    now[0] += 1.0
    assert table.take_request("10.0.0.9") == 0.0
    now[0] += 10.0
    table.prune()
    assert "10.0.0.9" not in table._clients and len(table) == 3
