"""What one part hides of the studio from another (app.viewport.environment_occlusion)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import pyvista as pv

from app.scene.description import ResolvedMaterial
from app.viewport import environment_occlusion
from app.viewport.environment_occlusion import (
    Occluder,
    StudioSamples,
    occlusion,
    studio_samples,
)
from app.viewport.scene_view import SceneView
from tests.viewport.scenes import (
    FRONT_CAMERA,
    FakeSource,
    card_mesh,
    drawable,
    scene_of,
    sphere_mesh,
    translation,
)

WHITE = (1.0, 1.0, 1.0)
GREY = (0.5, 0.5, 0.5)  # passes on half of the light it gets (environment_occlusion.PASSED_ON)
# the card (a square in the XY plane) laid flat, facing down, 0.7 above the sphere's centre
CARD_OVER = ((1.0, 0.0, 0.0, 0.0), (0.0, 0.0, -1.0, 0.7), (0.0, 1.0, 0.0, 0.0),
             (0.0, 0.0, 0.0, 1.0))


def grid(size: float, y: float, cells: int = 8, x0: float = 0.0, up: bool = True) -> Occluder:
    """A square of ``cells`` x ``cells`` quads at height ``y``, from (x0, z=-size/2), its
    normals up (or down)."""
    steps = np.linspace(0.0, size, cells + 1)
    xs, zs = np.meshgrid(x0 + steps, steps - size / 2)
    vertices = np.stack([xs.ravel(), np.full(xs.size, y), zs.ravel()], axis=1)
    index = np.arange(xs.size).reshape(xs.shape)
    a, b = index[:-1, :-1].ravel(), index[:-1, 1:].ravel()
    c, d = index[1:, :-1].ravel(), index[1:, 1:].ravel()
    faces = np.concatenate([np.stack([a, c, b], 1), np.stack([b, c, d], 1)])
    normals = np.tile([0.0, 1.0 if up else -1.0, 0.0], (len(vertices), 1))
    return Occluder("floor" if up else "roof", vertices, normals, faces, WHITE)


def overhead(radiance: float = 1.0) -> StudioSamples:
    """All the studio's light straight from above."""
    return StudioSamples(np.array([[0.0, 1.0, 0.0]] * 8), np.full(8, radiance), radiance)


def all_round(count: int = 400) -> StudioSamples:
    """A studio as bright in every direction (evenly spread directions)."""
    i = np.arange(count) + 0.5
    y = 1 - 2 * i / count
    r = np.sqrt(1 - y * y)
    angle = np.pi * (1 + 5 ** 0.5) * i
    directions = np.stack([r * np.cos(angle), y, r * np.sin(angle)], axis=1)
    return StudioSamples(directions, np.ones(count), 4 * np.pi)


def test_the_studio_s_light_comes_mostly_from_its_soft_box_and_sky_above(studio_hdr):
    samples = studio_samples(studio_hdr, 0.0)
    assert samples.directions.shape == (192, 3)
    assert np.allclose(np.linalg.norm(samples.directions, axis=1), 1.0)
    assert (samples.directions[:, 1] > 0).mean() > 0.6
    turned = studio_samples(studio_hdr, 0.0, turned_over=True)  # a camera under the ground
    assert np.allclose(turned.directions[:, 1], -samples.directions[:, 1])


def test_a_roof_shades_the_floor_under_it_and_not_beside_it():
    floor = grid(2.0, 0.0, cells=32, x0=-1.0)
    roof = grid(0.8, 1.0, cells=2, x0=-1.0, up=False)  # over x in -1 .. -0.2
    shades = occlusion([floor, roof], overhead())
    under = (floor.vertices[:, 0] < -0.3) & (np.abs(floor.vertices[:, 2]) < 0.3)
    beside = floor.vertices[:, 0] > 0.1
    # the roof's underside sees none of a light from straight above, so it passes none on
    assert np.allclose(shades["floor"][under, :3], 0.0)
    assert np.allclose(shades["floor"][beside, :3], 1.0)
    assert np.allclose(shades["roof"], 1.0)  # its underside faces away from the light


