"""The committed sample assets: mug.glb, studio.hdr and the ceramic material library."""

import json
import re
import struct

import numpy as np
import pytest
import trimesh
import vtk
import yaml
from PIL import Image
from vtkmodules.util.numpy_support import vtk_to_numpy

from app.assets.model_loading import load_model
from app.assets.normals import faces_turned_inwards
from tests.gltf_compare import assert_glb_equivalent
from tests.image_compare import assert_pixels_close

MM = 0.001
NODES = {"body", "inside", "handle_classic", "handle_angular"}


def _mesh(scene: trimesh.Scene, node: str) -> trimesh.Trimesh:
    transform, geometry = scene.graph[node]
    assert np.allclose(transform, np.eye(4))
    return scene.geometry[geometry]


def _adjacent_normal_angles(mesh: trimesh.Trimesh) -> np.ndarray:
    welded = trimesh.Trimesh(mesh.vertices, mesh.faces, process=False)
    welded.merge_vertices(merge_tex=True, merge_norm=True)
    return np.degrees(welded.face_adjacency_angles)


def _wall_faces(body: trimesh.Trimesh) -> np.ndarray:
    centres = body.triangles_center
    return (centres[:, 1] > 10 * MM) & (centres[:, 1] < 85 * MM)


def _uv_areas(mesh: trimesh.Trimesh) -> np.ndarray:
    uv = mesh.visual.uv[mesh.faces]
    e1, e2 = uv[:, 1] - uv[:, 0], uv[:, 2] - uv[:, 0]
    return 0.5 * np.abs(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0])


# --- mug.glb ---------------------------------------------------------------------------------


def test_mug_has_the_four_named_nodes_with_pbr_ceramic(mug_scene):
    assert set(mug_scene.graph.nodes_geometry) == NODES
    for node in NODES:
        mesh = _mesh(mug_scene, node)
        material = mesh.visual.material
        assert isinstance(material, trimesh.visual.material.PBRMaterial), node
        assert material.metallicFactor == 0.0
        assert 0.0 < material.roughnessFactor < 0.5
        assert 0 < len(mesh.faces) < 20_000, node


def test_body_has_mug_proportions_resting_on_the_ground_centred_on_y(mug_scene):
    lo, hi = _mesh(mug_scene, "body").bounds / MM
    assert 90 <= hi[1] - lo[1] <= 100
    assert 75 <= hi[0] - lo[0] <= 85 and 75 <= hi[2] - lo[2] <= 85
    assert lo[1] == pytest.approx(0.0, abs=1e-6)
    assert abs(lo[0] + hi[0]) < 0.01 and abs(lo[2] + hi[2]) < 0.01
    scene_lo, _ = mug_scene.bounds
    assert scene_lo[1] >= -1e-9


def test_handles_point_along_plus_x_beside_the_body(mug_scene):
    body_hi = _mesh(mug_scene, "body").bounds[1]
    for node in ("handle_classic", "handle_angular"):
        lo, hi = _mesh(mug_scene, node).bounds
        assert lo[0] > 0.0
        assert hi[0] - body_hi[0] > 20 * MM, node
        assert abs(lo[2] + hi[2]) < 1e-6


def test_handles_differ_in_shape(mug_scene):
    classic = _mesh(mug_scene, "handle_classic")
    angular = _mesh(mug_scene, "handle_angular")
    depth = [np.ptp(m.vertices[:, 2]) for m in (classic, angular)]
    thickness = [np.ptp(m.vertices[:, 1]) for m in (classic, angular)]
    assert depth[1] > depth[0] and thickness[1] < thickness[0]
    assert not np.allclose(classic.vertices, angular.vertices)


