"""The sample wristwatch: configs/watch.yaml with assets/models/watch.glb."""

import numpy as np
import pytest
import trimesh

from app.domain.configuration import (
    TextValue,
    complete,
    configuration_problems,
    default_configuration,
)
from app.domain.rules import unreachable_choices
from app.scene.resolve import resolve_scene
from app.viewport.still import render_still
from tests.image_compare import assert_matches_reference

MM = 0.001


@pytest.fixture(scope="module")
def watch(project):
    return project.catalog.product("watch")


@pytest.fixture(scope="module")
def model(builtin_root) -> trimesh.Scene:
    return trimesh.load(builtin_root / "assets" / "models" / "watch.glb", force="scene",
                        process=False)


def _node(scene: trimesh.Scene, name: str) -> trimesh.Trimesh:
    transform, geometry = scene.graph[name]
    assert np.allclose(transform, np.eye(4)), name
    return scene.geometry[geometry]


def _size_mm(mesh: trimesh.Trimesh) -> np.ndarray:
    lo, hi = mesh.bounds
    return (hi - lo) / MM


def test_the_model_has_exactly_the_nodes_the_product_names(watch, model):
    named = {node for part in watch.parts for node in part.nodes}
    assert named == set(model.graph.nodes_geometry)
    total = sum(len(_node(model, n).faces) for n in named)
    assert 50_000 < total < 150_000


def test_case_has_wristwatch_proportions(model):
    case = _node(model, "case")
    width, _, lug_to_lug = _size_mm(case)
    assert 39.0 <= width <= 41.0
    assert 46.0 <= lug_to_lug <= 50.0
    lo, hi = case.bounds
    assert abs(lo[0] + hi[0]) < 1e-6 and abs(lo[2] + hi[2]) < 1e-6
    caseback, crystal = _node(model, "caseback"), _node(model, "crystal")
    thickness = (crystal.bounds[1][1] - caseback.bounds[0][1]) / MM
    assert 10.0 <= thickness <= 12.0
    assert 34.0 <= _size_mm(crystal)[0] <= 36.0


def test_bracelet_links_are_crowned(model):
    """Where the bracelet lies flat, its links' tops arch across it: the outer links' tops lie
    well below the middle link's (polished links mirror different parts of the studio; flat
    ones all mirrored the same, and gold read as yellow plastic)."""
    vertices = _node(model, "bracelet").vertices / MM
    flat = vertices[vertices[:, 2] > 70.0]  # the long half, past its bend to the ground
    middle = flat[np.abs(flat[:, 0]) < 1.0, 1].max()
    outer = flat[np.abs(flat[:, 0]) > 8.5, 1].max()
    assert middle == pytest.approx(3.4, abs=0.05)
    assert middle - outer > 0.5, (middle, outer)


def test_flat_lay_pose(model):
    assert model.bounds[0][1] == pytest.approx(0.0, abs=1e-9)
    assert _node(model, "caseback").bounds[0][1] == pytest.approx(0.0, abs=1e-9)
    for strap in ("strap_leather", "bracelet"):
        mesh = _node(model, strap)
        assert mesh.bounds[0][1] == pytest.approx(0.0, abs=1e-9)
        width = _size_mm(mesh)[0]
        assert 19.5 <= width <= 20.5  # fits the 20 mm between the lugs
        assert _size_mm(mesh)[2] > 180.0
    crown = _node(model, "crown")
    assert crown.bounds[0][0] > 0.019 and crown.bounds[1][0] < 0.025  # at 3 o'clock, +X
    assert _node(model, "buckle").bounds[1][2] < -0.09  # the buckle half runs to -Z
    assert _node(model, "clasp").bounds[1][2] < -0.05
    assert _node(model, "strap_holes").bounds[0][2] > 0.08  # holes on the +Z half
    # 10:10: the hour hand points up-left (12 is -Z), the minute hand up-right
    hour, minute = (_node(model, n).vertices[:, [0, 2]].mean(axis=0)
                    for n in ("hour_hand", "minute_hand"))
    assert hour[0] < 0 and hour[1] < 0 and minute[0] > 0 and minute[1] < 0


def test_sharp_edges_are_split_and_smooth_surfaces_are_not(model):
    caseback = _node(model, "caseback")
    radius = np.hypot(caseback.vertices[:, 0], caseback.vertices[:, 2])
    on_floor = (caseback.vertices[:, 1] < 1e-9) & (radius < 0.013)
    assert np.allclose(caseback.vertex_normals[on_floor], [0.0, -1.0, 0.0], atol=1e-3)
    indices = _node(model, "indices")  # applied bars: flat tops, square sides
    assert np.all(np.abs(np.abs(indices.vertex_normals[:, 1]) - 0.5) > 0.499)
    case = _node(model, "case")
    flank = (np.abs(np.hypot(case.vertices[:, 0], case.vertices[:, 2]) - 0.020) < 1e-6) & (
        case.vertices[:, 1] > 0.0035) & (case.vertices[:, 1] < 0.006)
    assert flank.sum() > 100
    radial = case.vertices[flank][:, [0, 2]] / 0.020
    assert np.allclose(case.vertex_normals[flank][:, [0, 2]], radial, atol=2e-3)


