"""``app render --photoreal`` and ``app turntable``: path-traced stills and turntables, with a
progress bar on the terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.configuration_options import add_subject_arguments, size
from app.errors import AppError
from app.scene.framing import view_camera

DEFAULT_SPP = 64
TURNTABLE_SIZE = (640, 480)
MIN_COVERED_PIXELS = 0.5  # a photoreal still with less of the product than this is refused


def add_turntable_parser(sub) -> None:
    turntable = sub.add_parser("turntable", help="frames round a product: PNGs, MP4 and GIF")
    add_subject_arguments(turntable, camera_help="camera preset id the orbit starts from")
    turntable.add_argument("--size", type=size, default=TURNTABLE_SIZE, metavar="WxH")
    turntable.add_argument("--transparent", action="store_true")
    turntable.add_argument("--frames", type=int, default=36)
    turntable.add_argument("--fps", type=int, default=24)
    turntable.add_argument("--photoreal", action="store_true", help="path trace every frame")
    turntable.add_argument("--spp", type=int, default=None)
    turntable.add_argument("--formats", default="png,mp4,gif",
                           help="comma separated: png (sequence), mp4, gif")
    turntable.add_argument("--out", type=Path, required=True, help="folder to write into")


class ProgressBar:
    """A one-line bar on stderr: ``label [#####.....]  50%``."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.shown = -1

    def __call__(self, fraction: float) -> None:
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.width * percent // 100
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{percent:3d}%")
        if percent == 100:
            self.stream.write("\n")
        self.stream.flush()


def render_photoreal_still(scene, assets, args: argparse.Namespace, *,
                           subject: str | None = None) -> int:
    from app.cli.render import empty_still_error
    from app.photoreal.output import format_for, write_image
    from app.photoreal.render import render_photoreal

    fmt = format_for(Path(args.out), getattr(args, "format", None))
    image = render_photoreal(scene, assets, size=args.size, spp=_spp(args),
                             camera_id=args.camera, transparent=args.transparent,
                             progress=ProgressBar("path tracing"))
    for note in image.approximations:
        print(f"note: {note}", file=sys.stderr)
    if image.covered_pixels < MIN_COVERED_PIXELS:
        raise empty_still_error(subject or scene.product_id)
    write_image(image, args.out, fmt)
    print(f"wrote {args.out} ({args.size[0]}x{args.size[1]}, {image.spp} spp, {image.variant},"
          f" {image.seconds:.1f} s)")
    return 0


def _spp(args: argparse.Namespace) -> int:
    spp = DEFAULT_SPP if args.spp is None else int(args.spp)
    if spp < 1:
        raise AppError(f"expected a positive number of samples, got {spp}", field="--spp")
    return spp


def run_turntable(args: argparse.Namespace, root: Path) -> int:
    from app.cli.render import scene_from_args
    from app.photoreal.turntable_files import write_turntable
    from app.viewport.turntable import orbit_cameras, render_turntable_frames

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scene, assets = scene_from_args(args, root)
    start = view_camera(scene, args.camera, args.size[0] / args.size[1], field="--camera")
    cameras = orbit_cameras(start, args.frames)
    bar = ProgressBar("turntable")
    if args.photoreal:
        frames = _photoreal_frames(scene, assets, cameras, args, bar)
    else:
        frames = render_turntable_frames(scene, assets, cameras, size=args.size,
                                         transparent=args.transparent)
    files = write_turntable(frames, out, stem=scene.product_id, count=len(cameras),
                            formats=formats, fps=args.fps, progress=bar)
    written = [*files.frames[:1], files.mp4, files.gif]
    print(f"wrote {len(files.frames)} frames; " + ", ".join(str(p) for p in written if p))
    return 0


def _photoreal_frames(scene, assets, cameras, args, bar):
    from app.photoreal.output import to_pil
    from app.photoreal.render import render_photoreal

    for index, camera in enumerate(cameras):
        def frame_progress(fraction: float, index: int = index) -> None:
            bar(0.9 * (index + fraction) / len(cameras))

        image = render_photoreal(scene, assets, size=args.size, spp=_spp(args), camera=camera,
                                 transparent=args.transparent, progress=frame_progress)
        yield to_pil(image)
