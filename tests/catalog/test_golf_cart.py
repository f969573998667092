"""The golf cart of the built-in catalog: model, product file, rules, zones and its hero view."""

import numpy as np
import pytest
import trimesh
from trimesh.ray.ray_triangle import ray_triangle_id

from app.domain.configuration import (
    Configuration,
    complete,
    configuration_problems,
    default_configuration,
)
from app.domain.rules import unreachable_choices
from app.scene.resolve import resolve_scene
from app.viewport.still import render_still
from tests.image_compare import assert_matches_reference

WHEEL_PARTS = {"rims_street", "tyres_street", "rims_offroad", "tyres_offroad"}
OFFROAD_PARTS = {"rims_offroad", "tyres_offroad"}


@pytest.fixture(scope="module")
def cart(project):
    return project.catalog.product("golf_cart")


@pytest.fixture(scope="module")
def model(builtin_root, cart) -> trimesh.Scene:
    return trimesh.load(builtin_root / cart.model, force="scene")


def _node_mesh(model: trimesh.Scene, node: str) -> trimesh.Trimesh:
    transform, geometry = model.graph[node]
    return model.geometry[geometry].copy().apply_transform(transform)


def _bounds(model, nodes):
    boxes = np.array([_node_mesh(model, n).bounds for n in nodes])
    return boxes[:, 0].min(axis=0), boxes[:, 1].max(axis=0)


def _config(cart, **selections) -> Configuration:
    return complete(Configuration(product_id=cart.id, selections=selections), cart)


def _messages(cart, config) -> list[str]:
    return [p.message for p in configuration_problems(config, cart)]


# --- the model ---------------------------------------------------------------------------------


def test_model_has_exactly_the_nodes_the_product_names(cart, model):
    named = {node for part in cart.parts for node in part.nodes}
    assert set(model.graph.nodes_geometry) == named
    assert len(named) == len(cart.parts) == 21


def test_under_the_ar_triangle_budget_with_smooth_shading(model):
    assert sum(len(m.faces) for m in model.geometry.values()) < 150_000
    for name, mesh in model.geometry.items():
        assert mesh.vertex_normals.shape == mesh.vertices.shape, name
        assert mesh.visual.uv is not None and len(mesh.visual.uv) == len(mesh.vertices), name
        assert mesh.metadata.get("uv_metres_per_unit", 1.0) == 1.0, name
    # the painted cowl is smooth: its shading normals are not just the face normals
    cowl = model.geometry["cowl"]
    corner = cowl.vertex_normals[cowl.faces[:, 0]]
    assert np.mean(np.einsum("ij,ij->i", corner, cowl.face_normals) < 0.9999) > 0.3


def test_cart_has_golf_cart_size_and_rests_on_its_tyres(cart, model):
    street = [n for n in model.graph.nodes_geometry
              if n not in OFFROAD_PARTS | {"mirror_caps", "roof_struts"}]
    lo, hi = _bounds(model, street)
    length, height, width = hi[2] - lo[2], hi[1] - lo[1], hi[0] - lo[0]
    assert 2.35 <= length <= 2.5
    assert 1.15 <= width <= 1.25
    assert 1.75 <= height <= 1.85
    assert abs(lo[0] + hi[0]) < 1e-3 and abs(lo[2] + hi[2]) < 0.05
    for tyres in ("tyres_street", "tyres_offroad"):
        assert _node_mesh(model, tyres).bounds[0][1] == pytest.approx(0.0, abs=2e-3)
    for part in set(model.graph.nodes_geometry) - {"tyres_street", "tyres_offroad"}:
        assert _node_mesh(model, part).bounds[0][1] > 0.05, part
    # the front (headlights, the longer nose) faces +Z
    assert _node_mesh(model, "headlights").bounds[0][2] > 1.0
    assert _node_mesh(model, "steering_wheel").bounds[1][0] > 0.0  # driver on the left (+X)


def test_offroad_tyres_are_taller_and_wider_than_street_tyres(model):
    street = np.ptp(_node_mesh(model, "tyres_street").vertices, axis=0)
    offroad = np.ptp(_node_mesh(model, "tyres_offroad").vertices, axis=0)
    assert 0.48 <= street[1] <= 0.52 and 0.54 <= offroad[1] <= 0.58
    assert offroad[0] > street[0]


# --- options and rules -------------------------------------------------------------------------


def test_every_choice_is_selectable_and_the_default_is_valid(cart):
    assert unreachable_choices(cart) == []
    assert configuration_problems(default_configuration(cart), cart) == []
    kinds = {g.kind.value for g in cart.options}
    assert kinds == {"material", "part_swap", "transform"}
    assert cart.currency == "USD" and 9000 <= cart.base_price <= 11000


