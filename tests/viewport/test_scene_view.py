"""SceneView: changes mutate the existing actors in place and show on screen."""

from __future__ import annotations

import dataclasses
import gc
import weakref

import numpy as np
import pytest
import pyvista as pv

from app.assets.refs import TextureRef, TextureSlot
from app.errors import AssetError
from app.scene.changes import (
    DrawableAdded,
    DrawableRemoved,
    MaterialChanged,
    TransformChanged,
    VisibilityChanged,
)
from app.scene.description import Camera, ResolvedMaterial
from app.viewport.off_screen import OffScreenWindow
from app.viewport.scene_view import SceneView
from tests.viewport.scenes import (
    FRONT_CAMERA,
    FakeSource,
    box_mesh,
    drawable,
    scene_of,
    sphere_mesh,
    translation,
    vase_mesh,
)

RED = ResolvedMaterial("red", base_color=(0.8, 0.02, 0.02), roughness=0.4)
BLUE = ResolvedMaterial("blue", base_color=(0.02, 0.05, 0.8), roughness=0.4)
WHITE_PIXEL = (255, 255, 255)
CENTER = (60, 80)


@pytest.fixture
def view():
    plotter = pv.Plotter(off_screen=True, window_size=(160, 120), lighting="none")
    source = FakeSource({"sphere": sphere_mesh(), "box": box_mesh()})
    scene_view = SceneView(plotter, source)
    yield scene_view
    scene_view.close()
    plotter.close()


def show_sphere(view: SceneView, hdr: str, material=RED, **drawable_options):
    view.show(scene_of([drawable("sphere", material, **drawable_options)], hdr))
    view.set_camera(FRONT_CAMERA, 160 / 120)
    return view.actors["part/sphere"]


def sphere_pixels(hdr: str, material, *, mesh=None, textures=None,
                  transparent: bool = False) -> np.ndarray:
    """One snapshot of ``material`` on the sphere (``mesh``, if given) in a view of its own,
    whose source holds ``textures``."""
    plotter = pv.Plotter(off_screen=True, window_size=(160, 120), lighting="none")
    view = SceneView(plotter, FakeSource({"sphere": mesh or sphere_mesh()}, textures))
    try:
        show_sphere(view, hdr, material=material)
        return view.snapshot(transparent=transparent)
    finally:
        view.close()
        plotter.close()


def test_show_builds_one_actor_per_drawable_with_its_properties(view, studio_hdr):
    hidden_box = drawable("box", BLUE, transform=translation(1.0, 0.0, 0.0), visible=False)
    view.show(scene_of([drawable("sphere", RED), hidden_box], studio_hdr))
    assert set(view.actors) == {"part/sphere", "part/box"}
    sphere, box = view.actors["part/sphere"], view.actors["part/box"]
    assert sphere.GetVisibility() and not box.GetVisibility()
    assert sphere.GetProperty().GetColor() == pytest.approx((0.8, 0.02, 0.02))
    assert sphere.GetProperty().GetInterpolationAsString() == "Physically based rendering"
    assert box.GetUserMatrix().GetElement(0, 3) == pytest.approx(1.0)
    assert sphere.GetMapper().GetInput().GetPointData().GetTangents() is not None
    assert view.renderer.GetUseImageBasedLighting()


def test_visibility_change_hides_the_same_actor(view, studio_hdr):
    actor = show_sphere(view, studio_hdr)
    assert view.snapshot()[CENTER][0] > 150
    view.apply([VisibilityChanged("part/sphere", False)])
    assert view.actors["part/sphere"] is actor
    assert tuple(view.snapshot()[CENTER]) == WHITE_PIXEL
    view.apply([VisibilityChanged("part/sphere", True)])
    assert view.snapshot()[CENTER][0] > 150


