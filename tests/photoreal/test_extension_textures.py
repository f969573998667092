"""The glTF material extensions' textures in the photoreal still (transmission, sheen colour,
clear coat and its roughness), on the Khronos models that use them: each texture changes the
pixels where it should, against the same scene drawn with its factor alone."""

from pathlib import Path

import numpy as np
import pytest

from tests import khronos_material_extensions as x
from tests.khronos_scenes import (
    facing,
    khronos_scene,
    material_of,
    only,
    pixel_of,
    render,
    with_material,
)

SIZE = (160, 160)
TRANSMISSION_MODEL = "TransmissionTest/glTF-Binary/TransmissionTest.glb"
SHEEN_MODEL = "SheenCloth/glTF/SheenCloth.gltf"


def _opaque_red(pixels: np.ndarray) -> np.ndarray:
    """Where the red glass is drawn as an opaque red surface (lit salmon red), not as red
    glass that shows the grey backdrop through it (dark red)."""
    p = pixels.astype(float)
    return (p[..., 0] > 200) & (p[..., 1] > 70) & (p[..., 1] < 150) & (p[..., 2] < 150)


@pytest.mark.parametrize("kind", ["photoreal", "live"])
def test_transmission_texture_stripes_the_sphere(external_dir: Path, kind: str):
    """TransmissionTest's "TransmissionTexture" sphere: transmission factor 1 times a striped
    texture, so opaque red stripes alternate with clear glass along the sphere (Khronos'
    screenshot), in the still and the live view; with the factor alone the sphere is uniform
    glass."""
    scene, assets = khronos_scene(external_dir, TRANSMISSION_MODEL)
    sphere = "RedTransTexture"
    assert material_of(scene, sphere).transmission_texture is not None
    point = (0.177, 0.633, -0.407)
    scene = only(facing(scene, point, 0.8), sphere, "Cloth Backdrop 01")
    uniform = with_material(scene, sphere, transmission_texture=None)
    row, column = pixel_of(scene, point, SIZE)
    disk = (slice(row - 30, row + 30), slice(column - 30, column + 30))
    striped_image = render(kind, scene, assets, size=SIZE)
    uniform_image = render(kind, uniform, assets, size=SIZE)
    striped, plain = _opaque_red(striped_image[disk]), _opaque_red(uniform_image[disk])
    assert striped.mean() > 0.3 and plain.mean() < 0.15, (striped.mean(), plain.mean())
    # along the sphere (down its middle) opaque and clear alternate, stripe after stripe
    line = _opaque_red(striped_image[row - 30:row + 30, column])
    switches = int(np.count_nonzero(line[1:] != line[:-1]))
    assert switches >= 4, line.astype(int)


def test_sheen_colour_texture_sets_the_sheen(external_dir: Path):
    x.sheen_colour_texture_sets_the_sheen("photoreal", external_dir)


def test_clearcoat_texture_takes_the_coat_away_in_part(external_dir: Path):
    x.clearcoat_texture_takes_the_coat_away_in_part("photoreal", external_dir)


def test_clearcoat_roughness_texture_varies_the_coat(external_dir: Path):
    x.clearcoat_roughness_texture_varies_the_coat("photoreal", external_dir)
