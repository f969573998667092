"""The spec sheet PDF: rendered to an image, its QR decoded and its text read back."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from app.domain.configuration import Configuration, ImageValue, TextValue, complete
from app.domain.configuration import default_configuration as defaults
from app.domain.share_code import decode_share_code, encode_share_code
from app.errors import AppError, ConfigurationError
from app.export.spec_sheet import spec_sheet_pdf, write_spec_sheet
from app.project import Project, open_project
from tests.image_compare import REFERENCE_DIR, assert_matches_reference

ISSUED = dt.date(2025, 3, 14)
STILL = REFERENCE_DIR / "mug_white_hero.png"
PICTURE = "assets/materials/swatches/sunburst.png"  # in the project: the same picture id
CREDIT = "Shoe model: (c) 2021 Shopify, CC BY 4.0"


@pytest.fixture(scope="module")
def project(builtin_root) -> Project:
    return open_project(builtin_root)


def personalized_mug(project: Project) -> Configuration:
    product = project.catalog.product("mug")
    configuration = (defaults(product).with_choice("glaze", "custom")
                     .with_colour("glaze", "#3366aa").with_choice("handle", "angular")
                     .with_zone("wrap_text", TextValue(text="Anna & Ben\nSeit 2024",
                                                       font="script", colour="#aa2222"))
                     .with_zone("photo_print", ImageValue(image=upload(project),
                                                          fit="fill")))
    return complete(configuration, product)


def upload(project: Project) -> str:
    return project.pictures.add_file(project.root / PICTURE)


def page_image(pdf: bytes, index: int = 0, dpi: float = 100) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    return document[index].render(scale=dpi / 72).to_pil().convert("RGB")


def page_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_spec_sheet_lists_options_prices_total_and_date(project, tmp_path):
    product = project.catalog.product("mug")
    configuration = personalized_mug(project)
    path = write_spec_sheet(product, configuration, project, tmp_path / "quote.pdf",
                            still=STILL, issued=ISSUED, credits=[CREDIT])
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pypdfium2.PdfDocument(pdf)) == 1
    text = page_text(pdf)
    for expected in ("Ceramic Mug", "2025-03-14", "Glaze: Your colour #3366aa", "3.00 EUR",
                     "Handle: Modern angular", "14.90 EUR", "Total", "33.90 EUR",
                     "Your text: 100 x 30 mm", "Anna & Ben / Seit 2024", "font script",
                     "ink #aa2222", "Your photo: 70 x 60 mm",
                     f"Picture {upload(project).removeprefix('sha256:')[:12]}", CREDIT):
        assert expected in text, expected
    assert "sunburst" not in text  # the picture's id, not the name of the customer's file
    code = encode_share_code(configuration, product)
    assert code in "".join(text.split())


def test_qr_on_the_page_decodes_to_the_share_code(project, tmp_path):
    product = project.catalog.product("mug")
    configuration = personalized_mug(project)
    pdf = spec_sheet_pdf(product, configuration, project, still=STILL, issued=ISSUED)
    codes = [r.text for r in zxingcpp.read_barcodes(page_image(pdf, dpi=100))]
    assert codes == [encode_share_code(configuration, product)]
    assert decode_share_code(codes[0], product) == configuration


def test_page_one_looks_like_the_reference(project, tmp_path):
    product = project.catalog.product("mug")
    configuration = personalized_mug(project)
    pdf = spec_sheet_pdf(product, configuration, project, still=STILL, issued=ISSUED,
                         credits=[CREDIT])
    image = page_image(pdf, dpi=50)
    assert_matches_reference(image, "spec_sheet_mug_page1.png", max_mean_diff=1.5)
    pixels = np.asarray(image)
    # the still is drawn where the layout puts it: top left, below the title
    still_box = pixels[int(0.16 * image.height):int(0.35 * image.height),
                       int(0.1 * image.width):int(0.6 * image.width)]
    assert still_box.std() > 10


def test_same_inputs_same_bytes_and_atomic_write(project, tmp_path):
    product = project.catalog.product("mug")
    configuration = defaults(product)
    first = spec_sheet_pdf(product, configuration, project, still=STILL, issued=ISSUED)
    assert spec_sheet_pdf(product, configuration, project, still=STILL, issued=ISSUED) == first
    write_spec_sheet(product, configuration, project, tmp_path / "quote.pdf", still=STILL,
                     issued=ISSUED)
    assert [p.name for p in tmp_path.iterdir()] == ["quote.pdf"]
    assert "Personalization" not in page_text(first)


def test_long_content_flows_onto_a_second_page(project, tmp_path):
    product = project.catalog.product("mug")
    configuration = personalized_mug(project)
    credits = [f"Asset {i}: CC BY 4.0" for i in range(40)]
    pdf = spec_sheet_pdf(product, configuration, project, still=STILL, issued=ISSUED,
                         credits=credits)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 2
    second = " ".join(document[1].get_textpage().get_text_range().split())
    assert "Asset 39" in second and "page 2 of 2" in second


def test_bad_inputs_raise_app_errors(project, tmp_path):
    product = project.catalog.product("mug")
    with pytest.raises(AppError, match="cannot read the still image"):
        spec_sheet_pdf(product, defaults(product), project, still=tmp_path / "none.png")
    wrong = defaults(product).with_zone("photo_print", TextValue(text="Hi"))
    with pytest.raises(ConfigurationError, match="takes an image"):
        spec_sheet_pdf(product, wrong, project, still=STILL)
