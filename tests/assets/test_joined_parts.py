"""A model whose nodes place more meshes than the app draws apart (a CAD assembly of bolts, an STL
of many solids) loads with the meshes of each material joined into one part, says so, and still
answers to every node's name; a product whose two parts would share a joined part is told so; a
file placing more meshes than any assembly needs, or one whose variants change its parts one by
one, is refused; and one whose nodes place a mesh so often that its triangles pass the limit is
refused before a single copy of it is made."""

from __future__ import annotations

import numpy as np
import pytest

import app.assets.gltf_schema_checks as schema_checks
import app.assets.model_loading as model_loading
from app.assets.joined_parts import joined_mesh
from app.assets.mesh import MeshData, MeshMaterial
from app.assets.model_loading import load_model
from app.catalog.catalog import load_catalog
from app.domain.configuration import default_configuration
from app.errors import AssetError
from app.scene.asset_checks import product_asset_problems
from app.scene.resolve import resolve_scene
from tests.assets.conftest import QUAD_POSITIONS, edited_quad_gltf
from tests.scene.cup_project import cup_project

ROW = 2.0  # metres between placed quads


def assembly(tmp_path, count: int, *, materials: int = 2, extensions_used=()):
    """A .gltf whose ``count`` nodes each place the quad (one mesh per material, the node's
    index modulo ``materials``), along x."""
    def change(header):
        primitive = header["meshes"][0]["primitives"][0]
        header["materials"] = [{"name": f"paint{m}", "pbrMetallicRoughness": {
            "baseColorFactor": [m / materials, 0.5, 0.5, 1.0]}} for m in range(materials)]
        header["meshes"] = [{"name": f"bolt{m}", "primitives": [{**primitive, "material": m}]}
                            for m in range(materials)]
        header["nodes"] = [{"name": f"part{i}", "mesh": i % materials,
                            "translation": [ROW * i, 0.0, 0.0]} for i in range(count)]
        header["scenes"] = [{"nodes": list(range(count))}]
        if extensions_used:
            header["extensionsUsed"] = list(extensions_used)
    return edited_quad_gltf(tmp_path / "assembly.gltf", change)


@pytest.fixture
def few_drawn_apart(monkeypatch):
    monkeypatch.setattr(model_loading, "MAX_MODEL_PARTS", 4)
    monkeypatch.setattr(schema_checks, "MAX_MODEL_PARTS", 4)


def test_more_meshes_than_are_drawn_apart_are_joined_by_material(tmp_path, few_drawn_apart):
    path = assembly(tmp_path, 9, materials=2)
    model = load_model(path)
    assert sorted(model.meshes) == ["paint0 (5 meshes joined)", "paint1 (4 meshes joined)"]
    paint0 = model.meshes["paint0 (5 meshes joined)"]
    assert paint0.material.name == "paint0"
    assert len(paint0.faces) == 5 * 2 and len(paint0.vertices) == 5 * len(QUAD_POSITIONS)
    # each copy where its node put it: the quads at x = 0, 4, 8, 12 and 16 m
    starts = np.sort(np.unique(np.round(paint0.vertices[:, 0] - QUAD_POSITIONS[0][0], 6)))
    assert starts[::2] == pytest.approx([ROW * i for i in (0, 2, 4, 6, 8)], abs=1e-5)
    assert np.all(paint0.faces < len(paint0.vertices))
    # a node's name still addresses its part, as does the mesh's
    assert [m.name for m in model.find("part3")] == ["paint1 (4 meshes joined)"]
    assert [m.name for m in model.find("bolt0")] == ["paint0 (5 meshes joined)"]
    assert any("its nodes place 9 meshes, more than the 4 drawn apart: the meshes of each "
               "material are joined, 2 parts in all" in w for w in model.warnings)


def test_a_model_within_the_limit_is_not_joined(tmp_path, few_drawn_apart):
    model = load_model(assembly(tmp_path, 4, materials=2))
    assert sorted(model.meshes) == ["part0", "part1", "part2", "part3"]
    assert not any("joined" in w for w in model.warnings)


def test_joined_parts_fill_what_some_of_them_lack():
    quad = np.array(QUAD_POSITIONS, np.float32)
    faces = np.array([[0, 1, 2], [0, 2, 3]], np.int32)
    normals = np.tile(np.float32([0, 0, 1]), (4, 1))
    material = MeshMaterial(name="steel")
    with_uv = MeshData("a", quad, faces, normals, uv=np.full((4, 2), 0.5, np.float32),
                       colors=np.full((4, 4), 10, np.uint8), material=material,
                       thickness=np.full(4, 0.01, np.float32))
    bare = MeshData("b", quad + 1, faces, normals, material=material)
    joined = joined_mesh("steel (2 meshes joined)", [with_uv, bare])
    assert joined.faces.tolist() == [[0, 1, 2], [0, 2, 3], [4, 5, 6], [4, 6, 7]]
    assert joined.uv.tolist() == [[0.5, 0.5]] * 4 + [[0.0, 0.0]] * 4
    assert joined.colors.tolist() == [[10] * 4] * 4 + [[255] * 4] * 4
    assert joined.uv1 is None
    assert joined.thickness is None  # not every part's volume was measured
    assert not joined.vertices.flags.writeable