def test_a_coloured_part_passes_on_its_own_colour():
    floor = grid(2.0, 0.0, cells=32, x0=-1.0)
    wall = Occluder("wall", np.array([[-1.0, 0.0, -1.0], [-1.0, 0.0, 1.0], [-1.0, 2.0, -1.0],
                                      [-1.0, 2.0, 1.0]]),
                    np.tile([1.0, 0.0, 0.0], (4, 1)), np.array([[0, 1, 2], [2, 1, 3]]),
                    (0.9, 0.05, 0.05))
    shades = occlusion([floor, wall], all_round())
    near_wall = (floor.vertices[:, 0] > -0.9) & (floor.vertices[:, 0] < -0.5)
    red, green = shades["floor"][near_wall, 0], shades["floor"][near_wall, 1]
    assert (red > green + 0.05).all()
    assert (green < 0.95).all()  # the wall hides some of the studio


def test_a_part_does_not_shade_itself_nor_what_touches_it():
    bowl = Occluder("bowl", *_sphere_arrays(), WHITE)
    assert np.allclose(occlusion([bowl], all_round())["bowl"], 1.0)
    floor = grid(2.0, 0.0, cells=32, x0=-1.0)
    lid = grid(2.0, 0.005, cells=2, x0=-1.0, up=False)  # closer than NEAR of the scene's size
    assert np.allclose(occlusion([floor, lid], overhead())["floor"], 1.0)


def floor_and_wall(clear: bool = False) -> tuple[Occluder, Occluder, Occluder, np.ndarray]:
    """A grey floor, a grey wall standing at its edge (x = -1), the two as one folded part
    (the floor's vertices first), all ``clear`` (glass) or not; and which of the floor's
    vertices lie near the fold."""
    plane = grid(2.0, 0.0, cells=32, x0=-1.0)
    floor = Occluder("floor", plane.vertices, plane.normals, plane.faces, GREY, clear=clear)
    wall = Occluder("wall", np.array([[-1.0, 0.0, -1.0], [-1.0, 0.0, 1.0], [-1.0, 2.0, -1.0],
                                      [-1.0, 2.0, 1.0]]),
                    np.tile([1.0, 0.0, 0.0], (4, 1)), np.array([[0, 1, 2], [2, 1, 3]]), GREY,
                    clear=clear)
    folded = Occluder("folded", np.concatenate([floor.vertices, wall.vertices]),
                      np.concatenate([floor.normals, wall.normals]),
                      np.concatenate([floor.faces, wall.faces + len(floor.vertices)]), GREY,
                      clear=clear)
    near_fold = (floor.vertices[:, 0] > -0.9) & (floor.vertices[:, 0] < -0.7) \
        & (np.abs(floor.vertices[:, 2]) < 0.5)
    return floor, wall, folded, near_fold


def test_a_part_s_own_fold_shades_its_reflection_and_not_its_diffuse_light():
    """A floor and a wall of one part, meeting in a fold, in a studio as bright all round:
    near the fold the wall hides half of the floor's sky from its reflection (the still's
    light between the two is left to it for the diffuse light); far from it, nothing."""
    floor, wall, folded, near_fold = floor_and_wall()
    shades = occlusion([folded], all_round())["folded"][: len(floor.vertices)]
    far = floor.vertices[:, 0] > 0.9
    assert np.allclose(shades[:, :6], 1.0)
    assert (shades[near_fold, 6:] < 0.85).all()
    assert (shades[far, 6:] > shades[near_fold, 6:].max()).all()
    # the other part's wall shades both
    apart = occlusion([floor, wall], all_round())["floor"]
    assert (apart[near_fold, :3] < 0.85).all()
    assert np.allclose(apart[near_fold, :3], apart[near_fold, 6:9])


