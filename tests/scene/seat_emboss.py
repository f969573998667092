"""The golf cart's seat back seen from its zone's camera, bare, with a ring printed and with the
ring embossed: whether the embossing's relief shows on the grained vinyl at that distance (a
few millimetres of seat a screen pixel), for the looks tests of both renderers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from app.domain.configuration import ImageValue, default_configuration
from app.project import open_project
from app.scene.resolve import resolve_scene
from tests.scene.technique_plate import luminance

SIZE = (640, 480)  # the seat camera's view: about 1.2 mm of seat back a pixel


def ring_logo(folder: Path) -> Path:
    """A black ring and bar, 20 and 30 mm wide once fitted into the 200 x 120 mm zone."""
    image = Image.new("RGBA", (500, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 280, 280), outline=(20, 20, 20, 255), width=50)
    draw.rectangle((320, 110, 480, 185), fill=(20, 20, 20, 255))
    path = folder / "ring.png"
    image.save(path)
    return path


def emboss_relief(builtin_root: Path, folder: Path, render) -> dict[str, float]:
    """``render`` (scene, source, camera id) -> image. Where the printed ring darkens the seat
    is the logo; along its outline (a band 3 pixels either side) and on its face, the mean
    absolute change of luminance (0..255) the embossing brings to the bare seat, and the same
    on the seat round the logo (noise and nothing else)."""
    project = open_project(builtin_root)
    product = project.catalog.product("golf_cart")
    picture = project.pictures.add_file(ring_logo(folder))
    bare = default_configuration(product)

    def seen(technique: str | None) -> np.ndarray:
        config = bare if technique is None else bare.with_zone(
            "seat_logo", ImageValue(image=picture, fit="fit", technique=technique))
        scene = resolve_scene(product, config, project.scene_context())
        return luminance(render(scene, project.assets, "seat"))

    plain, printed, embossed = seen(None), seen("print"), seen("emboss")
    logo = (plain - printed) > 40
    outline = ndimage.binary_dilation(logo, iterations=3) & ~ndimage.binary_erosion(
        logo, iterations=3)
    face = ndimage.binary_erosion(logo, iterations=4)
    near = ndimage.binary_dilation(logo, iterations=30) & ~ndimage.binary_dilation(
        logo, iterations=8)
    change = np.abs(embossed - plain)
    return {"outline": float(np.percentile(change[outline], 90)),
            "face": float(np.percentile(change[face], 90)),
            "around": float(np.percentile(change[near], 90)),
            "shift": float(embossed[face].mean() - plain[face].mean())}
