import numpy as np
import pytest
import trimesh

from app.assets.gltf_document import read_gltf_document
from app.domain.colour import hex_to_linear
from app.domain.configuration import TextValue, default_configuration
from app.export.glb import export_glb
from app.project import open_project


@pytest.fixture(scope="module")
def project():
    return open_project()


@pytest.fixture(scope="module")
def mug_glb(project, tmp_path_factory):
    mug = project.catalog.products["mug"]
    configuration = default_configuration(mug).with_choice("glaze", "sky_blue").with_zone(
        "wrap_text", TextValue(text="Hello"))
    path = tmp_path_factory.mktemp("glb") / "mug.glb"
    report = export_glb(mug, configuration, project, path)
    return mug, report, read_gltf_document(path).header


def _primitive(header, name):
    mesh = next(m for m in header["meshes"] if m["name"] == name)
    return mesh["primitives"][0]


def test_glb_reloads_with_the_scene_geometry_on_the_ground(mug_glb):
    _, report, _ = mug_glb
    scene = trimesh.load(report.path)
    triangles = sum(len(g.faces) for g in scene.geometry.values())
    assert triangles == report.triangles > 40_000
    low, high = scene.bounds
    assert low[1] == pytest.approx(0.0, abs=1e-6)
    assert high[1] == pytest.approx(0.095, abs=0.002)  # a 95 mm mug, in metres
    assert report.warnings == []


def test_glb_materials_are_the_configured_ones_in_linear_colour(mug_glb):
    _, _, header = mug_glb
    body = header["materials"][_primitive(header, "body_body")["material"]]
    expected = hex_to_linear("#8fb8d8")
    assert body["pbrMetallicRoughness"]["baseColorFactor"][:3] == pytest.approx(expected)
    assert body["pbrMetallicRoughness"]["roughnessFactor"] < 0.3
    assert "extensions" not in body  # ceramic glaze: no clearcoat, no transmission
    # both renderers draw both sides of a catalog material; so does an AR viewer
    assert body["doubleSided"] is True and body["alphaMode"] == "OPAQUE"


def test_glb_carries_every_material_choice_as_a_variant(mug_glb):
    mug, _, header = mug_glb
    names = [v["name"] for v in header["extensions"]["KHR_materials_variants"]["variants"]]
    assert len(names) == 10 + 5
    assert "KHR_materials_variants" in header["extensionsUsed"]
    navy = names.index("Glaze: Navy")
    mappings = _primitive(header, "body_body")["extensions"]["KHR_materials_variants"]["mappings"]
    mapped = [m["material"] for m in mappings if navy in m["variants"]]
    assert len(mapped) == 1
    factor = header["materials"][mapped[0]]["pbrMetallicRoughness"]["baseColorFactor"]
    assert factor[:3] == pytest.approx(hex_to_linear("#1f2f4f"))
    inside = _primitive(header, "inside_inside")["extensions"]["KHR_materials_variants"]
    assert {v for m in inside["mappings"] for v in m["variants"]} == set(range(10, 15))


def test_glb_decal_is_a_blended_textured_primitive(mug_glb):
    _, _, header = mug_glb
    decal = _primitive(header, "decal_wrap_text")
    material = header["materials"][decal["material"]]
    assert material["alphaMode"] == "BLEND"
    assert "baseColorTexture" in material["pbrMetallicRoughness"]
    assert "normalTexture" in material and "TEXCOORD_0" in decal["attributes"]


def test_mirrored_part_keeps_outward_winding(project, tmp_path):
    guitar = project.catalog.products["guitar"]
    configuration = default_configuration(guitar).with_choice("handedness", "left")
    path = tmp_path / "left.glb"
    export_glb(guitar, configuration, project, path, variants=False)
    scene = trimesh.load(path)
    for name, geometry in scene.geometry.items():
        if len(geometry.faces) < 100:
            continue
        tris = geometry.vertices[geometry.faces]
        face_normals = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
        vertex_normals = geometry.vertex_normals[geometry.faces].mean(axis=1)
        agree = np.mean(np.einsum("ij,ij->i", face_normals, vertex_normals) > 0)
        assert agree > 0.9, name
    header = read_gltf_document(path).header
    assert "extensions" not in header


@pytest.mark.parametrize("product_id", ["mug", "watch", "guitar", "golf_cart"])
def test_no_part_an_ar_viewer_would_cull_is_single_sided(project, tmp_path, product_id):
    """An AR viewer culls the back faces of a single-sided material. A part modelled open or
    wound inside out (its faces turned inwards: the guitar's body) is drawn whole by both
    renderers, which shade either side; its export must ask for both sides too."""
    product = project.catalog.products[product_id]
    path = tmp_path / f"{product_id}.glb"
    export_glb(product, default_configuration(product), project, path, variants=False)
    scene = trimesh.load(path, force="scene", process=False)
    header = read_gltf_document(path).header
    by_mesh = {m["name"]: header["materials"][m["primitives"][0]["material"]]
               for m in header["meshes"]}
    at_risk = []
    for name, geometry in scene.geometry.items():
        solid = geometry.copy()
        solid.merge_vertices()
        if not (solid.is_watertight and solid.volume > 0):
            at_risk.append(name)
    assert at_risk, "the sample products have open or inside-out parts"
    for name in at_risk:
        assert by_mesh[name].get("doubleSided") is True, (product_id, name)
