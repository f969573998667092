"""``app kiosk``: the store kiosk (full screen), or ``--hash-pin`` to make its admin PIN line."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from app.catalog.kiosk_config import hash_pin, pin_hash_yaml

DEFAULT_CONFIG = Path("configs/kiosk.yaml")


def add_kiosk_parser(sub) -> argparse.ArgumentParser:
    kiosk = sub.add_parser("kiosk", help="run the full-screen store kiosk")
    kiosk.add_argument("--config", type=Path, default=None,
                       help="kiosk file (default: configs/kiosk.yaml of the project)")
    kiosk.add_argument("--hash-pin", action="store_true",
                       help="ask for a PIN and print the admin_pin block for the kiosk file")
    kiosk.add_argument("--algorithm", choices=["pbkdf2_sha256", "scrypt"],
                       default="pbkdf2_sha256", help="hash for --hash-pin")
    kiosk.add_argument("--windowed", action="store_true",
                       help="a normal window instead of full screen (for trying it out)")
    return kiosk


def run_kiosk_command(args: argparse.Namespace, root: Path) -> int:
    if args.hash_pin:
        if sys.stdin.isatty():
            pin = getpass.getpass("Admin PIN (digits): ")
            if getpass.getpass("Again: ") != pin:
                print("error: the two PINs differ", file=sys.stderr)
                return 1
        else:
            pin = sys.stdin.readline().strip()
        print(pin_hash_yaml(hash_pin(pin, args.algorithm)))
        return 0
    from app.ui.kiosk.kiosk_app import run_kiosk

    config = args.config or root / DEFAULT_CONFIG
    return run_kiosk(config.resolve(), root, windowed=args.windowed)