def test_parts_with_no_numbers_for_coordinates_shade_nothing_and_are_not_shaded():
    floor = grid(2.0, 0.0, cells=32, x0=-1.0)
    broken = grid(0.8, 1.0, cells=2, x0=-1.0, up=False)
    vertices = broken.vertices.copy()
    vertices[0] = np.nan
    broken = Occluder("roof", vertices, broken.normals, broken.faces, WHITE)
    shades = occlusion([floor, broken], overhead())
    assert np.allclose(shades["floor"], 1.0)
    assert np.allclose(shades["roof"], 1.0)


def _sphere_arrays():
    surface = pv.Sphere(radius=0.5).triangulate()
    faces = surface.faces.reshape(-1, 4)[:, 1:]
    return (np.asarray(surface.points, float), np.asarray(surface.point_normals, float),
            faces)


@pytest.fixture
def view():
    plotter = pv.Plotter(off_screen=True, window_size=(160, 120), lighting="none")
    view = SceneView(plotter, FakeSource({"card": card_mesh(), "sphere": sphere_mesh()}))
    yield view
    view.close()
    plotter.close()


def test_a_card_held_over_a_sphere_darkens_its_top_in_the_still_and_follows_the_card(
        view, studio_hdr):
    """The sphere under a card (seen edge on, above the frame) is lit less from above: its
    top darkens; the card moved aside, the sphere is as bright as alone."""
    white = ResolvedMaterial("white", base_color=(0.8, 0.8, 0.8), roughness=0.6)

    def top_of_sphere(card_over: bool) -> float:
        card = CARD_OVER if card_over else translation(5.0, 0.7, 0.0)
        view.present(scene_of([drawable("sphere", white),
                               drawable("card", white, transform=card)], studio_hdr,
                              bounds=((-0.6, -0.5, -0.6), (0.6, 0.5, 0.6))))
        view.set_camera(FRONT_CAMERA, 160 / 120)
        pixels = view.snapshot().astype(float)
        return float(pixels[36:46, 72:88].mean())

    alone = top_of_sphere(False)
    shaded = top_of_sphere(True)
    assert view.parts["part/sphere"].shade is not None
    assert view.parts["part/sphere"].shade[:, 1].min() < 0.7
    assert shaded < alone - 8, (alone, shaded)
    assert abs(top_of_sphere(False) - alone) < 1.0  # kept, and shown again


def test_a_part_keeps_its_shading_through_a_change_of_material(view, studio_hdr):
    """A new material (which builds the part's shader again) is shaded as the same material
    shown from the start."""
    white = ResolvedMaterial("white", base_color=(0.8, 0.8, 0.8), roughness=0.6)
    grey = ResolvedMaterial("grey", base_color=(0.5, 0.5, 0.5), roughness=0.6)
    card = drawable("card", white, transform=CARD_OVER)

    def grey_sphere(changed: bool) -> np.ndarray:
        if changed:
            view.show(scene_of([drawable("sphere", white), card], studio_hdr))
            view.update_occlusion()
            view.present(scene_of([drawable("sphere", grey), card], studio_hdr))
        else:
            view.show(scene_of([drawable("sphere", grey), card], studio_hdr))
        view.set_camera(FRONT_CAMERA, 160 / 120)
        return view.snapshot().astype(float)

    changed, fresh = grey_sphere(True), grey_sphere(False)
    assert np.abs(changed - fresh).max() <= 2


