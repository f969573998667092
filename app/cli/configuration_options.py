"""The options that describe a configuration on the command line, and the configuration they
describe: ``--product``, ``--set``, ``--colour``, ``--preset``, ``--config`` and the
personalization options, shared by ``render``, ``turntable``, ``export`` and ``share``."""

from __future__ import annotations

import argparse
from pathlib import Path

from pydantic import ValidationError

from app.domain.configuration import (
    UNKNOWN_PICTURE,
    Configuration,
    ImageValue,
    TextValue,
    complete,
    configuration_problems,
    default_configuration,
    is_picture_id,
)
from app.domain.product import Product
from app.domain.share_code import decode_share_code
from app.errors import AppErrors, ConfigurationError
from app.export.handoff_store import HandoffStore, resolve_code
from app.limits import MAX_CONFIGURATION_BYTES, read_limited
from app.personalize.picture_store import (
    OldPictureReport,
    PictureStore,
    old_picture_importer,
)
from app.project import Project

MAX_SIDE = 8192


def size(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` in pixels."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 1600x1200, got {text!r}"
                                         ) from None
    if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
        raise argparse.ArgumentTypeError(f"size {w}x{h} is outside 16..{MAX_SIDE} pixels")
    return w, h


def pair(text: str) -> tuple[str, str]:
    """``KEY=VALUE``."""
    key, sep, value = text.partition("=")
    if not sep or not key or not value:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value.strip()


def add_subject_arguments(parser: argparse.ArgumentParser, *, camera_help: str) -> None:
    """What to draw: ``--product`` (with its configuration options) or ``--model`` (with its
    units and up axis), and the camera preset."""
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--product", help="product id from configs/")
    what.add_argument("--model", type=Path, help="any glTF/GLB, OBJ, STL or PLY file")
    add_configuration_arguments(parser, product=False)
    parser.add_argument("--camera", help=camera_help)
    parser.add_argument("--units", default="m", help="units of --model (m, cm, mm, in, ft)")
    parser.add_argument("--up", help="up axis of --model (y or z; default: z for STL and PLY "
                                     "files, as Blender, CAD and 3D-printing tools write them, "
                                     "y for glTF and OBJ)")
    parser.add_argument("--asset-root", type=Path, action="append", default=[], metavar="DIR",
                        help="a folder besides its own that --model's textures and buffers may "
                             "come from")


def add_configuration_arguments(parser, *, product: bool = True) -> None:
    """The options that describe a configuration (``product=False`` when the caller adds
    ``--product`` itself, e.g. beside ``--model``)."""
    if product:
        parser.add_argument("--product", required=True, help="product id from configs/")
    parser.add_argument("--set", type=pair, action="append", default=[],
                        metavar="OPTION=CHOICE")
    parser.add_argument("--colour", "--color", type=pair, action="append", default=[],
                        metavar="OPTION=#RRGGBB", help="colour for a free-colour choice")
    parser.add_argument("--preset", help="start from a preset of the product")
    parser.add_argument("--text", type=pair, action="append", default=[], metavar="ZONE=TEXT",
                        help="personalize a text zone ('\\n' starts a new line)")
    parser.add_argument("--font", type=pair, action="append", default=[], metavar="ZONE=FONT")
    parser.add_argument("--ink", type=pair, action="append", default=[],
                        metavar="ZONE=#RRGGBB", help="ink colour of a text zone")
    parser.add_argument("--technique", type=pair, action="append", default=[],
                        metavar="ZONE=TECHNIQUE", help="print, engrave, emboss, foil, embroider")
    parser.add_argument("--image", type=pair, action="append", default=[],
                        metavar="ZONE=PATH",
                        help="a picture for an image zone (copied into the picture store), or "
                             "sha256:HASH of a picture already there")
    parser.add_argument("--fit", type=pair, action="append", default=[],
                        metavar="ZONE=fit|fill|crop", help="how the picture fills its zone")
    parser.add_argument("--config", type=Path, help="start from a saved configuration (.json)")
    parser.add_argument("--code", help="start from a share code, or a hand-off code from the "
                                       "kiosk (like K7M-4QX-9A)")


def build_configuration(project: Project, args: argparse.Namespace) -> Configuration:
    """The configuration the options describe; AppErrors listing what keeps it from being made,
    a problem with what ``--config``'s file sets naming that file."""
    product = project.catalog.product(args.product)
    code = getattr(args, "code", None)
    if code is not None and args.config is not None:
        raise ConfigurationError("give --config or --code, not both", field="--code")
    in_file: Configuration | None = None
    if code is not None:
        configuration = configuration_from_code(code, product)
    elif args.config is not None:
        configuration = in_file = _read_configuration_file(project, args.config)
    else:
        configuration = default_configuration(product)
    given: set[str] = set()  # the fields the other options set
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
        given |= {f"selections.{g}" for g in preset.selections}
        given |= {f"colours.{g}" for g in preset.colours}
    for group_id, choice_id in args.set:
        configuration = configuration.with_choice(group_id, choice_id)
        given.add(f"selections.{group_id}")
    for group_id, colour in args.colour:
        configuration = configuration.with_colour(group_id, colour)
        given.add(f"colours.{group_id}")
    for zone_id, value in personalization_from_args(args, project.pictures).items():
        configuration = configuration.with_zone(zone_id, value)
        given.add(f"personalization.{zone_id}")
    configuration = complete(configuration, product)
    problems = configuration_problems(configuration, product)
    problems += project.pictures.missing(configuration)
    if in_file is not None:
        problems = _naming_the_file(problems, in_file, given, str(args.config))
    if problems:
        raise AppErrors(problems)
    return configuration


def _read_configuration_file(project: Project, path: Path) -> Configuration:
    """The configuration ``--config`` names, as it is in its file (not checked against the
    product); pictures it names by path are imported into the picture store."""
    source = str(path)
    data = read_limited(path, MAX_CONFIGURATION_BYTES, source=source, error=ConfigurationError)
    report = OldPictureReport()
    importer = old_picture_importer(project.pictures, path.parent, source, report)
    configuration = Configuration.from_json(data, source=source, old_pictures=importer)
    if report.problems:
        raise AppErrors(report.problems)
    return configuration


def _naming_the_file(problems: list[ConfigurationError], in_file: Configuration,
                     given: set[str], source: str) -> list[ConfigurationError]:
    """``problems`` with each one about what the file ``source`` sets (``in_file``) and no
    other option set again (``given``) seen from that file; with no other option, all of
    them (a rule the file's choices break too)."""
    from_file = {"product_id",
                 *(f"selections.{g}" for g in in_file.selections),
                 *(f"colours.{g}" for g in in_file.colours),
                 *(f"personalization.{z}" for z in in_file.personalization)} - given
    out = []
    for problem in problems:
        field = problem.field or ""
        # a zone's own fields follow its name: personalization.ZONE.font
        if not given or field in from_file or field.rpartition(".")[0] in from_file:
            problem = problem.within(source)
        out.append(problem)
    return out


def configuration_from_code(code: str, product: Product,
                            handoffs: HandoffStore | None = None) -> Configuration:
    """The configuration of a share code or of a hand-off code kept in ``handoffs`` (None:
    the user's store); ConfigurationError naming ``--code`` otherwise."""
    try:
        share_code = resolve_code(code, handoffs if handoffs is not None
                                  else HandoffStore.default())
        return decode_share_code(share_code, product)
    except ConfigurationError as exc:
        raise ConfigurationError(exc.message, field="--code") from None


def personalization_from_args(args: argparse.Namespace, pictures: PictureStore
                              ) -> dict[str, TextValue | ImageValue]:
    """--text/--image ZONE=... with their --font, --ink, --technique and --fit, as zone values;
    ConfigurationError naming the option when they do not fit together. An --image file is
    checked and copied into ``pictures``; ``sha256:HASH`` names a picture already there."""
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
        fields = {"image": _stored_picture(pictures, path, zone_id),
                  "technique": extras["technique"].get(zone_id)}
        if zone_id in extras["fit"]:
            fields["fit"] = extras["fit"][zone_id]
        values[zone_id] = _zone_value(ImageValue, fields, zone_id)
    return values


def _stored_picture(pictures: PictureStore, given: str, zone_id: str) -> str:
    """The picture id of ``--image ZONE=PATH`` (the file imported) or ``ZONE=sha256:HASH``."""
    if given.startswith("sha256:"):
        if not (is_picture_id(given) and pictures.has(given)):
            raise ConfigurationError(f"{zone_id}: {UNKNOWN_PICTURE}", field="--image")
        return given
    return pictures.add_file(Path(given).expanduser())


def _zone_value(kind, fields: dict, zone_id: str):
    options = {"colour": "--ink", "technique": "--technique", "fit": "--fit", "font": "--font"}
    try:
        return kind(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else ""
        raise ConfigurationError(f"{zone_id}: {err['msg']}",
                                 field=options.get(name, f"personalization.{zone_id}")) from None


def raise_catalog_problems(project: Project, product_id: str) -> None:
    """A product that failed to load explains why, rather than 'unknown product'."""
    if product_id in project.catalog.products:
        return
    mine = [p for p in project.catalog.problems if p.file and Path(p.file).stem == product_id]
    if mine:
        raise AppErrors(mine)
