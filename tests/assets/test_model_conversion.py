"""Units, up axis, node transforms, names, normals and the UV convention."""

import numpy as np
import pytest
import trimesh

from app.assets.model_loading import load_model
from app.errors import AssetError

from .conftest import CORNER_BLUE, CORNER_RED, QUAD_INDICES, QUAD_POSITIONS


def sample(texture, uv) -> tuple:
    height, width = texture.pixels.shape[:2]
    col = min(int(uv[0] * width), width - 1)
    row = min(int(uv[1] * height), height - 1)
    return tuple(int(c) for c in texture.pixels[row, col][:3])


@pytest.fixture
def box_stl(tmp_path):
    path = tmp_path / "box.stl"
    trimesh.creation.box(extents=(10.0, 20.0, 30.0)).export(path)
    return path


@pytest.mark.parametrize(
    ("units", "scale"), [("m", 1.0), ("cm", 0.01), ("mm", 0.001), ("in", 0.0254), ("ft", 0.3048)]
)
def test_units_scale_to_metres(box_stl, units, scale):
    low, high = load_model(box_stl, units=units).bounds
    np.testing.assert_allclose(high - low, np.array([10.0, 20.0, 30.0]) * scale, rtol=1e-6)


@pytest.mark.parametrize(
    ("up", "size"),
    [
        ("y", (10, 20, 30)),
        ("z", (10, 30, 20)),
        ("-z", (10, 30, 20)),
        ("x", (20, 10, 30)),
    ],
)
def test_up_axis_becomes_y(box_stl, up, size):
    low, high = load_model(box_stl, units="mm", up=up).bounds
    np.testing.assert_allclose(high - low, np.array(size) / 1000.0, rtol=1e-6)


def test_z_up_point_lands_on_plus_y_and_keeps_handedness(tmp_path):
    mesh = trimesh.Trimesh(
        vertices=[(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)], faces=[(0, 1, 2), (0, 1, 3)]
    )
    path = tmp_path / "tip.ply"
    mesh.export(path)
    vertices = load_model(path, up="z").meshes["tip.ply"].vertices
    # file +Z (up) -> app +Y; file +Y (forward/back) -> app -Z; X stays
    np.testing.assert_allclose(vertices[3], (0, 1, 0), atol=1e-7)
    np.testing.assert_allclose(vertices[2], (0, 0, -1), atol=1e-7)
    np.testing.assert_allclose(vertices[1], (1, 0, 0), atol=1e-7)


def test_unknown_units_and_up_are_errors(box_stl):
    with pytest.raises(AssetError, match="units: unknown unit 'furlong'"):
        load_model(box_stl, units="furlong")
    with pytest.raises(AssetError, match="up: unknown up axis 'w'"):
        load_model(box_stl, up="w")


def test_node_transform_and_names(tmp_path, gltf_writer, quad_primitive):
    path = gltf_writer(
        tmp_path / "two.gltf",
        meshes=[{"name": "handle_mesh", "primitives": [quad_primitive]}],
        nodes=[
            {"name": "HandleLeft", "mesh": 0, "translation": [10.0, 0.0, 0.0]},
            {"name": "HandleRight", "mesh": 0, "scale": [2.0, 2.0, 2.0]},
        ],
    )
    model = load_model(path, units="cm")
    assert set(model.meshes) == {"HandleLeft", "HandleRight"}
    assert model.mesh_names == {"handle_mesh": ["HandleLeft", "HandleRight"]}
    assert [m.name for m in model.find("handle_mesh")] == ["HandleLeft", "HandleRight"]
    assert model.find("HandleLeft") == [model.meshes["HandleLeft"]]
    assert model.find("nothing") == []
    np.testing.assert_allclose(model.meshes["HandleLeft"].bounds[0], (0.10, 0.0, 0.0), atol=1e-7)
    np.testing.assert_allclose(model.meshes["HandleRight"].bounds[1], (0.02, 0.02, 0.0), atol=1e-7)


def test_multi_primitive_mesh_gets_stable_keys(tmp_path, gltf_writer, quad_primitive):
    shifted = dict(quad_primitive, positions=[(x, y, 1.0) for x, y, _ in QUAD_POSITIONS])
    meshes = [{"name": "body", "primitives": [quad_primitive, shifted]}]
    path = gltf_writer(tmp_path / "prims.gltf", meshes=meshes)
    first = load_model(path)
    second = load_model(path)
    assert set(first.meshes) == set(second.meshes) == {"body/body", "body/body_1"}
    assert sorted(m.name for m in first.find("body")) == ["body/body", "body/body_1"]


def test_file_normals_are_kept(tmp_path, gltf_writer):
    tilted = np.array([[0.0, 0.6, 0.8]] * 4)
    primitive = {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES, "normals": tilted}
    path = gltf_writer(tmp_path / "n.gltf", meshes=[{"name": "q", "primitives": [primitive]}])
    normals = load_model(path).meshes["q"].normals
    np.testing.assert_allclose(normals, tilted, atol=1e-6)