def test_glb_stores_normals_uvs_and_one_material_per_mesh(mug_path):
    data = mug_path.read_bytes()
    magic, version, _length, chunk_length, chunk_type = struct.unpack_from("<4sIIII", data)
    assert (magic, version, chunk_type) == (b"glTF", 2, 0x4E4F534A)
    gltf = json.loads(data[20 : 20 + chunk_length])
    assert {node["name"] for node in gltf["nodes"] if "mesh" in node} == NODES
    for mesh in gltf["meshes"]:
        for primitive in mesh["primitives"]:
            assert {"POSITION", "NORMAL", "TEXCOORD_0"} <= set(primitive["attributes"])
            material = gltf["materials"][primitive["material"]]
            assert "pbrMetallicRoughness" in material


def test_geometry_is_finite_with_unit_normals(mug_scene):
    for node in NODES:
        mesh = _mesh(mug_scene, node)
        normals = mesh.vertex_normals
        assert np.isfinite(mesh.vertices).all() and np.isfinite(normals).all()
        assert np.allclose(np.linalg.norm(normals, axis=1), 1.0, atol=1e-4)
        assert np.isfinite(mesh.visual.uv).all()


def test_body_and_inside_close_into_one_watertight_shell(mug_scene):
    shell = trimesh.util.concatenate([_mesh(mug_scene, "body"), _mesh(mug_scene, "inside")])
    shell = trimesh.Trimesh(shell.vertices, shell.faces, process=True)
    assert shell.is_watertight
    assert shell.volume > 0  # outward facing
    # about 3.5 mm of ceramic: volume between a 40 mm and a 36.5 mm radius, plus the base
    assert 60e-6 < shell.volume < 160e-6


@pytest.mark.parametrize("node", ["handle_classic", "handle_angular"])
def test_handles_are_closed_solids(mug_scene, node):
    mesh = _mesh(mug_scene, node)
    solid = trimesh.Trimesh(mesh.vertices, mesh.faces, process=True)
    assert solid.is_watertight and solid.volume > 0


@pytest.mark.parametrize("node", ["body", "inside"])
def test_curved_surfaces_are_smooth(mug_scene, node):
    mesh = _mesh(mug_scene, node)
    assert _adjacent_normal_angles(mesh).max() < 12.0
    face_vs_vertex = np.einsum("fij,fj->fi", mesh.vertex_normals[mesh.faces], mesh.face_normals)
    assert face_vs_vertex.min() > np.cos(np.radians(10.0))


@pytest.mark.parametrize("node", ["body", "inside"])
def test_curved_surfaces_share_one_normal_per_position(mug_scene, node):
    mesh = _mesh(mug_scene, node)
    keys = np.round(mesh.vertices / (0.001 * MM)).astype(np.int64)
    _, group = np.unique(keys, axis=0, return_inverse=True)
    first = np.zeros(group.max() + 1, dtype=int)
    first[group[::-1]] = np.arange(len(group))[::-1]
    agreement = np.einsum("ij,ij->i", mesh.vertex_normals, mesh.vertex_normals[first[group]])
    assert len(first) < len(group)  # the UV seam duplicates vertices: they are compared here
    assert agreement.min() > np.cos(np.radians(0.5))


@pytest.mark.parametrize("node", ["handle_classic", "handle_angular"])
def test_handle_shading_normals_agree_with_faces_and_caps_stay_sharp(mug_scene, node):
    mesh = _mesh(mug_scene, node)
    face_vs_vertex = np.einsum("fij,fj->fi", mesh.vertex_normals[mesh.faces], mesh.face_normals)
    assert face_vs_vertex.min() > np.cos(np.radians(16.0))
    # the hidden end caps keep their own flat normals: a sharp 90 degree edge, not smeared
    assert _adjacent_normal_angles(mesh).max() > 80.0


def _radial(points: np.ndarray) -> np.ndarray:
    return np.hypot(points[:, 0], points[:, 2])


