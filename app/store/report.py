"""The shop's report: what sells and how people get there, per ISO week.

From the order lines that still read against the catalog (``problem`` is None): the choices made
per option group, the revenue of each option (quantity x unit price of the lines that chose it),
the attach rate of personalization (the share of lines with any) and the best-selling presets.
From the events: how many of each kind, and the funnel from product opened to hand-off to order.

It reads the daily totals (app.store.daily_totals), which orders and events add to as they are
recorded, and rolls the days up into ISO weeks here. No Qt.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.event_records import EventKind
from app.store.tables import DailyEvents, DailyLineSales, DailyOptionSales

CENT = Decimal("0.01")
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


def _between(column, first: date | None, last: date | None) -> list:
    return ([] if first is None else [column >= first]) + ([] if last is None else
                                                          [column <= last])


def build_report(session: Session, *, weeks: int | None = None, today: date | None = None
                 ) -> StoreReport:
    """The report over the last ``weeks`` ISO weeks up to ``today``'s (None: all history),
    read from the daily totals (a few rows a day, however many orders and events)."""
    first = report_start(weeks, today or date.today())
    last = None if first is None else (today or date.today())
    o, s, e = DailyOptionSales, DailyLineSales, DailyEvents
    option_rows = session.execute(
        select(o.day, o.product_id, o.group_id, o.choice_id, o.lines, o.units, o.revenue)
        .where(*_between(o.day, first, last))).all()
    line_rows = session.execute(
        select(s.day, s.product_id, s.personalized, s.preset_id, s.currency, s.lines,
               s.units, s.revenue).where(*_between(s.day, first, last))).all()
    event_rows = session.execute(
        select(e.day, e.kind, e.count).where(*_between(e.day, first, last))).all()

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
        sold = sales[(week, product, currency)]
        sold[0] += lines
        sold[1] += units or 0
        sold[2] += revenue or 0
        attach[(week, product)][0] += lines
        if personalized:
            attach[(week, product)][1] += lines
        if preset:
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
