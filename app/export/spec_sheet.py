"""The spec sheet / quote: one or two A4 pages a customer takes home.

The still, every chosen option with its price, the total, the personalization with a preview of
its artwork, the share code with its QR code, the date, and credits for licensed assets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from fpdf import FPDF
from PIL import Image

from app.domain.configuration import Configuration, ImageValue, TextValue, picture_digest
from app.domain.pricing import price_breakdown
from app.domain.product import Product, Zone
from app.domain.share_code import encode_share_code
from app.errors import AppError
from app.export.qr import qr_image
from app.files import write_atomically
from app.personalize.artwork import text_colour, text_font_id, zone_artwork
from app.project import Project

__all__ = ["spec_sheet_pdf", "write_spec_sheet"]

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 15.0
CONTENT_W = PAGE_W - 2 * MARGIN
STILL_W, STILL_MAX_H = 118.0, 95.0
QR_SIZE = 48.0
COLUMN_GAP = 8.0
COLUMN_W = (CONTENT_W - COLUMN_GAP) / 2
PREVIEW_MAX_H = 45.0
PREVIEW_PX_PER_MM = 4.0
GREY = (110, 110, 110)
RULE = (200, 200, 200)
BOLD_NAMES = (("-Regular", "-Bold"), ("Sans.", "Sans-Bold."), ("Serif.", "Serif-Bold."))


def write_spec_sheet(product: Product, configuration: Configuration, project: Project,
                     path: Path, *, still: Path | Image.Image, issued: dt.date | None = None,
                     credits: Sequence[str] = ()) -> Path:
    """``path`` as the spec sheet PDF of ``configuration``, written atomically."""
    data = spec_sheet_pdf(product, configuration, project, still=still, issued=issued,
                          credits=credits)
    return write_atomically(Path(path), lambda tmp: tmp.write_bytes(data))


def spec_sheet_pdf(product: Product, configuration: Configuration, project: Project, *,
                   still: Path | Image.Image, issued: dt.date | None = None,
                   credits: Sequence[str] = ()) -> bytes:
    """The spec sheet as PDF bytes; the same inputs give the same bytes."""
    issued = issued or dt.date.today()
    pdf = _new_pdf(project, issued)
    pdf.add_page()
    _header(pdf, product, issued)
    code = encode_share_code(configuration, product)
    top = pdf.get_y() + 3
    still_bottom = _still(pdf, _still_image(still), top)
    qr_bottom = _share_code(pdf, code, top)
    pdf.set_y(max(still_bottom, qr_bottom) + 6)
    _prices(pdf, product, configuration)
    _personalization(pdf, product, configuration, project)
    _credits(pdf, credits)
    return bytes(pdf.output())


class _SpecSheetPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", size=8)
        self.set_text_color(*GREY)
        self.cell(CONTENT_W / 2, 5, self.footer_text)
        self.cell(CONTENT_W / 2, 5, f"page {self.page_no()} of {{nb}}", align="R")


def _new_pdf(project: Project, issued: dt.date) -> _SpecSheetPDF:
    pdf = _SpecSheetPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=20)
    regular = project.fonts.path("sans")
    pdf.add_font("body", "", str(regular))
    pdf.add_font("body", "B", str(_bold_beside(regular)))
    stamp = dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.UTC)
    pdf.set_creation_date(stamp)
    pdf.set_creator("product configurator")
    return pdf


def _bold_beside(regular: Path) -> Path:
    for plain, bold in BOLD_NAMES:
        candidate = regular.with_name(regular.name.replace(plain, bold))
        if candidate != regular and candidate.is_file():
            return candidate
    return regular


def _header(pdf: _SpecSheetPDF, product: Product, issued: dt.date) -> None:
    pdf.footer_text = f"{product.name} ({product.id})"
    pdf.set_font("body", "B", 20)
    pdf.cell(CONTENT_W - 50, 10, product.name)
    pdf.set_font("body", size=10)
    pdf.set_text_color(*GREY)
    pdf.cell(50, 5, "Quote and specification", align="R", new_x="LEFT", new_y="NEXT")
    pdf.cell(50, 5, issued.isoformat(), align="R", new_x="LMARGIN", new_y="NEXT")
    if product.description:
        pdf.set_y(pdf.get_y() + 1)
        pdf.multi_cell(CONTENT_W, 5, product.description, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _still_image(still: Path | Image.Image) -> Image.Image:
    if isinstance(still, Image.Image):
        return still.convert("RGB")
    try:
        with Image.open(still) as image:
            return image.convert("RGB")
    except OSError as exc:
        raise AppError(f"cannot read the still image: {exc}", file=str(still)) from None


def _still(pdf: FPDF, image: Image.Image, top: float) -> float:
    w, h = _fit(image.width, image.height, STILL_W, STILL_MAX_H)
    pdf.image(image, x=MARGIN, y=top, w=w, h=h)
    return top + h


def _share_code(pdf: FPDF, code: str, top: float) -> float:
    x = PAGE_W - MARGIN - QR_SIZE
    pdf.image(qr_image(code, scale=6), x=x, y=top, w=QR_SIZE, h=QR_SIZE)
    pdf.set_xy(x, top + QR_SIZE + 1)
    pdf.set_font("body", "B", 9)
    pdf.cell(QR_SIZE, 5, "Share code", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("body", size=8)
    pdf.multi_cell(QR_SIZE, 4, code, align="C", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("body", "B", 13)
    pdf.cell(CONTENT_W, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=10)


def _prices(pdf: FPDF, product: Product, configuration: Configuration) -> None:
    breakdown = price_breakdown(configuration, product)
    _heading(pdf, "Specification")
    pdf.set_draw_color(*RULE)
    for line in breakdown.lines:
        pdf.cell(CONTENT_W - 40, 7, line.label, border="B")
        pdf.cell(40, 7, breakdown.format(line.amount), border="B", align="R",
                 new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", "B", 12)
    pdf.cell(CONTENT_W - 50, 9, "Total")
    pdf.cell(50, 9, breakdown.format(), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=10)


def _personalization(pdf: FPDF, product: Product, configuration: Configuration,
                     project: Project) -> None:
    """One block per personalized zone (title, details, artwork preview), two to a row."""
    zones = [z for z in product.zones if z.id in configuration.personalization]
    if not zones:
        return
    pdf.set_y(pdf.get_y() + 4)
    _heading(pdf, "Personalization")
    for row in range(0, len(zones), 2):
        blocks = [_zone_block(zone, configuration.personalization[zone.id], project)
                  for zone in zones[row:row + 2]]
        if pdf.get_y() + max(b[2][1] for b in blocks) + 18 > PAGE_H - 22:
            pdf.add_page()
        top, bottom = pdf.get_y(), pdf.get_y()
        for column, (title, details, (w, h), preview) in enumerate(blocks):
            x = MARGIN + column * (COLUMN_W + COLUMN_GAP)
            pdf.set_xy(x, top)
            pdf.set_font("body", "B", 10)
            pdf.cell(COLUMN_W, 6, title, new_x="LEFT", new_y="NEXT")
            pdf.set_font("body", size=9)
            pdf.multi_cell(COLUMN_W, 4.5, details, new_x="LEFT", new_y="NEXT")
            image_top = pdf.get_y() + 1
            pdf.image(preview, x=x, y=image_top, w=w, h=h)
            pdf.set_draw_color(*RULE)
            pdf.rect(x, image_top, w, h)
            bottom = max(bottom, image_top + h)
        pdf.set_xy(MARGIN, bottom + 5)


def _zone_block(zone: Zone, value: TextValue | ImageValue, project: Project
                ) -> tuple[str, str, tuple[float, float], Image.Image]:
    artwork = zone_artwork(zone, value, project.fonts, px_per_mm=PREVIEW_PX_PER_MM,
                           pictures=project.pictures)
    preview = _preview(artwork.rgba)
    size = _fit(preview.width, preview.height, COLUMN_W, PREVIEW_MAX_H)
    return _zone_title(zone), _zone_details(zone, value), size, preview


def _zone_title(zone: Zone) -> str:
    p = zone.projector
    return f"{zone.label}: {p.width_mm:g} x {p.height_mm:g} mm"


def _zone_details(zone: Zone, value: TextValue | ImageValue) -> str:
    technique = (value.technique or (zone.techniques[0] if zone.techniques else None))
    technique_text = f", {technique.value}" if technique is not None else ""
    if isinstance(value, TextValue):
        lines = " / ".join(value.text.splitlines()) or value.text
        return (f"Text \u201c{lines}\u201d, font {text_font_id(zone, value)}, "
                f"ink {text_colour(zone, value)}{technique_text}")
    # the picture's id, never the name of the customer's file (the order names it by its hash)
    return f"Picture {picture_digest(value.image)[:12]}, {value.fit}{technique_text}"


def _preview(rgba: np.ndarray) -> Image.Image:
    """The artwork on a background it shows on: white, or dark grey for light ink."""
    alpha = rgba[..., 3] > 0
    light = alpha.any() and float(rgba[..., :3][alpha].mean()) > 200
    background = Image.new("RGBA", (rgba.shape[1], rgba.shape[0]),
                           (64, 64, 64, 255) if light else (255, 255, 255, 255))
    return Image.alpha_composite(background, Image.fromarray(np.ascontiguousarray(rgba),
                                                             "RGBA")).convert("RGB")


def _credits(pdf: FPDF, credits: Sequence[str]) -> None:
    if not credits:
        return
    pdf.set_y(pdf.get_y() + 4)
    pdf.set_font("body", "B", 9)
    pdf.cell(CONTENT_W, 5, "Credits", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=8)
    pdf.set_text_color(*GREY)
    for line in credits:
        pdf.multi_cell(CONTENT_W, 4, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _fit(width: int, height: int, max_w: float, max_h: float) -> tuple[float, float]:
    scale = min(max_w / width, max_h / height)
    return width * scale, height * scale
