"""Models written by three.js' GLTFExporter (tests/assets/threejs) read as three.js means them,
and drawn by both renderers."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.assets.gltf_document import document_bytes
from app.assets.model_loading import load_model
from app.cli import main
from app.domain.colour import srgb_to_linear
from app.errors import AssetError
from app.export.export_meshes import collect_export_scene
from app.export.glb import glb_bytes
from tests.gltf_compare import accessor_values, split_glb
from tests.khronos_scenes import model_file_scene

FOLDER = Path(__file__).parent / "threejs"


def test_each_material_feature_is_read_from_its_extension():
    model = load_model(FOLDER / "physical.glb")
    assert model.warnings == ()
    found = {name: mesh.material for name, mesh in model.meshes.items()}
    assert (found["clearcoat"].clearcoat, found["clearcoat"].clearcoat_roughness) == (1.0, 0.05)
    assert found["sheen"].sheen_color == (1.0, 0.6, 0.8) and found["sheen"].sheen_roughness == 0.4
    glass = found["glass"]
    assert (glass.transmission, glass.ior, glass.attenuation_distance) == (1.0, 1.5, 0.5)
    assert glass.attenuation_color == pytest.approx((0.2, 0.6, 1.0))
    assert glass.thickness == pytest.approx(0.8, abs=1e-3)  # the closed sphere's breadth
    shimmer = found["iridescence"]
    assert (shimmer.iridescence, shimmer.iridescence_ior) == (1.0, 1.3)
    assert shimmer.iridescence_thickness == (100.0, 400.0)
    assert (found["anisotropy"].anisotropy, found["anisotropy"].anisotropy_rotation) == (0.8,
                                                                                         0.5)
    assert (found["specular"].specular, found["specular"].ior) == (0.2, 1.8)
    assert found["specular"].specular_color == pytest.approx((1.0, 0.5, 0.5))
    assert found["unlit"].unlit
    assert (found["blend"].alpha_mode, found["blend"].base_color[3]) == ("BLEND", 0.4)
    assert found["mask"].alpha_mode == "MASK"


def test_textures_their_transforms_strengths_and_occlusion():
    model = load_model(FOLDER / "textured.glb")
    found = {name: mesh.material for name, mesh in model.meshes.items()}
    moved = found["Transformed"].base_color_mapping.transform
    assert moved.offset == pytest.approx((0.25, 0.0)) and moved.rotation == pytest.approx(0.3)
    assert moved.scale == pytest.approx((2.0, 2.0))
    assert found["Transformed"].emissive == pytest.approx((3.0, 1.2, 0.3))
    # an aoMap on UV set 0, an image of its own: packed into the ORM texture, its shade in R
    occluded = found["Occluded"]
    assert occluded.occlusion_in_orm
    shade = occluded.orm_texture.pixels[..., 0]
    assert shade.min() == 0 and shade.max() == 255
    # an aoMap on UV set 1: drawn without, and said so
    assert not found["Box"].occlusion_in_orm
    assert model.warnings == (f"{FOLDER / 'textured.glb'}: a material: its occlusion texture "
                              "maps otherwise than its metallic-roughness texture (another UV "
                              "set, sampler or transform); drawn without occlusion",)


def test_instances_are_placed_in_their_own_colours():
    """Each instance of the InstancedMesh in the colour three.js gave it (``setColorAt``, the
    file's ``_COLOR_0`` row for it, linear), which multiplies the white material as vertex
    colours do."""
    path = FOLDER / "instancing.glb"
    model = load_model(path)
    assert model.warnings == ()
    assert len(model.meshes) == 25
    heights = sorted({round(float(np.ptp(mesh.vertices[:, 1])), 3)
                      for mesh in model.meshes.values()})
    assert heights == [0.3, 0.39, 0.48]  # scaled 1, 1.3 and 1.6 along y
    header, binary = split_glb(path.read_bytes())
    attributes = header["nodes"][0]["extensions"]["EXT_mesh_gpu_instancing"]["attributes"]
    given = accessor_values(header, binary, attributes["_COLOR_0"])
    for k in range(25):
        colours = np.asarray(model.meshes[f"Cubes_instance{k}"].colors)
        assert (colours == colours[0]).all()  # one colour over the instance
        linear = [srgb_to_linear(c / 255.0) for c in colours[0, :3]]
        np.testing.assert_allclose(linear, given[k], atol=0.01)
        assert colours[0, 3] == 255


def test_instance_colours_past_their_limit_are_said_to_be_left_out(monkeypatch):
    monkeypatch.setattr("app.assets.gpu_instancing.MAX_COLOUR_BYTES", 1000)
    model = load_model(FOLDER / "instancing.glb")
    assert len(model.meshes) == 25
    assert all(mesh.colors is None for mesh in model.meshes.values())
    assert model.warnings == (
        f"{FOLDER / 'instancing.glb'}: nodes[0].extensions.EXT_mesh_gpu_instancing.attributes."
        "_COLOR_0: an instance attribute of the file's own (three.js writes each instance's "
        "colour so; coloured, the instances would add more than 0 MB of vertex colours); the "
        "instances are drawn without it",)


@pytest.mark.parametrize(("change", "said"), [
    (lambda h, a: a.update(count=24), "expected attributes of one count"),
    (lambda h, a: a.update(type="SCALAR"), "expected a VEC3 or VEC4 accessor"),
    (lambda h, a: a.update(componentType=5125), "expected a VEC3 or VEC4 accessor"),
])
def test_bad_instance_colours_are_refused_naming_the_field(tmp_path, change, said):
    header, binary = split_glb((FOLDER / "instancing.glb").read_bytes())
    attributes = header["nodes"][0]["extensions"]["EXT_mesh_gpu_instancing"]["attributes"]
    change(header, header["accessors"][attributes["_COLOR_0"]])
    path = tmp_path / "bad.glb"
    path.write_bytes(document_bytes(header, binary))
    with pytest.raises(AssetError, match=said) as caught:
        load_model(path)
    assert str(caught.value).startswith(
        f"{path}: nodes[0].extensions.EXT_mesh_gpu_instancing.attributes")


def test_geometry_as_three_js_writes_it():
    model = load_model(FOLDER / "geometry.glb")
    assert model.warnings == ()
    meshes = model.meshes
    knot = meshes["NonIndexed"]
    faces = knot.faces
    assert len(knot.vertices) == 3 * len(faces)  # no vertex shared
    np.testing.assert_allclose(knot.normals[faces[:, 0]], knot.normals[faces[:, 1]], atol=1e-6)
    groups = [name for name in meshes if name.startswith("Grouped/")]
    assert [meshes[name].material.name for name in sorted(groups)] == ["red", "green"] * 3
    assert meshes["VertexColours"].colors is not None
    low, high = meshes["Morphed"].vertices.min(axis=0), meshes["Morphed"].vertices.max(axis=0)
    np.testing.assert_allclose(high - low, (0.25, 0.55, 0.25), atol=1e-4)
    cone = meshes["Mirrored"]  # mirrored by its node: its faces still face out
    centre = cone.vertices.mean(axis=0)
    corners = cone.vertices[cone.faces]
    facing = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    outward = np.einsum("ij,ij->i", facing, corners.mean(axis=1) - centre)
    assert (outward > 0).mean() > 0.95


@pytest.mark.parametrize("name", ["textured", "physical", "instancing", "geometry"])
@pytest.mark.parametrize("photoreal", [False, True])
def test_both_renderers_draw_each_file(tmp_path, name, photoreal):
    out = tmp_path / "still.png"
    extra = ["--photoreal", "--spp", "2"] if photoreal else []
    assert main(["render", "--model", str(FOLDER / f"{name}.glb"), "--out", str(out),
                 "--size", "120x90", "--transparent", *extra]) == 0
    assert (np.asarray(Image.open(out))[..., 3] > 127).mean() > 0.05


@pytest.mark.parametrize("nodes", [7, "x", [7], [{"mesh": 0, "extensions": []}],
                                   [{"mesh": 0, "extensions": True}],
                                   [{"mesh": 0, "extensions": {"EXT_mesh_gpu_instancing": []}}],
                                   [{"mesh": 0, "extensions": {"EXT_mesh_gpu_instancing": {
                                       "attributes": ["_COLOR_0"]}}}]])
def test_malformed_instanced_nodes_are_refused_naming_the_file(tmp_path, nodes):
    header, binary = split_glb((FOLDER / "instancing.glb").read_bytes())
    header["nodes"] = nodes
    path = tmp_path / "bad.glb"
    path.write_bytes(document_bytes(header, binary))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert caught.value.file == str(path)


def test_coloured_instances_keep_their_colours_in_a_glb_export(tmp_path):
    scene, assets = model_file_scene(FOLDER / "instancing.glb")
    out = tmp_path / "export.glb"
    out.write_bytes(glb_bytes(collect_export_scene(scene, assets)))
    again = load_model(out)
    colours = {tuple(np.asarray(mesh.colors)[0]) for mesh in again.meshes.values()
               if mesh.colors is not None}
    assert len(colours) == 25


def test_instance_colours_on_a_primitive_whose_colours_are_no_accessor_are_refused(tmp_path):
    header, binary = split_glb((FOLDER / "instancing.glb").read_bytes())
    header["meshes"][0]["primitives"][0]["attributes"]["COLOR_0"] = 99
    path = tmp_path / "bad.glb"
    path.write_bytes(document_bytes(header, binary))
    with pytest.raises(AssetError) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: meshes[0]")
