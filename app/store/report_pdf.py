"""The shop's report as a PDF: charts drawn by matplotlib (Agg, no Qt) on A4 pages written by fpdf2.

Every name and label is plain text: matplotlib's mathtext is off for each text it draws (a
``$`` is a dollar sign) and fpdf2 writes cells without markdown, so a stored id can never be read
as markup. The font is DejaVu Sans as matplotlib ships it (the same file on every machine), or
the one passed in. The file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

from app.files import write_bytes_atomically
from app.store.report import StoreReport

PAGE_W, MARGIN = 210.0, 15.0
CONTENT_W = PAGE_W - 2 * MARGIN
CHART_DPI = 110
MOST_BARS = 15
GREY = (110, 110, 110)


def write_report_pdf(report: StoreReport, path: str | Path, *, font: Path | None = None,
                     issued: dt.date | None = None, title: str = "Store report") -> Path:
    """``path`` as the report's PDF, written atomically."""
    return write_bytes_atomically(Path(path), report_pdf(report, font=font, issued=issued,
                                                         title=title))


def report_pdf(report: StoreReport, *, font: Path | None = None, issued: dt.date | None = None,
               title: str = "Store report") -> bytes:
    from fpdf import FPDF

    issued = issued or dt.date.today()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=15)
    regular, bold = _fonts(font)
    pdf.add_font("body", "", str(regular))
    pdf.add_font("body", "B", str(bold))
    pdf.set_creation_date(dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.UTC))
    pdf.set_creator("product configurator")
    pdf.add_page()
    _text(pdf, title, size=20, bold=True, height=10)
    period = (f"{report.weeks[0]} to {report.weeks[-1]}" if report.weeks else "no data yet")
    _text(pdf, f"Issued {issued.isoformat()}; ISO weeks {period}", size=10, grey=True)
    _summary(pdf, report)
    from matplotlib import rc_context

    with rc_context({"text.parse_math": False, "text.usetex": False}):
        for heading, chart in _charts(report):
            _chart(pdf, heading, chart)
    _tables(pdf, report)
    return bytes(pdf.output())


