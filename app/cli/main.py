"""The ``app`` command: render, validate, schema. Problems print as ``file: field: message``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.cli.app_log import start_app_log
from app.cli.configuration_options import add_subject_arguments, size
from app.errors import AppError, AppErrors
from app.session.problem_lines import problem_lines

DEFAULT_SIZE = (1600, 1200)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app", description=__doc__)
    parser.add_argument("--root", type=Path, default=None,
                        help="project folder with configs/ and assets/ (default: built-in)")
    parser.add_argument("--verbose", action="store_true",
                        help="show the log (VTK's messages too) on the terminal as well as in "
                             "the log file")
    sub = parser.add_subparsers(dest="command")

    render = sub.add_parser("render", help="render a product or a model file to a PNG")
    add_subject_arguments(render, camera_help="camera preset id (default: the product's first)")
    render.add_argument("--size", type=size, default=DEFAULT_SIZE, metavar="WxH")
    render.add_argument("--transparent", action="store_true", help="transparent background")
    render.add_argument("--out", type=Path, required=True, help="PNG file to write")
    render.add_argument("--photoreal", action="store_true",
                        help="path trace the still (Mitsuba 3, denoised) instead of the live view")
    render.add_argument("--spp", type=int, default=None,
                        help="samples per pixel with --photoreal (default 64)")
    render.add_argument("--format", choices=("png", "png16", "exr"), default=None,
                        help="png (8-bit sRGB), png16 or exr (linear; --photoreal only)")

    from app.cli.turntable import add_turntable_parser

    add_turntable_parser(sub)

    validate = sub.add_parser("validate", help="check product, material and model files")
    validate.add_argument("files", nargs="*", type=Path,
                          help="product or material YAML files, model files (glTF/GLB, OBJ, "
                               "STL, PLY: loaded as a product's model is), or folders: a "
                               "folder's YAML files, or its model files when it has no YAML "
                               "(default: the project)")

    sub.add_parser("gui", help="open the desktop window (the default with no command)")

    from app.cli.kiosk import add_kiosk_parser

    add_kiosk_parser(sub)

    schema = sub.add_parser("schema", help="write the JSON Schema of product and material files")
    schema.add_argument("--out", type=Path, default=None,
                        help="folder (default: schemas/ of the --root project folder, else of "
                             "the current folder; never the installed app)")

    from app.cli.batch import add_batch_parser

    add_batch_parser(sub)

    from app.cli.import_gltf import add_import_gltf_parser
    from app.cli.room_preview import add_room_preview_parser

    add_import_gltf_parser(sub)
    add_room_preview_parser(sub)

    from app.cli.export import add_export_parser
    from app.cli.share import add_share_parser

    add_export_parser(sub)
    add_share_parser(sub)
    from app.cli.store import add_store_parser

    add_store_parser(sub)
    for command in sub.choices.values():  # also accepted after the command's name
        command.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                             help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    start_app_log(verbose=args.verbose)
    from app.project import BUILT_IN_ROOT

    root = (args.root or BUILT_IN_ROOT).resolve()
    try:
        if args.command == "kiosk":
            from app.cli.kiosk import run_kiosk_command

            return run_kiosk_command(args, root)
        if args.command == "render":
            from app.cli.render import run_render

            return run_render(args, root)
        if args.command == "turntable":
            from app.cli.turntable import run_turntable

            return run_turntable(args, root)
        if args.command == "validate":
            from app.cli.validate import run_validate

            return run_validate(args.files, root)
        if args.command == "import-gltf":
            from app.cli.import_gltf import run_import_gltf

            return run_import_gltf(args, root)
        if args.command == "room-preview":
            from app.cli.room_preview import run_room_preview

            return run_room_preview(args)
        if args.command == "export":
            from app.cli.export import run_export

            return run_export(args, root)
        if args.command == "share":
            from app.cli.share import run_share

            return run_share(args, root)
        if args.command == "store":
            from app.cli.store import run_store

            return run_store(args, root)
        if args.command == "batch":
            from app.cli.batch import run_batch_command

            return run_batch_command(args, root)
        if args.command == "schema":
            from app.catalog.schema import write_schemas

            project_folder = args.root or Path.cwd()
            for path in write_schemas(args.out or project_folder / "schemas"):
                print(f"wrote {path}")
            return 0
        from app.ui.desktop import run_desktop

        return run_desktop(root)
    except AppErrors as exc:
        for line in problem_lines(exc.errors, prefix="error: "):
            print(line, file=sys.stderr)
        return 1
    except AppError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
