"""``app render``: a product configuration or a model file to a PNG, off-screen."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.assets.model_loading import usual_up
from app.assets.store import AssetStore
from app.cli.configuration_options import build_configuration, raise_catalog_problems
from app.errors import AppError
from app.project import open_project
from app.references import MODEL_FOLDER
from app.scene.asset_checks import product_asset_warnings, product_material_notes
from app.scene.environment import studio_environment
from app.scene.framing import view_camera
from app.scene.model_scene import model_material_notes, model_scene
from app.scene.resolve import resolve_scene
from app.scene.visibility import product_in_view


def run_render(args: argparse.Namespace, root: Path) -> int:
    from app.viewport.still import render_still, save_png

    scene, assets = scene_from_args(args, root)
    subject = still_subject(args, root)
    if getattr(args, "photoreal", False):
        from app.cli.turntable import render_photoreal_still

        return render_photoreal_still(scene, assets, args, subject=subject)
    if getattr(args, "format", None) not in (None, "png"):
        raise AppError("png16 and exr need --photoreal", field="--format")
    aspect = args.size[0] / args.size[1]
    if not product_in_view(scene, assets, view_camera(scene, args.camera, aspect), aspect):
        raise empty_still_error(subject)
    image = render_still(scene, assets, size=args.size, camera_id=args.camera,
                         transparent=args.transparent)
    save_png(image, args.out)
    print(f"wrote {args.out} ({args.size[0]}x{args.size[1]})")
    return 0


def still_subject(args: argparse.Namespace, root: Path) -> str:
    """The file a still shows: the --model file, or the --product's product file."""
    if args.model is not None:
        return str(args.model)
    source = open_project(root).catalog.product(args.product).source
    try:
        return Path(source).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return source or f"product {args.product!r}"


def empty_still_error(subject: str) -> AppError:
    return AppError("the still would show none of the product (it is outside the camera's "
                    "view, or nothing of it is drawn); no image was written", file=subject)


def print_notes(notes: list[str]) -> None:
    """What the renderers draw otherwise than the materials say (``material_notes``)."""
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


def scene_from_args(args: argparse.Namespace, root: Path):
    """(scene, geometry source) for --product/--model and the personalization options."""
    project = open_project(root)
    if args.model is not None:
        if not args.model.is_file():
            raise AppError("file not found", file=str(args.model))
        model = args.model.resolve()
        # a model given on the command line is the user's own choice of file: its folder is
        # allowed, as are its textures beside it; one whose texture is missing is still shown
        assets = AssetStore(allowed_roots=[model.parent, *args.asset_root],
                            missing_textures="skip", allowed_label=MODEL_FOLDER)
        up = args.up or usual_up(model)
        scene = model_scene(model, assets,
                            studio_environment(root, transparent=args.transparent),
                            units=args.units, up=up, aspect=args.size[0] / args.size[1])
        for warning in assets.model(model, units=args.units, up=up).warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if args.up is None and up != "y":
            print_notes([f"{model}: read {up.upper()} up, as {model.suffix.upper()[1:]} files are "
                         "written by Blender, CAD and 3D-printing tools; --up y draws it Y "
                         "up"])
        print_notes(model_material_notes(model, assets, units=args.units, up=up))
    else:
        raise_catalog_problems(project, args.product)
        product = project.catalog.product(args.product)
        configuration = build_configuration(project, args)
        context = project.scene_context(transparent=args.transparent)
        scene = resolve_scene(product, configuration, context)
        for warning in product_asset_warnings(product, context):
            print(f"warning: {warning}", file=sys.stderr)
        print_notes(product_material_notes(product, context, configuration))
        assets = project.assets
    return scene, assets
