"""The sample electric guitar: model file, proportions, rules, presets, zones and its hero view."""

import numpy as np
import pytest
import trimesh

from app.domain.configuration import (
    Configuration,
    complete,
    configuration_problems,
    default_configuration,
)
from app.domain.rules import find_valid_selections, split_ref, unreachable_choices
from app.scene.resolve import resolve_scene
from app.viewport.still import render_still
from tests.image_compare import assert_matches_reference

MM = 0.001


@pytest.fixture(scope="module")
def guitar(project):
    return project.catalog.product("guitar")


@pytest.fixture(scope="module")
def model(builtin_root, guitar) -> dict[str, trimesh.Trimesh]:
    scene = trimesh.load(builtin_root / guitar.model, force="scene", process=False)
    meshes = {}
    for node in scene.graph.nodes_geometry:
        transform, geometry = scene.graph[node]
        meshes[node] = scene.geometry[geometry].copy()
        meshes[node].apply_transform(transform)
    return meshes


def test_the_model_has_every_node_the_product_names(guitar, model):
    named = {node for part in guitar.parts for node in part.nodes}
    assert named <= set(model)
    assert {"body_offset", "body_single", "pickguard_offset", "pickguard_single"} <= named


def test_real_guitar_proportions(model):
    everything = trimesh.util.concatenate(list(model.values()))
    (x0, y0, z0), (x1, y1, z1) = everything.bounds / MM
    assert abs(y0) < 0.01  # stands on y = 0
    assert 960 < y1 - y0 < 1040  # about a metre long
    assert 300 < x1 - x0 < 360
    assert abs((x0 + x1) / 2) < 15  # centred on the neck's axis
    for body in ("body_offset", "body_single"):
        (bx0, by0, bz0), (bx1, by1, bz1) = model[body].bounds / MM
        assert bz1 - bz0 == pytest.approx(33.0, abs=0.5)
        assert 310 < bx1 - bx0 < 350 and 400 < by1 - by0 < 500
    assert len(everything.faces) < 150_000


def fret_heights(frets: trimesh.Trimesh) -> np.ndarray:
    """Centre y of each fret wire (mm), from the nut down."""
    ys = np.sort(frets.triangles_center[:, 1] / MM)[::-1]
    groups = np.split(ys, np.flatnonzero(np.diff(ys) < -5.0) + 1)
    return np.array([g.mean() for g in groups])


def test_frets_follow_a_648_mm_scale_from_nut_to_saddles(model):
    frets = fret_heights(model["frets"])
    assert len(frets) == 22
    scale = 2 * (frets[0] - frets[12]) * 2 ** (1 / 12)  # fret 1 to fret 13 is half of fret 1
    assert scale == pytest.approx(648.0, abs=0.5)
    nut = model["fretboard"].bounds[1, 1] / MM
    assert nut - frets[11] == pytest.approx(scale / 2, abs=0.5)  # the 12th fret halves it
    saddle_line = nut - scale
    bridge_lo, bridge_hi = model["bridge"].bounds[:, 1] / MM
    assert bridge_lo < saddle_line < bridge_hi


def test_strings_get_thicker_towards_the_bass_side_and_controls_sit_on_the_treble_side(model):
    cut = trimesh.intersections.mesh_plane(model["strings"], [0, 1, 0], [0, 0.46, 0])
    band = cut.reshape(-1, 3) / MM  # the strings cut across halfway up the neck
    order = np.argsort(band[:, 0])
    xs = band[order, 0]
    groups = np.split(order, np.flatnonzero(np.diff(xs) > 2.0) + 1)
    assert len(groups) == 6
    thickness = [np.ptp(band[g, 2]) for g in groups]  # left (-x) to right (+x)
    assert thickness == sorted(thickness, reverse=True)
    assert thickness[0] == pytest.approx(0.046 * 25.4, rel=0.1)
    assert thickness[-1] == pytest.approx(0.010 * 25.4, rel=0.1)
    assert model["controls"].bounds[0, 0] > 0.05  # knobs, switch and jack: treble side
    assert model["tuners"].bounds[0, 0] < -0.045  # tuner keys stick out on the bass side


@pytest.mark.parametrize("node", ["body_offset", "body_single", "neck", "pickguard_offset",
                                  "tuners", "controls", "frets"])
def test_faces_point_the_way_their_normals_do(model, node):
    mesh = model[node]
    assert np.allclose(np.linalg.norm(mesh.vertex_normals, axis=1), 1.0, atol=1e-3)
    tri = mesh.vertices[mesh.faces]
    geometric = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    shading = mesh.vertex_normals[mesh.faces].sum(axis=1)
    agree = np.einsum("ij,ij->i", geometric, shading) > 0
    assert agree.mean() > 0.995