def test_material_change_mutates_the_same_actor(view, studio_hdr):
    actor = show_sphere(view, studio_hdr)
    prop = actor.GetProperty()
    requests = len(view.source.mesh_requests)
    view.apply([MaterialChanged("part/sphere", BLUE)])
    assert view.actors["part/sphere"] is actor and actor.GetProperty() is prop
    assert prop.GetColor() == pytest.approx((0.02, 0.05, 0.8))
    assert len(view.source.mesh_requests) == requests
    r, g, b = view.snapshot()[CENTER].astype(int)
    assert b > 150 and r < 80


def test_metallic_and_coat_reach_the_property(view, studio_hdr):
    actor = show_sphere(view, studio_hdr)
    coated = ResolvedMaterial(
        "car paint",
        base_color=(0.5, 0.0, 0.0),
        metallic=0.7,
        roughness=0.3,
        clearcoat=1.0,
        clearcoat_roughness=0.05,
        opacity=0.5,
    )
    view.apply([MaterialChanged("part/sphere", coated)])
    prop = actor.GetProperty()
    assert (prop.GetMetallic(), prop.GetRoughness()) == pytest.approx((0.7, 0.3))
    assert (prop.GetCoatStrength(), prop.GetCoatRoughness()) == pytest.approx((1.0, 0.05))
    assert prop.GetOpacity() == pytest.approx(0.5)


def test_transform_change_moves_the_pixels(view, studio_hdr):
    actor = show_sphere(view, studio_hdr)
    before = view.snapshot().astype(int)
    matrix = actor.GetUserMatrix()
    view.apply([TransformChanged("part/sphere", translation(0.6, 0.0, 0.0))])
    after = view.snapshot().astype(int)
    assert view.actors["part/sphere"] is actor and actor.GetUserMatrix() is matrix

    def red_columns(pixels):
        return np.nonzero(pixels[..., 0] > pixels[..., 1] + 60)[1].mean()

    assert red_columns(after) - red_columns(before) > 15


def test_added_and_removed_drawables(view, studio_hdr):
    show_sphere(view, studio_hdr, transform=translation(-0.7, 0.0, 0.0))
    box = drawable("box", BLUE, transform=translation(0.7, 0.0, 0.0))
    view.apply([DrawableAdded(box)])
    assert set(view.actors) == {"part/sphere", "part/box"}
    pixels = view.snapshot().astype(int)
    assert pixels[60, 110, 2] > pixels[60, 110, 0] + 60  # the blue box on the right
    view.apply([DrawableRemoved("part/sphere")])
    assert set(view.actors) == {"part/box"}
    assert tuple(view.snapshot()[60, 50]) == WHITE_PIXEL
    with pytest.raises(KeyError, match="part/sphere"):
        view.apply([VisibilityChanged("part/sphere", True)])


def test_portrait_view_keeps_the_field_of_view_horizontal(view, studio_hdr):
    show_sphere(view, studio_hdr)
    camera = Camera("c", "c", position=(0.0, 0.0, 4.0), target=(0.0, 0.0, 0.0), fov_deg=30.0)
    view.set_camera(camera, aspect=0.5)
    assert view.renderer.GetActiveCamera().GetViewAngle() == pytest.approx(56.37, abs=0.02)
    view.set_camera(camera, aspect=1.5)
    assert view.renderer.GetActiveCamera().GetViewAngle() == pytest.approx(30.0)


def test_broken_mesh_is_an_asset_error_naming_it(view, studio_hdr):
    good = sphere_mesh()
    broken = type(good)(
        name="broken.glb#body",
        vertices=good.vertices,
        faces=good.faces + 10_000,
        normals=good.normals,
    )
    view.source.meshes["broken"] = broken
    with pytest.raises(AssetError, match="broken.glb#body: faces: expected indices"):
        view.show(scene_of([drawable("broken", RED)], studio_hdr))


def test_a_resized_view_keeps_the_field_of_view_on_its_shorter_side(view, studio_hdr):
    show_sphere(view, studio_hdr)
    camera = Camera("c", "c", position=(0.0, 0.0, 4.0), target=(0.0, 0.0, 0.0), fov_deg=30.0)
    view.set_camera(camera, aspect=1.5)
    view.fit_aspect(0.5)  # a panel opened beside a landscape view
    assert view.renderer.GetActiveCamera().GetViewAngle() == pytest.approx(56.37, abs=0.02)
    view.fit_aspect(2.0)
    assert view.renderer.GetActiveCamera().GetViewAngle() == pytest.approx(30.0)


