"""``app store``: the shop's database from the command line.

    app store init                       create the database (or bring its schema up to date)
    app store import-orders FILE.csv     orders from a shop system (order_id,date,...)
    app store suggest --product P [--set G=C ...] [--customer ID]
    app store report [--out report.pdf] [--csv-dir DIR]
    app store export-customer ID         everything about a customer, JSON on standard output
    app store erase-customer ID          a customer's personal data gone; orders kept anonymous

The database is ``--database URL``, else ``APP_DATABASE_URL``, else a SQLite file in the user's
data folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.errors import AppError


def add_store_parser(sub) -> None:
    parser = sub.add_parser("store", help="the shop's database: customers, orders, suggestions",
                            description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", metavar="URL", default=None,
                        help="sqlite:///FILE or postgresql://USER:PASSWORD@HOST/DB "
                             "(default: APP_DATABASE_URL, else the user's data folder)")
    commands = parser.add_subparsers(dest="store_command", required=True)
    commands.add_parser("init", help="create the database or bring its schema up to date")
    orders = commands.add_parser("import-orders", help="import orders from a CSV file")
    orders.add_argument("file", type=Path,
                        help="CSV with the columns order_id,date,customer_email,share_code,"
                             "quantity (others ignored)")
    suggest = commands.add_parser("suggest", help="print suggestions for a configuration")
    suggest.add_argument("--product", required=True, help="product id")
    suggest.add_argument("--set", action="append", default=[], metavar="GROUP=CHOICE",
                         help="a current choice (repeatable); the others are the defaults")
    suggest.add_argument("--customer", type=int, default=None, metavar="ID",
                         help="also what goes with this customer's own orders")
    from app.cli.store_report import add_report_arguments

    add_report_arguments(commands.add_parser("report", help="the shop's analytics as PDF/CSV"))
    export = commands.add_parser("export-customer",
                                 help="print everything about a customer as JSON")
    export.add_argument("customer_id", type=int, metavar="ID")
    erase = commands.add_parser("erase-customer",
                                help="erase a customer's personal data (orders kept anonymous)")
    erase.add_argument("customer_id", type=int, metavar="ID")


def run_store(args: argparse.Namespace, root: Path) -> int:
    from app.store.database import open_store, shown_url

    database = open_store(args.database)
    try:
        if args.store_command == "init":
            print(f"store ready: {shown_url(database.url)} (schema {database.revision()})")
            return 0
        if args.store_command == "report":
            from app.cli.store_report import run_store_report

            return run_store_report(args, database)
        if args.store_command == "export-customer":
            from app.store.privacy import export_customer

            with database.transaction() as session:
                data = export_customer(session, args.customer_id)
            json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
            print()
            return 0
        if args.store_command == "erase-customer":
            return _erase(database, args.customer_id)
        from app.project import open_project

        project = open_project(root)
        if args.store_command == "import-orders":
            return _import(database, args.file, project.catalog.products)
        return _suggest(database, args, project.catalog.products)
    finally:
        database.close()


def _import(database, path: Path, products) -> int:
    from app.session.problem_lines import problem_lines
    from app.store.order_import import import_orders
    from app.store.sales_counts import refresh_counts

    with database.transaction() as session:
        report = import_orders(session, path, products)
        refresh_counts(session)
    for line in problem_lines(report.problems, prefix="skipped: "):
        print(line, file=sys.stderr)
    print(f"imported {report.orders} orders ({report.lines} lines, {report.flagged} flagged: "
          f"product or choice no longer in the catalog); {report.skipped_known} already in "
          f"the store; {len(report.problems)} rows skipped")
    return 0


def _suggest(database, args: argparse.Namespace, products) -> int:
    from app.domain.configuration import complete, configuration_problems, default_configuration
    from app.errors import AppErrors
    from app.store.customer_suggestions import complements, usual_choices
    from app.store.suggestions import suggestions

    if args.product not in products:
        known = ", ".join(sorted(products)) or "none"
        raise AppError(f"unknown product '{args.product}' (known: {known})", field="--product")
    product = products[args.product]
    configuration = default_configuration(product)
    for item in args.set:
        group_id, sep, choice_id = item.partition("=")
        if not sep:
            raise AppError(f"expected GROUP=CHOICE, got '{item}'", field="--set")
        configuration = configuration.with_choice(group_id.strip(), choice_id.strip())
    configuration = complete(configuration, product)
    problems = configuration_problems(configuration, product)
    if problems:
        raise AppErrors(problems)
    with database.transaction() as session:
        found = suggestions(session, product, configuration)
        usual = {} if args.customer is None else usual_choices(session, args.customer, product,
                                                               configuration)
        extra = [] if args.customer is None else complements(session, args.customer, products)
    if not found:
        print("no suggestion: no pair of choices is backed by orders of 5 or more customers")
    for group_id, s in found.items():
        print(f"{group_id}={s.choice_id}: {s.describe(product)} (support {s.support:.1%}, "
              f"confidence {s.confidence:.1%}, lift {s.lift:.2f}, {s.lines} orders, "
              f"{s.buyers} customers)")
    for group_id, choice_id in usual.items():
        print(f"{group_id}={choice_id}: this customer's usual "
              f"{product.option(group_id).label.lower()}")
    for complement in extra:
        print(f"{complement.product_id}: {complement.describe(products)}")
    return 0


def _erase(database, customer_id: int) -> int:
    from app.personalize.picture_store import PictureStore
    from app.store.privacy import erase_customer

    with database.transaction() as session:
        pictures = erase_customer(session, customer_id)
    store = PictureStore.default()
    removed = sum(store.remove(p) for p in sorted(pictures))
    print(f"erased customer {customer_id}: name, e-mail, saved configurations, quotes and "
          f"personalization gone; {removed} pictures removed; orders kept as anonymous lines")
    return 0