def _fonts(font: Path | None) -> tuple[Path, Path]:
    if font is not None:
        return Path(font), Path(font)
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def _text(pdf, text: str, *, size: float = 10, bold: bool = False, grey: bool = False,
          height: float = 6) -> None:
    pdf.set_font("body", "B" if bold else "", size)
    pdf.set_text_color(*(GREY if grey else (0, 0, 0)))
    pdf.multi_cell(CONTENT_W, height, text, markdown=False, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _summary(pdf, report: StoreReport) -> None:
    funnel = report.funnel_total()
    attach = report.attach_rates().get("", (0, 0, 0.0))
    best = report.best_presets(1)
    lines = [
        f"Funnel: {funnel.opened} products opened, {funnel.handoffs} hand-offs "
        f"({funnel.handoff_rate:.1%}), {funnel.orders} orders ({funnel.order_rate:.1%}).",
        f"Personalization: {attach[1]} of {attach[0]} order lines ({attach[2]:.1%}).",
        "Best-selling preset: " + (f"{best[0][0]} / {best[0][1]}, {best[0][2]} units"
                                   if best else "none ordered yet") + ".",
    ]
    pdf.ln(2)
    for line in lines:
        _text(pdf, line)


def _chart(pdf, heading: str, figure) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    data = io.BytesIO()
    FigureCanvasAgg(figure).print_png(data)
    width_in, height_in = figure.get_size_inches()
    height = CONTENT_W * height_in / width_in
    if pdf.get_y() + height + 12 > pdf.h - 15:
        pdf.add_page()
    pdf.ln(3)
    _text(pdf, heading, size=13, bold=True, height=8)
    pdf.image(data, x=MARGIN, w=CONTENT_W, h=height)


def _new_figure(height: float = 3.2):
    from matplotlib.figure import Figure

    return Figure(figsize=(7.5, height), dpi=CHART_DPI, layout="constrained")


def _week_axis(axes, weeks: list[str]) -> None:
    step = max(1, len(weeks) // 12)
    axes.set_xticks(range(0, len(weeks), step), [weeks[i] for i in range(0, len(weeks), step)],
                    rotation=45, ha="right", fontsize=7)


def _finish(figure):
    from matplotlib.text import Text

    for text in figure.findobj(Text):  # made before the rc_context, if any
        text.set_parse_math(False)
    return figure


def _funnel_chart(report: StoreReport):
    figure = _new_figure()
    axes = figure.add_subplot()
    weeks = [r.week for r in report.funnel]
    for values, label in (([r.opened for r in report.funnel], "product opened"),
                          ([r.handoffs for r in report.funnel], "hand-off"),
                          ([r.orders for r in report.funnel], "order")):
        axes.plot(range(len(weeks)), values, marker=".", label=label)
    axes.set_ylabel("events")
    _week_axis(axes, weeks)
    axes.legend(fontsize=8)
    return _finish(figure)


def _attach_chart(report: StoreReport):
    figure = _new_figure()
    axes = figure.add_subplot()
    weeks = list(report.weeks)
    by_product: dict[str, dict[str, float]] = defaultdict(dict)
    for row in report.attach:
        by_product[row.product_id][row.week] = row.rate * 100
    for product, rates in sorted(by_product.items()):
        axes.plot(range(len(weeks)), [rates.get(w, float("nan")) for w in weeks], marker=".",
                  label=product)
    axes.set_ylabel("% of order lines personalized")
    axes.set_ylim(0, 100)
    _week_axis(axes, weeks)
    axes.legend(fontsize=8)
    return _finish(figure)


def _bars(pairs: list[tuple[str, float]], xlabel: str):
    pairs = pairs[:MOST_BARS]
    figure = _new_figure(0.6 + 0.22 * max(3, len(pairs)))
    axes = figure.add_subplot()
    labels = [label for label, _ in reversed(pairs)]
    axes.barh(range(len(pairs)), [value for _, value in reversed(pairs)])
    axes.set_yticks(range(len(pairs)), labels, fontsize=7)
    axes.set_xlabel(xlabel)
    return _finish(figure)


def _choices_chart(groups: dict[str, dict[str, int]]):
    rows = (len(groups) + 2) // 3
    figure = _new_figure(0.4 + 2.0 * rows)
    for index, (group, counts) in enumerate(sorted(groups.items())):
        axes = figure.add_subplot(rows, 3, index + 1)
        choices = list(counts)[:10]
        axes.barh(range(len(choices)), [counts[c] for c in reversed(choices)])
        axes.set_yticks(range(len(choices)), list(reversed(choices)), fontsize=6)
        axes.tick_params(axis="x", labelsize=6)
        axes.set_title(group, fontsize=8)
    return _finish(figure)


def _revenue_chart(report: StoreReport):
    figure = _new_figure()
    axes = figure.add_subplot()
    weeks = list(report.weeks)
    by_product: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for row in report.sales:
        by_product[(row.product_id, row.currency)][row.week] = float(row.revenue)
    for (product, currency), values in sorted(by_product.items()):
        axes.plot(range(len(weeks)), [values.get(w, 0.0) for w in weeks], marker=".",
                  label=f"{product} ({currency})")
    axes.set_ylabel("revenue")
    _week_axis(axes, weeks)
    axes.legend(fontsize=8)
    return _finish(figure)


def _charts(report: StoreReport):
    if not report.weeks:
        return
    if report.funnel:
        yield "Funnel per week: product opened, hand-off, order", _funnel_chart(report)
    if report.attach:
        yield "Attach rate of personalization per week", _attach_chart(report)
    if report.sales:
        yield "Revenue per week by product", _revenue_chart(report)
    if report.options:
        yield "Revenue by option (all weeks)", _bars(
            [(f"{p} {g}={c} ({cur})", float(v))
             for p, g, c, cur, v in report.revenue_by_option()],
            "revenue (quantity x unit price of the lines with the option)")
    presets = report.best_presets()
    if presets:
        yield "Best-selling presets (units, all weeks)", _bars(
            [(f"{p} / {s}", units) for p, s, units, _ in presets], "units ordered")
    by_product: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for (product, group), counts in report.choices_per_group().items():
        by_product[product][group] = counts
    for product, groups in sorted(by_product.items()):
        yield f"Choices per option group: {product} (order lines)", _choices_chart(groups)


def _tables(pdf, report: StoreReport) -> None:
    if not report.funnel:
        return
    pdf.add_page()
    _text(pdf, "Per week", size=13, bold=True, height=8)
    attach = defaultdict(lambda: [0, 0])
    for row in report.attach:
        attach[row.week][0] += row.lines
        attach[row.week][1] += row.personalized
    header = ["week", "opened", "hand-offs", "orders", "order lines", "personalized"]
    widths = [30, 30, 30, 30, 30, 30]
    pdf.set_font("body", "B", 9)
    for text, width in zip(header, widths, strict=True):
        pdf.cell(width, 6, text, border="B", markdown=False)
    pdf.ln()
    pdf.set_font("body", "", 9)
    funnel = {r.week: r for r in report.funnel}
    for week in report.weeks:
        row = funnel.get(week)
        lines, personalized = attach.get(week, (0, 0))
        values = [week, row.opened if row else 0, row.handoffs if row else 0,
                  row.orders if row else 0, lines,
                  f"{personalized} ({personalized / lines:.0%})" if lines else "0"]
        for value, width in zip(values, widths, strict=True):
            pdf.cell(width, 5, str(value), markdown=False)
        pdf.ln()