def test_a_glowing_part_has_one_light_that_follows_its_glow(view, studio_hdr):
    """The light is made again only for the part whose drawable changed, and goes with the
    glow."""
    lamp = ResolvedMaterial("lamp", emissive=(4.0, 2.0, 0.0))
    view.show(scene_of([drawable("sphere", lamp), drawable("box", BLUE)], studio_hdr))
    assert set(view.glow_lights) == {"part/sphere"}
    light = view.glow_lights["part/sphere"][2]
    assert view.renderer.GetLights().GetNumberOfItems() == 1
    assert light.GetIntensity() > 0 and light.GetPositional()

    view.apply([MaterialChanged("part/box", RED)])  # another part: the same light
    assert view.glow_lights["part/sphere"][2] is light

    view.apply([MaterialChanged("part/sphere", RED)])  # no glow: no light
    assert view.glow_lights == {} and view.renderer.GetLights().GetNumberOfItems() == 0

    view.apply([MaterialChanged("part/sphere", lamp)])
    assert view.renderer.GetLights().GetNumberOfItems() == 1


BLUE_GLASS = ResolvedMaterial("blue glass", base_color=(0.05, 0.3, 0.9), roughness=0.05,
                              transmission=1.0)


def test_coloured_glass_tints_what_lies_behind_it_and_follows_its_part(view, studio_hdr):
    """Blue glass over the white background shows it blue (the red and green of what lies
    behind taken away, not only blue added over it, which read as pale blue); the tint is
    hidden, shown, dropped and made again with its part."""
    actor = show_sphere(view, studio_hdr, material=BLUE_GLASS)
    r, g, b = view.snapshot()[CENTER].astype(int)
    assert r < 0.4 * b and b > 120, (r, g, b)
    drawn = [view.renderer.GetActors().GetItemAsObject(i)
             for i in range(view.renderer.GetActors().GetNumberOfItems())]
    tint = view.parts["part/sphere"].tint
    assert tint is not None and drawn.index(tint) == drawn.index(actor) - 1
    assert not tint.GetPickable()

    view.apply([VisibilityChanged("part/sphere", False)])
    assert tuple(view.snapshot()[CENTER]) == WHITE_PIXEL
    view.apply([VisibilityChanged("part/sphere", True), MaterialChanged("part/sphere", RED)])
    assert view.parts["part/sphere"].tint is None
    assert not view.renderer.GetActors().IsItemPresent(tint)
    r, g, b = view.snapshot()[CENTER].astype(int)
    assert r > 150 and b < 80

    view.apply([MaterialChanged("part/sphere", BLUE_GLASS)])
    tint = view.parts["part/sphere"].tint
    drawn = [view.renderer.GetActors().GetItemAsObject(i)
             for i in range(view.renderer.GetActors().GetNumberOfItems())]
    assert drawn.index(tint) == drawn.index(actor) - 1
    r, g, b = view.snapshot()[CENTER].astype(int)
    assert r < 0.4 * b and b > 120, (r, g, b)


def test_clear_glass_over_nothing_shows_its_rim_and_coloured_glass_is_partly_transparent(
        view, studio_hdr):
    show_sphere(view, studio_hdr, material=ResolvedMaterial(
        "clear glass", base_color=(1.0, 1.0, 1.0), roughness=0.05, transmission=1.0))
    assert view.parts["part/sphere"].tint is not None
    alpha = view.snapshot(transparent=True)[60, :, 3].astype(int)
    inside = np.flatnonzero(alpha > 0)
    rim = max(int(alpha[inside[:3]].max()), int(alpha[inside[-3:]].max()))
    # head on, each of its two sides passes all but its 4 % reflectance and a 5 % haze;
    # edge-on it reflects nearly all, as the still draws a clear glass's outline
    assert 25 < alpha[CENTER[1]] < 70 and rim > alpha[CENTER[1]] + 60, (alpha[CENTER[1]], rim)
    # the least share it passes in any channel, through both of its sides, is transparency
    pale = ResolvedMaterial("pale blue glass", base_color=(0.5, 0.7, 0.95), roughness=0.05,
                            transmission=1.0)
    view.apply([MaterialChanged("part/sphere", pale)])
    r, g, b, a = view.snapshot(transparent=True)[CENTER].astype(int)
    assert 60 < a < 245 and r < b - 40, (r, g, b, a)