@pytest.mark.parametrize("node", ["handle_classic", "handle_angular"])
def test_handle_ends_are_embedded_in_the_wall_without_piercing_it(mug_scene, node):
    body, inside = _mesh(mug_scene, "body"), _mesh(mug_scene, "inside")
    handle = _mesh(mug_scene, node).vertices

    def wall_radius(mesh, y):
        band = np.abs(mesh.vertices[:, 1] - y) < 1.5 * MM
        return _radial(mesh.vertices[band]).max()

    near_wall = handle[_radial(handle) < wall_radius(body, handle[:, 1].mean()) + 1 * MM]
    assert len(near_wall) > 0
    buried = 0
    for point in near_wall:
        r = _radial(point[None])[0]
        assert r > wall_radius(inside, point[1]) + 0.5 * MM
        buried += r < wall_radius(body, point[1]) - 1.0 * MM
    assert buried > 10


def test_body_uvs_are_cylindrical_in_range_with_the_front_at_u_075(mug_scene):
    body = _mesh(mug_scene, "body")
    uv, v3 = body.visual.uv, body.vertices
    assert uv.min() >= 0.0 and uv.max() <= 1.0
    on_wall = (v3[:, 1] > 10 * MM) & (v3[:, 1] < 85 * MM)
    front = on_wall & (np.abs(uv[:, 0] - 0.75) < 1e-3)
    assert front.any() and (v3[front, 2] > 0.035).all() and (np.abs(v3[front, 0]) < 1e-6).all()
    left = on_wall & (np.abs(uv[:, 0] - 0.5) < 1e-3)
    assert (v3[left, 0] < -0.035).all()
    # v follows height on the wall: v * 95 mm is within 3 mm of y
    assert np.abs(uv[on_wall, 1] * 95 * MM - v3[on_wall, 1]).max() < 3 * MM


def test_body_uvs_are_not_stretched_on_the_wall(mug_scene):
    body = _mesh(mug_scene, "body")
    wall = _wall_faces(body)
    ratio = _uv_areas(body)[wall] / body.area_faces[wall]
    assert ratio.max() / ratio.min() < 1.12
    extras = body.metadata
    metres_per_uv = extras["uv_u_metres_per_unit"] * extras["uv_v_metres_per_unit"]
    assert 0.245 < extras["uv_u_metres_per_unit"] < 0.26
    assert 0.09 < extras["uv_v_metres_per_unit"] < 0.105
    assert np.median(ratio) * metres_per_uv == pytest.approx(1.0, rel=0.06)


@pytest.mark.parametrize("node", ["inside", "handle_classic", "handle_angular"])
def test_other_uvs_are_in_range_and_non_degenerate(mug_scene, node):
    mesh = _mesh(mug_scene, node)
    assert mesh.visual.uv.min() >= 0.0 and mesh.visual.uv.max() <= 1.0
    assert np.mean(_uv_areas(mesh) > 0) > 0.95


def test_committed_mug_matches_the_authoring_script(author_mug, mug_path, tmp_path):
    out = tmp_path / "mug.glb"
    assert author_mug.main(["author_mug", str(out)]) == 0
    # names, layout and indices exactly; positions, normals and UVs within float tolerance
    assert_glb_equivalent(out.read_bytes(), mug_path.read_bytes())


@pytest.mark.parametrize("product", ["mug", "watch", "guitar", "golf_cart"])
def test_every_closed_part_of_the_sample_models_faces_outwards(builtin_root, product):
    """An AR viewer culls the back faces of a single-sided material: a closed part wound
    inside out would show its inside there (the model loader reports such parts)."""
    model = load_model(builtin_root / "assets/models" / f"{product}.glb")
    assert model.warnings == ()
    closed = [key for key, mesh in model.meshes.items()
              if trimesh.Trimesh(mesh.vertices, mesh.faces).is_watertight]
    assert closed
    for key in closed:
        assert not faces_turned_inwards(model.meshes[key].vertices, model.meshes[key].faces), key


