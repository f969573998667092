"""The thickness of a coloured glass as the still's rays cross it, for the live view."""

from __future__ import annotations

import math

import numpy as np
import pytest
import trimesh

from app.assets.model_loading import load_model
from app.assets.thickness import (
    absorbs_in_its_volume,
    closes_a_solid,
    equivalent_thickness,
    vertex_areas,
    vertex_thickness,
)
from tests.assets.conftest import write_gltf

GREY = (0.5, 0.5, 0.5)


def measured_thickness(vertices, faces, normals, colour, distance):
    """The one thickness the loader gives a closed glass (None: not measured)."""
    thickness = vertex_thickness(vertices, faces, normals)
    if thickness is None:
        return None
    return equivalent_thickness(thickness, vertex_areas(vertices, faces), colour, distance)


def _flat_shaded(mesh: trimesh.Trimesh):
    """Vertices split per face, each with its face's normal (as a file with flat normals)."""
    vertices = mesh.vertices[mesh.faces].reshape(-1, 3)
    faces = np.arange(len(vertices)).reshape(-1, 3)
    normals = np.repeat(mesh.face_normals, 3, axis=0)
    return vertices, faces, normals


def test_a_slab_measures_its_thickness_not_its_breadth():
    """A 10 cm square pane 2 mm thick: rays from its faces cross 2 mm; those from its
    narrow sides 10 cm, but they stand for 2 % of its area."""
    slab = trimesh.creation.box(extents=(0.1, 0.1, 0.002))
    thickness = measured_thickness(*_flat_shaded(slab), GREY, 0.001)
    assert thickness == pytest.approx(0.002, rel=0.1)


def test_a_hollow_vessel_measures_its_wall():
    """A sphere of radius 5 cm with a 3 mm wall (an inner sphere turned inside out)."""
    outer = trimesh.creation.icosphere(subdivisions=4, radius=0.05)
    inner = trimesh.creation.icosphere(subdivisions=4, radius=0.047)
    inner.invert()
    vessel = trimesh.util.concatenate([outer, inner])
    thickness = measured_thickness(vessel.vertices, vessel.faces, vessel.vertex_normals, GREY,
                                   0.01)
    assert thickness == pytest.approx(0.003, rel=0.1)


def test_a_solid_ball_measures_its_breadth():
    ball = trimesh.creation.icosphere(subdivisions=3, radius=0.02)
    thickness = measured_thickness(ball.vertices, ball.faces, ball.vertex_normals, GREY, 0.01)
    assert thickness == pytest.approx(0.04, rel=0.05)


def test_thin_walls_on_a_thick_foot_keep_the_light_the_walls_let_through():
    """Half the area 1 mm, half 20 mm, at an attenuation distance of 1 mm: the walls let a
    quarter through and the foot nothing, so the one thickness keeps an eighth (3 mm), where
    the mean thickness (10.5 mm) would draw the whole glass dark."""
    thickness = equivalent_thickness(np.array([0.001, 0.02]), np.array([1.0, 1.0]),
                                     (0.25, 0.25, 0.25), 0.001)
    kept = 0.25 ** (thickness / 0.001)
    assert kept == pytest.approx((0.25 + 0.25 ** 20) / 2, rel=1e-6)
    assert thickness == pytest.approx(1.5e-3, rel=0.01)


def test_weights_count_by_area():
    assert equivalent_thickness(np.array([1.0, 3.0]), np.array([3.0, 1.0]), (1, 1, 1), 1.0) \
        == pytest.approx(1.5)
    assert equivalent_thickness(np.array([1.0, 3.0]), None, GREY, math.inf) == pytest.approx(2.0)


@pytest.mark.parametrize("mesh", [
    trimesh.creation.box(extents=(0.1, 0.1, 0.002)).slice_plane((0, 0, 0), (0, 0, 1)),  # open
    trimesh.creation.cylinder(radius=0.02, height=0.1).slice_plane(  # a tube: no ends
        (0, 0, 0.04), (0, 0, -1)).slice_plane((0, 0, -0.04), (0, 0, 1)),
    trimesh.Trimesh([[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 1, 2]]),  # one triangle
], ids=["open box", "tube", "one triangle"])
def test_no_closed_solid_measures_nothing(mesh):
    assert measured_thickness(mesh.vertices, mesh.faces, mesh.vertex_normals, GREY, 1.0) is None
    assert not closes_a_solid(mesh.vertices, mesh.faces)


def test_a_closed_mesh_split_at_its_seams_still_closes_a_solid():
    """A file's corners are split where their normals or UVs differ (a flat-shaded box has
    three vertices at each corner): its faces still close a solid."""
    box = trimesh.creation.box(extents=(0.1, 0.1, 0.1))
    vertices, faces, _ = _flat_shaded(box)
    assert len(vertices) == 3 * len(box.faces)
    assert closes_a_solid(vertices, faces)
    assert not closes_a_solid(vertices, faces[:-1])  # one face missing


def test_broken_normals_and_empty_meshes_measure_nothing():
    ball = trimesh.creation.icosphere(subdivisions=2, radius=0.02)
    broken = np.full_like(ball.vertex_normals, np.nan)
    assert measured_thickness(ball.vertices, ball.faces, broken, GREY, 1.0) is None
    zero = np.zeros_like(ball.vertex_normals)
    assert measured_thickness(ball.vertices, ball.faces, zero, GREY, 1.0) is None
    assert measured_thickness(np.zeros((0, 3)), np.zeros((0, 3), int), np.zeros((0, 3)),
                              GREY, 1.0) is None