def test_coloured_glass_passes_less_of_what_is_behind_it_at_its_rim(view, studio_hdr):
    """What a glass surface reflects it does not pass on (Fresnel): seen edge-on, at the
    sphere's rim, it lets less of the transparent background through than head-on at its
    middle, where each of its two surfaces passes all but its 4 % reflectance."""
    pale = ResolvedMaterial("pale blue glass", base_color=(0.5, 0.7, 0.95), roughness=0.05,
                            transmission=1.0)
    show_sphere(view, studio_hdr, material=pale)
    alpha = view.snapshot(transparent=True)[60, :, 3].astype(int)
    inside = np.flatnonzero(alpha > 0)
    middle = int(alpha[CENTER[1]])
    rim = max(int(alpha[inside[:3]].max()), int(alpha[inside[-3:]].max()))
    assert 150 < middle < 230 and rim > middle + 12, (middle, rim, alpha[inside])


def test_a_normal_map_tilted_past_the_mirror_limit_does_not_flash(studio_hdr):
    """A normal map that tilts the normal so far (75 degrees, head on) that the mirror
    direction points into the part: its reflection's normal is bent back to the surface (as
    the still and Cycles do), so a glossy near-black part stays near-black; VTK had lit it
    with the grazing reflection of the whole studio. A gentle tilt is not bent."""
    def middle_with_tilt(degrees: float) -> float:
        tilt = np.radians(degrees)
        normal = np.array([np.sin(tilt), 0.0, np.cos(tilt)])
        texel = np.round((normal + 1.0) / 2.0 * 255.0).astype(np.uint8)[None, None, :]
        black = ResolvedMaterial("black", base_color=(0.02, 0.02, 0.02), roughness=0.2,
                                 normal_texture=TextureSlot(TextureRef(source="n.png",
                                                                       srgb=False)))
        pixels = sphere_pixels(studio_hdr, black, textures={"n.png": texel})
        return float(pixels[55:66, 75:86].mean())

    flat, gentle, steep = (middle_with_tilt(d) for d in (0.0, 30.0, 75.0))
    assert abs(gentle - flat) < 3 and flat < 60, (flat, gentle)
    assert steep < flat + 12, (flat, steep)


def test_glass_made_smooth_by_its_roughness_texture_keeps_no_haze(studio_hdr):
    """glTF's roughness factor defaults to 1 and a texture often makes glass smooth: such
    glass lets what is behind it through as smooth glass does (its own colour only a faint
    haze), where glass the texture leaves rough keeps its haze."""
    def alpha_with_roughness_texel(green: int) -> float:
        texel = np.array([[[255, green, 0]]], dtype=np.uint8)
        glass = ResolvedMaterial("glass", base_color=(1.0, 1.0, 1.0), roughness=1.0,
                                 transmission=1.0, orm_texture=TextureSlot(
                                     TextureRef(source="orm.png", srgb=False)))
        pixels = sphere_pixels(studio_hdr, glass, textures={"orm.png": texel},
                               transparent=True)
        return float(pixels[55:66, 75:86, 3].mean())

    smooth, rough = alpha_with_roughness_texel(0), alpha_with_roughness_texel(255)
    # through both of its sides: smooth glass keeps 5 % of its opacity at each and reflects
    # 4 % (0.17 in all), rough glass 20 % (0.41)
    assert smooth < 55 < 80 < rough, (smooth, rough)


