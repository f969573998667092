"""The store's tables and the report's tables as CSV files in a folder, safe to open in a
spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
single quote in front (OWASP's advice against CSV injection), so a spreadsheet shows it as text
and never runs it as a formula: a customer named ``=HYPERLINK("http://x")`` stays a name. That
holds for every cell, numbers included (a negative number reads as text). Thumbnails are not
written (their size in bytes is); dates and times are ISO 8601. Each file is written
atomically, row by row from the database, so a large events table is never held in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Table, func, select

from app.files import spreadsheet_text, write_atomically
from app.store.database import StoreDatabase
from app.store.report import StoreReport
from app.store.tables import (
    Customer,
    Event,
    Order,
    OrderLine,
    OrderLineChoice,
    Quote,
    SavedConfiguration,
)

ROWS_PER_FETCH = 10_000
# file name -> the table written to it, in this order
TABLES: dict[str, Table] = {
    "customers": Customer.__table__,
    "configurations": SavedConfiguration.__table__,
    "quotes": Quote.__table__,
    "orders": Order.__table__,
    "order_lines": OrderLine.__table__,
    "order_line_choices": OrderLineChoice.__table__,
    "events": Event.__table__,
}


def cell(value: object) -> str:
    """One value as the text of a CSV cell, defused when it could start a formula."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    else:
        text = str(value)
    return spreadsheet_text(text)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """``path`` as a CSV file (UTF-8, one header row), written atomically."""

    def write(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([cell(name) for name in header])
            writer.writerows([cell(value) for value in row] for row in rows)

    return write_atomically(Path(path), write, create_folder=True)


def _columns(table: Table) -> tuple[list[str], list]:
    names, columns = [], []
    for column in table.columns:
        if column.name == "thumbnail":
            names.append("thumbnail_bytes")
            columns.append(func.length(column))
        else:
            names.append(column.name)
            columns.append(column)
    return names, columns


def export_tables(database: StoreDatabase, folder: Path) -> list[Path]:
    """Every table of the store as ``<table>.csv`` in ``folder``; returns the files written."""
    written = []
    with database.engine.connect() as connection:
        for name, table in TABLES.items():
            header, columns = _columns(table)
            order = list(table.primary_key.columns)
            result = connection.execution_options(stream_results=True,
                                                  yield_per=ROWS_PER_FETCH).execute(
                select(*columns).order_by(*order))
            written.append(write_csv(Path(folder) / f"{name}.csv", header, result))
    return written


def export_report(report: StoreReport, folder: Path) -> list[Path]:
    """The report's tables as ``report_*.csv`` in ``folder``; returns the files written."""
    return [write_csv(Path(folder) / f"{name}.csv", header, rows)
            for name, (header, rows) in report.tables().items()]
