"""Whole stills compared with committed references (tests/reference_images/viewport_*.png)."""

from __future__ import annotations

from app.scene.description import Camera, Drawable, GeometryRef, ResolvedMaterial
from app.viewport.still import render_still
from tests.image_compare import assert_matches_reference
from tests.viewport.scenes import (
    FakeSource,
    box_mesh,
    drawable,
    scene_of,
    sphere_mesh,
    translation,
)

SIZE = (320, 240)
RED_PLASTIC = ResolvedMaterial("red", base_color=(0.8, 0.02, 0.02), roughness=0.35)
GOLD = ResolvedMaterial("gold", base_color=(1.0, 0.77, 0.33), metallic=1.0, roughness=0.2)
BLUE_COAT = ResolvedMaterial(
    "coat", base_color=(0.02, 0.08, 0.5), roughness=0.5, clearcoat=1.0, clearcoat_roughness=0.05
)
THREE_QUARTER = Camera(
    "three-quarter", "3/4", position=(1.6, 1.4, 3.6), target=(0, -0.1, 0), fov_deg=30.0
)


def test_red_sphere_on_the_ground(studio_hdr):
    source = FakeSource({"sphere": sphere_mesh()})
    scene = scene_of(
        [drawable("sphere", RED_PLASTIC)], studio_hdr, ground=True, cameras=(THREE_QUARTER,)
    )
    assert_matches_reference(render_still(scene, source, size=SIZE), "viewport_red_sphere.png")


def test_materials_side_by_side_transparent(studio_hdr):
    source = FakeSource({"sphere": sphere_mesh(radius=0.4), "box": box_mesh(0.7)})
    parts = [
        Drawable("a", "a", GeometryRef("f", "sphere"), GOLD, translation(-0.5, -0.1, 0.5)),
        Drawable("b", "b", GeometryRef("f", "sphere"), BLUE_COAT, translation(0.5, -0.1, 0.5)),
        Drawable("c", "c", GeometryRef("f", "box"), RED_PLASTIC, translation(0.0, -0.15, -0.6)),
    ]
    scene = scene_of(
        parts,
        studio_hdr,
        ground=True,
        cameras=(THREE_QUARTER,),
        bounds=((-0.9, -0.5, -0.95), (0.9, 0.3, 0.9)),
    )
    image = render_still(scene, source, size=SIZE, transparent=True)
    assert_matches_reference(image, "viewport_materials.png")
