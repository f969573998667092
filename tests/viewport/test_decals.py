"""Decals on screen: reference images of personalized products, no fringes, in-place updates."""

import dataclasses

import numpy as np
import pytest
import pyvista as pv
from PIL import Image

from app.domain.configuration import ImageValue, TextValue, default_configuration
from app.project import open_project
from app.scene.changes import DecalAdded, DecalChanged
from app.scene.description import Camera
from app.scene.diff import diff
from app.scene.resolve import resolve_scene
from app.viewport.scene_view import SceneView
from app.viewport.still import render_still
from tests.image_compare import assert_matches_reference

SIZE = (480, 360)
MUG_GRAZING = Camera("grazing", "Grazing close-up", (0.085, 0.058, 0.105), (-0.005, 0.05, 0.035),
                     fov_deg=26)
MUG_BACK = Camera("back", "Back", (0.0, 0.06, -0.29), (0.0, 0.048, 0.0))
NECK_PLATE = Camera("plate", "Neck plate", (0.06, 0.41, -0.22), (0.0, 0.372, -0.018),
                    fov_deg=18)


@pytest.fixture(scope="module")
def project(builtin_root):
    project = open_project(builtin_root)
    return project, project.scene_context()


def mug_text(product, text="Ada Lovelace"):
    return default_configuration(product).with_zone("wrap_text",
                                                    TextValue(text=text, font="serif"))


def write_photo(folder, project) -> str:
    """A test photo, uploaded into the project's picture store: its picture id."""
    ys, xs = np.mgrid[0:300, 0:400]
    photo = np.stack([xs * 255 // 400, ys * 255 // 300, np.full_like(xs, 128)], -1)
    photo[100:200, 150:250] = 250
    path = folder / "photo.png"
    Image.fromarray(photo.astype(np.uint8)).save(path)
    return project[0].pictures.add_file(path)


def render(project, product_id, config, camera, **options):
    proj, context = project
    scene = resolve_scene(proj.catalog.product(product_id), config, context)
    camera_id = camera
    if isinstance(camera, Camera):
        scene, camera_id = dataclasses.replace(scene, cameras=(camera,)), None
    return render_still(scene, proj.assets, camera_id=camera_id, **options)


def test_mug_wrap_text_matches_reference(project):
    product = project[0].catalog.product("mug")
    image = render(project, "mug", mug_text(product), "hero", size=SIZE)
    assert_matches_reference(image, "decal_mug_text_hero.png")


def test_mug_wrap_text_at_a_grazing_angle_matches_reference(project):
    product = project[0].catalog.product("mug")
    image = render(project, "mug", mug_text(product), MUG_GRAZING, size=SIZE)
    assert_matches_reference(image, "decal_mug_text_grazing.png")


def test_mug_photo_print_matches_reference(project, tmp_path):
    product = project[0].catalog.product("mug")
    config = default_configuration(product).with_zone(
        "photo_print", ImageValue(image=write_photo(tmp_path, project), fit="fill"))
    image = render(project, "mug", config, MUG_BACK, size=SIZE)
    assert_matches_reference(image, "decal_mug_photo.png")
    pixels = np.asarray(image, dtype=int)
    left, right = pixels[150, 185], pixels[150, 300]
    assert right[0] - left[0] > 60  # the photo's red ramp runs left to right, not mirrored


def test_guitar_neck_plate_engraving_matches_reference(project):
    product = project[0].catalog.product("guitar")
    config = default_configuration(product).with_zone(
        "body_engraving", TextValue(text="Ada\nLovelace", font="script"))
    image = render(project, "guitar", config, NECK_PLATE, size=SIZE)
    assert_matches_reference(image, "decal_guitar_engraving.png")


def test_golf_cart_side_name_and_seat_logo_match_references(project, tmp_path):
    product = project[0].catalog.product("golf_cart")
    config = (default_configuration(product)
              .with_zone("side_name", TextValue(text="Fairway Flyer", font="script"))
              .with_zone("seat_logo", ImageValue(image=write_photo(tmp_path, project), fit="crop")))
    assert_matches_reference(render(project, "golf_cart", config, "side", size=SIZE),
                             "decal_golf_cart_side_name.png")
    assert_matches_reference(render(project, "golf_cart", config, "seat", size=SIZE),
                             "decal_golf_cart_seat_logo.png")


def test_watch_caseback_engraving_matches_reference(project):
    product = project[0].catalog.product("watch")
    config = default_configuration(product).with_zone(
        "caseback", TextValue(text="For Ada\n10.12.1815\nwith love", font="serif"))
    image = render(project, "watch", config, "caseback", size=SIZE)
    assert_matches_reference(image, "decal_watch_caseback.png")


def test_a_transparent_decal_leaves_the_picture_unchanged_even_at_a_grazing_angle(project):
    """No z-fighting and no dark fringes: where the artwork is empty, the part shows as is."""
    proj, context = project
    product = proj.catalog.product("mug")
    plain = resolve_scene(product, default_configuration(product), context)
    named = resolve_scene(product, mug_text(product), context)
    decal = named.decals[0]
    clear = np.array(decal.base_color)
    clear[..., 3] = 0
    invisible = dataclasses.replace(decal, base_color=clear)
    plotter = pv.Plotter(off_screen=True, window_size=(240, 180), lighting="none")
    view = SceneView(plotter, proj.assets, fxaa=False)
    try:
        view.show(plain)
        view.set_camera(MUG_GRAZING, 240 / 180)
        bare = view.snapshot().astype(int)
        view.apply([DecalAdded(invisible)])
        covered = view.snapshot().astype(int)
        view.apply([DecalChanged(decal)])
        text = view.snapshot().astype(int)
    finally:
        view.close()
        plotter.close()
    assert np.abs(covered - bare).max() <= 3
    assert np.abs(text - bare).max() > 100  # while the text itself does show


def test_scene_view_updates_decals_in_place(project):
    proj, context = project
    product = proj.catalog.product("mug")
    plain = resolve_scene(product, default_configuration(product), context)
    ada = resolve_scene(product, mug_text(product, "Ada"), context)
    lovelace = resolve_scene(product, mug_text(product, "Lovelace"), context)
    plotter = pv.Plotter(off_screen=True, window_size=(160, 120), lighting="none")
    view = SceneView(plotter, proj.assets, fxaa=False)
    try:
        view.show(plain)
        view.set_camera(plain.camera("front"), 160 / 120)
        body = view.actors["body/body"]
        view.apply(diff(plain, ada))
        actor = view.decals["wrap_text"].actor
        polydata = actor.GetMapper().GetInput()
        texture = actor.GetProperty().GetTexture("albedoTex")
        pixels = texture.GetInput()
        orm = actor.GetProperty().GetTexture("materialTex").GetInput()
        view.apply(diff(ada, lovelace))
        assert view.decals["wrap_text"].actor is actor and view.actors["body/body"] is body
        assert actor.GetMapper().GetInput() is polydata  # same geometry, new pixels
        assert actor.GetProperty().GetTexture("albedoTex") is texture  # the same texture...
        assert texture.GetInput() is not pixels  # ...with the new text's pixels
        assert actor.GetProperty().GetTexture("materialTex").GetInput() is orm  # unchanged
        assert actor.GetForceTranslucent()
        in_place = view.snapshot().astype(int)
        view.show(lovelace)
        rebuilt = view.snapshot().astype(int)
        assert np.abs(in_place - rebuilt).max() <= 2
        view.apply(diff(lovelace, plain))
        assert view.decals == {}
        assert np.abs(view.snapshot().astype(int) - in_place).max() > 60
    finally:
        view.close()
        plotter.close()
