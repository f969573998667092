"""The shop's report from a small known history: exact counts per ISO week, the PDF with its
charts, and CSV export of every table with formula-looking names defused. On SQLite always, and
on PostgreSQL when SHOWCRAFT_TEST_POSTGRES_URL names a server (a throwaway database is made
there and dropped)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.domain.configuration import Configuration, TextValue, complete
from app.domain.pricing import price_breakdown
from app.store.customers import create_customer
from app.store.database import open_store
from app.store.event_records import EventRecord, new_session_key
from app.store.event_writes import store_events
from app.store.orders import LineItem, record_order
from app.store.report import build_report, iso_week, report_start
from app.store.report_csv import TABLES, cell, export_report, export_tables
from app.store.report_pdf import write_report_pdf

W10 = date(2026, 3, 2)  # Monday of ISO week 2026-W10
W11 = date(2026, 3, 11)  # Wednesday of 2026-W11


@pytest.fixture
def database(store):
    """The store (SQLite, and PostgreSQL when a server is given: tests/store/conftest.py)."""
    return store


def _mug(catalog, personalized: bool = False, **selections) -> tuple:
    product = catalog.product("mug")
    configuration = Configuration(product_id="mug", selections=selections)
    if personalized:
        configuration = configuration.model_copy(
            update={"personalization": {"wrap_text": TextValue(text="Ada")}})
    configuration = complete(configuration, product)
    return product, configuration, price_breakdown(configuration, product).total


def _history(database, catalog) -> dict:
    """Three orders in 2026-W10 and one in W11 (five readable lines, one unreadable), and
    events: W10 opens 4 products, 2 hand-offs, 1 order; W11 opens 2, 1 hand-off, 1 order."""
    classic = _mug(catalog, glaze="white", interior="white", handle="classic")  # preset
    midnight = _mug(catalog, glaze="matte_black", interior="red", handle="angular")  # preset
    navy = _mug(catalog, True, glaze="navy", interior="yellow", handle="classic")
    sage = _mug(catalog, True, glaze="sage", interior="white", handle="angular")
    with database.transaction() as session:
        anna = create_customer(session, "Anna", "anna@example.com")
        record_order(session, [LineItem.of(*classic[:2], quantity=2),
                               LineItem.of(*navy[:2])], customer_id=anna.id, ordered_on=W10)
        record_order(session, [LineItem.of(*classic[:2])], ordered_on=date(2026, 3, 8))
        record_order(session, [LineItem("mug", "gone", quantity=5, problem="product gone")],
                     ordered_on=date(2026, 3, 4))
        record_order(session, [LineItem.of(*midnight[:2], quantity=3),
                               LineItem.of(*sage[:2])], ordered_on=W11)
        key = new_session_key()
        kinds = ([("product_opened", W10)] * 4 + [("handoff", W10)] * 2 + [("order", W10)]
                 + [("option_viewed", W10)] * 3 + [("product_opened", W11)] * 2
                 + [("handoff", W11), ("order", W11), ("session_length", W11)])
        store_events(session, [
            EventRecord(datetime(d.year, d.month, d.day, 12, tzinfo=UTC), kind, "kiosk", key,
                        "mug").row() for kind, d in kinds])
    return {"classic": classic[2], "midnight": midnight[2], "navy": navy[2], "sage": sage[2]}


def test_a_known_history_gives_exact_counts_per_week(database, catalog):
    price = _history(database, catalog)
    with database.transaction() as session:
        report = build_report(session)

    assert report.weeks == ("2026-W10", "2026-W11")
    groups = report.choices_per_group()
    assert groups[("mug", "glaze")] == {"white": 2, "matte_black": 1, "navy": 1, "sage": 1}
    assert groups[("mug", "handle")] == {"classic": 3, "angular": 2}
    assert groups[("mug", "interior")] == {"white": 3, "red": 1, "yellow": 1}
    w10 = {(r.group_id, r.choice_id): r for r in report.options if r.week == "2026-W10"}
    assert (w10[("glaze", "white")].lines, w10[("glaze", "white")].units) == (2, 3)
    assert ("glaze", "matte_black") not in w10

    rates = report.attach_rates()
    assert rates["mug"] == (5, 2, pytest.approx(0.4))
    assert [(r.week, r.lines, r.personalized) for r in report.attach] == [
        ("2026-W10", 3, 1), ("2026-W11", 2, 1)]

    assert [(r.week, r.opened, r.handoffs, r.orders) for r in report.funnel] == [
        ("2026-W10", 4, 2, 1), ("2026-W11", 2, 1, 1)]
    assert report.funnel[0].handoff_rate == pytest.approx(0.5)
    assert report.events["2026-W10"]["option_viewed"] == 3
    assert report.events["2026-W11"]["session_length"] == 1

    assert report.best_presets() == [("mug", "classic", 3, 2), ("mug", "midnight", 3, 1)]
    assert [(r.week, r.preset_id, r.units) for r in report.presets] == [
        ("2026-W10", "classic", 3), ("2026-W11", "midnight", 3)]

    revenue = {(g, c): v for p, g, c, currency, v in report.revenue_by_option()}
    assert revenue[("glaze", "white")] == 3 * price["classic"]
    assert revenue[("glaze", "matte_black")] == 3 * price["midnight"]
    assert revenue[("handle", "classic")] == 3 * price["classic"] + price["navy"]
    assert revenue[("interior", "white")] == 3 * price["classic"] + price["sage"]
    assert all(isinstance(v, Decimal) for v in revenue.values())
    sales = {r.week: (r.lines, r.units, r.revenue) for r in report.sales}
    assert sales["2026-W10"] == (3, 4, 3 * price["classic"] + price["navy"])


def test_the_totals_made_again_from_the_records_give_the_same_report(database, catalog):
    from app.store.daily_totals import rebuild_daily_totals

    _history(database, catalog)
    with database.transaction() as session:
        kept = build_report(session)
        rebuild_daily_totals(session)
    with database.transaction() as session:
        assert build_report(session) == kept
    assert kept.weeks == ("2026-W10", "2026-W11")


def test_the_report_counts_only_the_weeks_asked_for(database, catalog):
    _history(database, catalog)
    assert report_start(1, date(2026, 3, 12)) == date(2026, 3, 9)
    with database.transaction() as session:
        report = build_report(session, weeks=1, today=date(2026, 3, 12))
    assert report.weeks == ("2026-W11",)
    assert report.best_presets() == [("mug", "midnight", 3, 1)]
    assert iso_week(date(2027, 1, 1)) == "2026-W53"


def test_the_pdf_has_pages_with_the_charts(database, catalog, tmp_path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    _history(database, catalog)
    with database.transaction() as session:
        report = build_report(session)
    path = write_report_pdf(report, tmp_path / "report.pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    document = pdfium.PdfDocument(str(path))
    images = 0
    text = ""
    for page in document:
        images += sum(1 for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE]))
        text += page.get_textpage().get_text_range()
    pages = len(document)
    document.close()
    assert pages >= 2
    assert images >= 5  # funnel, attach rate, revenue per week, revenue by option, presets, ...
    assert "Funnel" in text and "2026-W10" in text
    assert not list(tmp_path.glob(".*tmp*"))


def test_an_empty_store_still_gives_a_pdf(database, tmp_path):
    with database.transaction() as session:
        report = build_report(session)
    assert report.weeks == ()
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(write_report_pdf(report, tmp_path / "r.pdf")))
    pages = len(document)
    document.close()
    assert pages == 1


def test_labels_in_the_pdf_are_plain_text(tmp_path):
    import pypdfium2 as pdfium

    from app.store.report import PresetRow, StoreReport

    sneaky = "$\\nosuchcommand{a}$ **bold** <b>x</b>"  # mathtext would refuse to draw it
    report = StoreReport(since=None, weeks=("2026-W10",), options=(), attach=(), sales=(),
                         presets=(PresetRow("2026-W10", "mug", sneaky, 1, 4),), funnel=())
    document = pdfium.PdfDocument(str(write_report_pdf(report, tmp_path / "r.pdf")))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert sneaky in text.replace("\r\n", " ").replace("\n", " ")


def _read(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_export_writes_every_table_and_defuses_formulas(database, catalog, tmp_path):
    _history(database, catalog)
    with database.transaction() as session:
        create_customer(session, '=HYPERLINK("http://x")', "h@example.com")
        create_customer(session, "+1+1", None)
        create_customer(session, "@SUM(A1)", None)
    written = export_tables(database, tmp_path / "csv")
    assert sorted(p.name for p in written) == sorted(f"{name}.csv" for name in TABLES)
    customers = _read(tmp_path / "csv" / "customers.csv")
    assert customers[0][:3] == ["id", "name", "email"]
    names = [row[1] for row in customers[1:]]
    assert names == ["Anna", "'=HYPERLINK(\"http://x\")", "'+1+1", "'@SUM(A1)"]
    assert len(_read(tmp_path / "csv" / "orders.csv")) == 1 + 4
    assert len(_read(tmp_path / "csv" / "order_lines.csv")) == 1 + 6
    assert len(_read(tmp_path / "csv" / "events.csv")) == 1 + 15
    assert "thumbnail_bytes" in _read(tmp_path / "csv" / "configurations.csv")[0]

    with database.transaction() as session:
        report = build_report(session)
    files = export_report(report, tmp_path / "csv")
    funnel = _read(next(p for p in files if p.name == "report_funnel.csv"))
    assert funnel[1][:4] == ["2026-W10", "4", "2", "1"]
    assert not [p for p in (tmp_path / "csv").iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_every_cell_that_could_start_a_formula_gets_a_quote(value):
    assert cell(value) == "'" + value


def test_other_cells_are_written_as_they_are():
    assert cell("Anna") == "Anna"
    assert cell(None) == ""
    assert cell(True) == "true"
    assert cell(Decimal("14.90")) == "14.90"
    assert cell(date(2026, 3, 2)) == "2026-03-02"
    assert cell({"b": 1, "a": "=x"}) == '{"a": "=x", "b": 1}'


def test_the_report_command_writes_the_pdf_and_csv_and_prints_a_table(database, catalog,
                                                                      tmp_path, capsys):
    import argparse

    from app.cli.store_report import add_report_arguments, run_store_report

    _history(database, catalog)
    parser = argparse.ArgumentParser()
    add_report_arguments(parser)
    args = parser.parse_args(["--out", str(tmp_path / "r.pdf"), "--csv-dir",
                              str(tmp_path / "csv")])
    assert run_store_report(args, database) == 0
    printed = capsys.readouterr().out
    assert "2026-W10" in printed and "mug/classic (3)" in printed
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "csv" / "events.csv").is_file()
    assert (tmp_path / "csv" / "report_options.csv").is_file()
    with pytest.raises(SystemExit):
        parser.parse_args(["--weeks", "0"])


def test_the_upgrade_to_daily_totals_keeps_every_row_and_fills_them(tmp_path, catalog):
    from alembic import command
    from sqlalchemy import func, inspect, select

    from app.store.database import alembic_config
    from app.store.tables import OrderLine, OrderLineChoice

    store = open_store(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    _history(store, catalog)
    with store.transaction() as session:
        kept = build_report(session)
    with store.engine.begin() as connection:  # back to the schema before the totals
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert "daily_option_sales" not in inspect(store.engine).get_table_names()
    store.migrate()
    assert store.revision() == "0004"
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 6
        assert session.scalar(select(func.count()).select_from(OrderLineChoice)) == 15
        assert build_report(session) == kept
    store.close()


def test_an_in_memory_store_is_read_through_the_session(catalog):
    store = open_store("sqlite://")
    _history(store, catalog)
    with store.transaction() as session:
        assert build_report(session).best_presets(1) == [("mug", "classic", 3, 2)]
    store.close()
