"""The shop's report: what sells and how people get there, per ISO week.

From the order lines that still read against the catalog (``problem`` is None): the choices made
per option group, the revenue of each option (quantity x unit price of the lines that chose it),
the attach rate of personalization (the share of lines with any) and the best-selling presets.
From the events: how many of each kind, and the funnel from product opened to hand-off to order.

The database does the counting, grouped by day (``orders.ordered_on``, ``events.day``); the days
are rolled up into ISO weeks here, so the same SQL runs on SQLite and PostgreSQL. No Qt.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session

from app.store.event_records import EventKind
from app.store.tables import Event, Order, OrderLine, OrderLineChoice

CENT = Decimal("0.01")
READERS = 2  # connections the report reads through at once
POSTGRES_WORK_MEM = "64MB"
FUNNEL = (EventKind.product_opened.value, EventKind.handoff.value, EventKind.order.value)


@lru_cache(maxsize=4096)
def iso_week(day: date) -> str:
    """``2026-W05``: the ISO year and week of ``day`` (labels sort in time order)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(label: str) -> date:
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


@dataclass(frozen=True)
class OptionRow:
    """One choice of an option group in one week: lines that chose it, units, revenue."""

    week: str
    product_id: str
    group_id: str
    choice_id: str
    currency: str
    lines: int
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class AttachRow:
    """A product's order lines in one week, and how many of them were personalized."""

    week: str
    product_id: str
    lines: int
    personalized: int

    @property
    def rate(self) -> float:
        return self.personalized / self.lines if self.lines else 0.0


@dataclass(frozen=True)
class SalesRow:
    """A product's readable order lines in one week: lines, units and revenue."""

    week: str
    product_id: str
    currency: str
    lines: int
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class PresetRow:
    week: str
    product_id: str
    preset_id: str
    lines: int
    units: int


@dataclass(frozen=True)
class FunnelRow:
    """Events of one week: products opened, hand-offs, orders."""

    week: str
    opened: int
    handoffs: int
    orders: int

    @property
    def handoff_rate(self) -> float:
        return self.handoffs / self.opened if self.opened else 0.0

    @property
    def order_rate(self) -> float:
        return self.orders / self.opened if self.opened else 0.0


