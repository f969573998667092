"""`app export` and `app share` from the command line (stills stubbed: rendering is tested in
tests/viewport; here the files, the server and the QR code are what matter)."""

from __future__ import annotations

import json
import ssl
import urllib.request
import zipfile

import pytest
import zxingcpp
from PIL import Image

from app.cli.export import render_configuration_still
from app.cli.main import build_parser, main
from app.cli.share import run_share
from tests.export.self_signed import self_signed_cert

STILL = Image.new("RGB", (64, 48), (90, 140, 200))


@pytest.fixture(autouse=True)
def small_still(monkeypatch):
    def fake_still(project, product, configuration, args):
        return STILL

    monkeypatch.setattr("app.cli.export.render_configuration_still", fake_still)
    monkeypatch.setattr("app.cli.share.render_configuration_still", fake_still)


def test_export_order_package(builtin_root, tmp_path, capsys):
    out = tmp_path / "order.zip"
    code = main(["--root", str(builtin_root), "export", "--product", "mug", "--set",
                 "handle=angular", "--text", "wrap_text=Hi", "--format", "order",
                 "--out", str(out), "--credit", "Test credit"])
    assert code == 0
    assert "total 22.90 EUR" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert archive.read("model.glb")[:4] == b"glTF"
        manifest = json.loads(archive.read("manifest.json"))
        configuration = json.loads(archive.read("configuration.json"))
    assert configuration["selections"]["handle"] == "angular"
    assert configuration["personalization"]["wrap_text"]["text"] == "Hi"
    assert {"artwork/wrap_text.svg", "artwork/wrap_text.png", "spec_sheet.pdf"} <= {
        f["path"] for f in manifest["files"]}


def test_export_glb_and_pdf(builtin_root, tmp_path, capsys):
    glb, pdf = tmp_path / "mug.glb", tmp_path / "mug.pdf"
    assert main(["--root", str(builtin_root), "export", "--product", "mug", "--format", "glb",
                 "--out", str(glb)]) == 0
    assert "triangles" in capsys.readouterr().out and glb.read_bytes()[:4] == b"glTF"
    assert main(["--root", str(builtin_root), "export", "--product", "mug", "--format", "pdf",
                 "--out", str(pdf)]) == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_the_still_of_an_export_notes_what_it_draws_otherwise(builtin_root, capsys):
    """The spec sheet's still of the watch: its crystal is glass, which the live view draws
    without refraction; the user is told so, naming the material's file (the real still, not
    the stub the other tests use)."""
    import argparse

    from app.domain.configuration import default_configuration
    from app.project import open_project

    project = open_project(builtin_root)
    watch = project.catalog.product("watch")
    args = argparse.Namespace(photoreal=False, size=(64, 48), camera=None)
    image = render_configuration_still(project, watch, default_configuration(watch), args)
    assert image.size == (64, 48)
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert [n.split(": the live view")[0] for n in notes] == [
        "note: assets/materials/glass_clear.yaml"]


def test_export_errors_name_the_problem(builtin_root, tmp_path, capsys):
    code = main(["--root", str(builtin_root), "export", "--product", "mug", "--set",
                 "glaze=plaid", "--format", "pdf", "--out", str(tmp_path / "x.pdf")])
    assert code == 1 and "plaid" in capsys.readouterr().err
    code = main(["--root", str(builtin_root), "export", "--product", "mug", "--format", "pdf",
                 "--out", str(tmp_path / "missing" / "x.pdf")])
    assert code == 1 and "expected an existing folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--product", "mug", "--format", "obj", "--out", "x.obj"])
    assert not list(tmp_path.iterdir())


