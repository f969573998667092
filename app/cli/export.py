"""``app export``: a product configuration as GLB, USDZ, spec sheet PDF or order package."""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image

from app.cli.configuration_options import (
    add_configuration_arguments,
    build_configuration,
    raise_catalog_problems,
    size,
)
from app.domain.configuration import Configuration
from app.domain.product import Product
from app.errors import AppError
from app.project import Project

EXPORT_FORMATS = ("glb", "usdz", "pdf", "order")
STILL_SIZE = (960, 720)
PHOTOREAL_SPP = 64


def add_still_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--camera", help="camera preset id of the still (default: the first)")
    parser.add_argument("--size", type=size, default=STILL_SIZE, metavar="WxH",
                        help="size of the still in pixels (default 960x720)")
    parser.add_argument("--photoreal", action="store_true",
                        help="path-trace the still (slower) instead of the real-time renderer")


def add_export_parser(sub) -> None:
    parser = sub.add_parser("export", help="export a configuration: glb, usdz, pdf or order")
    add_configuration_arguments(parser)
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS,
                        help="glb/usdz: AR model; pdf: spec sheet; order: zip for the factory")
    parser.add_argument("--out", type=Path, required=True, help="file to write")
    parser.add_argument("--fit-ar-budget", action="store_true",
                        help="decimate meshes and shrink textures to the AR budget")
    parser.add_argument("--no-variants", action="store_true",
                        help="GLB without KHR_materials_variants")
    parser.add_argument("--credit", action="append", default=[], metavar="TEXT",
                        help="a credit line for the spec sheet (e.g. for CC BY assets)")
    add_still_arguments(parser)


def configured_product(args: argparse.Namespace, root: Path
                       ) -> tuple[Project, Product, Configuration]:
    from app.project import open_project

    project = open_project(root)
    raise_catalog_problems(project, args.product)
    product = project.catalog.product(args.product)
    return project, product, build_configuration(project, args)


def render_configuration_still(project: Project, product: Product, configuration: Configuration,
                               args: argparse.Namespace) -> Image.Image:
    """The still of the configuration: real-time renderer, or the path tracer on request; what
    either draws otherwise than the materials say is printed as notes."""
    from app.cli.render import print_notes
    from app.scene.asset_checks import product_material_notes
    from app.scene.resolve import resolve_scene

    context = project.scene_context()
    scene = resolve_scene(product, configuration, context)
    print_notes(product_material_notes(product, context, configuration))
    if not args.photoreal:
        from app.viewport.still import render_still

        return render_still(scene, project.assets, size=args.size, camera_id=args.camera)
    try:
        from app.photoreal.render import render_photoreal
    except ImportError as exc:
        raise AppError(f"the photoreal renderer is not available ({exc})",
                       field="--photoreal") from None
    import numpy as np

    result = render_photoreal(scene, project.assets, size=args.size, spp=PHOTOREAL_SPP,
                              camera_id=args.camera)
    print_notes(result.approximations)
    pixels = np.clip(np.asarray(result.display)[..., :3] * 255.0 + 0.5, 0, 255)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def run_export(args: argparse.Namespace, root: Path) -> int:
    project, product, configuration = configured_product(args, root)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise AppError("expected an existing folder to write into", file=str(out))
    if args.format == "glb":
        from app.export.glb import export_glb

        report = export_glb(product, configuration, project, out,
                            variants=not args.no_variants, fit_ar_budget=args.fit_ar_budget)
        _print_report(report)
    elif args.format == "usdz":
        from app.export.usdz import export_usdz

        _print_report(export_usdz(product, configuration, project, out,
                                  fit_ar_budget=args.fit_ar_budget))
    elif args.format == "pdf":
        from app.export.spec_sheet import write_spec_sheet

        still = render_configuration_still(project, product, configuration, args)
        write_spec_sheet(product, configuration, project, out, still=still,
                         credits=args.credit)
        print(f"wrote {out}")
    else:
        from app.export.glb import export_glb
        from app.export.order_package import write_order_package

        still = render_configuration_still(project, product, configuration, args)

        def glb_writer(product_, configuration_, project_, path):
            return export_glb(product_, configuration_, project_, path,
                              variants=not args.no_variants, fit_ar_budget=args.fit_ar_budget)

        order = write_order_package(product, configuration, project, out, still=still,
                                    credits=args.credit, glb_writer=glb_writer)
        print(f"wrote {out} ({len(order.manifest['files']) + 1} files, total "
              f"{order.manifest['total']} {order.manifest['currency']}, "
              f"share code {order.manifest['share_code']})")
    return 0


def _print_report(report) -> None:
    print(f"wrote {report.path} ({report.triangles} triangles, largest texture "
          f"{report.max_texture_px} px)")
    for warning in report.warnings:
        print(f"warning: {warning}")