@pytest.mark.parametrize("node", ["body_offset", "body_single"])
def test_body_uvs_span_the_front_face(model, node):
    mesh = model[node]
    uv = mesh.visual.uv
    assert uv.min(axis=0) == pytest.approx([0.0, 0.0], abs=1e-3)
    assert uv.max(axis=0) == pytest.approx([1.0, 1.0], abs=1e-3)
    front = mesh.vertices[:, 2] > 16.4 * MM
    (x0, y0), (x1, y1) = mesh.bounds[0, :2], mesh.bounds[1, :2]
    expected = (mesh.vertices[front, :2] - [x0, y0]) / [x1 - x0, y1 - y0]
    assert np.allclose(uv[front], expected, atol=0.01)  # planar: no stretch across the face
    extras = mesh.metadata
    assert extras["uv_u_metres_per_unit"] == pytest.approx(x1 - x0, rel=0.01)
    assert extras["uv_v_metres_per_unit"] == pytest.approx(y1 - y0, rel=0.01)


def breaking_selections(guitar, rule) -> dict[str, str]:
    selections = dict(default_configuration(guitar).selections)
    group, choice = split_ref(rule.when)
    selections[group] = choice
    then = [split_ref(ref) for ref in rule.then]
    if rule.kind == "excludes":
        selections[then[0][0]] = then[0][1]
    else:
        target = then[0][0]
        allowed = {c for g, c in then if g == target}
        selections[target] = next(c.id for c in guitar.option(target).choices
                                  if c.id not in allowed)
    return selections


def test_every_rule_is_enforced(guitar):
    assert len(guitar.rules) >= 3
    for i, rule in enumerate(guitar.rules):
        broken = Configuration(product_id="guitar", selections=breaking_selections(guitar, rule))
        problems = configuration_problems(broken, guitar)
        assert [(p.field, rule.message in str(p)) for p in problems] == [(f"rules[{i}]", True)]
        group, choice = split_ref(rule.when)
        fixed = find_valid_selections(guitar, {group: choice})
        assert fixed is not None and fixed[group] == choice
        assert configuration_problems(Configuration(product_id="guitar", selections=fixed),
                                      guitar) == []


def test_every_choice_is_selectable_and_presets_are_valid(guitar):
    assert unreachable_choices(guitar) == []
    assert len(guitar.presets) >= 2
    for preset in guitar.presets:
        config = complete(Configuration(product_id="guitar", selections=preset.selections),
                          guitar)
        assert configuration_problems(config, guitar) == [], preset.id


def test_option_kinds_and_prices(guitar):
    kinds = {g.id: g.kind.value for g in guitar.options}
    assert kinds == {"body": "part_swap", "finish": "material", "pickguard": "material",
                     "hardware": "material", "handedness": "transform"}
    assert guitar.option("handedness").choice("left").mirror == "x"
    assert guitar.option("finish").choice("sunburst").material == "sunburst"
    assert guitar.currency == "EUR" and 1200 <= guitar.base_price <= 1400
    for body in guitar.option("body").choices:
        assert {p.split("_")[0] for p in body.parts} >= {"body", "pickguard"}
    assert {c.id for c in guitar.cameras} >= {"hero", "body", "headstock", "back"}


@pytest.mark.parametrize("zone_id, node", [("body_engraving", "neck_plate"),
                                           ("headstock_engraving", "neck")])
def test_zone_projector_centre_ray_hits_its_part_first(guitar, model, zone_id, node):
    zone = guitar.zone(zone_id)
    assert zone.techniques == ["engrave"] and guitar.part(zone.part).nodes == [node]
    projector = zone.projector
    direction = np.asarray(projector.direction, float)
    direction /= np.linalg.norm(direction)
    centre = np.asarray(projector.position) * MM
    origin = centre - direction * 0.05
    names = [n for n in model if n != "body_single"]  # the bodies coincide; one is shown
    nearest = None
    for name in names:
        locations, _, faces = model[name].ray.intersects_location([origin], [direction])
        for location, face in zip(locations, faces, strict=True):
            distance = float(np.dot(location - origin, direction))
            if nearest is None or distance < nearest[0]:
                nearest = (distance, name, location, model[name].face_normals[face])
    assert nearest is not None
    _, name, location, normal = nearest
    assert name == node
    assert np.linalg.norm(location - centre) < 1.5 * MM  # the zone sits on the surface
    assert np.dot(normal, direction) < -0.9  # the projector looks into the surface


def test_hero_view_matches_reference(project, guitar):
    scene = resolve_scene(guitar, default_configuration(guitar), project.scene_context())
    image = render_still(scene, project.assets, size=(480, 360), camera_id="hero")
    assert_matches_reference(image, "guitar_hero.png")