def test_the_lift_kit_requires_offroad_wheels(cart):
    rule = next(r for r in cart.rules if r.when == "lift_kit.lifted")
    broken = _config(cart, lift_kit="lifted", wheels="street")
    assert rule.message in _messages(cart, broken)
    assert configuration_problems(broken.with_choice("wheels", "offroad"), cart) == []


def test_black_trim_excludes_the_chrome_street_wheels(cart):
    rule = next(r for r in cart.rules if r.when == "trim.black")
    broken = _config(cart, trim="black", wheels="street")
    assert rule.message in _messages(cart, broken)
    assert configuration_problems(broken.with_choice("wheels", "offroad"), cart) == []
    assert configuration_problems(broken.with_choice("trim", "chrome"), cart) == []


def test_every_rule_is_enforced(cart):
    for rule in cart.rules:
        group, choice = rule.when.split(".")
        if rule.kind == "requires":
            others = {ref.split(".")[0] for ref in rule.then}
            (then_group,) = others
            bad = next(c.id for c in cart.option(then_group).choices
                       if f"{then_group}.{c.id}" not in rule.then)
            broken = _config(cart, **{group: choice, then_group: bad})
        else:
            then_group, then_choice = rule.then[0].split(".")
            broken = _config(cart, **{group: choice, then_group: then_choice})
        assert rule.message in _messages(cart, broken), rule.when


def test_presets_are_valid_and_differ(cart):
    assert len(cart.presets) >= 3
    seen = set()
    for preset in cart.presets:
        config = _config(cart, **preset.selections)
        assert configuration_problems(config, cart) == [], preset.id
        seen.add(tuple(sorted(config.selections.items())))
    assert len(seen) == len(cart.presets)


def test_lift_kit_raises_everything_but_the_wheels(project, cart):
    context = project.scene_context()
    standard = resolve_scene(cart, _config(cart, wheels="offroad"), context)
    lifted = resolve_scene(cart, _config(cart, wheels="offroad", lift_kit="lifted"), context)
    before = {d.id: np.asarray(d.transform) for d in standard.drawables}
    for drawable in lifted.drawables:
        moved = np.asarray(drawable.transform) - before[drawable.id]
        expected = 0.0 if drawable.part in WHEEL_PARTS else 0.12
        assert np.allclose(np.asarray(moved).reshape(4, 4)[:3, 3], [0, expected, 0]), drawable.id


def test_cameras_include_hero_and_detail_views(cart):
    ids = {c.id for c in cart.cameras}
    assert {"hero", "side", "seat", "wheel"} <= ids


# --- personalization zones ---------------------------------------------------------------------


class _EveryTriangle:
    """Stands in for trimesh's r-tree: every triangle is a candidate for every ray."""

    def __init__(self, triangles: np.ndarray):
        self.count = len(triangles)
        flat = triangles.reshape(-1, 3)
        self.bounds = [*flat.min(axis=0), *flat.max(axis=0)]

    def intersection(self, _bounds):
        return range(self.count)


@pytest.mark.parametrize("zone_id", ["side_name", "seat_logo"])
def test_zone_projector_centre_ray_hits_its_part_first(cart, model, zone_id):
    zone = cart.zone(zone_id)
    projector = zone.projector
    direction = np.asarray(projector.direction) / np.linalg.norm(projector.direction)
    up = np.asarray(projector.up) / np.linalg.norm(projector.up)
    assert abs(direction @ up) < 1e-3
    centre = np.asarray(projector.position) / 1000.0
    origin = centre - direction * projector.depth_mm / 1000.0
    shown = [p for p in cart.parts if p.id not in OFFROAD_PARTS]
    meshes = [(p.id, _node_mesh(model, p.nodes[0])) for p in shown]
    triangles = np.vstack([m.triangles for _, m in meshes])
    owner = np.concatenate([[pid] * len(m.faces) for pid, m in meshes])
    tri, _, location = ray_triangle_id(triangles, [origin], [direction],
                                       tree=_EveryTriangle(triangles), multiple_hits=True)
    assert len(tri) > 0, zone_id
    distance = (location - origin) @ direction
    first = int(np.argmin(distance))
    assert owner[tri[first]] == zone.part
    assert distance[first] * 1000.0 == pytest.approx(projector.depth_mm, abs=3.0)
    # the surface faces the projector there
    normal = trimesh.triangles.normals(triangles[tri[first]][None])[0][0]
    assert normal @ direction < -0.95


# --- the hero view -----------------------------------------------------------------------------


def test_hero_view_matches_reference(project, cart):
    scene = resolve_scene(cart, default_configuration(cart), project.scene_context())
    image = render_still(scene, project.assets, size=(480, 360), camera_id="hero")
    assert_matches_reference(image, "golf_cart_hero.png")
