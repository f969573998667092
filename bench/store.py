"""The store under a shop's history: suggestions, the report and event recording, timed on
SQLite and PostgreSQL.

Each database is filled with synthetic orders over the built-in catalog (100,000 orders by
default, one to three lines each, >= 2,000 distinct customers, a fifth of the lines a preset's
look, about a third personalized, and planted rules such as "fire-red golf carts get black trim")
and with events (1,000,000 by default) over the last 52 weeks, by bulk inserts in chunks. Then:

- refresh_counts: making the suggestion counts of every product again (once, all stale);
- suggestions: app.store.suggestions.suggestions for one golf-cart configuration, p50 of 20;
- report: app.store.report.build_report over the whole history, p50 of 5 (and the first run);
- record: EventRecorder.record, p50/p95 of 10,000 calls with the writer thread storing them,
  with recording on and off.

PostgreSQL: a throwaway database ``showcraft_bench`` is made on the server of
``SHOWCRAFT_TEST_POSTGRES_URL`` (or ``--postgres URL``) and dropped afterwards (``--keep`` keeps
it, ``--reuse`` measures a kept one again without filling it). After filling, PostgreSQL gets
``VACUUM ANALYZE`` (what its autovacuum does to a database that has been in use); SQLite gets
nothing.

    .venv/bin/python bench/store.py [--orders 100000] [--events 1000000] [--no-postgres]
        [--no-sqlite] [--out bench/results/store.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POSTGRES_VARIABLE = "SHOWCRAFT_TEST_POSTGRES_URL"
BENCH_DATABASE = "showcraft_bench_store"
CHUNK = 10_000
WEEKS = 52
# planted rules: (product, when group, when choice, then group, then choice, probability)
PLANTED = [
    ("golf_cart", "body_colour", "fire_red", "trim", "black", 0.9),
    ("watch", "case_metal", "gold", "strap", "leather", 0.85),
    ("guitar", "finish", "surf_green", "pickguard", "mint", 0.8),
    ("mug", "glaze", "navy", "interior", "yellow", 0.8),
]
EVENT_KINDS = [("option_viewed", 35), ("choice_made", 33), ("product_opened", 10),
               ("personalization_added", 5), ("preset_used", 4), ("handoff", 3), ("quote", 1),
               ("order", 2), ("session_length", 7)]


def _pcts(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
            "max": ordered[-1]}


class History:
    """Synthetic order lines of the built-in products, made once and cached by look."""

    def __init__(self, seed: int = 1815):
        from app.catalog.catalog import load_catalog
        from app.project import BUILT_IN_ROOT

        self.random = random.Random(seed)
        catalog = load_catalog(BUILT_IN_ROOT)
        self.products = [p for p in catalog.products.values() if p.options]
        self._looks: dict[tuple, tuple] = {}

    def selections(self, product) -> tuple[dict[str, str], str | None]:
        from app.domain.configuration import Configuration, complete

        rnd = self.random
        if product.presets and rnd.random() < 0.2:
            preset = rnd.choice(product.presets)
            base = complete(Configuration(product_id=product.id), product).selections
            return {**base, **preset.selections}, preset.id
        chosen = {g.id: rnd.choice([c.id for c in g.choices if c.id != "custom"])
                  for g in product.options}
        for pid, group, choice, then_group, then_choice, p in PLANTED:
            if pid == product.id and chosen.get(group) == choice and rnd.random() < p:
                chosen[then_group] = then_choice
        if product.id == "golf_cart":  # its rules: lift kit and black trim need off-road wheels
            if chosen.get("lift_kit") == "lifted" or chosen.get("trim") == "black":
                chosen["wheels"] = "offroad"
        return chosen, None

    def look(self, product, selections: dict[str, str]) -> tuple[str, str, object, str]:
        """(share code, configuration JSON, unit price, currency) of a look, cached."""
        from app.domain.configuration import Configuration, complete
        from app.domain.pricing import price_breakdown
        from app.domain.share_code import encode_share_code

        key = (product.id, tuple(sorted(selections.items())))
        known = self._looks.get(key)
        if known is None:
            configuration = complete(Configuration(product_id=product.id,
                                                   selections=selections), product)
            prices = price_breakdown(configuration, product)
            known = (encode_share_code(configuration, product), configuration.to_json(),
                     prices.total, prices.currency)
            self._looks[key] = known
        return known


def fill(database, orders: int, events: int, customers: int, seed: int = 1815) -> dict:
    from sqlalchemy import insert

    from app.store.products import remember_product
    from app.store.tables import (
        CountsState,
        Customer,
        Event,
        Order,
        OrderLine,
        OrderLineChoice,
    )

    history = History(seed)
    rnd = history.random
    today = date.today()
    first_day = today - timedelta(weeks=WEEKS)
    now = datetime.now(UTC)
    start = time.perf_counter()
    with database.transaction() as session:
        hashes = {p.id: remember_product(session, p) for p in history.products}
    keys = [f"{i:032x}" for i in range(1, customers + 1)]
    with database.transaction() as session:
        for at in range(0, customers, CHUNK):
            session.execute(insert(Customer), [
                {"id": i + 1, "name": f"Customer {i + 1}", "email": f"c{i + 1}@example.com",
                 "consent": True, "buyer_key": keys[i], "created_at": now}
                for i in range(at, min(customers, at + CHUNK))])
    line_id = 0
    order_rows, line_rows, choice_rows = [], [], []

    def flush_orders():
        with database.transaction() as session:
            session.execute(insert(Order), order_rows)
            session.execute(insert(OrderLine), line_rows)
            session.execute(insert(OrderLineChoice), choice_rows)
        order_rows.clear()
        line_rows.clear()
        choice_rows.clear()

    for order_id in range(1, orders + 1):
        customer = rnd.randrange(customers)
        order_rows.append({
            "id": order_id, "external_id": None, "customer_id": customer + 1,
            "buyer_key": keys[customer], "source": "app", "document": None, "created_at": now,
            "ordered_on": first_day + timedelta(days=rnd.randrange(WEEKS * 7 + 1))})
        for _ in range(rnd.choice((1, 1, 1, 2, 2, 3))):
            line_id += 1
            product = rnd.choice(history.products)
            selections, preset = history.selections(product)
            share_code, configuration, price, currency = history.look(product, selections)
            line_rows.append({
                "id": line_id, "order_id": order_id, "product_id": product.id,
                "product_hash": hashes[product.id], "share_code": share_code,
                "configuration": configuration, "preset_id": preset,
                "personalized": bool(product.zones) and rnd.random() < 0.35,
                "quantity": rnd.choice((1, 1, 1, 1, 2, 3)), "unit_price": price,
                "currency": currency, "problem": None})
            choice_rows.extend({"order_line_id": line_id, "group_id": g, "choice_id": c,
                                "product_id": product.id} for g, c in sorted(selections.items()))
        if len(order_rows) >= CHUNK:
            flush_orders()
    if order_rows:
        flush_orders()
    with database.transaction() as session:
        for product in history.products:
            state = session.get(CountsState, product.id)
            if state is None:
                session.add(CountsState(product_id=product.id, stale=True))
            else:
                state.stale = True
    orders_s = time.perf_counter() - start

    start = time.perf_counter()
    kinds = [k for k, _ in EVENT_KINDS]
    weights = [w for _, w in EVENT_KINDS]
    span = WEEKS * 7 * 86400
    origin = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    session_key = f"{rnd.getrandbits(128):032x}"
    for at in range(0, events, CHUNK):
        n = min(events, at + CHUNK) - at
        rows = []
        for kind in rnd.choices(kinds, weights, k=n):
            if rnd.random() < 0.05:
                session_key = f"{rnd.getrandbits(128):032x}"
            when = origin + timedelta(seconds=rnd.randrange(span))
            product = rnd.choice(history.products)
            group = rnd.choice(product.options)
            rows.append({
                "at": when, "day": when.date(), "kind": kind,
                "window": "kiosk" if rnd.random() < 0.3 else "desktop",
                "session_key": session_key, "product_id": product.id,
                "group_id": group.id if kind in ("option_viewed", "choice_made") else None,
                "choice_id": group.choices[0].id if kind == "choice_made" else None,
                "preset_id": product.presets[0].id
                if kind == "preset_used" and product.presets else None,
                "value": rnd.uniform(30, 900) if kind == "session_length" else None})
        with database.transaction() as session:
            session.execute(insert(Event), rows)
    events_s = time.perf_counter() - start
    start = time.perf_counter()
    with database.transaction() as session:  # the bulk rows went around the recorders
        from app.store.daily_totals import rebuild_daily_totals

        rebuild_daily_totals(session)
        if session.get_bind().dialect.name == "postgresql":  # ids were given: move sequences on
            from sqlalchemy import text

            for table in ("customers", "orders", "order_lines", "events"):
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    totals_s = time.perf_counter() - start
    return {"orders": orders, "order_lines": line_id, "customers": customers,
            "events": events, "fill_orders_s": round(orders_s, 1),
            "fill_events_s": round(events_s, 1), "daily_totals_s": round(totals_s, 1)}


def measure(database, records: int) -> dict:
    from sqlalchemy import select, update

    from app.catalog.catalog import load_catalog
    from app.domain.configuration import Configuration
    from app.project import BUILT_IN_ROOT
    from app.store.events import EventRecorder
    from app.store.outbox import Outbox
    from app.store.report import build_report
    from app.store.sales_counts import refresh_counts
    from app.store.suggestions import suggestions
    from app.store.tables import CountsState

    result: dict = {}
    catalog = load_catalog(BUILT_IN_ROOT)
    with database.transaction() as session:  # every product's counts made again (--reuse)
        session.execute(update(CountsState).values(stale=True))
    start = time.perf_counter()
    with database.transaction() as session:
        done = refresh_counts(session)
    result["refresh_counts_s"] = time.perf_counter() - start
    result["refresh_counts_products"] = len(done)

    cart = catalog.product("golf_cart")
    look = Configuration(product_id="golf_cart",
                         selections={"body_colour": "fire_red", "trim": "chrome",
                                     "wheels": "offroad"})
    times = []
    found = {}
    for _ in range(21):
        with database.transaction() as session:
            start = time.perf_counter()
            found = suggestions(session, cart, look)
            times.append(time.perf_counter() - start)
    result["suggestions_ms"] = {k: v * 1000 for k, v in _pcts(times[1:]).items()}
    result["suggestions_first_ms"] = times[0] * 1000
    result["suggested"] = {g: f"{s.choice_id} (with {s.because_group}={s.because_choice}, "
                              f"confidence {s.confidence:.2f}, lift {s.lift:.2f}, "
                              f"{s.buyers} buyers)" for g, s in found.items()}

    times, cpu = [], []
    for _ in range(6):
        with database.transaction() as session:
            start, start_cpu = time.perf_counter(), time.process_time()
            report = build_report(session)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    result["report_s"] = _pcts(times[1:])
    # this process's CPU time: all of SQLite's work, only the client's share for PostgreSQL
    result["report_process_cpu_s"] = _pcts(cpu[1:])
    result["report_first_s"] = times[0]
    result["report_weeks"] = len(report.weeks)
    result["report_best_preset"] = list(report.best_presets(1)[0][:3]) if report.presets \
        else None

    # an order placed in the app: its lines added to the daily totals and the suggestion counts
    from app.store.orders import LineItem, record_order
    from app.store.tables import Customer

    with database.transaction() as session:
        buyers = list(session.scalars(select(Customer.id).order_by(Customer.id).limit(21)))
    times = []
    for buyer in buyers:
        with database.transaction() as session:
            start = time.perf_counter()
            record_order(session, [LineItem.of(cart, look)], customer_id=buyer)
            session.flush()
            times.append(time.perf_counter() - start)
    result["record_order_ms"] = {k: v * 1000 for k, v in _pcts(times[1:]).items()}

    for enabled in (True, False):
        with tempfile.TemporaryDirectory() as folder:
            recorder = EventRecorder(database, Outbox(Path(folder)), "desktop",
                                     enabled=enabled, flush_seconds=0.25)
            times = []
            try:
                for i in range(records):
                    start = time.perf_counter()
                    recorder.record("choice_made", product_id="golf_cart",
                                    group_id="body_colour", choice_id="fire_red")
                    times.append(time.perf_counter() - start)
                    if i % 20 == 0:
                        time.sleep(0.002)  # clicks come apart; the writer runs between them
            finally:
                recorder.close()
        result["record_on_us" if enabled else "record_off_us"] = {
            k: v * 1e6 for k, v in _pcts(times).items()}
    return result


def _postgres_database_url(server_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _admin(server_url: str, statement: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    with psycopg.connect(host=url.host or "localhost", port=url.port or 5432, user=url.username,
                         password=url.password, dbname=url.database, autocommit=True) as conn:
        conn.execute(statement)


def _counts(database) -> dict[str, int]:
    from sqlalchemy import func, select

    from app.store.tables import Base

    with database.transaction() as session:
        return {name: session.scalar(select(func.count()).select_from(table))
                for name, table in Base.metadata.tables.items()}


def run_one(name: str, url: str, args, reuse: bool) -> dict:
    from sqlalchemy import func, select, text

    from app.store.database import head_revision, open_store
    from app.store.tables import Order

    database = open_store(url, migrate=False)
    try:
        upgrade = None
        before = database.revision()
        if before is not None and before != head_revision():
            counts = _counts(database)
            start = time.perf_counter()
            database.migrate()
            upgrade = {"from": before, "to": database.revision(),
                       "s": round(time.perf_counter() - start, 2),
                       "rows_kept": _counts(database) == counts}
            print(f"{name}: migrated {before} -> {database.revision()} in {upgrade['s']} s, "
                  f"every row kept: {upgrade['rows_kept']}", flush=True)
        database.migrate()
        with database.transaction() as session:
            present = session.scalar(select(func.count()).select_from(Order))
        if reuse and present == args.orders:
            held = _counts(database)
            filled = {"orders": present, "order_lines": held["order_lines"],
                      "customers": held["customers"], "events": held["events"], "reused": True}
        else:
            if present:
                raise SystemExit(f"{name}: the database already holds {present} orders")
            print(f"{name}: filling ...", flush=True)
            filled = fill(database, args.orders, args.events, args.customers)
            print(f"{name}: filled in {filled['fill_orders_s']} + {filled['fill_events_s']} s",
                  flush=True)
        if database.engine.dialect.name == "postgresql":
            with database.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE"))
        print(f"{name}: measuring ...", flush=True)
        return {"database": name, **filled, "upgrade": upgrade, "load_before": os.getloadavg(),
                **measure(database, args.records), "load_after": os.getloadavg()}
    finally:
        database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--sqlite", type=Path, default=None,
                        help="the SQLite file (default: a temporary one)")
    parser.add_argument("--postgres", default=os.environ.get(POSTGRES_VARIABLE),
                        help=f"a PostgreSQL server URL (default: ${POSTGRES_VARIABLE})")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--reuse", action="store_true",
                        help="measure kept databases of the same size again, without filling")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/store.json")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))

    results = []
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            path = args.sqlite or Path(folder) / "bench.sqlite3"
            results.append(run_one("sqlite", f"sqlite:///{path}", args, args.reuse))
    if not args.no_postgres:
        if not args.postgres:
            print(f"PostgreSQL skipped: set {POSTGRES_VARIABLE} or --postgres")
        else:
            if not args.reuse:
                _admin(args.postgres, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
                _admin(args.postgres, f"CREATE DATABASE {BENCH_DATABASE}")
            try:
                results.append(run_one("postgresql",
                                       _postgres_database_url(args.postgres, BENCH_DATABASE),
                                       args, args.reuse))
            finally:
                if not args.keep:
                    _admin(args.postgres, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")

    print(f"\n{'database':11s} {'orders':>7s} {'events':>8s} {'refresh s':>9s} "
          f"{'suggest p50 ms':>14s} {'report p50 s':>12s} {'(cpu s)':>7s} "
          f"{'order ms':>8s} {'record on p50/p95 us':>21s} {'off p50/p95 us':>15s}")
    for r in results:
        on, off = r["record_on_us"], r["record_off_us"]
        print(f"{r['database']:11s} {r['orders']:7d} {r.get('events', 0):8d} "
              f"{r['refresh_counts_s']:9.2f} {r['suggestions_ms']['p50']:14.2f} "
              f"{r['report_s']['p50']:12.3f} {r['report_process_cpu_s']['p50']:7.3f} "
              f"{r['record_order_ms']['p50']:8.1f} {on['p50']:10.1f}/{on['p95']:<10.1f} "
              f"{off['p50']:6.1f}/{off['p95']:<8.1f}")
        for group, text in r["suggested"].items():
            print(f"    suggested {group}: {text}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": platform.machine(), "cpus": os.cpu_count(),
                                    "results": results}, indent=2, default=str))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
