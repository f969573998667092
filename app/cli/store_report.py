"""``app store report``: the shop's report as a PDF with charts, its tables (and every table of
the store) as CSV files, and a short table on standard output."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.errors import AppError
from app.store.database import StoreDatabase
from app.store.report import StoreReport, build_report

DEFAULT_PDF = Path("report.pdf")


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=DEFAULT_PDF, metavar="FILE.pdf",
                        help=f"the report as a PDF with charts (default: {DEFAULT_PDF})")
    parser.add_argument("--csv-dir", type=Path, default=None, metavar="DIR",
                        help="also write every table of the store and of the report as CSV "
                             "files into DIR (made if missing)")
    parser.add_argument("--weeks", type=_weeks, default=None, metavar="N",
                        help="only the last N ISO weeks, this one included (default: all)")


def _weeks(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number of weeks, at least 1")
    return value


def run_store_report(args: argparse.Namespace, database: StoreDatabase) -> int:
    from app.store.report_pdf import write_report_pdf

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise AppError("expected a file name ending in .pdf", file=str(out), field="--out")
    with database.transaction() as session:
        report = build_report(session, weeks=args.weeks)
    print_summary(report)
    print(f"wrote {write_report_pdf(report, out)}")
    if args.csv_dir is not None:
        from app.store.report_csv import export_report, export_tables

        files = export_tables(database, args.csv_dir) + export_report(report, args.csv_dir)
        print(f"wrote {len(files)} CSV files into {args.csv_dir}")
    return 0


def print_summary(report: StoreReport) -> None:
    """Per week: products opened, hand-offs, orders (events), order lines and the share
    personalized; then the best-selling presets."""
    if not report.weeks:
        print("no orders or events in the store for this period")
        return
    funnel = {r.week: r for r in report.funnel}
    lines: dict[str, list[int]] = {}
    for row in report.attach:
        total = lines.setdefault(row.week, [0, 0])
        total[0] += row.lines
        total[1] += row.personalized
    print(f"{'week':9s} {'opened':>8s} {'hand-offs':>9s} {'orders':>7s} {'lines':>7s} "
          f"{'personalized':>12s}")
    for week in report.weeks:
        f = funnel.get(week)
        n, p = lines.get(week, (0, 0))
        share = f"{p / n:.0%}" if n else "-"
        print(f"{week:9s} {f.opened if f else 0:8d} {f.handoffs if f else 0:9d} "
              f"{f.orders if f else 0:7d} {n:7d} {share:>12s}")
    best = report.best_presets(5)
    if best:
        print("best-selling presets: " + ", ".join(f"{p}/{s} ({u})" for p, s, u, _ in best))
