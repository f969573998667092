"""``app store report``: the shop's analytics."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, help="PDF file to write")
    parser.add_argument("--csv-dir", type=Path, default=None,
                        help="folder to write every table as CSV")


def run_store_report(args: argparse.Namespace, database) -> int:
    raise NotImplementedError