# --- studio.hdr ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def studio_vtk(studio_path):
    reader = vtk.vtkHDRReader()
    assert reader.CanReadFile(str(studio_path))
    reader.SetFileName(str(studio_path))
    reader.Update()
    image = reader.GetOutput()
    scalars = image.GetPointData().GetScalars()
    width, height, depth = image.GetDimensions()
    assert depth == 1
    pixels = vtk_to_numpy(scalars).reshape(height, width, scalars.GetNumberOfComponents())
    return image, scalars, pixels[::-1]  # VTK's row 0 is the bottom: flip to top-first


def _pixel(direction, width=1024, height=512):
    d = np.asarray(direction, float) / np.linalg.norm(direction)
    col = int((np.arctan2(d[2], d[0]) / (2 * np.pi) + 0.5) * width)
    row = int((0.5 - np.arcsin(d[1]) / np.pi) * height)
    return min(row, height - 1), min(col, width - 1)


def test_studio_reads_in_vtk_as_float32_of_the_declared_size(studio_vtk):
    image, scalars, pixels = studio_vtk
    assert image.GetDimensions() == (1024, 512, 1)
    assert scalars.GetDataType() == vtk.VTK_FLOAT and scalars.GetNumberOfComponents() == 3
    assert np.isfinite(pixels).all() and pixels.min() > 0


def test_studio_key_light_is_above_and_far_brighter_than_the_floor(studio_vtk):
    pixels = studio_vtk[2]
    key = pixels[_pixel((-1.0, 0.95, 1.0))]
    floor = pixels[_pixel((0.0, -1.0, 0.0))]
    assert key.min() > 5.0
    assert 0.1 < floor.max() < 0.5
    assert key.mean() > 20 * floor.mean()
    assert pixels[:256].mean() > 2 * pixels[256:].mean()  # in VTK's convention the top is up
    assert pixels[_pixel((1.0, 0.35, 0.55))].min() > 3.0  # fill on the right
    assert pixels[_pixel((0.25, 0.45, -1.0))].min() > 8.0  # rim behind


def test_studio_is_neutral_and_well_exposed(studio_vtk):
    pixels = studio_vtk[2].astype(float)
    means = pixels.reshape(-1, 3).mean(axis=0)
    assert means.max() / means.min() < 1.04
    height, width = pixels.shape[:2]
    elevation = np.pi * (0.5 - (np.arange(height) + 0.5) / height)
    azimuth = 2 * np.pi * ((np.arange(width) + 0.5) / width - 0.5)
    az, el = np.meshgrid(azimuth, elevation)
    dirs = np.stack([np.cos(el) * np.cos(az), np.sin(el), np.cos(el) * np.sin(az)], -1)
    solid_angle = (2 * np.pi / width) * (np.pi / height) * np.cos(el)
    # a white Lambertian surface facing the camera (+Z) reflects E / pi: about 1, not clipped dark
    weight = np.clip(dirs @ np.array([0.0, 0.0, 1.0]), 0, None) * solid_angle
    reflected = (pixels * weight[..., None]).sum(axis=(0, 1)) / np.pi
    assert (0.6 < reflected).all() and (reflected < 1.6).all()


def test_committed_studio_matches_the_script(studio_environment, studio_path, studio_vtk):
    expected = studio_environment.studio()
    # the header and resolution line as written; the pixels within RGBE's precision (below)
    head_lines = studio_environment.encode_hdr(expected).split(b"\n", 5)[:5]
    assert studio_path.read_bytes().split(b"\n", 5)[:5] == head_lines
    # RGBE keeps 8 bits of mantissa: within 1 % of each pixel's brightest channel
    error = np.abs(studio_vtk[2] - expected).max(axis=-1) / expected.max(axis=-1)
    assert error.max() < 0.01


# --- materials -------------------------------------------------------------------------------

