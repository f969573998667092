"""The analytics window draws the report's charts from a store and writes CSV files."""

from __future__ import annotations

import csv
from datetime import date

from app.catalog.catalog import load_catalog
from app.domain.configuration import Configuration
from app.project import BUILT_IN_ROOT
from app.store.customers import create_customer
from app.store.database import open_store
from app.store.orders import LineItem, record_order


def test_the_window_shows_the_charts_and_exports_csv(qtbot, tmp_path):
    from app.ui.analytics_window import AnalyticsWindow

    database = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    mug = load_catalog(BUILT_IN_ROOT).product("mug")
    with database.transaction() as session:
        buyer = create_customer(session, "=1+1", "a@example.com")
        record_order(session, [LineItem.of(mug, Configuration(product_id="mug"), quantity=2)],
                     customer_id=buyer.id, ordered_on=date.today())
    folder = tmp_path / "csv"
    window = AnalyticsWindow(database, weeks=4, choose_folder=lambda: folder)
    qtbot.addWidget(window)
    window.show()
    assert window.tabs.count() == 6
    assert "Funnel per week" in window.chart_titles()
    assert window.group_box.count() == 3  # the mug's three option groups
    assert "1 of 1" not in window.status.text() and "0 of 1" in window.status.text()

    files = window.export_csv()
    assert {p.name for p in files} >= {"customers.csv", "events.csv", "report_options.csv"}
    with open(folder / "customers.csv", encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle))[1][1] == "'=1+1"
    assert "wrote" in window.status.text()
    database.close()
