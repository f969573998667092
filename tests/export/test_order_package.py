"""The order package: a zip a manufacturer can work from, with a manifest that checks it."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from decimal import Decimal

import numpy as np
import pypdfium2
import pytest
from PIL import Image

from app.domain.configuration import Configuration
from app.domain.configuration import default_configuration as defaults
from app.domain.share_code import encode_share_code
from app.errors import AppError
from app.export.order_package import MANIFEST_VERSION, write_order_package
from app.personalize.picture_store import pixel_digest
from app.project import Project, open_project
from tests.export.test_spec_sheet import ISSUED, STILL, personalized_mug

GLB = b"glTF\x02\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(scope="module")
def project(builtin_root) -> Project:
    return open_project(builtin_root)


def test_order_zip_holds_everything_with_checked_manifest(project, tmp_path):
    product = project.catalog.product("mug")
    configuration = personalized_mug(project)
    glb = tmp_path / "exported.glb"
    glb.write_bytes(GLB)
    order = write_order_package(product, configuration, project, tmp_path / "order.zip",
                                still=STILL, issued=ISSUED, model_glb=glb)
    picture = configuration.personalization["photo_print"].image
    stored = project.pictures.path(picture)
    picture_file = f"pictures/{picture.removeprefix('sha256:')}{stored.suffix}"
    with zipfile.ZipFile(order.path) as archive:
        names = sorted(archive.namelist())
        assert names == sorted([
            "manifest.json", "configuration.json", "spec_sheet.pdf", "model.glb",
            "artwork/wrap_text.svg", "artwork/wrap_text.png", "artwork/photo_print.png",
            picture_file])
        # the customer's picture itself, as the store keeps it, named by its hash
        assert archive.read(picture_file) == stored.read_bytes()
        with Image.open(io.BytesIO(archive.read(picture_file))) as packed:
            assert pixel_digest(np.asarray(packed.convert("RGBA"))) in picture
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest == order.manifest
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
            assert entry["bytes"] == len(data)
        assert {e["path"] for e in manifest["files"]} == set(names) - {"manifest.json"}
        saved = Configuration.from_json(archive.read("configuration.json").decode())
        assert saved == configuration and saved.schema_version == 1
        assert archive.read("model.glb") == GLB
        assert archive.read("artwork/wrap_text.svg").lstrip().startswith(b"<")
        with Image.open(io.BytesIO(archive.read("artwork/photo_print.png"))) as photo:
            assert photo.size == (round(70 / 25.4 * 300), round(60 / 25.4 * 300))
            assert round(photo.info["dpi"][0]) == 300
        spec = pypdfium2.PdfDocument(archive.read("spec_sheet.pdf"))
        assert "33.90 EUR" in spec[0].get_textpage().get_text_range()
    assert manifest["manifest_version"] == MANIFEST_VERSION
    assert manifest["product_id"] == "mug"
    assert manifest["share_code"] == encode_share_code(configuration, product)
    assert (manifest["currency"], manifest["total"]) == ("EUR", "33.90")
    assert sum(Decimal(line["amount"]) for line in manifest["lines"]) == Decimal("33.90")
    assert manifest["issued"] == "2025-03-14"
    assert manifest["pictures"] == [{"zone": "photo_print", "picture": picture,
                                     "file": picture_file}]
    assert [p.name for p in tmp_path.iterdir() if p.name != "exported.glb"] == ["order.zip"]


def test_glb_writer_makes_the_model_when_none_is_given(project, tmp_path):
    product = project.catalog.product("mug")
    configuration = defaults(product)
    calls = []

    def fake_export(product_, configuration_, project_, path):
        calls.append((product_.id, configuration_, path.name))
        path.write_bytes(GLB)

    order = write_order_package(product, configuration, project, tmp_path / "order.zip",
                                still=STILL, issued=ISSUED, glb_writer=fake_export)
    assert calls == [("mug", configuration, "model.glb")]
    with zipfile.ZipFile(order.path) as archive:
        assert not any(n.startswith("artwork/") for n in archive.namelist())
        assert archive.read("model.glb") == GLB
    assert order.manifest["total"] == "14.90"


def test_failed_export_leaves_no_file(project, tmp_path):
    product = project.catalog.product("mug")
    target = tmp_path / "order.zip"
    target.write_bytes(b"previous order")
    with pytest.raises(AppError, match="file not found"):
        write_order_package(product, defaults(product), project, target, still=STILL,
                            model_glb=tmp_path / "missing.glb")
    assert target.read_bytes() == b"previous order"
    assert [p.name for p in tmp_path.iterdir()] == ["order.zip"]
