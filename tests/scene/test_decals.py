"""Personalization in the scene: decals resolved from zones, measured, and diffed by key."""

import numpy as np
import pytest
from PIL import Image

from app.domain.configuration import ImageValue, TextValue, default_configuration
from app.domain.product import Technique
from app.errors import ConfigurationError
from app.project import open_project
from app.scene.changes import DecalAdded, DecalChanged, DecalRemoved, MaterialChanged
from app.scene.diff import diff
from app.scene.resolve import resolve_scene
from tests.catalog.project_files import PRODUCT, changed
from tests.scene.cup_project import cup_project

MM = 0.001


@pytest.fixture(scope="module")
def mug(builtin_root):
    project = open_project(builtin_root)
    product = project.catalog.product("mug")
    return product, project.scene_context()


def with_text(product, text, **fields):
    return default_configuration(product).with_zone("wrap_text", TextValue(text=text, **fields))


def test_mug_text_becomes_a_wrapped_decal_of_the_declared_size(mug):
    product, context = mug
    scene = resolve_scene(product, with_text(product, "Ada Lovelace", font="serif"), context)
    (decal,) = scene.decals
    assert (decal.id, decal.drawable_id, decal.technique) == ("wrap_text", "body/body", "print")
    x, y, z = decal.vertices.T.astype(float)
    arc = np.hypot(x, z) * np.arctan2(x, z)  # around the mug's axis, from the front (+z)
    assert abs(arc.max() - arc.min() - 100 * MM) < 0.5 * MM
    assert abs(y.max() - y.min() - 30 * MM) < 0.5 * MM
    assert abs((y.max() + y.min()) / 2 - 50 * MM) < 0.5 * MM
    assert decal.base_color.shape == (240, 800, 4)  # 100 x 30 mm at 8 px/mm
    ink = decal.base_color[..., 3] > 128
    assert 0.02 < ink.mean() < 0.5 and decal.base_color[ink][:, :3].max() < 80  # dark ink
    assert decal.normal_map.shape == decal.orm.shape == (1, 1, 3)  # print: flat, constant


def test_a_text_change_replaces_the_pixels_and_reuses_the_geometry(mug):
    product, context = mug
    first = resolve_scene(product, with_text(product, "Ada"), context)
    again = resolve_scene(product, with_text(product, "Ada"), context)
    second = resolve_scene(product, with_text(product, "Ada Lovelace"), context)
    assert first == again and diff(first, again) == []
    a, b = first.decals[0], second.decals[0]
    assert a.key != b.key and a.geometry_key == b.geometry_key
    assert a.vertices is b.vertices  # from the cache, not projected again
    assert diff(first, second) == [DecalChanged(b)]


def test_decals_are_added_and_removed_with_the_zone_value(mug):
    product, context = mug
    plain = resolve_scene(product, default_configuration(product), context)
    assert plain.decals == ()
    named = resolve_scene(product, with_text(product, "Ada"), context)
    assert diff(plain, named) == [DecalAdded(named.decals[0])]
    assert diff(named, plain) == [DecalRemoved("wrap_text")]


def test_a_glaze_change_leaves_a_printed_decal_alone(mug):
    product, context = mug
    white = resolve_scene(product, with_text(product, "Ada"), context)
    navy = resolve_scene(product, with_text(product, "Ada").with_choice("glaze", "navy"), context)
    changes = diff(white, navy)
    assert changes and all(isinstance(c, MaterialChanged) for c in changes)


