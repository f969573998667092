"""The path-traced still against the live view: same silhouette, same colours, same lighting."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.domain.configuration import default_configuration
from app.photoreal.render import render_photoreal
from app.photoreal.tonemap import srgb_to_linear
from app.project import open_project
from app.scene.description import Camera, Environment, ResolvedMaterial, SceneDescription
from app.scene.environment import studio_environment as app_studio
from app.scene.resolve import resolve_scene
from app.viewport.still import render_still
from tests.photoreal.colour_difference import delta_e
from tests.viewport.scenes import (
    FRONT_CAMERA,
    FakeSource,
    box_mesh,
    card_mesh,
    drawable,
    scene_of,
    sphere_mesh,
    studio_environment,
    write_radiance_hdr,
)

SIZE = (160, 120)
OFF_AXIS = Camera("side", "Side", position=(1.2, 0.9, 2.6), target=(0.1, 0.0, 0.0), fov_deg=30.0)


@pytest.fixture(scope="module")
def neutral_hdr(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("neutral")
    return str(write_radiance_hdr(folder / "white.hdr", np.ones((16, 32, 3), np.float32)))


@pytest.fixture(scope="module")
def studio_hdr(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("studio")
    return str(write_radiance_hdr(folder / "studio.hdr", studio_environment()))


def matte(colour_linear, roughness: float = 1.0) -> ResolvedMaterial:
    return ResolvedMaterial("matte", base_color=tuple(colour_linear), roughness=roughness)


def simple_scene(hdr: str, material: ResolvedMaterial, camera: Camera,
                 background=(0.0, 0.0, 0.0)) -> tuple[SceneDescription, FakeSource]:
    box = drawable("box", material, transform=((1, 0, 0, 0.9), (0, 1, 0, -0.2), (0, 0, 1, -0.5),
                                                (0, 0, 0, 1)))
    scene = SceneDescription("simple", (drawable("sphere", material), box), (camera,),
                             Environment(hdr, background=background, ground=False),
                             ((-0.5, -0.6, -0.9), (1.3, 0.5, 0.5)))
    return scene, FakeSource({"sphere": sphere_mesh(), "box": box_mesh()})


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_silhouettes_of_a_simple_scene_agree_for_the_same_camera(neutral_hdr):
    scene, source = simple_scene(neutral_hdr, matte((0.5, 0.5, 0.5)), OFF_AXIS)
    preview = np.asarray(render_still(scene, source, size=SIZE, transparent=True))
    still = render_photoreal(scene, source, size=SIZE, spp=4, transparent=True, denoise=False)
    assert iou(preview[..., 3] > 127, still.display[..., 3] > 0.5) >= 0.97


def test_silhouettes_of_the_mug_agree():
    project = open_project()
    product = project.catalog.product("mug")
    scene = resolve_scene(product, default_configuration(product),
                          project.scene_context(transparent=True))
    preview = np.asarray(render_still(scene, project.assets, size=SIZE, transparent=True))
    still = render_photoreal(scene, project.assets, size=SIZE, spp=4, transparent=True,
                             denoise=False)
    assert iou(preview[..., 3] > 127, still.display[..., 3] > 0.5) >= 0.97


def test_matte_surface_under_neutral_light_matches_the_preview(neutral_hdr):
    colour = srgb_to_linear(np.array([0.80, 0.45, 0.30]))
    scene, source = simple_scene(neutral_hdr, matte(colour), OFF_AXIS)
    preview = np.asarray(render_still(scene, source, size=SIZE, transparent=True))
    still = render_photoreal(scene, source, size=SIZE, spp=16, transparent=True)
    inside = (preview[..., 3] == 255) & (still.display[..., 3] > 0.999)
    difference = delta_e(preview[..., :3][inside] / 255.0, still.display[..., :3][inside])
    assert inside.sum() > 2000
    assert float(difference.mean()) <= 5.0


@pytest.mark.parametrize("declared", ["#f2efe9", "#b03a2e", "#2e4a7d"])
def test_swatch_in_the_still_has_the_declared_colour(neutral_hdr, declared):
    srgb = np.array([int(declared[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0
    card = drawable("card", matte(srgb_to_linear(srgb), roughness=0.45))  # satin paint
    scene = SceneDescription("swatch", (card,), (FRONT_CAMERA,),
                             Environment(neutral_hdr, background=(0, 0, 0), ground=False),
                             ((-0.6, -0.6, 0.0), (0.6, 0.6, 0.0)))
    still = render_photoreal(scene, FakeSource({"card": card_mesh()}), size=(64, 48), spp=16)
    centre = still.display[20:28, 28:36].reshape(-1, 3).mean(axis=0)
    assert float(delta_e(centre, srgb)) <= 2.0


BELOW = Camera("below", "Below", position=(0.3, -3.0, 1.2), target=(0.0, 0.0, 0.0),
               up=(0.0, 0.0, -1.0), fov_deg=30.0)


CHROME = ResolvedMaterial("chrome", base_color=(0.95, 0.95, 0.95), metallic=1.0,
                          roughness=0.05)


def chrome_sphere(hdr: str, camera: Camera, chrome: ResolvedMaterial = CHROME
                  ) -> tuple[np.ndarray, np.ndarray]:
    """A ``chrome`` sphere seen by ``camera``, in the live view and in the still (0..255)."""
    scene = SceneDescription("chrome", (drawable("sphere", chrome),), (camera,),
                             Environment(hdr, background=(0, 0, 0), ground=False),
                             ((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5)))
    source = FakeSource({"sphere": sphere_mesh()})
    preview = np.asarray(render_still(scene, source, size=SIZE, supersample=1)).astype(float)
    return preview, render_photoreal(scene, source, size=SIZE, spp=16).display * 255


def highlight(image: np.ndarray) -> np.ndarray:
    light = image.sum(axis=-1)
    ys, xs = np.nonzero(light >= np.percentile(light, 99.5))
    return np.array([xs.mean(), ys.mean()])


def test_key_light_highlight_on_a_chrome_sphere_is_where_the_preview_has_it(studio_hdr):
    preview, still = chrome_sphere(studio_hdr, FRONT_CAMERA)
    assert np.linalg.norm(highlight(preview) - highlight(still)) <= 4.0


def test_seen_from_below_the_studio_is_turned_over_alike_in_both(studio_hdr):
    """A camera below the ground (a caseback's view) sees the product mirror the studio's
    lights, turned over with it, in the live view and in the still alike."""
    preview, still = chrome_sphere(studio_hdr, BELOW)
    assert np.linalg.norm(highlight(preview) - highlight(still)) <= 4.0


def test_the_polished_caseback_mirrors_the_studio_lights_from_below():
    """The watch's caseback view: its polished steel mirrors the studio's bright lights (it
    mirrored the dark floor of the studio, a grey of about 90 of 255) in both renderers."""
    project = open_project()
    product = project.catalog.product("watch")
    scene = resolve_scene(product, default_configuration(product), project.scene_context())
    images = [np.asarray(render_still(scene, project.assets, size=SIZE, camera_id="caseback",
                                      supersample=1), dtype=float),
              render_photoreal(scene, project.assets, size=SIZE, spp=16,
                               camera_id="caseback").display * 255]
    for image in images:
        h, w = image.shape[:2]
        middle = image[h // 2 - 12:h // 2 + 12, w // 2 - 12:w // 2 + 12].mean()
        assert middle > 170, middle


def test_a_mirror_brushed_along_its_tangent_is_as_bright_in_both(studio_hdr):
    """glTF's anisotropy at full strength widens a mirror's roughness along its tangent to 1:
    the still draws its reflection of the studio as dim streaks, and the live view reads the
    environment along the streak alike. Read once along a bent normal, as sharp as the
    mirror is across it, the sphere came out near white (46/255 brighter than the still)."""
    brushed = dataclasses.replace(CHROME, roughness=0.0, anisotropy=1.0)
    preview, still = chrome_sphere(studio_hdr, FRONT_CAMERA, brushed)
    sphere = still.sum(axis=-1) > 10
    assert abs(preview[..., :3][sphere].mean() - still[..., :3][sphere].mean()) < 30


@pytest.mark.parametrize(("roughness", "most"), [(0.5, 3.0), (1.0, 4.5)])
def test_rough_metal_under_the_studio_is_as_bright_in_both(builtin_root, roughness, most):
    """A rough metal reflects the studio from nearer its normal than its mirror direction
    (the GGX lobe leans towards the normal as it widens); the live view reads the studio
    there, as the still gathers it. Read along the mirror direction, a sphere of roughness 1
    came out 7/255 darker than the still; a smoother one stays as it was."""
    metal = ResolvedMaterial("rough metal", base_color=(0.9, 0.9, 0.9), metallic=1.0,
                             roughness=roughness)
    scene = scene_of([drawable("sphere", metal)], app_studio(builtin_root).hdr_path,
                     background=(0.0, 0.0, 0.0))
    source = FakeSource({"sphere": sphere_mesh()})
    preview = np.asarray(render_still(scene, source, size=SIZE, supersample=1)).astype(float)
    still = render_photoreal(scene, source, size=SIZE, spp=16).display * 255
    sphere = still[..., :3].sum(axis=-1) > 10
    assert abs(preview[..., :3][sphere].mean() - still[..., :3][sphere].mean()) < most
