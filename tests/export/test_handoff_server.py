"""The hand-off server on a real loopback socket: what it serves, and everything it refuses."""

from __future__ import annotations

import http.client
import socket
import struct
import time
from pathlib import Path

import pytest

from app.errors import AppError
from app.export.share_server import ShareLimits, ShareServer

GLB = b"glTF\x02\x00\x00\x00" + bytes(range(256)) * 4
USDZ = b"PK\x03\x04usdz-bytes"
PNG = b"\x89PNG\r\n\x1a\nstill"


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"model.glb": tmp_path / "a.glb", "model.usdz": tmp_path / "a.usdz",
             "still.png": tmp_path / "a.png"}
    for path, data in zip(paths.values(), (GLB, USDZ, PNG), strict=True):
        path.write_bytes(data)
    return paths


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock):
    with ShareServer("127.0.0.1", 0, clock=clock, max_requests_per_share=20) as running:
        yield running


def get(server: ShareServer, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def raw(server: ShareServer, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_good_token_serves_page_and_files_with_their_types(server, files):
    share = server.add_share(files, minutes=5, title="Ceramic <Mug>")
    assert len(share.token) == 32
    status, headers, body = get(server, f"/s/{share.token}/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert '<a rel="ar" href="model.usdz"><img src="still.png"' in page
    glb_url = server.url(share, "model.glb")
    assert glb_url == f"http://127.0.0.1:{server.server_address[1]}/s/{share.token}/model.glb"
    assert ("intent://arvr.google.com/scene-viewer/1.0?file=" + glb_url
            + "&amp;mode=ar_preferred#Intent;scheme=https;package=com.google.ar.core;"
            "action=android.intent.action.VIEW;") in page
    assert "Ceramic &lt;Mug&gt;" in page and "<Mug>" not in page
    for name, data, kind in (("model.glb", GLB, "model/gltf-binary"),
                             ("model.usdz", USDZ, "model/vnd.usdz+zip"),
                             ("still.png", PNG, "image/png")):
        status, headers, body = get(server, f"/s/{share.token}/{name}")
        assert (status, headers["Content-Type"], body) == (200, kind, data)
        assert headers["Cache-Control"] == "no-store"
    status, headers, body = get(server, f"/s/{share.token}/model.glb", method="HEAD")
    assert (status, headers["Content-Length"], body) == (200, str(len(GLB)), b"")


def test_files_are_copied_when_shared(server, files):
    share = server.add_share(files, minutes=5)
    files["model.glb"].write_bytes(b"changed later")
    assert get(server, f"/s/{share.token}/model.glb")[2] == GLB


def test_wrong_token_and_unknown_paths_are_404_without_listing(server, files):
    share = server.add_share(files, minutes=5)
    wrong = share.token[:-1] + ("A" if share.token[-1] != "A" else "B")
    for path in (f"/s/{wrong}/", f"/s/{wrong}/model.glb", "/", "/s/", f"/s/{share.token}",
                 f"/s/{share.token}/other.txt", f"/s/{share.token}/model.glb/",
                 f"/s/{share.token}//model.glb", "/favicon.ico"):
        status, _, body = get(server, path)
        assert status == 404, path
        assert b"model.glb" not in body and share.token.encode() not in body


def test_traversal_is_404(server, files, tmp_path):
    share = server.add_share(files, minutes=5)
    (tmp_path / "secret.txt").write_text("secret")
    for path in (f"/s/{share.token}/../../../../etc/passwd",
                 f"/s/{share.token}/%2e%2e/%2e%2e/etc/passwd",
                 f"/s/{share.token}/%2E%2E%2Fsecret.txt",
                 f"/s/{share.token}/..%2f..%2fsecret.txt",
                 f"/s/{share.token}/model%2eglb",
                 f"/s/x/../{share.token}/model.glb",
                 "/../../etc/passwd"):
        status, _, body = get(server, path)
        assert status == 404, path
        assert b"secret" not in body and b"root:" not in body
    reply = raw(server, f"GET /s/{share.token}/..\\..\\secret.txt HTTP/1.1\r\n"
                        "Host: x\r\n\r\n".encode())
    assert reply.startswith(b"HTTP/1.1 404") and b"secret" not in reply


def test_expired_share_is_gone_and_its_files_deleted(server, files, clock):
    share = server.add_share(files, minutes=2)
    assert get(server, f"/s/{share.token}/still.png")[0] == 200
    clock.now += 119
    assert get(server, f"/s/{share.token}/still.png")[0] == 200
    clock.now += 2
    for name in ("", "still.png", "model.glb"):
        status, _, body = get(server, f"/s/{share.token}/{name}")
        assert status == 410 and PNG not in body and GLB not in body
    assert share.files == {}
    assert not any(Path(server._folder).glob(f"{share.token}/*"))


def test_revoked_share_is_gone(server, files):
    share = server.add_share(files, minutes=5)
    server.revoke(share.token)
    assert get(server, f"/s/{share.token}/model.glb")[0] == 410


def test_request_count_limits_per_share_and_none_overall(server, files):
    share = server.add_share(files, minutes=5)
    other = server.add_share(files, minutes=5)
    statuses = [get(server, f"/s/{share.token}/still.png")[0] for _ in range(21)]
    assert statuses == [200] * 20 + [429]
    assert get(server, f"/s/{other.token}/still.png")[0] == 200
    # requests for nothing cost no one else anything (see test_share_server_limits.py)
    assert {get(server, "/nothing")[0] for _ in range(30)} == {404}
    assert get(server, f"/s/{other.token}/still.png")[0] == 200


def test_only_get_and_head(server, files):
    share = server.add_share(files, minutes=5)
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        status, headers, _ = get(server, f"/s/{share.token}/model.glb", method=method)
        assert (status, headers.get("Allow")) == (405, "GET, HEAD")


def test_oversized_requests_are_refused(server, files):
    share = server.add_share(files, minutes=5)
    limits = ShareLimits()
    long_line = (f"GET /s/{share.token}/{'a' * limits.max_request_line} HTTP/1.1\r\n"
                 "Host: x\r\n\r\n").encode()
    assert raw(server, long_line)[8:13] == b" 414 "
    many_headers = (f"GET /s/{share.token}/still.png HTTP/1.1\r\n".encode()
                    + b"".join(b"X-H%d: v\r\n" % i for i in range(limits.max_headers + 8))
                    + b"\r\n")
    assert raw(server, many_headers)[8:13] == b" 431 "
    big_header = (f"GET /s/{share.token}/still.png HTTP/1.1\r\n".encode()
                  + b"X-Big: " + b"v" * (limits.max_header_field + 100) + b"\r\n\r\n")
    assert raw(server, big_header)[8:13] == b" 431 "
    garbage = raw(server, b"\x16\x03\x01\x02\x00<script>alert(1)</script>\r\n\r\n")
    assert b" 400 " in garbage[:16] and b"<script>" not in garbage
    body = raw(server, f"GET /s/{share.token}/still.png HTTP/1.1\r\nHost: x\r\n"
                       "Content-Length: 5\r\n\r\nhello".encode())
    assert body.startswith(b"HTTP/1.1 413")
    assert get(server, f"/s/{share.token}/still.png")[0] == 200


def test_close_stops_serving_and_deletes_files(clock, files):
    server = ShareServer("127.0.0.1", 0, clock=clock).start()
    share = server.add_share(files, minutes=5)
    port, folder = server.server_address[1], server._folder
    assert get(server, f"/s/{share.token}/still.png")[0] == 200
    server.close()
    assert not folder.exists()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_bad_shares_raise_app_errors(server, files, tmp_path):
    with pytest.raises(AppError, match="minutes"):
        server.add_share(files, minutes=0)
    with pytest.raises(AppError, match="cannot share 'notes.txt'"):
        server.add_share({"notes.txt": files["still.png"]}, minutes=1)
    with pytest.raises(AppError, match="file not found"):
        server.add_share({"model.glb": tmp_path / "missing.glb"}, minutes=1)


def test_port_in_use_is_an_app_error(server):
    with pytest.raises(AppError, match="cannot listen on 127.0.0.1"):
        ShareServer("127.0.0.1", server.server_address[1])


def test_a_client_that_hangs_up_mid_download_prints_no_traceback(tmp_path, capfd):
    big = tmp_path / "model.glb"
    big.write_bytes(b"glTF" + bytes(16_000_000))
    notes: list[str] = []
    with ShareServer("127.0.0.1", 0, log=notes.append) as server:
        share = server.add_share({"model.glb": big}, minutes=5)
        host, port = server.server_address[:2]
        path = server.url(share, "model.glb").split(f":{port}", 1)[1]
        with socket.create_connection((host, port)) as client:
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            client.recv(16)
            # hang up with a reset, as a phone does when the download is stopped
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        deadline = time.monotonic() + 10
        while not any("connection ended" in n for n in notes) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert any("connection ended" in n for n in notes)
    assert "Traceback" not in capfd.readouterr().err
