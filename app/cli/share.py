"""``app share``: serve a configuration's AR files and still to a phone, shown as a QR code."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.cli.configuration_options import add_configuration_arguments
from app.cli.export import (
    add_still_arguments,
    configured_product,
    render_configuration_still,
)
from app.errors import AppError
from app.export.share_server import Share, ShareServer, load_tls_context

DEFAULT_PORT = 8765
DEFAULT_MINUTES = 15.0


def add_share_parser(sub) -> None:
    parser = sub.add_parser("share", help="serve a configuration to a phone (AR) via a QR code")
    add_configuration_arguments(parser)
    parser.add_argument("--host", default="0.0.0.0",
                        help="address to listen on (default: every interface)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--public-host",
                        help="address phones use in the link (default: this machine's address)")
    parser.add_argument("--minutes", type=float, default=DEFAULT_MINUTES,
                        help=f"how long the link works (default {DEFAULT_MINUTES:g})")
    parser.add_argument("--qr", type=Path, action="append", default=[], metavar="PATH",
                        help="also write the QR code to a .png or .svg file")
    parser.add_argument("--tls-cert", type=Path, metavar="PATH",
                        help="serve HTTPS with this PEM certificate (chain) file")
    parser.add_argument("--tls-key", type=Path, metavar="PATH",
                        help="the certificate's PEM private key (default: in --tls-cert)")
    parser.add_argument("--fit-ar-budget", action="store_true",
                        help="decimate meshes and shrink textures to the AR budget")
    add_still_arguments(parser)


def wait_until_expired(server: ShareServer, share: Share) -> None:
    while server.clock() < share.expires_at:
        time.sleep(min(1.0, max(0.0, share.expires_at - server.clock())))


def run_share(args: argparse.Namespace, root: Path, *,
              wait: Callable[[ShareServer, Share], None] = wait_until_expired) -> int:
    from app.export.glb import export_glb
    from app.export.qr import qr_terminal_text, write_qr
    from app.export.usdz import export_usdz
    from app.viewport.still import save_png

    if not 0 <= args.port <= 65535:
        raise AppError(f"expected a port in 0..65535, got {args.port}", field="--port")
    if args.minutes <= 0:
        raise AppError(f"expected a positive number of minutes, got {args.minutes:g}",
                       field="--minutes")
    if args.tls_key is not None and args.tls_cert is None:
        raise AppError("a key needs its certificate (--tls-cert)", field="--tls-key")
    tls = (load_tls_context(args.tls_cert, args.tls_key, cert_field="--tls-cert",
                            key_field="--tls-key") if args.tls_cert is not None else None)
    project, product, configuration = configured_product(args, root)
    with tempfile.TemporaryDirectory(prefix="share-export-") as work:
        folder = Path(work)
        files = {"still.png": save_png(
            render_configuration_still(project, product, configuration, args),
            folder / "still.png")}
        exporters = (("model.glb", export_glb), ("model.usdz", export_usdz))
        for name, exporter in exporters:
            try:
                report = exporter(product, configuration, project, folder / name,
                                  fit_ar_budget=args.fit_ar_budget)
            except AppError as exc:
                print(f"warning: {name} is not shared: {exc}", file=sys.stderr)
                continue
            files[name] = report.path
            for warning in report.warnings:
                print(f"warning: {name}: {warning}", file=sys.stderr)
        with ShareServer(args.host, args.port, public_host=args.public_host,
                         tls=tls) as server:
            share = server.add_share(files, minutes=args.minutes, title=product.name)
            url = server.url(share)
            for path in args.qr:
                print(f"wrote {write_qr(url, path)}")
            print(qr_terminal_text(url), end="")
            print(url)
            print(f"The link works for {args.minutes:g} minutes; Ctrl+C stops sharing.",
                  flush=True)
            wait(server, share)
    print("sharing stopped")
    return 0
