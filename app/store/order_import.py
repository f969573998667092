"""Orders from a shop system's CSV file: ``order_id,date,customer_email,share_code,quantity``
(other columns ignored; rows with the same order id are lines of one order).

A row whose share code names a product or a choice the catalog no longer has is kept, flagged
with why; a row that is malformed (no order id, a date that is not YYYY-MM-DD, a quantity that is
not 1..10000) is reported with its line and not imported. An order id already in the store is
skipped, so a file can be imported again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.configuration import complete, configuration_problems
from app.domain.product import Product
from app.domain.share_code import decode_share_code, share_code_product
from app.errors import AppError, ConfigurationError
from app.limits import read_limited
from app.store.customers import clean_email, create_customer, customer_by_email
from app.store.orders import MAX_QUANTITY, LineItem, record_order
from app.store.tables import Order

COLUMNS = ("order_id", "date", "customer_email", "share_code", "quantity")
MAX_CSV_BYTES = 500_000_000
MAX_FIELD_CHARS = 4096
IMPORTED_NAME = "(imported order)"


@dataclass
class ImportReport:
    orders: int = 0
    lines: int = 0
    flagged: int = 0
    skipped_known: int = 0
    problems: list[AppError] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    order_id: str
    day: date
    email: str | None
    share_code: str
    quantity: int


def import_orders(session: Session, path: Path, products: Mapping[str, Product]
                  ) -> ImportReport:
    source = str(path)
    data = read_limited(path, MAX_CSV_BYTES, source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AppError("expected a UTF-8 CSV file", file=source) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise AppError(f"expected the columns {', '.join(COLUMNS)}; missing "
                       f"{', '.join(missing)}", file=source, field="header")
    report = ImportReport()
    orders: dict[str, list[_Row]] = {}
    try:
        for record in reader:
            row = _row(record, reader.line_num, source, report)
            if row is not None:
                orders.setdefault(row.order_id, []).append(row)
    except csv.Error as exc:
        raise AppError(f"not a readable CSV file: {exc}", file=source,
                       field=f"line {reader.line_num}") from None
    known = set(session.scalars(select(Order.external_id)
                                .where(Order.external_id.in_(list(orders)))))
    for order_id, rows in orders.items():
        if order_id in known:
            report.skipped_known += 1
            continue
        items = [_item(row, products) for row in rows]
        email = rows[0].email
        buyer = None
        if email is not None:
            buyer = customer_by_email(session, email) or create_customer(
                session, IMPORTED_NAME, email)
        record_order(session, items, customer_id=None if buyer is None else buyer.id,
                     ordered_on=rows[0].day, source="import", external_id=order_id,
                     count=False)  # the counts are made again once, after the import
        report.orders += 1
        report.lines += len(items)
        report.flagged += sum(item.problem is not None for item in items)
    return report


def _row(record: dict, line: int, source: str, report: ImportReport) -> _Row | None:
    def problem(message: str, column: str) -> None:
        report.problems.append(AppError(message, file=source, field=f"line {line}: {column}"))

    values = {c: (record.get(c) or "").strip() for c in COLUMNS}
    for column, value in values.items():
        if len(value) > MAX_FIELD_CHARS:
            problem(f"longer than {MAX_FIELD_CHARS} characters", column)
            return None
    if not values["order_id"] or len(values["order_id"]) > 100:
        problem("expected an order id of 1 to 100 characters", "order_id")
        return None
    try:
        day = date.fromisoformat(values["date"])
    except ValueError:
        problem(f"expected a date as YYYY-MM-DD, got {values['date'][:40]!r}", "date")
        return None
    try:
        quantity = int(values["quantity"] or "1")
        if not 1 <= quantity <= MAX_QUANTITY:
            raise ValueError
    except ValueError:
        problem(f"expected a whole number from 1 to {MAX_QUANTITY}", "quantity")
        return None
    try:
        email = clean_email(values["customer_email"])
    except AppError as exc:
        problem(exc.message, "customer_email")
        return None
    if not values["share_code"]:
        problem("expected a share code", "share_code")
        return None
    return _Row(line, values["order_id"], day, email, values["share_code"], quantity)


def _item(row: _Row, products: Mapping[str, Product]) -> LineItem:
    try:
        product_id = share_code_product(row.share_code)
    except ConfigurationError as exc:
        return LineItem("unknown", row.share_code, row.quantity, problem=exc.message)
    product = products.get(product_id)
    if product is None:
        return LineItem(product_id, row.share_code, row.quantity,
                        problem=f"the catalog has no product '{product_id[:64]}'")
    try:
        configuration = complete(decode_share_code(row.share_code, product), product)
    except ConfigurationError as exc:
        return LineItem(product_id, row.share_code, row.quantity, problem=exc.message)
    problems = configuration_problems(configuration, product)
    if problems:
        return LineItem(product_id, row.share_code, row.quantity, problem=str(problems[0]))
    return LineItem.of(product, configuration, row.quantity)
