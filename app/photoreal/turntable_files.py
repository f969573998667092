"""A turntable's frames as a PNG sequence, an MP4 and a GIF (imageio with its own ffmpeg).

Frames go to a hidden folder beside the outputs first; only a complete turntable is moved into
place, so a cancelled or failed one leaves nothing behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from app.errors import AppError
from app.files import write_atomically

TURNTABLE_FORMATS = ("png", "mp4", "gif")


class TurntableCancelled(Exception):
    """Stopped on request; nothing was written."""


@dataclass
class TurntableFiles:
    frames: list[Path] = field(default_factory=list)
    mp4: Path | None = None
    gif: Path | None = None


def write_turntable(
    images: Iterable[Image.Image],
    out_dir: str | Path,
    *,
    stem: str = "turntable",
    count: int | None = None,
    formats: tuple[str, ...] = TURNTABLE_FORMATS,
    fps: int = 24,
    progress: Callable[[float], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> TurntableFiles:
    """Consume ``images`` (one per frame) and write ``<stem>_NNN.png``, ``<stem>.mp4`` and
    ``<stem>.gif`` into ``out_dir``, as ``formats`` asks."""
    unknown = sorted(set(formats) - set(TURNTABLE_FORMATS))
    if unknown or not formats:
        raise AppError(f"expected formats among {', '.join(TURNTABLE_FORMATS)}, got "
                       f"{', '.join(formats) or 'none'}", field="formats")
    folder = Path(out_dir)
    if not folder.is_dir():
        raise AppError("expected an existing folder to write into", file=str(folder))
    staging = Path(tempfile.mkdtemp(prefix=f".{stem}.", suffix=".partial", dir=folder))
    try:
        staged: list[Path] = []
        for index, image in enumerate(images):
            if cancel is not None and cancel():
                raise TurntableCancelled("turntable cancelled")
            path = staging / f"{stem}_{index:03d}.png"
            image.save(path, format="PNG")
            staged.append(path)
            if progress is not None and count:
                progress(min(1.0, (index + 1) / count) * 0.9)
        if cancel is not None and cancel():
            raise TurntableCancelled("turntable cancelled")
        if not staged:
            raise AppError("expected at least one frame", field="frames")
        result = TurntableFiles()
        frames = [np.asarray(Image.open(p).convert("RGB")) for p in staged]
        if "mp4" in formats:
            result.mp4 = write_atomically(folder / f"{stem}.mp4",
                                          lambda tmp: _write_mp4(tmp, frames, fps))
        if "gif" in formats:
            result.gif = write_atomically(folder / f"{stem}.gif",
                                          lambda tmp: _write_gif(tmp, staged, fps))
        if "png" in formats:
            for path in staged:
                result.frames.append(path.replace(folder / path.name))
        if progress is not None:
            progress(1.0)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_mp4(path: Path, frames: list[np.ndarray], fps: int) -> None:
    import imageio.v2 as imageio

    height, width = frames[0].shape[:2]
    even = [f[: height - height % 2, : width - width % 2] for f in frames]
    with imageio.get_writer(str(path), format="FFMPEG", mode="I", fps=fps, codec="libx264",
                            pixelformat="yuv420p", quality=8, macro_block_size=1) as writer:
        for frame in even:
            writer.append_data(frame)


def _write_gif(path: Path, staged: list[Path], fps: int) -> None:
    images = [Image.open(p).convert("RGB") for p in staged]
    palette = [im.quantize(colors=256, method=Image.Quantize.MEDIANCUT) for im in images]
    palette[0].save(path, format="GIF", save_all=True, append_images=palette[1:],
                    duration=max(20, round(1000 / fps)), loop=0, disposal=1)