@dataclass(frozen=True)
class StoreReport:
    since: date | None  # the first day counted (None: all history)
    weeks: tuple[str, ...]  # every week with orders or events, oldest first
    options: tuple[OptionRow, ...]
    attach: tuple[AttachRow, ...]
    sales: tuple[SalesRow, ...]
    presets: tuple[PresetRow, ...]
    funnel: tuple[FunnelRow, ...]
    events: dict[str, dict[str, int]] = field(default_factory=dict)  # week -> kind -> count

    # --- totals over all the weeks of the report ---

    def choices_per_group(self) -> dict[tuple[str, str], dict[str, int]]:
        """(product, group) -> choice -> order lines, most chosen first."""
        totals: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in self.options:
            totals[(row.product_id, row.group_id)][row.choice_id] += row.lines
        return {key: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
                for key, counts in sorted(totals.items())}

    def revenue_by_option(self) -> list[tuple[str, str, str, str, Decimal]]:
        """(product, group, choice, currency, revenue), the highest first."""
        totals: dict[tuple[str, str, str, str], Decimal] = defaultdict(Decimal)
        for row in self.options:
            totals[(row.product_id, row.group_id, row.choice_id, row.currency)] += row.revenue
        return sorted(((*key, value) for key, value in totals.items()),
                      key=lambda r: (-r[4], r[:4]))

    def attach_rates(self) -> dict[str, tuple[int, int, float]]:
        """product -> (lines, personalized lines, rate); ``""`` for all products."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.attach:
            for key in (row.product_id, ""):
                totals[key][0] += row.lines
                totals[key][1] += row.personalized
        return {key: (n, p, p / n if n else 0.0) for key, (n, p) in sorted(totals.items())}

    def best_presets(self, limit: int | None = None) -> list[tuple[str, str, int, int]]:
        """(product, preset, units, lines), the most sold first."""
        totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for row in self.presets:
            totals[(row.product_id, row.preset_id)][0] += row.units
            totals[(row.product_id, row.preset_id)][1] += row.lines
        ranked = sorted(((p, s, u, n) for (p, s), (u, n) in totals.items()),
                        key=lambda r: (-r[2], -r[3], r[0], r[1]))
        return ranked[:limit] if limit is not None else ranked

    def funnel_total(self) -> FunnelRow:
        return FunnelRow("all", sum(r.opened for r in self.funnel),
                         sum(r.handoffs for r in self.funnel), sum(r.orders for r in self.funnel))

    def tables(self) -> dict[str, tuple[list[str], list[list]]]:
        """The report as tables (name -> header, rows), for CSV."""
        return {
            "report_options": (
                ["week", "product_id", "group_id", "choice_id", "currency", "lines", "units",
                 "revenue"],
                [[r.week, r.product_id, r.group_id, r.choice_id, r.currency, r.lines, r.units,
                  r.revenue] for r in self.options]),
            "report_attach_rate": (
                ["week", "product_id", "lines", "personalized_lines", "attach_rate"],
                [[r.week, r.product_id, r.lines, r.personalized, f"{r.rate:.4f}"]
                 for r in self.attach]),
            "report_sales": (
                ["week", "product_id", "currency", "lines", "units", "revenue"],
                [[r.week, r.product_id, r.currency, r.lines, r.units, r.revenue]
                 for r in self.sales]),
            "report_presets": (
                ["week", "product_id", "preset_id", "lines", "units"],
                [[r.week, r.product_id, r.preset_id, r.lines, r.units] for r in self.presets]),
            "report_funnel": (
                ["week", "product_opened", "handoff", "order", "handoff_rate", "order_rate"],
                [[r.week, r.opened, r.handoffs, r.orders, f"{r.handoff_rate:.4f}",
                  f"{r.order_rate:.4f}"] for r in self.funnel]),
            "report_events": (
                ["week", *[k.value for k in EventKind]],
                [[week, *[counts.get(k.value, 0) for k in EventKind]]
                 for week, counts in sorted(self.events.items())]),
        }


def report_start(weeks: int | None, today: date) -> date | None:
    """The Monday ``weeks`` ISO weeks back, counting the week of ``today`` as the last."""
    if weeks is None:
        return None
    if weeks < 1:
        raise ValueError("expected at least one week")
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=weeks - 1)


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _options_query(first: date | None, last: date | None):
    """A choice's lines, units and revenue per day: the widest query (one row per choice of
    each line), so it groups by as few columns as it can."""
    return (
        select(Order.ordered_on, OrderLineChoice.product_id, OrderLineChoice.group_id,
               OrderLineChoice.choice_id, func.count(), func.sum(OrderLine.quantity),
               func.sum(OrderLine.quantity * OrderLine.unit_price))
        .select_from(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .join(OrderLineChoice, OrderLineChoice.order_line_id == OrderLine.id)
        .where(OrderLine.problem.is_(None), *_between(Order.ordered_on, first, last))
        .group_by(Order.ordered_on, OrderLineChoice.product_id, OrderLineChoice.group_id,
                  OrderLineChoice.choice_id))


def _lines_query(first: date | None, last: date | None):
    return (
        select(Order.ordered_on, OrderLine.product_id, OrderLine.personalized,
               OrderLine.preset_id, OrderLine.currency, func.count(),
               func.sum(OrderLine.quantity), func.sum(OrderLine.quantity * OrderLine.unit_price))
        .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.problem.is_(None), *_between(Order.ordered_on, first, last))
        .group_by(Order.ordered_on, OrderLine.product_id, OrderLine.personalized,
                  OrderLine.preset_id, OrderLine.currency))


def _events_query(first: date | None, last: date | None):
    return (select(Event.day, Event.kind, func.count())
            .where(*_between(Event.day, first, last)).group_by(Event.day, Event.kind))


def _between(column, first: date | None, last: date | None) -> list:
    return ([] if first is None else [column >= first]) + ([] if last is None else
                                                          [column <= last])


def _prepare(connection: Connection) -> None:
    """PostgreSQL: room for the grouping in memory (it misjudges the number of groups by far
    and would spill to disk), for this transaction only."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SET LOCAL work_mem = '{POSTGRES_WORK_MEM}'"))


def _read_apart(engine: Engine, query) -> list:
    with engine.connect() as connection:
        _prepare(connection)
        return list(connection.execute(query))