def test_a_see_through_part_drawn_after_glass_is_blended_as_before(view, studio_hdr):
    """The glass's tint changes how its own pixels are blended and nothing else: a half
    transparent red box drawn after it is pink over the white background, not red."""
    veil = ResolvedMaterial("veil", base_color=(0.8, 0.02, 0.02), roughness=0.6, opacity=0.5,
                            alpha_mode="BLEND")
    show_sphere(view, studio_hdr, material=BLUE_GLASS, transform=translation(-0.7, 0.0, 0.0))
    view.apply([DrawableAdded(drawable("box", veil, transform=translation(0.7, 0.0, 0.0)))])
    r, g, b = view.snapshot()[60, 110].astype(int)
    assert r > 180 and 60 < g < 200 and 60 < b < 200, (r, g, b)


def test_a_glass_that_knows_how_thick_it_is_at_each_vertex_tints_its_thin_side_less(studio_hdr):
    """A closed glass measured per vertex (``MeshData.thickness``: its left half 1 mm, its
    right half 50 mm) shows what lies behind its thin side nearly white and behind its thick
    side deep in the volume's colour, as a path tracer does; without the measure both sides
    take the material's one thickness alike."""
    sphere = sphere_mesh()
    thickness = np.where(sphere.vertices[:, 0] < 0, 0.001, 0.05).astype(np.float32)
    glass = ResolvedMaterial("teal glass", base_color=(1.0, 1.0, 1.0), roughness=0.05,
                             transmission=1.0, thickness=0.01, attenuation_color=(0.3, 0.8, 1.0),
                             attenuation_distance=0.01)
    reds = {}
    for name, mesh in (("measured", dataclasses.replace(sphere, thickness=thickness)),
                       ("one thickness", sphere)):
        pixels = sphere_pixels(studio_hdr, glass, mesh=mesh).astype(int)
        reds[name] = (pixels[60, 62:68, 0].mean(), pixels[60, 92:98, 0].mean())
    thin, thick = reds["measured"]
    assert thin > 200 and thick < 120 and thin - thick > 100, reds
    left, right = reds["one thickness"]
    assert abs(left - right) < 25 and 60 < left < 160, reds


def test_a_solid_glass_passes_its_base_colour_once_through_its_two_surfaces(studio_hdr):
    """Light crosses a solid glass (one with a thickness, on a closed mesh) by two surfaces,
    each of which passes the square root of its base colour, as the still's principled BSDF
    does, so a grey solid passes its base colour once; a thin glass (no thickness, or an open
    mesh) passes it at each of its sides. The share passed shows as the transparent
    background's alpha at the sphere's middle."""
    def passed(material: ResolvedMaterial, mesh=None) -> float:
        pixels = sphere_pixels(studio_hdr, material, mesh=mesh, transparent=True)
        return 1.0 - float(pixels[55:66, 75:86, 3].mean()) / 255.0

    grey = ResolvedMaterial("grey glass", base_color=(0.25, 0.25, 0.25), roughness=0.05,
                            transmission=1.0)
    solid = dataclasses.replace(grey, thickness=0.01, attenuation_color=(1.0, 1.0, 1.0),
                                attenuation_distance=1.0)
    clear_solid = dataclasses.replace(grey, thickness=0.01)  # a volume that absorbs nothing
    # less what each surface reflects head on (4 %) and the smooth glass's own opacity
    assert passed(solid) == pytest.approx(0.25 * 0.96 ** 2 * 0.95 ** 2, abs=0.04)
    assert passed(clear_solid) == pytest.approx(0.25 * 0.96 ** 2 * 0.95 ** 2, abs=0.04)
    assert passed(grey) == pytest.approx(0.25 ** 2 * 0.96 ** 2 * 0.95 ** 2, abs=0.03)
    # an open mesh (a vase) is no solid: each surface a thin wall, as in the still
    assert passed(clear_solid, vase_mesh()) == pytest.approx(
        0.25 ** 2 * 0.96 ** 2 * 0.95 ** 2, abs=0.03)