def test_share_serves_the_exports_and_the_qr_decodes_to_the_url(builtin_root, tmp_path, capsys):
    qr_png = tmp_path / "share.png"
    args = build_parser().parse_args([
        "--root", str(builtin_root), "share", "--product", "mug", "--host", "127.0.0.1",
        "--port", "0", "--minutes", "1", "--qr", str(qr_png)])
    seen = {}

    def fetch_then_stop(server, share):
        url = server.url(share)
        with urllib.request.urlopen(url, timeout=5) as response:
            seen["page"] = response.read().decode()
        for name in ("model.glb", "model.usdz", "still.png"):
            with urllib.request.urlopen(url + name, timeout=5) as response:
                seen[name] = (response.headers["Content-Type"], response.read())
        seen["url"] = url

    assert run_share(args, builtin_root.resolve(), wait=fetch_then_stop) == 0
    printed = capsys.readouterr().out
    url = seen["url"]
    assert url.startswith("http://127.0.0.1:") and url in printed.splitlines()
    assert "\u2584" in printed or "\u2580" in printed
    assert 'href="model.usdz"' in seen["page"] and "scene-viewer" in seen["page"]
    assert seen["model.glb"][0] == "model/gltf-binary" and seen["model.glb"][1][:4] == b"glTF"
    assert seen["model.usdz"][0] == "model/vnd.usdz+zip" and seen["model.usdz"][1][:2] == b"PK"
    assert seen["still.png"][0] == "image/png"
    with Image.open(qr_png) as image:
        assert [r.text for r in zxingcpp.read_barcodes(image.convert("RGB"))] == [url]
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_share_refuses_bad_minutes(builtin_root, capsys):
    assert main(["--root", str(builtin_root), "share", "--product", "mug", "--minutes", "0",
                 "--port", "0"]) == 1
    assert "--minutes" in capsys.readouterr().err


def test_share_over_https_with_a_certificate(builtin_root, tmp_path, capsys):
    cert, key = self_signed_cert(tmp_path)
    args = build_parser().parse_args([
        "--root", str(builtin_root), "share", "--product", "mug", "--host", "127.0.0.1",
        "--port", "0", "--minutes", "1", "--tls-cert", str(cert), "--tls-key", str(key)])
    seen = {}

    def fetch_then_stop(server, share):
        context = ssl.create_default_context(cafile=str(cert))
        seen["url"] = url = server.url(share)
        with urllib.request.urlopen(url + "model.glb", context=context, timeout=5) as response:
            seen["model.glb"] = response.read()

    assert run_share(args, builtin_root.resolve(), wait=fetch_then_stop) == 0
    assert seen["url"].startswith("https://127.0.0.1:")
    assert seen["url"] in capsys.readouterr().out.splitlines()
    assert seen["model.glb"][:4] == b"glTF"


def test_share_with_a_missing_certificate_names_the_option(builtin_root, tmp_path, capsys):
    missing = tmp_path / "missing.pem"
    assert main(["--root", str(builtin_root), "share", "--product", "mug", "--port", "0",
                 "--tls-cert", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"--tls-cert: expected a PEM file, found none at {missing}" in err
    assert "Traceback" not in err
    cert, _key = self_signed_cert(tmp_path)
    assert main(["--root", str(builtin_root), "share", "--product", "mug", "--port", "0",
                 "--tls-key", str(cert)]) == 1
    assert "--tls-key: a key needs its certificate (--tls-cert)" in capsys.readouterr().err


def test_export_starts_from_a_kiosk_hand_off_code(builtin_root, tmp_path, capsys):
    from app.domain.configuration import default_configuration
    from app.domain.share_code import encode_share_code
    from app.export.handoff_store import HandoffStore
    from app.project import open_project

    mug = open_project(builtin_root).catalog.product("mug")
    designed = default_configuration(mug).with_choice("handle", "angular")
    code = HandoffStore.default().add(encode_share_code(designed, mug))  # as the kiosk keeps it
    out = tmp_path / "order.zip"
    assert main(["--root", str(builtin_root), "export", "--product", "mug", "--code",
                 code.lower(), "--format", "order", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        configuration = json.loads(archive.read("configuration.json"))
    assert configuration["selections"]["handle"] == "angular"
    for wrong in ["K7M-4QX-9B", "x" * 5000]:
        assert main(["--root", str(builtin_root), "export", "--product", "mug", "--code",
                     wrong, "--format", "pdf", "--out", str(tmp_path / "x.pdf")]) == 1
        err = capsys.readouterr().err
        assert "--code" in err and len(err) < 300
    assert main(["--root", str(builtin_root), "export", "--product", "mug", "--code", code,
                 "--config", "x.json", "--format", "pdf", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "not both" in capsys.readouterr().err
