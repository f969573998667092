"""``app render``: a product configuration or a model file to a PNG, off-screen."""

from __future__ import annotations

import argparse
from pathlib import Path

from pydantic import ValidationError

from app.assets.store import AssetStore
from app.domain.configuration import (
    Configuration,
    ImageValue,
    TextValue,
    complete,
    configuration_problems,
    default_configuration,
)
from app.errors import AppError, AppErrors, ConfigurationError
from app.project import Project, open_project
from app.scene.environment import studio_environment
from app.scene.model_scene import model_scene
from app.scene.resolve import resolve_scene


def build_configuration(project: Project, args: argparse.Namespace) -> Configuration:
    product = project.catalog.product(args.product)
    if args.config is not None:
        try:
            text = args.config.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"cannot read: {exc.strerror}", file=str(args.config)
                                     ) from None
        configuration = Configuration.from_json(text, source=str(args.config))
    else:
        configuration = default_configuration(product)
    if args.preset:
        try:
            preset = product.preset(args.preset)
        except KeyError:
            known = ", ".join(p.id for p in product.presets) or "none"
            raise ConfigurationError(f"unknown preset '{args.preset}' (known: {known})",
                                     field="--preset") from None
        configuration = configuration.model_copy(update={
            "selections": {**configuration.selections, **preset.selections},
            "colours": {**configuration.colours, **preset.colours}})
    for group_id, choice_id in args.set:
        configuration = configuration.with_choice(group_id, choice_id)
    for group_id, colour in args.colour:
        configuration = configuration.with_colour(group_id, colour)
    for zone_id, value in personalization_from_args(args).items():
        configuration = configuration.with_zone(zone_id, value)
    configuration = complete(configuration, product)
    problems = configuration_problems(configuration, product)
    if problems:
        raise AppErrors(problems)
    return configuration


def personalization_from_args(args: argparse.Namespace) -> dict[str, TextValue | ImageValue]:
    """--text/--image ZONE=... with their --font, --ink, --technique and --fit, as zone values;
    ConfigurationError naming the option when they do not fit together."""
    texts = dict(getattr(args, "text", []))
    images = dict(getattr(args, "image", []))
    extras = {name: dict(getattr(args, name, [])) for name in ("font", "ink", "technique", "fit")}
    values: dict[str, TextValue | ImageValue] = {}
    both = sorted(set(texts) & set(images))
    if both:
        raise ConfigurationError(f"{both[0]}: give --text or --image for a zone, not both",
                                 field="--text")
    for name, given in extras.items():
        wanted = images if name == "fit" else (texts if name in ("font", "ink") else
                                               {**texts, **images})
        for zone_id in given:
            if zone_id not in wanted:
                kind = "--image" if name == "fit" else ("--text" if name != "technique"
                                                        else "--text or --image")
                raise ConfigurationError(f"--{name} {zone_id}=... needs {kind} {zone_id}=...",
                                         field=f"--{name}")
    for zone_id, text in texts.items():
        fields = {"text": text.replace("\\n", "\n"), "font": extras["font"].get(zone_id),
                  "colour": extras["ink"].get(zone_id),
                  "technique": extras["technique"].get(zone_id)}
        values[zone_id] = _zone_value(TextValue, fields, zone_id)
    for zone_id, path in images.items():
        fields = {"image": str(Path(path).expanduser().resolve()),
                  "technique": extras["technique"].get(zone_id)}
        if zone_id in extras["fit"]:
            fields["fit"] = extras["fit"][zone_id]
        values[zone_id] = _zone_value(ImageValue, fields, zone_id)
    return values


def _zone_value(kind, fields: dict, zone_id: str):
    options = {"colour": "--ink", "technique": "--technique", "fit": "--fit", "font": "--font"}
    try:
        return kind(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else ""
        raise ConfigurationError(f"{zone_id}: {err['msg']}",
                                 field=options.get(name, f"personalization.{zone_id}")) from None


def run_render(args: argparse.Namespace, root: Path) -> int:
    from app.viewport.still import render_still, save_png

    scene, assets = scene_from_args(args, root)
    if getattr(args, "photoreal", False):
        from app.cli.turntable import render_photoreal_still

        return render_photoreal_still(scene, assets, args)
    if getattr(args, "format", None) not in (None, "png"):
        raise AppError("png16 and exr need --photoreal", field="--format")
    image = render_still(scene, assets, size=args.size, camera_id=args.camera,
                         transparent=args.transparent)
    save_png(image, args.out)
    print(f"wrote {args.out} ({args.size[0]}x{args.size[1]})")
    return 0


def scene_from_args(args: argparse.Namespace, root: Path):
    """(scene, geometry source) for --product/--model and the personalization options."""
    project = open_project(root)
    if args.model is not None:
        if not args.model.is_file():
            raise AppError("file not found", file=str(args.model))
        model = args.model.resolve()
        # a model given on the command line is the user's own choice of file: its folder is
        # allowed, as are its textures beside it
        assets = AssetStore(allowed_roots=[model.parent])
        scene = model_scene(model, assets,
                            studio_environment(root, transparent=args.transparent),
                            units=args.units, up=args.up, aspect=args.size[0] / args.size[1])
    else:
        _raise_catalog_problems(project, args.product)
        product = project.catalog.product(args.product)
        configuration = build_configuration(project, args)
        scene = resolve_scene(product, configuration,
                              project.scene_context(transparent=args.transparent))
        assets = project.assets
    return scene, assets


def _raise_catalog_problems(project: Project, product_id: str) -> None:
    """A product that failed to load explains why, rather than 'unknown product'."""
    if product_id in project.catalog.products:
        return
    mine = [p for p in project.catalog.problems if p.file and Path(p.file).stem == product_id]
    if mine:
        raise AppErrors(mine)
