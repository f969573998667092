"""AR budgets: how many triangles and how large the textures of an export are, and what to warn."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image

from app.assets.decimation import decimate
from app.export.export_meshes import ExportScene, ExportTexture

__all__ = ["ExportReport", "MAX_TEXTURE_PX", "MAX_TRIANGLES", "budget_warnings", "downsized",
           "fit_export_scene"]

MAX_TRIANGLES = 100_000
MAX_TEXTURE_PX = 2048


@dataclass
class ExportReport:
    """What an AR export wrote: the file, its triangle count, its largest texture side."""

    path: Path
    triangles: int
    max_texture_px: int
    warnings: list[str] = field(default_factory=list)


def budget_warnings(triangles: int, max_texture_px: int) -> list[str]:
    warnings: list[str] = []
    if triangles > MAX_TRIANGLES:
        warnings.append(f"{triangles} triangles is above the AR budget of {MAX_TRIANGLES}; "
                        "export with fit_ar_budget to decimate")
    if max_texture_px > MAX_TEXTURE_PX:
        warnings.append(f"a {max_texture_px} px texture is above the AR budget of "
                        f"{MAX_TEXTURE_PX} px; export with fit_ar_budget to downsize")
    return warnings


def downsized(texture: ExportTexture, max_px: int = MAX_TEXTURE_PX) -> ExportTexture:
    """``texture`` scaled so its longest side is at most ``max_px`` (Lanczos); a smaller one is
    returned as it is (its source bytes kept), a scaled one is encoded again in its format."""
    height, width = texture.pixels.shape[:2]
    if max(height, width) <= max_px:
        return texture
    factor = max_px / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    pixels = texture.pixels
    squeeze = pixels.ndim == 3 and pixels.shape[2] == 1
    image = Image.fromarray(pixels[..., 0] if squeeze else pixels)
    resized = np.asarray(image.resize(size, Image.Resampling.LANCZOS))
    return ExportTexture(key=f"{texture.key}@{max_px}",
                         pixels=resized[..., None] if squeeze else resized,
                         mime_type=texture.mime_type)


def fit_export_scene(export: ExportScene, *, max_triangles: int = MAX_TRIANGLES,
                     max_texture_px: int = MAX_TEXTURE_PX) -> tuple[ExportScene, list[str]]:
    """``export`` decimated and downsized to fit the budget, and notes saying what was done."""
    notes: list[str] = []
    before = export.triangles
    primitives = list(export.primitives)
    if before > max_triangles:
        ratio = max_triangles * 0.97 / before
        primitives = []
        for p in export.primitives:
            # both UV sets and the colours, side by side
            kept = {name: np.asarray(values, np.float32)
                    for name, values in (("uv", p.uv), ("uv1", p.uv1), ("colors", p.colors))
                    if values is not None}
            v, f, n, columns = decimate(p.vertices, p.faces, p.normals,
                                        np.hstack(list(kept.values())) if kept else None,
                                        max(4, int(len(p.faces) * ratio)))
            split = dict(zip(kept, np.split(columns, np.cumsum(
                [a.shape[1] for a in kept.values()])[:-1], axis=1), strict=True)) if kept else {}
            colors = split.get("colors")
            primitives.append(replace(
                p, vertices=v, faces=f, normals=n, uv=split.get("uv"), uv1=split.get("uv1"),
                colors=None if colors is None else np.round(colors).astype(np.uint8)))
    largest = export.max_texture_px
    scaled: dict[str, ExportTexture] = {}  # one scaling per distinct image
    images: dict[str, ExportTexture] = {}
    for source, texture in export.images.items():
        if texture.content_key not in scaled:
            scaled[texture.content_key] = downsized(texture, max_texture_px)
        images[source] = scaled[texture.content_key]
    fitted = ExportScene(primitives=primitives, variants=list(export.variants), images=images)
    if fitted.triangles < before:
        notes.append(f"decimated from {before} to {fitted.triangles} triangles to fit the "
                     f"AR budget")
    if fitted.max_texture_px < largest:
        notes.append(f"textures downsized from {largest} px to {fitted.max_texture_px} px")
    return fitted, notes