def test_two_product_parts_sharing_a_joined_part_are_told_so(tmp_path, monkeypatch):
    """The cup's body and handles are three nodes of one material: joined, the handle parts
    would draw the body again in their own material."""
    context = cup_project(tmp_path)
    monkeypatch.setattr(model_loading, "MAX_MODEL_PARTS", 2)
    product = load_catalog(tmp_path).product("cup")
    with pytest.raises(AssetError) as info:
        resolve_scene(product, default_configuration(product), context)
    assert info.value.file == "configs/cup.yaml"
    assert info.value.field == "parts[1].nodes"
    assert "which part 'body' draws too" in info.value.message
    assert "joined into one part" in info.value.message


def test_validating_the_product_reports_the_shared_joined_part(tmp_path, monkeypatch):
    """``app validate`` checks each part's files on their own; the sharing is one problem."""
    context = cup_project(tmp_path)
    monkeypatch.setattr(model_loading, "MAX_MODEL_PARTS", 2)
    product = load_catalog(tmp_path).product("cup")
    problems = product_asset_problems(product, context)
    assert [(p.file, p.field) for p in problems] == [("configs/cup.yaml", "parts[1].nodes")]
    assert "which part 'body' draws too" in problems[0].message


def test_more_materials_than_parts_drawn_apart_are_refused(tmp_path, few_drawn_apart):
    """Joined by material, a file of as many materials as meshes would still draw each apart."""
    path = assembly(tmp_path, 6, materials=6)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (
        f"{path}: nodes: its nodes place 6 meshes in 6 materials: more than the 4 parts drawn "
        "apart even with the meshes of each material joined; give the parts that look alike "
        "one material in the modelling tool")


def test_a_file_placing_more_meshes_than_any_assembly_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(schema_checks, "MAX_PLACED_MESHES", 6)
    path = assembly(tmp_path, 7)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: nodes: its nodes place 7 meshes, over the limit of "
                                 "6: join the parts that never change apart (bolts, a "
                                 "housing's pieces) into one mesh in the modelling tool")


def test_variants_over_the_parts_drawn_apart_are_refused(tmp_path, few_drawn_apart):
    """Each variant gives each part its own material: joined parts could not follow."""
    path = assembly(tmp_path, 5, extensions_used=["KHR_materials_variants"])
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.field == "nodes"
    assert "its material variants (KHR_materials_variants) change them one by one" in str(
        caught.value)


def test_a_mesh_placed_past_the_triangle_limit_is_refused_before_it_is_copied(
        tmp_path, monkeypatch):
    """A 3.6 MB file placing one 200,000-triangle grid 200 times took 87 s and 1.4 GB to be
    refused: every copy was made first."""
    monkeypatch.setattr(model_loading, "MAX_TRIANGLES", 15)

    def copied(*args, **kwargs):
        raise AssertionError("a placed copy was made")

    monkeypatch.setattr(model_loading, "placed_mesh", copied)
    path = assembly(tmp_path, 8, materials=1)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(
        f"{path}: 16 triangles (1 mesh placed 8 times) is over the limit of 15: reduce them")


def solids_stl(tmp_path, count: int):
    """An ASCII STL of ``count`` solids of one triangle each (a CAD tool writes a body a
    solid)."""
    path = tmp_path / "bodies.stl"
    path.write_text("".join(
        f"solid s{i}\nfacet normal 0 0 1\nouter loop\nvertex {i} 0 0\nvertex {i + 1} 0 0\n"
        f"vertex {i} 1 0\nendloop\nendfacet\nendsolid s{i}\n" for i in range(count)))
    return path


def test_an_stl_of_more_solids_than_are_drawn_apart_is_joined(tmp_path, few_drawn_apart):
    """No node limit held an STL's solids: 20,000 of them (2.5 MB) were 20,000 parts."""
    path = solids_stl(tmp_path, 6)
    model = load_model(path)
    (name, joined), = model.meshes.items()
    assert name.endswith("(6 meshes joined)") and len(joined.faces) == 6
    assert any("it holds 6 meshes, more than the 4 drawn apart: the meshes of each material "
               "are joined, 1 part in all" in w for w in model.warnings)


def test_an_stl_of_more_solids_than_any_file_may_place_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(model_loading, "MAX_PLACED_MESHES", 5)
    path = solids_stl(tmp_path, 6)
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path}: it holds 6 meshes, over the limit of 5: join the "
                                 "parts that never change apart (bolts, a housing's pieces) "
                                 "into one mesh in the modelling tool")