def test_grey_shading_is_one_array_and_coloured_shading_four(view, studio_hdr):
    """The parts pass on grey light: a part's shading is one array of four (the front's and the
    back's diffuse light and reflection), where four arrays of three each cost VTK time to let
    go of; shading of colour takes the four, and grey again, the one alone. The sphere under
    the card is drawn the same either way."""
    from app.viewport.environment_occlusion import ARRAYS, GREY_ARRAY

    white = ResolvedMaterial("white", base_color=(0.8, 0.8, 0.8), roughness=0.6)

    def arrays() -> set[str]:
        data = view.parts["part/sphere"].actor.GetMapper().GetInput().GetPointData()
        return {data.GetArrayName(i) for i in range(data.GetNumberOfArrays())} & {
            *ARRAYS, GREY_ARRAY}

    view.present(scene_of([drawable("sphere", white),
                           drawable("card", white, transform=CARD_OVER)], studio_hdr))
    view.update_occlusion()
    view.set_camera(FRONT_CAMERA, 160 / 120)
    assert arrays() == {GREY_ARRAY}
    grey = view.snapshot().astype(float)
    sphere = view.parts["part/sphere"]
    shading = sphere.shade
    assert shading[:, 1].min() < 0.7  # the card's shade
    environment_occlusion.shade(sphere.actor, shading * np.tile([1.0, 1.0, 0.999], 4))
    assert arrays() == set(ARRAYS)
    coloured = view.snapshot().astype(float)
    assert np.abs(coloured - grey).max() <= 1
    environment_occlusion.shade(sphere.actor, np.full_like(shading, 1.0))
    assert arrays() == {GREY_ARRAY}
    unshaded = view.snapshot().astype(float)
    assert unshaded[36:46, 72:88].mean() > grey[36:46, 72:88].mean() + 8  # the card's shade gone


def test_a_sheet_is_open_and_a_box_with_split_vertices_is_closed():
    from app.viewport.environment_occlusion import has_edge
    from tests.viewport.scenes import box_mesh

    box, card = box_mesh(), card_mesh()
    assert len(box.vertices) > 8  # its corners split for each face's normal
    assert not has_edge(box.vertices, box.faces)
    assert has_edge(card.vertices, card.faces)


def test_the_back_of_a_sheet_is_shaded_for_its_own_side():
    """A floor sheet under a roof, lit from above and below: its top is shaded by the roof
    (which passes on only what it gets from below), its underside (which VTK draws turned
    round) is not."""
    floor = grid(2.0, 0.0, cells=32, x0=-1.0)
    floor = Occluder("floor", floor.vertices, floor.normals, floor.faces, WHITE, open=True)
    roof = grid(2.0, 1.0, cells=2, x0=-1.0, up=False)
    both_ways = StudioSamples(np.array([[0.0, 1.0, 0.0]] * 4 + [[0.0, -1.0, 0.0]] * 4),
                              np.ones(8), 1.0)
    shades = occlusion([floor, roof], both_ways)["floor"]
    inside = (np.abs(floor.vertices[:, 0]) < 0.5) & (np.abs(floor.vertices[:, 2]) < 0.5)
    assert (shades[inside, :3] < 0.2).all()
    assert np.allclose(shades[inside, 3:6], 1.0)
    assert (shades[inside, 6:9] < 0.2).all()  # its reflection, the same way
    assert np.allclose(shades[inside, 9:], 1.0)


def test_a_part_of_few_far_apart_vertices_shades_others_and_is_not_shaded():
    """A backdrop of four corners behind a card: per-vertex figures would spread over its
    whole face, so it is left as it is; the card is still in the light's way for others."""
    backdrop = grid(2.0, 0.0, cells=1, x0=-1.0)
    card = grid(1.0, 0.5, cells=16, x0=-0.5, up=False)
    floor = Occluder("under", *(a.copy() for a in (backdrop.vertices, backdrop.normals)),
                     backdrop.faces, WHITE)
    fine = grid(2.0, -0.2, cells=32, x0=-1.0)
    shades = occlusion([floor, card, Occluder("fine", fine.vertices, fine.normals, fine.faces,
                                              WHITE)], overhead())
    assert np.allclose(shades["under"], 1.0)
    under_card = (np.abs(fine.vertices[:, 0]) < 0.4) & (np.abs(fine.vertices[:, 2]) < 0.4)
    assert (shades["fine"][under_card, :3] < 0.5).all()