MATERIAL_IDS = ["ceramic_gloss", "ceramic_matte", "ceramic_speckled", "ceramic_unglazed"]
UNIT_FIELDS = [
    "metallic",
    "roughness",
    "opacity",
    "clearcoat",
    "clearcoat_roughness",
    "transmission",
]


def _material(materials_dir, material_id) -> dict:
    return yaml.safe_load((materials_dir / f"{material_id}.yaml").read_text())


@pytest.mark.parametrize("material_id", MATERIAL_IDS)
def test_material_files_have_required_keys_and_plausible_values(materials_dir, material_id):
    data = _material(materials_dir, material_id)
    assert isinstance(data["name"], str) and data["name"]
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", data["base_color"])
    for key in UNIT_FIELDS:
        if key in data:
            assert 0.0 <= float(data[key]) <= 1.0, key
    assert data.get("metallic", 0.0) == 0.0  # ceramics are dielectrics
    assert 1.3 <= data.get("ior", 1.5) <= 1.7
    for path in data.get("textures", {}).values():
        assert (materials_dir / path).is_file(), path


def test_glossy_and_matte_glazes_differ_in_roughness(materials_dir):
    assert _material(materials_dir, "ceramic_gloss")["roughness"] <= 0.15
    assert 0.55 <= _material(materials_dir, "ceramic_matte")["roughness"] <= 0.75
    assert _material(materials_dir, "ceramic_unglazed")["roughness"] >= 0.75


def _texture(materials_dir, kind) -> np.ndarray:
    textures = _material(materials_dir, "ceramic_speckled")["textures"]
    with Image.open(materials_dir / textures[kind]) as image:
        assert image.mode == "RGB" and image.size[0] == image.size[1] <= 1024
        return np.asarray(image).astype(float)


def test_speckled_base_colour_has_small_dark_speckles_and_tiles(materials_dir):
    colour = _texture(materials_dir, "base_color")
    luminance = colour.mean(axis=-1)
    dark = luminance < 0.6 * np.median(luminance)
    assert 0.002 < dark.mean() < 0.08
    # tileable: the jump across the wrap-around edge looks like any interior column step
    wrap = np.abs(colour[:, 0] - colour[:, -1]).mean()
    interior = np.abs(np.diff(colour, axis=1)).mean()
    assert wrap < 2.0 * interior
    assert np.abs(colour[0] - colour[-1]).mean() < 2.0 * np.abs(np.diff(colour, axis=0)).mean()


def test_speckled_normal_map_is_subtle_and_opengl_oriented(materials_dir):
    normal = _texture(materials_dir, "normal") / 255.0 * 2.0 - 1.0
    assert normal[..., 2].min() > 0.5
    assert np.median(normal[..., 2]) > 0.98
    assert np.allclose(np.linalg.norm(normal, axis=-1), 1.0, atol=0.03)
    # a speckle is a pit: on its upper (top of image) rim the normal leans down, i.e. green < 0.5
    colour = _texture(materials_dir, "base_color").mean(axis=-1)
    pit = np.unravel_index(np.argmin(colour), colour.shape)
    above = normal[(pit[0] - 2) % colour.shape[0], pit[1]]
    below = normal[(pit[0] + 2) % colour.shape[0], pit[1]]
    assert above[1] < below[1]


def test_speckled_orm_is_dielectric_with_rougher_speckles(materials_dir):
    orm = _texture(materials_dir, "orm") / 255.0
    assert np.all(orm[..., 0] == 1.0) and np.all(orm[..., 2] == 0.0)
    colour = _texture(materials_dir, "base_color").mean(axis=-1)
    speckles = colour < 0.6 * np.median(colour)
    assert orm[..., 1][speckles].mean() > orm[..., 1][~speckles].mean() + 0.05


def test_committed_textures_match_the_script(material_textures, materials_dir):
    for kind, image in material_textures.speckled_maps().items():
        committed = _texture(materials_dir, kind)
        assert_pixels_close(np.asarray(image), committed, what=kind)
