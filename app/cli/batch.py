"""``app batch``: stills of many configurations of a product, resumable, with a manifest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.configuration_options import size
from app.errors import AppError, ConfigurationError


def add_batch_parser(sub) -> None:
    batch = sub.add_parser(
        "batch", help="render every valid configuration (or a sample) of a product",
        description="Images are named by a hash of what determines them: a rerun skips "
                    "finished images and renders again only what changed.")
    batch.add_argument("--product", required=True, help="product id from configs/")
    which = batch.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true",
                       help="every valid configuration (free colours at their default)")
    which.add_argument("--sample", type=int, metavar="N", help="N configurations at random")
    which.add_argument("--codes", nargs="+", metavar="CODE", help="share codes or hand-off codes")
    which.add_argument("--codes-file", type=Path, metavar="FILE",
                       help="a text file with one share code or hand-off code per line")
    which.add_argument("--count", action="store_true",
                       help="print how many valid configurations there are and stop")
    batch.add_argument("--seed", type=int, default=0, help="random seed of --sample")
    batch.add_argument("--views", default=None,
                       help="camera presets, comma-separated (default: the product's first)")
    batch.add_argument("--out", type=Path, help="output folder")
    batch.add_argument("--size", type=size, default=(1600, 1200), metavar="WxH")
    batch.add_argument("--supersample", type=int, default=2)
    batch.add_argument("--transparent", action="store_true", help="transparent background")
    batch.add_argument("--renderer", choices=("live", "photoreal"), default="live",
                       help="live-view renderer (default) or the path tracer")
    batch.add_argument("--samples", type=int, default=64, help="path tracer samples per pixel")
    batch.add_argument("--layers", action="store_true",
                       help="render option groups as layers and composite the images")
    batch.add_argument("--workers", type=int, default=None,
                       help="local worker processes (default: one per core; 0: this process)")
    batch.add_argument("--ray", metavar="ADDRESS",
                       help="run on a Ray cluster ('local' starts one here)")
    batch.add_argument("--retries", type=int, default=3, help="tries again per failed Ray task")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")


def _configurations(args: argparse.Namespace, product, pictures):
    from app.batch.variants import (
        all_configurations,
        configurations_from_codes,
        sample_configurations,
    )

    if args.all:
        return all_configurations(product)
    if args.sample is not None:
        return sample_configurations(product, args.sample, args.seed)
    if args.codes_file is not None:
        try:
            lines = args.codes_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigurationError(f"cannot read: {exc.strerror}",
                                     file=str(args.codes_file)) from None
        return configurations_from_codes(product, lines, source=str(args.codes_file),
                                         pictures=pictures)
    return configurations_from_codes(product, args.codes, pictures=pictures)


def run_batch_command(args: argparse.Namespace, root: Path) -> int:
    from app.batch.jobs import RenderSettings
    from app.batch.run import BatchRequest, run_batch
    from app.batch.variants import count_configurations
    from app.project import open_project

    project = open_project(root)
    product = project.catalog.product(args.product)
    if args.count:
        print(count_configurations(product))
        return 0
    if args.out is None:
        raise AppError("expected an output folder", field="--out")
    views = [v.strip() for v in (args.views or "").split(",") if v.strip()]
    if not views:
        views = [product.cameras[0].id] if product.cameras else []
    settings = RenderSettings(renderer=args.renderer, size=tuple(args.size),
                              supersample=args.supersample, transparent=args.transparent,
                              samples=args.samples)
    if args.ray:
        from app.batch.ray_cluster import RayBackend

        backend = RayBackend(root, args.ray, workers=args.workers, retries=args.retries)
    else:
        from app.batch.local_pool import LocalBackend

        backend = LocalBackend(root, args.workers)
    configurations = _configurations(args, product, project.pictures)
    from app.cli.render import print_notes
    from app.scene.asset_checks import product_material_notes

    print_notes(product_material_notes(product, project.scene_context()))
    request = BatchRequest(product.id, configurations, views, settings, args.out,
                           layers=args.layers)
    summary = run_batch(project, request, backend, progress=None if args.quiet else sys.stderr)
    print(summary.text())
    return 1 if summary.failed else 0
