"""``app room-preview``: a transparent still placed on the floor of a room photo."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.export.room_preview import composite_files


def _point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y in photo pixels, got {text!r}") from None
    return x, y


def add_room_preview_parser(sub) -> None:
    parser = sub.add_parser("room-preview", help="place a transparent still onto a room photo")
    parser.add_argument("--still", type=Path, required=True,
                        help="transparent PNG (app render --transparent)")
    parser.add_argument("--photo", type=Path, required=True, help="the room photo (JPEG/PNG)")
    parser.add_argument("--at", type=_point, required=True, metavar="X,Y",
                        help="photo pixel where the product touches the floor")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the still in the photo (1 = as rendered)")
    parser.add_argument("--out", type=Path, required=True, help="JPEG or PNG to write")


def run_room_preview(args: argparse.Namespace) -> int:
    composite_files(args.still, args.photo, position=args.at, scale=args.scale, out=args.out)
    print(f"wrote {args.out}")
    return 0