def test_strap_uvs_are_not_stretched(model):
    strap = _node(model, "strap_leather")
    tri, uv = strap.triangles, strap.visual.uv[strap.faces]
    area_3d = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    e1, e2 = uv[:, 1] - uv[:, 0], uv[:, 2] - uv[:, 0]
    area_uv = np.abs(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0])
    big = area_3d > np.percentile(area_3d, 50)
    metres_per_unit = np.sqrt(area_3d[big] / area_uv[big])
    assert np.percentile(metres_per_unit, 5) > 0.85 * 0.04
    assert np.percentile(metres_per_unit, 95) < 1.15 * 0.04


def _selections(watch, **chosen):
    return complete(default_configuration(watch).model_copy(update={"selections": chosen}), watch)


@pytest.mark.parametrize("index, broken, fixed", [
    (0, {"case_metal": "black", "dial": "black"}, {"case_metal": "black", "dial": "green"}),
    (1, {"case_metal": "gold", "dial": "salmon"}, {"case_metal": "rose_gold", "dial": "salmon"}),
    (2, {"case_metal": "black", "strap": "bracelet"}, {"case_metal": "black", "strap": "leather"}),
])
def test_each_rule_is_enforced(watch, index, broken, fixed):
    problems = configuration_problems(_selections(watch, **broken), watch)
    assert [(p.field, p.message) for p in problems] == [
        (f"rules[{index}]", watch.rules[index].message)]
    assert configuration_problems(_selections(watch, **fixed), watch) == []


def test_every_rule_is_covered_by_the_cases_above(watch):
    assert len(watch.rules) == 3


def test_every_choice_is_reachable_and_the_defaults_and_presets_are_valid(watch):
    assert unreachable_choices(watch) == []
    assert configuration_problems(default_configuration(watch), watch) == []
    assert len(watch.presets) >= 2
    for preset in watch.presets:
        config = _selections(watch, **preset.selections)
        assert configuration_problems(config, watch) == [], preset.id


def test_option_kinds_and_prices(watch):
    assert watch.currency in {"CHF", "EUR"} and 300 <= watch.base_price <= 600
    kinds = {g.id: g.kind.value for g in watch.options}
    assert kinds == {"case_metal": "material", "dial": "material", "strap": "part_swap",
                     "strap_colour": "material"}
    assert {"bracelet", "clasp", "buckle"} <= set(watch.option("case_metal").parts)
    assert watch.option("strap_colour").parts == ["strap_leather"]
    assert {c.id for c in watch.cameras} >= {"hero", "dial", "side", "caseback"}


def test_caseback_engraving_takes_three_lines(watch):
    zone = watch.zone("caseback")
    config = default_configuration(watch)
    ok = config.with_zone("caseback", TextValue(text="For Anna\n12.06.2025\nAlways", font="serif"))
    assert configuration_problems(ok, watch) == []
    too_many = config.with_zone("caseback", TextValue(text="a\nb\nc\nd"))
    assert [p.field for p in configuration_problems(too_many, watch)] == [
        "personalization.caseback"]
    assert zone.limits.max_lines == 3 and zone.projector.mode == "planar"


def test_zone_projectors_hit_their_part(watch, model):
    names = list(model.graph.nodes_geometry)
    meshes = [_node(model, n) for n in names]
    for zone in watch.zones:
        p = zone.projector
        direction = np.asarray(p.direction) / np.linalg.norm(p.direction)
        origin = np.asarray(p.position) * MM - direction * 0.01
        hits = []
        for name, mesh in zip(names, meshes, strict=True):
            locations, _, _ = trimesh.ray.ray_triangle.RayMeshIntersector(mesh).intersects_location(
                [origin], [direction])
            hits += [(float(np.linalg.norm(loc - origin)), name) for loc in locations]
        distance, first = min(hits)
        assert first in watch.part(zone.part).nodes, zone.id
        assert distance == pytest.approx(0.01, abs=2 * MM), zone.id  # position lies on the surface


def test_hero_matches_reference(project, watch):
    scene = resolve_scene(watch, default_configuration(watch), project.scene_context())
    image = render_still(scene, project.assets, size=(480, 360), camera_id="hero")
    assert_matches_reference(image, "watch_hero.png")


def test_caseback_camera_sees_the_caseback_through_the_ground(project, watch):
    scene = resolve_scene(watch, default_configuration(watch), project.scene_context())
    below = np.asarray(render_still(scene, project.assets, size=(160, 120),
                                    camera_id="caseback", supersample=1), dtype=int)
    assert below[3, 3].min() > 240  # the studio background, no ground plane in front of it
    centre = below[50:70, 70:90].reshape(-1, 3)
    assert centre.mean() > 150  # lit metal mirroring the studio's lights, no shadow plane
    alpha = np.asarray(render_still(scene, project.assets, size=(160, 120), camera_id="caseback",
                                    supersample=1, transparent=True))[..., 3]
    assert alpha[50:70, 70:90].min() == 255 and alpha[3, 3] == 0  # the caseback, then nothing