def test_a_mirror_reflects_the_part_beside_it(studio_hdr):
    """A mirror-like sphere beside a red one shows it on its side facing it (the still's
    path tracer does, as does a photograph); VTK alone lights it by the environment, which
    the red sphere does not change. It is never in front of the mirror on screen."""
    mirror = ResolvedMaterial("mirror", base_color=(0.9, 0.9, 0.9), metallic=1.0,
                              roughness=0.05)
    red = ResolvedMaterial("red", base_color=(0.8, 0.02, 0.02), roughness=0.5)
    plotter = pv.Plotter(off_screen=True, window_size=(160, 120), lighting="none")
    view = SceneView(plotter, FakeSource({"sphere": sphere_mesh(), "ball": sphere_mesh()}))
    try:
        def redness(shown: bool) -> tuple[float, float]:
            view.show(scene_of([
                drawable("sphere", mirror, transform=translation(-0.7, 0.0, 0.0)),
                drawable("ball", red, transform=translation(0.7, 0.0, 0.0), visible=shown),
            ], studio_hdr, bounds=((-1.2, -0.5, -0.5), (1.1, 0.5, 0.5))))
            view.set_camera(FRONT_CAMERA, 160 / 120)
            pixels = view.snapshot().astype(float)
            facing, away = pixels[52:66, 58:67], pixels[52:66, 20:29]  # the sphere's sides
            return tuple(float((p[..., 0] - p[..., 1]).mean()) for p in (facing, away))

        facing_shown, away_shown = redness(True)
        facing_hidden, away_hidden = redness(False)
    finally:
        view.close()
        plotter.close()
    assert facing_shown - facing_hidden > 15, (facing_shown, facing_hidden)
    assert abs(away_shown - away_hidden) < 3, (away_shown, away_hidden)


def test_metal_over_glass_lets_nothing_through(view, studio_hdr):
    """glTF's metal lies over a transmissive material: a metallic factor of 1 is an opaque
    metal, half metal lets half as much through; with an ORM texture the metal is the
    texture's blue, per fragment, so the factor alone does not make the whole part opaque."""
    from app.scene.description import TextureRef, slot

    actor = show_sphere(view, studio_hdr)
    prop = actor.GetProperty()

    def opacity(**fields) -> float:
        material = ResolvedMaterial("glass", base_color=(0.9, 0.9, 0.2), roughness=0.0,
                                    transmission=1.0, **fields)
        view.apply([MaterialChanged("part/sphere", material)])
        return prop.GetOpacity()

    glass = opacity(metallic=0.0)
    assert glass < 0.1
    assert opacity(metallic=1.0) == pytest.approx(1.0)
    assert 1.0 - opacity(metallic=0.5) == pytest.approx(0.5 * (1.0 - glass))
    view.source.textures["orm.png"] = np.full((4, 4, 3), 128, np.uint8)
    assert opacity(metallic=1.0, orm_texture=slot(TextureRef("orm.png", srgb=False))) < 0.1


def test_a_closed_view_lets_go_of_its_window_and_parts(studio_hdr):
    """Every still drawn for an export has a window and a view of its own: closed, nothing of
    them stays in memory. The reflections' copy and the glass's tint call back from inside
    VTK (a cycle Python's collector cannot see), and a still kept a product's meshes for good.
    """
    source = FakeSource({"sphere": sphere_mesh(), "box": box_mesh()})
    window = OffScreenWindow((160, 120))
    view = SceneView(window, source)
    view.show(scene_of([drawable("sphere", BLUE_GLASS),
                        drawable("box", RED, transform=translation(0.0, 0.0, -2.0))],
                       studio_hdr))
    view.set_camera(FRONT_CAMERA, 160 / 120)
    assert view.parts["part/sphere"].tint is not None
    view.snapshot()
    kept = [weakref.ref(view.screen), weakref.ref(window.ren_win),
            weakref.ref(view.parts["part/sphere"].actor), weakref.ref(view.renderer)]
    view.close()
    window.close()
    del view, window
    gc.collect()
    assert [ref() for ref in kept] == [None] * len(kept)