def test_each_vertex_measures_the_wall_it_stands_on():
    """A thin pane and a thick block in one mesh: each vertex measures its own piece."""
    pane = trimesh.creation.box(extents=(0.1, 0.1, 0.002))
    block = trimesh.creation.box(extents=(0.1, 0.1, 0.02))
    block.apply_translation((0.3, 0.0, 0.0))
    vertices, faces, normals = _flat_shaded(trimesh.util.concatenate([pane, block]))
    thickness = vertex_thickness(vertices, faces, normals)
    facing_z = np.abs(normals[:, 2]) > 0.99
    on_pane = facing_z & (vertices[:, 0] < 0.2)
    on_block = facing_z & (vertices[:, 0] > 0.2)
    assert thickness[on_pane] == pytest.approx(0.002, rel=0.05)
    assert thickness[on_block] == pytest.approx(0.02, rel=0.05)


GLASS_WITH_A_THICKNESS = {
    "name": "glass", "pbrMetallicRoughness": {"baseColorFactor": [0.8, 0.9, 1.0, 1.0]},
    "extensions": {"KHR_materials_transmission": {"transmissionFactor": 1.0},
                   "KHR_materials_volume": {"thicknessFactor": 0.01}}}


@pytest.mark.parametrize(("shape", "named"), [
    (trimesh.creation.box(extents=(0.1, 0.1, 0.1)), False),
    (trimesh.creation.box(extents=(0.1, 0.1, 0.1)).slice_plane((0, 0, 0), (0, 0, 1)), True),
], ids=["closed box", "open box"])
def test_a_volume_on_an_open_mesh_is_named_as_drawn_thin(tmp_path, shape, named):
    """glTF's thickness makes a glass bound a volume, which both renderers draw as a solid
    where its mesh is closed; an open one is drawn as thin walls, and the model says so (the
    problems panel and the command line show a model's warnings)."""
    path = write_gltf(tmp_path / "glass.gltf", meshes=[{"name": "pane", "primitives": [
        {"positions": np.asarray(shape.vertices, np.float32),
         "indices": np.asarray(shape.faces, np.uint32), "material": 0}]}],
        materials=[GLASS_WITH_A_THICKNESS])
    model = load_model(path)
    notes = [w for w in model.warnings if "bounds a volume" in w]
    assert len(notes) == named
    if named:
        assert "'glass'" in notes[0] and "thin walls" in notes[0] and str(path) in notes[0]
        # a note on the file's own material: a product that gives the part its own drops it
        assert notes[0] in model.material_warnings


def test_a_coloured_glass_is_found_closed_once_as_it_loads(tmp_path, monkeypatch):
    """Whether a mesh closes a solid takes a pass over all its triangles: the thickness
    measured of a closed coloured glass already says it is closed."""
    import app.assets.thickness as thickness

    calls = []

    def counted(vertices, faces):
        calls.append(len(faces))
        return closes_a_solid(vertices, faces)

    monkeypatch.setattr(thickness, "closes_a_solid", counted)
    coloured = {**GLASS_WITH_A_THICKNESS, "extensions": {
        **GLASS_WITH_A_THICKNESS["extensions"],
        "KHR_materials_volume": {"thicknessFactor": 0.01, "attenuationDistance": 0.05,
                                 "attenuationColor": [0.2, 0.5, 0.9]}}}
    box = trimesh.creation.box(extents=(0.1, 0.1, 0.1))
    path = write_gltf(tmp_path / "blue.gltf", meshes=[{"name": "block", "primitives": [
        {"positions": np.asarray(box.vertices, np.float32),
         "indices": np.asarray(box.faces, np.uint32), "material": 0}]}],
        materials=[coloured])
    model = load_model(path)
    mesh = next(iter(model.meshes.values()))
    assert mesh.thickness is not None and mesh.closed
    assert calls == [len(box.faces)]


@pytest.mark.parametrize(("fields", "absorbs"), [
    ({"transmission": 1.0, "thickness": 0.01, "attenuation_distance": 0.05}, True),
    ({"transmission": 1.0, "thickness": 0.01, "attenuation_distance": math.inf}, False),  # clear
    ({"transmission": 1.0, "thickness": 0.0, "attenuation_distance": 0.05}, False),  # thin
    ({"transmission": 0.0, "thickness": 0.01, "attenuation_distance": 0.05}, False),  # opaque
    ({"transmission": 1.0, "thickness": 0.01, "attenuation_distance": 0.05, "unlit": True},
     False),  # unlit: drawn as its glow, through which nothing passes
])
def test_what_absorbs_in_its_volume(fields, absorbs):
    """One rule for the loader (which measures such a mesh), the live view's tint and the
    still's medium."""
    from app.assets.mesh import MeshMaterial
    from app.scene.description import ResolvedMaterial

    assert absorbs_in_its_volume(MeshMaterial(**fields)) is absorbs
    assert absorbs_in_its_volume(ResolvedMaterial(id="m", **fields)) is absorbs
