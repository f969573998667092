"""Totals per day that the shop's report reads instead of every order line and event: sums,
so each order and each batch of events adds to them as it is recorded (one upsert a row), and
they can be made again from the records whole (``rebuild_daily_totals``; the migration that
brought them in fills them so). Events deleted by retention stay counted here: the totals hold
no personal data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import Table, delete, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.store.tables import (
    DailyEvents,
    DailyLineSales,
    DailyOptionSales,
    Event,
    Order,
    OrderLine,
    OrderLineChoice,
)

_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert_add(session: Session, table: Table, keys: tuple[str, ...], rows: list[dict]) -> None:
    """Add each row's amounts to the row with its keys (made when missing)."""
    if not rows:
        return
    upsert = _UPSERT[session.get_bind().dialect.name](table)
    amounts = [c for c in rows[0] if c not in keys]
    session.execute(upsert.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: table.c[c] + upsert.excluded[c] for c in amounts}), rows)


def add_order_lines(session: Session, day, lines: Iterable[OrderLine]) -> None:
    """The readable lines of an order placed on ``day`` added to the totals."""
    options: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    sales: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    for line in lines:
        if line.problem is not None:
            continue
        revenue = (line.unit_price or Decimal(0)) * line.quantity
        total = sales[(line.product_id, bool(line.personalized), line.preset_id or "",
                       line.currency or "")]
        total[0] += 1
        total[1] += line.quantity
        total[2] += revenue
        for choice in line.choices:
            total = options[(line.product_id, choice.group_id, choice.choice_id)]
            total[0] += 1
            total[1] += line.quantity
            total[2] += revenue
    upsert_add(session, DailyOptionSales.__table__, ("day", "product_id", "group_id", "choice_id"),
         [{"day": day, "product_id": p, "group_id": g, "choice_id": c, "lines": n,
           "units": u, "revenue": r} for (p, g, c), (n, u, r) in options.items()])
    upsert_add(session, DailyLineSales.__table__,
         ("day", "product_id", "personalized", "preset_id", "currency"),
         [{"day": day, "product_id": p, "personalized": s, "preset_id": k, "currency": m,
           "lines": n, "units": u, "revenue": r} for (p, s, k, m), (n, u, r) in sales.items()])


def add_events(session: Session, rows: Iterable[dict]) -> None:
    """Event rows (with their ``day`` and ``kind``) added to the totals."""
    counts: dict[tuple, int] = defaultdict(int)
    for row in rows:
        counts[(row["day"], row["kind"])] += 1
    upsert_add(session, DailyEvents.__table__, ("day", "kind"),
         [{"day": d, "kind": k, "count": n} for (d, k), n in counts.items()])


def rebuild_daily_totals(session: Session) -> None:
    """Make every total again from the order lines and events there are (after bulk loads
    that went around ``record_order`` and the event recorder)."""
    for table in (DailyOptionSales, DailyLineSales, DailyEvents):
        session.execute(delete(table))
    revenue = func.sum(OrderLine.quantity * OrderLine.unit_price)
    readable = OrderLine.problem.is_(None)
    session.execute(insert(DailyOptionSales).from_select(
        ["day", "product_id", "group_id", "choice_id", "lines", "units", "revenue"],
        select(Order.ordered_on, OrderLineChoice.product_id, OrderLineChoice.group_id,
               OrderLineChoice.choice_id, func.count(), func.sum(OrderLine.quantity),
               func.coalesce(revenue, 0))
        .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id)
        .join(OrderLineChoice, OrderLineChoice.order_line_id == OrderLine.id)
        .where(readable)
        .group_by(Order.ordered_on, OrderLineChoice.product_id, OrderLineChoice.group_id,
                  OrderLineChoice.choice_id)))
    preset = func.coalesce(OrderLine.preset_id, literal(""))
    currency = func.coalesce(OrderLine.currency, literal(""))
    session.execute(insert(DailyLineSales).from_select(
        ["day", "product_id", "personalized", "preset_id", "currency", "lines", "units",
         "revenue"],
        select(Order.ordered_on, OrderLine.product_id, OrderLine.personalized, preset,
               currency, func.count(), func.sum(OrderLine.quantity),
               func.coalesce(revenue, 0))
        .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id).where(readable)
        .group_by(Order.ordered_on, OrderLine.product_id, OrderLine.personalized, preset,
                  currency)))
    session.execute(insert(DailyEvents).from_select(
        ["day", "kind", "count"],
        select(Event.day, Event.kind, func.count()).group_by(Event.day, Event.kind)))