def _apart(session: Session) -> Engine | None:
    """The engine when the report may read through connections of its own (not an in-memory
    SQLite database, which each connection would see empty)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    if engine is None:
        return None
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return None
    return engine


def _run(session: Session, queries: list, readers: int) -> list[list]:
    engine = _apart(session) if readers > 1 else None
    if engine is None:
        connection = session.connection()
        _prepare(connection)
        return [list(connection.execute(query)) for query in queries]
    with ThreadPoolExecutor(readers, thread_name_prefix="store report") as pool:
        return list(pool.map(lambda query: _read_apart(engine, query), queries))


def build_report(session: Session, *, weeks: int | None = None, today: date | None = None,
                 readers: int = READERS) -> StoreReport:
    """The report over the last ``weeks`` ISO weeks up to ``today``'s (None: all history).

    With ``readers`` > 1 the queries run at once on that many connections of their own (the
    widest one split in two halves of the period), so they read what is committed; 1 reads
    through ``session`` alone."""
    first = report_start(weeks, today or date.today())
    last = None if first is None else (today or date.today())
    halves: list[tuple[date | None, date | None]] = [(first, last)]
    if readers > 1:
        low, high = session.execute(select(func.min(Order.ordered_on),
                                           func.max(Order.ordered_on))
                                    .where(*_between(Order.ordered_on, first, last))).one()
        if low is not None and high > low:
            middle = low + (high - low) / 2
            halves = [(low, middle), (middle + timedelta(days=1), high)]
    results = _run(session, [*(_options_query(a, b) for a, b in halves),
                             _lines_query(first, last), _events_query(first, last)], readers)
    option_rows = [row for part in results[:len(halves)] for row in part]
    line_rows, event_rows = results[len(halves):]

    options: dict[tuple, list] = defaultdict(lambda: [0, 0, 0])
    for day, product, group, choice, lines, units, revenue in option_rows:
        total = options[(iso_week(day), product, group, choice)]
        total[0] += lines
        total[1] += units or 0
        total[2] += revenue or 0  # float (SQLite) or Decimal (PostgreSQL), rounded at the end

    attach: dict[tuple, list] = defaultdict(lambda: [0, 0])
    sales: dict[tuple, list] = defaultdict(lambda: [0, 0, 0])
    presets: dict[tuple, list] = defaultdict(lambda: [0, 0])
    for day, product, personalized, preset, currency, lines, units, revenue in line_rows:
        week = iso_week(day)
        sold = sales[(week, product, currency or "")]
        sold[0] += lines
        sold[1] += units or 0
        sold[2] += revenue or 0
        attach[(week, product)][0] += lines
        if personalized:
            attach[(week, product)][1] += lines
        if preset is not None:
            presets[(week, product, preset)][0] += lines
            presets[(week, product, preset)][1] += int(units or 0)

    events: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, kind, count in event_rows:
        events[iso_week(day)][kind] += count

    # an option's revenue is in its product's currency (the one most of its lines are in)
    in_currency: dict[tuple[str, str], int] = defaultdict(int)
    for (_week, product, money), (lines, _units, _revenue) in sales.items():
        in_currency[(product, money)] += lines
    currency: dict[str, str] = {}
    for (product, money), _lines in sorted(in_currency.items(), key=lambda kv: kv[1]):
        currency[product] = money
    weeks_seen = sorted({key[0] for key in options} | {key[0] for key in attach} | set(events))
    return StoreReport(
        since=first, weeks=tuple(weeks_seen),
        options=tuple(OptionRow(week, product, group, choice, currency.get(product, ""),
                                lines, int(units), _money(revenue))
                      for (week, product, group, choice), (lines, units, revenue)
                      in sorted(options.items())),
        attach=tuple(AttachRow(*key, n, p) for key, (n, p) in sorted(attach.items())),
        sales=tuple(SalesRow(*key, n, int(u), _money(r))
                    for key, (n, u, r) in sorted(sales.items())),
        presets=tuple(PresetRow(*key, n, u) for key, (n, u) in sorted(presets.items())),
        funnel=tuple(FunnelRow(week, *(events[week].get(k, 0) for k in FUNNEL))
                     for week in sorted(events)),
        events={week: dict(counts) for week, counts in sorted(events.items())})