def test_a_photo_on_the_mug(mug, tmp_path):
    product, context = mug
    ys, xs = np.mgrid[0:300, 0:400]
    photo = np.stack([xs * 255 // 400, ys * 255 // 300, np.full_like(xs, 90)], -1)
    Image.fromarray(photo.astype(np.uint8)).save(tmp_path / "photo.png")
    picture = context.pictures.add_file(tmp_path / "photo.png")
    config = default_configuration(product).with_zone(
        "photo_print", ImageValue(image=picture, fit="fill"))
    (decal,) = resolve_scene(product, config, context).decals
    assert decal.id == "photo_print"
    assert decal.base_color[..., 3].min() == 255  # fill: the photo covers the whole zone
    left, right = decal.base_color[100, 20], decal.base_color[100, -20]
    assert left[0] < right[0]  # the photo's red ramp runs left to right on the mug
    z = decal.vertices[:, 2]
    assert z.max() < 0  # the back of the mug, where the zone is


def test_bad_text_and_images_raise_the_customers_message(mug, tmp_path):
    product, context = mug
    with pytest.raises(ConfigurationError, match="cannot be made") as caught:
        resolve_scene(product, with_text(product, "Hi \N{GRINNING FACE}"), context)
    assert caught.value.field == "personalization.wrap_text"
    missing = default_configuration(product).with_zone(
        "photo_print", ImageValue(image="sha256:" + "0" * 64))
    with pytest.raises(ConfigurationError, match="not in the app's picture store"):
        resolve_scene(product, missing, context)
    (tmp_path / "fake.png").write_text("not a picture")
    with pytest.raises(ConfigurationError, match="not a picture"):
        context.pictures.add_file(tmp_path / "fake.png")
    unknown = default_configuration(product).with_zone("lid", TextValue(text="x"))
    with pytest.raises(ConfigurationError, match="unknown personalization zone 'lid'"):
        resolve_scene(product, unknown, context)


CUP_ZONES = [
    {"id": "front", "label": "Front", "kind": "text", "part": "body",
     "techniques": ["print", "engrave"],
     "projector": {"position": [0, 50, 40], "direction": [0, 0, -1], "width_mm": 40,
                   "height_mm": 16}},
    {"id": "tag", "label": "Tag", "kind": "text", "part": "handle_a",
     "projector": {"position": [55, 50, 5], "direction": [0, 0, -1], "width_mm": 10,
                   "height_mm": 10}},
]
SIDE = {"id": "side", "label": "Side", "kind": "transform", "choices": [
    {"id": "right", "label": "Right"}, {"id": "left", "label": "Left", "mirror": "x"}]}


@pytest.fixture
def cup(tmp_path):
    product_data = changed(options=[*PRODUCT["options"], SIDE], zones=CUP_ZONES)
    context = cup_project(tmp_path, product_data)
    from app.catalog.catalog import load_catalog

    return load_catalog(tmp_path).product("cup"), context


def test_a_mirrored_part_keeps_its_text_readable(cup):
    product, context = cup
    config = default_configuration(product).with_zone("front", TextValue(text="AB"))
    right = resolve_scene(product, config, context).decal("front")
    left = resolve_scene(product, config.with_choice("side", "left"), context).decal("front")
    assert right.geometry_key != left.geometry_key
    for decal in (right, left):
        x, u = decal.vertices[:, 0], decal.uv[:, 0]
        assert np.corrcoef(x, u)[0, 1] > 0.99  # u grows to the viewer's right, never mirrored
        assert abs(x.max() - x.min() - 40 * MM) < 0.5 * MM
        assert decal.vertices[:, 2].min() > 0.03  # on the front face, in world space


def test_engraving_follows_the_part_colour_and_hides_with_its_part(cup):
    product, context = cup
    config = (default_configuration(product)
              .with_zone("front", TextValue(text="AB", technique="engrave"))
              .with_zone("tag", TextValue(text="C")))
    gloss = resolve_scene(product, config, context)
    assert {d.id for d in gloss.decals} == {"front", "tag"}
    black = resolve_scene(product, config.with_choice("glaze", "matte_black"), context)
    assert DecalChanged(black.decal("front")) in diff(gloss, black)
    ink = gloss.decal("front").base_color[..., 3] > 200
    assert (black.decal("front").base_color[ink][:, :3].mean()
            < gloss.decal("front").base_color[ink][:, :3].mean())
    swapped = resolve_scene(product, config.with_choice("handle", "b"), context)
    assert [d.id for d in swapped.decals] == ["front"]
    assert DecalRemoved("tag") in diff(gloss, swapped)


def test_an_engraving_takes_no_ink_and_is_cut_into_the_parts_own_material(cup):
    """The colour a configuration may still carry (from an earlier print) changes nothing; the
    cut has the part's metalness, its floor is rougher and darker than the part, its walls keep
    the part's finish."""
    product, context = cup
    engraved = default_configuration(product).with_zone(
        "front", TextValue(text="AB", technique="engrave"))
    inked = default_configuration(product).with_zone(
        "front", TextValue(text="AB", technique="engrave", colour="#ff0000"))
    plain, red = (resolve_scene(product, c, context).decal("front") for c in (engraved, inked))
    assert np.array_equal(plain.base_color, red.base_color)
    assert np.array_equal(plain.orm, red.orm)
    part = resolve_scene(product, engraved, context).drawable(plain.drawable_id).material
    covered = plain.base_color[..., 3] > 200
    cut = plain.orm[covered]
    assert np.allclose(cut[:, 2] / 255 * plain.metallic, part.metallic, atol=1 / 255)
    roughness = cut[:, 1] / 255 * plain.roughness
    assert roughness.min() >= part.roughness - 1 / 255
    deepest = cut[:, 0] <= cut[:, 0].min() + 1  # the least light reaches the floor
    assert roughness[deepest].min() > part.roughness + 0.5
    walls = np.abs(roughness - part.roughness) <= 1 / 255
    assert walls.sum() > 0.2 * len(cut)
    colour = plain.base_color[covered][:, :3].astype(float).mean(axis=1)
    assert colour[deepest].mean() < 0.8 * colour[walls].mean()  # the cut darkens as it deepens
    assert not Technique.engrave.takes_ink and not Technique.emboss.takes_ink
    assert Technique.print.takes_ink and Technique.foil.takes_ink


def test_an_engraving_in_textured_wood_is_the_wood_s_colour(builtin_root):
    """The guitar's maple has a white factor and a wood texture: the cut into it is the
    texture's mean colour, darker (it was the factor's grey); the chrome neck plate, which has
    no texture, keeps its factor."""
    from app.domain.colour import linear_to_srgb, srgb_to_linear

    project = open_project(builtin_root)
    product = project.catalog.product("guitar")
    config = (default_configuration(product)
              .with_zone("headstock_engraving", TextValue(text="Ada"))
              .with_zone("body_engraving", TextValue(text="Ada")))
    scene = resolve_scene(product, config, project.scene_context())
    maple = scene.drawable(scene.decal("headstock_engraving").drawable_id).material
    assert maple.base_color == pytest.approx((1.0, 1.0, 1.0))
    pixels = project.assets.texture(maple.base_color_texture.texture).pixels[..., :3]
    linear = np.vectorize(srgb_to_linear)(np.arange(256) / 255)[pixels].reshape(-1, 3)
    wood = np.array([linear_to_srgb(c) for c in linear.mean(axis=0)]) * 255
    decal = scene.decal("headstock_engraving")
    walls = decal.base_color[..., 3] > 200
    colours = decal.base_color[walls][:, :3].astype(float)
    brightest = colours[colours.sum(axis=1) >= np.percentile(colours.sum(axis=1), 99)]
    ratio = brightest.mean(axis=0) / wood  # the wood's hue, darkened (sRGB: about alike)
    assert np.ptp(ratio) < 0.03 and 0.5 < ratio.mean() < 1.0, (brightest.mean(axis=0), wood)
    red, green, blue = colours.mean(axis=0)
    assert red > green + 10 > blue + 20  # brown, not grey
    plate = scene.decal("body_engraving")
    steel = scene.drawable(plate.drawable_id).material
    assert steel.base_color_texture is None
    edge = plate.base_color[plate.base_color[..., 3] > 200][:, :3].astype(float)
    assert np.abs(edge.max(axis=0) - edge.max(axis=0).mean()).max() < 3  # grey steel


def test_an_engraving_shows_the_wood_s_figure_under_its_letters(builtin_root):
    """The cut is into the maple's own texture, read where each letter lies on the part: its
    colours vary in hue as the wood's do (one colour darkened by depth kept red over green
    the same everywhere)."""
    project = open_project(builtin_root)
    product = project.catalog.product("guitar")
    config = default_configuration(product).with_zone("headstock_engraving",
                                                      TextValue(text="WWW"))
    scene = resolve_scene(product, config, project.scene_context())
    decal = scene.decal("headstock_engraving")
    colours = decal.base_color[decal.base_color[..., 3] > 250][:, :3].astype(float)
    lit = colours[colours.sum(axis=1) > np.median(colours.sum(axis=1))]
    maple = scene.drawable(decal.drawable_id).material
    wood = project.assets.texture(maple.base_color_texture.texture).pixels[..., :3]
    wood = wood.reshape(-1, 3).astype(float)
    wood_spread = np.std(wood[:, 0] / np.maximum(wood[:, 1], 1.0))
    assert np.std(lit[:, 0] / np.maximum(lit[:, 1], 1.0)) > 0.5 * wood_spread


def test_an_embossing_keeps_the_vinyl_s_grain_on_its_raised_face(builtin_root, tmp_path):
    """The seat's vinyl pressed up: the decal's normals on the logo's face carry the vinyl's
    normal map (they were flat, a smooth sticker on a grained seat), about as strongly as the
    seat's own map."""
    from scipy import ndimage

    from tests.scene.seat_emboss import ring_logo

    project = open_project(builtin_root)
    product = project.catalog.product("golf_cart")
    picture = project.pictures.add_file(ring_logo(tmp_path))
    config = default_configuration(product).with_zone(
        "seat_logo", ImageValue(image=picture, fit="fit", technique="emboss"))
    scene = resolve_scene(product, config, project.scene_context())
    decal = scene.decal("seat_logo")
    face = ndimage.binary_erosion(decal.base_color[..., 3] > 250, iterations=12)
    assert face.sum() > 10_000
    vinyl = scene.drawable(decal.drawable_id).material
    grain = project.assets.texture(vinyl.normal_texture.texture).pixels[..., :2]
    seat_spread = grain.reshape(-1, 2).astype(float).std(axis=0)
    face_spread = decal.normal_map[face][:, :2].astype(float).std(axis=0)
    assert np.all(face_spread > 0.6 * seat_spread), (face_spread, seat_spread)
