"""Names from outside (the customer's file name, labels of a designer's product file) never
reach the order files as markup: left out (file names) or escaped (SVG), never a formula (CSV)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pypdfium2
import pytest
from PIL import Image

from app.batch.manifest import ManifestRow, write_manifest
from app.domain.configuration import ImageValue, TextValue, complete, default_configuration
from app.domain.product import Projector, Zone, ZoneText
from app.export.order_package import write_order_package
from app.personalize.artwork import write_print_artwork
from app.personalize.fonts import FontLibrary
from app.project import Project, open_project
from tests.export.test_spec_sheet import ISSUED, STILL

HOSTILE = "<svg onload=alert(1)>"
GLB = b"glTF\x02\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(scope="module")
def project(builtin_root) -> Project:
    return open_project(builtin_root)


def test_the_customers_file_name_stays_out_of_the_order(project, tmp_path):
    upload = tmp_path / f"{HOSTILE}.png"
    Image.new("RGB", (200, 160), (20, 120, 220)).save(upload)
    picture = project.pictures.add_file(upload)
    product = project.catalog.product("mug")
    configuration = complete(default_configuration(product)
                             .with_zone("photo_print", ImageValue(image=picture))
                             .with_zone("wrap_text", TextValue(text="Ada")), product)
    glb = tmp_path / "model.glb"
    glb.write_bytes(GLB)
    order = write_order_package(product, configuration, project, tmp_path / "order.zip",
                                still=STILL, issued=ISSUED, model_glb=glb)
    with zipfile.ZipFile(order.path) as archive:
        texts = {name: archive.read(name).decode("utf-8", "replace")
                 for name in archive.namelist() if name.endswith((".json", ".svg"))}
        spec = pypdfium2.PdfDocument(archive.read("spec_sheet.pdf"))
        texts["spec sheet text"] = "\n".join(p.get_textpage().get_text_range() for p in spec)
        texts["member names"] = "\n".join(archive.namelist())
        picture_bytes = archive.read(order.manifest["pictures"][0]["file"])
    assert set(texts) >= {"manifest.json", "configuration.json", "artwork/wrap_text.svg"}
    for name, text in texts.items():
        for part in (HOSTILE, "onload", "alert(1)", str(tmp_path)):
            assert part not in text, (name, part)
    assert json.loads(texts["configuration.json"])["personalization"]["photo_print"][
        "image"] == picture
    with Image.open(io.BytesIO(picture_bytes)) as carried:
        assert carried.getpixel((5, 5)) == (20, 120, 220)


def test_a_zone_label_is_escaped_in_the_artwork_svg(tmp_path):
    zone = Zone(id="front", label=f'{HOSTILE} & "quotes"', kind="text", part="body",
                projector=Projector(position=(0, 0, 0), direction=(0, 0, -1), width_mm=60,
                                    height_mm=20), text=ZoneText(size_mm=6))
    svg, _png = write_print_artwork(zone, TextValue(text="Ada"), FontLibrary(), tmp_path)
    text = svg.read_text(encoding="utf-8")
    assert HOSTILE not in text and "&lt;svg onload=alert(1)&gt;" in text
    root = ET.fromstring(text)
    assert [e.tag.split("}")[1] for e in root.iter()].count("svg") == 1
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith(HOSTILE)


def test_batch_csv_cells_are_never_formulas(tmp_path):
    row = ManifestRow(file="mug_hero_1.png", status="failed", share_code="mug-aebq",
                      product="mug", view="hero",
                      options={'=HYPERLINK("http://evil.example","x")': "Red"},
                      price="14.90", currency="EUR", key="1", error="-2+3")
    csv_path, json_path = write_manifest([row], tmp_path)
    (read,) = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert read["options"] == "'=HYPERLINK(\"http://evil.example\",\"x\"): Red"
    assert read["error"] == "'-2+3" and read["price"] == "14.90"
    assert json.loads(json_path.read_text())["images"][0]["error"] == "-2+3"  # JSON as it is