def test_glass_lets_the_studio_through_and_metal_throughout_does_not():
    """A transmissive part is shaded and lets light through to other parts, unless it is
    metal throughout (metallic factor 1, no ORM texture), which glTF draws as an opaque
    metal; a masked or see-through part is neither."""
    from app.scene.description import Drawable, GeometryRef, TextureRef, slot
    from app.viewport.environment_occlusion import lets_light_through, shaded

    def part(**fields) -> Drawable:
        fields.setdefault("transmission", 1.0)
        return Drawable("p/n", "p", GeometryRef("f", "n"), ResolvedMaterial("m", **fields))

    glass = part(metallic=0.0)
    assert shaded(glass) and lets_light_through(glass)
    orm = slot(TextureRef("orm.png", srgb=False))
    assert lets_light_through(part(metallic=1.0, orm_texture=orm))
    metal = part(metallic=1.0)
    assert shaded(metal) and not lets_light_through(metal)
    assert not lets_light_through(part(transmission=0.0))
    assert not shaded(part(transmission=0.0, alpha_mode="MASK"))
    assert not shaded(part(transmission=0.0, alpha_mode="BLEND"))


def _clear(part: Occluder) -> Occluder:
    return dataclasses.replace(part, clear=True)


def test_glass_under_a_roof_reflects_its_shade_and_casts_none():
    """A glass floor under a roof reflects the roof's underside, not the light above; a floor
    under a glass roof is lit as under none, and the glass roof is shaded
    by the floor below it (its underside reflects the floor)."""
    floor = grid(2.0, 0.0, cells=32, x0=-1.0)
    roof = grid(0.8, 1.0, cells=2, x0=-1.0, up=False)  # over x in -1 .. -0.2
    under = (floor.vertices[:, 0] < -0.3) & (np.abs(floor.vertices[:, 2]) < 0.3)
    glass_floor = occlusion([_clear(floor), roof], overhead())["floor"]
    assert np.allclose(glass_floor[under], 0.0)  # its reflection and its haze's light
    assert np.allclose(glass_floor[floor.vertices[:, 0] > 0.1], 1.0)
    under_glass = occlusion([floor, _clear(roof)], overhead())["floor"]
    assert np.allclose(under_glass, 1.0)
    lit_from_below = StudioSamples(np.array([[0.0, -1.0, 0.0]] * 8), np.ones(8), 1.0)
    fine_roof = _clear(grid(0.8, 1.0, cells=16, x0=-1.0, up=False))
    glass_roof = occlusion([floor, fine_roof], lit_from_below)["roof"]
    assert (glass_roof[:, :3] < 0.6).all()  # the floor passes on half of what it gets


def test_glass_reflects_its_own_folds_and_other_glass():
    """A glass floor and wall of one part: near the fold its reflection is shaded by its own
    wall (as an opaque part's is); a separate glass wall shades its reflection and its haze's
    light alike."""
    floor, wall, folded, near_fold = floor_and_wall(clear=True)
    own = occlusion([folded], all_round())["folded"][: len(floor.vertices)]
    assert np.allclose(own[:, :6], 1.0)
    assert (own[near_fold, 6:] < 0.85).all()
    apart = occlusion([floor, wall], all_round())["floor"]
    assert (apart[near_fold, :3] < 0.85).all()
    assert np.allclose(apart[near_fold, :3], apart[near_fold, 6:9])


def test_a_glass_sphere_under_a_card_reflects_its_shade_and_a_glass_card_shades_nothing(
        view, studio_hdr):
    """In the view: a glass sphere under a card is shaded (its top's reflection darkened),
    and the card made of glass leaves an opaque sphere under it as bright as alone; the
    shading is worked out again when the card's material turns from glass to opaque."""
    white = ResolvedMaterial("white", base_color=(0.8, 0.8, 0.8), roughness=0.6)
    glass = ResolvedMaterial("glass", transmission=1.0, roughness=0.05)

    def shown(sphere: ResolvedMaterial, card: ResolvedMaterial) -> np.ndarray:
        view.present(scene_of([drawable("sphere", sphere),
                               drawable("card", card, transform=CARD_OVER)], studio_hdr))
        view.update_occlusion()
        return view.parts["part/sphere"].shade

    shade = shown(glass, white)
    assert shade is not None and shade[:, 7].min() < 0.7  # the reflection, front
    assert np.allclose(shown(white, glass), 1.0)
    assert view.parts["part/card"].shade is not None  # glass, shaded by the sphere below
    assert shown(white, white)[:, 1].min() < 0.7