def test_file_normals_follow_the_up_rotation(tmp_path, gltf_writer):
    primitive = {
        "positions": QUAD_POSITIONS,
        "indices": QUAD_INDICES,
        "normals": [(0.0, 0.0, 1.0)] * 4,
    }
    path = gltf_writer(tmp_path / "n.gltf", meshes=[{"name": "q", "primitives": [primitive]}])
    normals = load_model(path, up="z").meshes["q"].normals
    np.testing.assert_allclose(normals, [(0.0, 1.0, 0.0)] * 4, atol=1e-6)


def test_missing_normals_are_computed_smooth(tmp_path):
    sphere = trimesh.creation.icosphere(subdivisions=3, radius=2.0)
    path = tmp_path / "sphere.stl"  # STL: a triangle soup with face normals only
    sphere.export(path)
    mesh = load_model(path).meshes["sphere.stl"]
    radial = mesh.vertices / np.linalg.norm(mesh.vertices, axis=1, keepdims=True)
    # smooth normals of a sphere point outwards along the radius
    assert (np.einsum("ij,ij->i", mesh.normals, radial) > 0.99).all()


def test_gltf_uv_keeps_the_gltf_convention(tmp_path, gltf_writer, corner_png):
    uv = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    primitive = {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES, "uv": uv, "material": 0}
    path = gltf_writer(
        tmp_path / "uv.gltf",
        meshes=[{"name": "q", "primitives": [primitive]}],
        materials=[{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        images=[{"uri": corner_png.name}],
    )
    mesh = load_model(path).meshes["q"]
    np.testing.assert_allclose(mesh.uv, uv, atol=1e-6)
    # glTF uv (0, 0) is the top-left pixel of the image
    assert sample(mesh.material.base_color_texture, mesh.uv[0]) == CORNER_RED
    assert sample(mesh.material.base_color_texture, mesh.uv[3]) == CORNER_BLUE


def test_obj_uv_is_converted_to_the_gltf_convention(tmp_path, corner_png):
    (tmp_path / "quad.mtl").write_text("newmtl corners\nKd 1 1 1\nmap_Kd corners.png\n")
    (tmp_path / "quad.obj").write_text(
        "mtllib quad.mtl\nusemtl corners\n"
        "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\n"
        "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
        "f 1/1 2/2 3/3\nf 1/1 3/3 4/4\n"
    )
    (mesh,) = load_model(tmp_path / "quad.obj").meshes.values()
    by_position = {tuple(v): tuple(t) for v, t in zip(mesh.vertices, mesh.uv, strict=True)}
    # OBJ vt (0, 0) is the bottom-left of the image: glTF (0, 1)
    assert by_position[(0.0, 0.0, 0.0)] == pytest.approx((0.0, 1.0))
    assert sample(mesh.material.base_color_texture, by_position[(0.0, 0.0, 0.0)]) == CORNER_BLUE
    assert sample(mesh.material.base_color_texture, by_position[(0.0, 1.0, 0.0)]) == CORNER_RED


def test_gltf_factors_extensions_and_texture_identity(tmp_path, gltf_writer, corner_png):
    primitive = {
        "positions": QUAD_POSITIONS,
        "indices": QUAD_INDICES,
        "uv": [(0, 0)] * 4,
        "material": 0,
    }
    material = {
        "name": "glass",
        "pbrMetallicRoughness": {
            "baseColorFactor": [0.2, 0.3, 0.4, 0.5],
            "metallicFactor": 0.25,
            "roughnessFactor": 0.125,
            "metallicRoughnessTexture": {"index": 0},
        },
        "occlusionTexture": {"index": 1},
        "emissiveFactor": [0.5, 0.25, 0.0],
        "doubleSided": True,
        "alphaMode": "BLEND",
        "extensions": {
            "KHR_materials_transmission": {"transmissionFactor": 0.75},
            "KHR_materials_emissive_strength": {"emissiveStrength": 2.0},
        },
    }
    path = gltf_writer(
        tmp_path / "f.gltf",
        meshes=[{"name": "q", "primitives": [primitive]}],
        materials=[material],
        images=[{"uri": corner_png.name}, {"uri": corner_png.name}],
    )
    result = load_model(path).meshes["q"].material
    assert result.name == "glass"
    assert result.base_color == (0.2, 0.3, 0.4, 0.5)
    assert (result.metallic, result.roughness) == (0.25, 0.125)
    assert result.emissive == (1.0, 0.5, 0.0)
    assert result.double_sided is True and result.alpha_mode == "BLEND"
    assert result.transmission == 0.75
    assert result.orm_texture is not None
    # occlusion is a different image entry, mapped alike: packed into the ORM texture
    assert result.occlusion_in_orm is True
    assert result.orm_texture.source.endswith("#image0+image1/occlusion")
