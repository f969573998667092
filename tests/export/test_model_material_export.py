"""A model file's own materials written back into GLB and USDZ exports: alpha modes and cutoffs,
emission, texture transforms, samplers and the second UV set survive a round trip."""

import dataclasses
import math

import numpy as np
import pytest
from PIL import Image
from pxr import Usd, UsdGeom, UsdShade

from app.assets.model_loading import load_model
from app.assets.store import AssetStore
from app.export.ar_budget import fit_export_scene
from app.export.export_meshes import collect_export_scene
from app.export.glb import glb_bytes
from app.export.material_extensions import usd_material_losses
from app.export.usdz import write_usd_stage
from app.scene.description import Environment
from app.scene.model_materials import model_material
from app.scene.model_scene import model_scene
from tests import khronos_material_extensions as x
from tests.assets.conftest import QUAD_INDICES, QUAD_POSITIONS, write_gltf
from tests.gltf_compare import split_glb
from tests.khronos_scenes import (
    ALPHA_MODEL,
    BUILTIN_HDR,
    EMISSIVE_MODEL,
    MULTI_UV_MODEL,
    TRANSFORM_MODEL,
    VERTEX_COLOR_MODEL,
    khronos_scene,
)


def notes_of(model) -> set[str]:
    """The model's warnings without the file's name they start with."""
    return {w.split(": ", 1)[1] for w in model.warnings}


def exported(external_dir, tmp_path, relative):
    scene, assets = khronos_scene(external_dir, relative)
    export = collect_export_scene(scene, assets)
    path = tmp_path / "out.glb"
    path.write_bytes(glb_bytes(export))
    return scene, assets, export, path


def assert_materials_close(a, b, where: str) -> None:
    """Two ResolvedMaterials equal but for their id and texture sources, floats approximately."""
    for f in dataclasses.fields(a):
        if f.name == "id":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name.endswith("_texture"):
            assert (x is None) == (y is None), (where, f.name)
            if x is None:
                continue
            assert x.texture.srgb == y.texture.srgb, (where, f.name)
            assert x.texcoord == y.texcoord and x.sampler == y.sampler, (where, f.name)
            t, u = x.transform, y.transform
            assert t.offset == pytest.approx(u.offset, abs=1e-6), (where, f.name)
            assert t.rotation == pytest.approx(u.rotation, abs=1e-6), (where, f.name)
            assert t.scale == pytest.approx(u.scale, rel=1e-6), (where, f.name)
        elif isinstance(x, float) or isinstance(x, tuple):
            assert x == pytest.approx(y, rel=1e-6, abs=1e-6), (where, f.name)
        else:
            assert x == y, (where, f.name)


@pytest.mark.parametrize("relative", [ALPHA_MODEL, EMISSIVE_MODEL, TRANSFORM_MODEL,
                                      MULTI_UV_MODEL])
def test_model_materials_survive_a_glb_round_trip(external_dir, tmp_path, relative):
    scene, assets, export, path = exported(external_dir, tmp_path, relative)
    reloaded = load_model(path)
    # nothing lost on the way: the only notes are those the source's materials had already
    # (how a renderer draws them: a glow lights the still's surroundings only)
    source = load_model(external_dir / "khronos" / relative)
    assert notes_of(reloaded) == notes_of(source)
    for drawable in scene.drawables:
        name = drawable.id.replace("/", "_")
        mesh = reloaded.meshes[name]
        assert_materials_close(model_material(mesh, "again"), drawable.material, name)
        original = assets.mesh(drawable.geometry)
        for uv_set in ("uv", "uv1"):
            a, b = getattr(mesh, uv_set), getattr(original, uv_set)
            assert (a is None) == (b is None), (name, uv_set)
            if a is not None:
                np.testing.assert_allclose(a, b, atol=1e-6)


def test_glb_names_the_extensions_the_model_materials_use(external_dir, tmp_path):
    header, _ = split_glb(exported(external_dir, tmp_path, TRANSFORM_MODEL)[3].read_bytes())
    assert "KHR_texture_transform" in header["extensionsUsed"]
    header, _ = split_glb(exported(external_dir, tmp_path, EMISSIVE_MODEL)[3].read_bytes())
    assert "KHR_materials_emissive_strength" in header["extensionsUsed"]
    assert all(max(m.get("emissiveFactor", [0])) <= 1.0 for m in header["materials"])
    header, _ = split_glb(exported(external_dir, tmp_path, ALPHA_MODEL)[3].read_bytes())
    cutoffs = {m["name"]: (m["alphaMode"], m.get("alphaCutoff")) for m in header["materials"]}
    assert cutoffs["MatCutoff25"] == ("MASK", 0.25)
    assert cutoffs["MatCutoff75"] == ("MASK", 0.75)
    assert cutoffs["MatCutoffDefault"] == ("MASK", 0.5)
    assert cutoffs["MatBlend"] == ("BLEND", None)


def test_usdz_stage_keeps_the_mask_cutoff_and_the_second_uv_set(external_dir, tmp_path):
    for relative, name in ((ALPHA_MODEL, "alpha"), (MULTI_UV_MODEL, "multi")):
        scene, assets = khronos_scene(external_dir, relative)
        write_usd_stage(collect_export_scene(scene, assets), tmp_path / f"{name}.usdc")
    stage = Usd.Stage.Open(str(tmp_path / "alpha.usdc"))
    surface = UsdShade.Shader.Get(stage, "/product/Materials/MatCutoff75/surface")
    assert surface.GetInput("opacityThreshold").Get() == pytest.approx(0.75)
    stage = Usd.Stage.Open(str(tmp_path / "multi.usdc"))
    cube = UsdGeom.PrimvarsAPI(stage.GetPrimAtPath("/product/Cube"))
    assert cube.GetPrimvar("st1").IsDefined()
    reader = UsdShade.Shader.Get(stage, "/product/Materials/Material/stReader1")
    assert reader.GetInput("varname").Get() == "st1"


def test_usd_texture_transform_maps_st_as_the_gltf_transform_maps_uv():
    from app.export.usdz import usd_transform
    from app.scene.description import TextureTransform

    transform = TextureTransform(offset=(-0.2, 0.35), rotation=0.3, scale=(1.5, 0.7))
    uv = np.array([[0.0, 0.0], [1.0, 0.0], [0.3, 0.8]])
    m = np.asarray(transform.matrix())
    moved = uv @ m[:, :2].T + m[:, 2]
    (tx, ty), degrees, (sx, sy) = usd_transform(transform)
    st = np.column_stack([uv[:, 0], 1.0 - uv[:, 1]]) * [sx, sy]  # UsdTransform2d: scale,
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))  # rotate (ccw), translate
    st = st @ np.array([[c, -s], [s, c]]).T + [tx, ty]
    np.testing.assert_allclose(st, np.column_stack([moved[:, 0], 1.0 - moved[:, 1]]),
                               atol=1e-12)


EXTENSION_MODELS = [x.UNLIT_MODEL, x.CLEARCOAT_MODEL, x.SPECULAR_MODEL, x.ATTENUATION_MODEL,
                    x.SHEEN_MODEL, x.ANISOTROPY_MODEL, x.IRIDESCENCE_MODEL,
                    "TransmissionRoughnessTest/glTF-Binary/TransmissionRoughnessTest.glb"]


@pytest.mark.parametrize("relative", EXTENSION_MODELS)
def test_material_extensions_survive_a_glb_round_trip(external_dir, tmp_path, relative):
    """Unlit, clearcoat, ior, specular, transmission, volume, sheen, anisotropy and iridescence
    factors are written back and read again as they were (a volume behind a surface that
    lets no light through, which draws nothing, is left out)."""
    scene, assets, export, path = exported(external_dir, tmp_path, relative)
    reloaded = load_model(path)
    assert not [w for w in reloaded.warnings if "does not support" in w]
    for drawable in scene.drawables:
        mesh = reloaded.meshes[drawable.id.replace("/", "_")]
        again = model_material(mesh, "again")
        original = drawable.material
        if original.transmission > 0 and original.thickness == 0:  # thin glass: both sides
            again = dataclasses.replace(again, double_sided=original.double_sided)
        if original.transmission == 0:
            original = dataclasses.replace(original, thickness=0.0,
                                           attenuation_color=(1.0, 1.0, 1.0),
                                           attenuation_distance=math.inf)
        assert_materials_close(again, original, drawable.id)


def _attribute(header: dict, binary: bytes, index: int) -> np.ndarray:
    accessor = header["accessors"][index]
    view = header["bufferViews"][accessor["bufferView"]]
    width = {"VEC2": 2, "VEC3": 3, "VEC4": 4}[accessor["type"]]
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    return np.frombuffer(binary, np.float32, accessor["count"] * width, start).reshape(-1, width)


def test_normal_mapped_primitives_carry_the_tangents_the_file_has(external_dir, tmp_path):
    """NormalTangentMirrorTest's own TANGENTs (MikkTSpace, mirrored halves of w -1): the
    export writes the tangent frame the renderers read its normal map in, and it is the
    file's (a viewer of the AR file reads the map as the app drew it)."""
    relative = "NormalTangentMirrorTest/glTF-Binary/NormalTangentMirrorTest.glb"

    def position_normal_tangent(data: bytes) -> list[np.ndarray]:
        header, binary = split_glb(data)
        attributes = header["meshes"][0]["primitives"][0]["attributes"]
        return [_attribute(header, binary, attributes[name])
                for name in ("POSITION", "NORMAL", "TANGENT")]

    own = position_normal_tangent((external_dir / "khronos" / relative).read_bytes())
    written = position_normal_tangent(exported(external_dir, tmp_path, relative)[3]
                                      .read_bytes())
    # the export moves the mesh onto the floor: match vertices by place and normal
    places = [np.hstack([p - p.mean(axis=0), n]) for p, n, _ in (own, written)]
    nearest = np.concatenate([
        np.square(places[1][None, :, :] - chunk[:, None, :]).sum(axis=-1).argmin(axis=1)
        for chunk in np.array_split(places[0], 20)])
    assert np.abs(places[0] - places[1][nearest]).max() < 1e-4
    file_tangents, our_tangents = own[2], written[2][nearest]
    assert (np.sign(file_tangents[:, 3]) == our_tangents[:, 3]).all()
    assert (file_tangents[:, 3] < 0).any()  # the mirrored half
    along = np.einsum("ij,ij->i", file_tangents[:, :3], our_tangents[:, :3])
    assert np.median(along) > 0.999 and along.min() > 0.9


def test_a_clear_coat_normal_map_alone_gets_tangents(external_dir, tmp_path):
    """glTF's validator: a material read in a tangent frame without a base normal map (here a
    clear coat's own) needs TANGENTs: TextureTransformMultiTest's clear-coat normal samples."""
    header, _ = split_glb(exported(external_dir, tmp_path,
                                   "TextureTransformMultiTest/glTF-Binary/"
                                   "TextureTransformMultiTest.glb")[3].read_bytes())
    coated = [mesh["primitives"][0] for mesh in header["meshes"]
              if mesh["name"].startswith("ClearcoatNormal")]
    assert len(coated) == 3
    assert all("TANGENT" in p["attributes"] for p in coated)
    plain = [mesh["primitives"][0] for mesh in header["meshes"]
             if mesh["name"].startswith("Emission")]
    assert plain and not any("TANGENT" in p["attributes"] for p in plain)


def test_a_volume_is_single_sided_as_the_file_says(external_dir, tmp_path):
    """glTF: doubleSided has no effect on a volume's boundary (its validator warns of it):
    AttenuationTest's glass keeps the file's single side."""
    header, _ = split_glb(exported(external_dir, tmp_path, x.ATTENUATION_MODEL)[3]
                          .read_bytes())
    volumes = [m for m in header["materials"]
               if "KHR_materials_volume" in m.get("extensions", {})]
    assert volumes and not any(m["doubleSided"] for m in volumes)


def test_glb_names_the_material_extensions(external_dir, tmp_path):
    header, _ = split_glb(exported(external_dir, tmp_path, x.UNLIT_MODEL)[3].read_bytes())
    assert "KHR_materials_unlit" in header["extensionsUsed"]
    header, _ = split_glb(exported(external_dir, tmp_path, x.ATTENUATION_MODEL)[3].read_bytes())
    volumes = [m["extensions"]["KHR_materials_volume"] for m in header["materials"]
               if "KHR_materials_volume" in m.get("extensions", {})]
    assert {"thicknessFactor": 1.0, "attenuationColor": [0.1, 0.5, 0.9],
            "attenuationDistance": 0.5} in volumes
    assert {"KHR_materials_transmission", "KHR_materials_volume"} <= set(
        header["extensionsUsed"])


def test_usdz_notes_name_what_usd_preview_surface_cannot_carry(external_dir):
    scene, _ = khronos_scene(external_dir, x.SHEEN_MODEL)
    assert any("sheen" in note for note in usd_material_losses(scene.drawables[0].material))
    scene, _ = khronos_scene(external_dir, x.ATTENUATION_MODEL)
    notes = [n for d in scene.drawables for n in usd_material_losses(d.material)]
    assert any("volume" in n for n in notes) and any("transmission" in n for n in notes)


def test_usd_stage_draws_an_unlit_material_as_its_glowing_base_colour(external_dir, tmp_path):
    scene, assets = khronos_scene(external_dir, x.UNLIT_MODEL)
    write_usd_stage(collect_export_scene(scene, assets), tmp_path / "unlit.usdc")
    stage = Usd.Stage.Open(str(tmp_path / "unlit.usdc"))
    surface = UsdShade.Shader.Get(stage, "/product/Materials/Orange/surface")
    assert tuple(surface.GetInput("diffuseColor").Get()) == pytest.approx((0, 0, 0))
    assert tuple(surface.GetInput("emissiveColor").Get()) == pytest.approx((1.0, 0.2176, 0.0),
                                                                          abs=1e-3)


def test_glb_writes_the_extension_textures_back(external_dir, tmp_path):
    """SheenCloth's sheen colour and roughness textures and TransmissionTest's transmission
    texture are written into the GLB's extension blocks, with their transform."""
    header, _ = split_glb(exported(external_dir, tmp_path, x.SHEEN_MODEL)[3].read_bytes())
    sheen = next(m["extensions"]["KHR_materials_sheen"] for m in header["materials"]
                 if "KHR_materials_sheen" in m.get("extensions", {}))
    assert "sheenColorTexture" in sheen and "sheenRoughnessTexture" in sheen
    assert sheen["sheenColorTexture"]["extensions"]["KHR_texture_transform"]["scale"] == [
        30.0, -30.0]
    (tmp_path / "t").mkdir()
    header, _ = split_glb(exported(external_dir, tmp_path / "t",
                                   x.TRANSMISSION_MODEL)[3].read_bytes())
    assert any("transmissionTexture" in m.get("extensions", {}).get(
        "KHR_materials_transmission", {}) for m in header["materials"])


def test_vertex_colours_survive_a_glb_round_trip_and_a_decimation(external_dir, tmp_path):
    """COLOR_0 is written back (linear, 16 bits) where the material multiplies it; read
    again it is the same sRGB bytes; fitted to the AR budget it follows the vertices."""
    scene, assets, export, path = exported(external_dir, tmp_path, VERTEX_COLOR_MODEL)
    coloured = [p for p in export.primitives if p.material.vertex_colors]
    assert coloured and all(p.colors is not None for p in coloured)
    assert all(p.colors is None for p in export.primitives if not p.material.vertex_colors)
    header, _ = split_glb(path.read_bytes())
    written = [header["accessors"][prim["attributes"]["COLOR_0"]]
               for mesh in header["meshes"] for prim in mesh["primitives"]
               if "COLOR_0" in prim["attributes"]]
    assert len(written) == len(coloured)
    assert all(a["componentType"] == 5123 and a["normalized"] for a in written)
    again = load_model(path)
    for primitive in coloured:
        (mesh,) = again.find(primitive.name)
        np.testing.assert_allclose(mesh.colors.astype(int), primitive.colors.astype(int),
                                   atol=1)
    triangles = sum(len(p.faces) for p in export.primitives)
    fitted, _ = fit_export_scene(export, max_triangles=triangles // 2)
    for p in fitted.primitives:
        if p.material.vertex_colors:
            assert p.colors.shape == (len(p.vertices), 4) and p.colors.dtype == np.uint8
            assert set(map(tuple, p.colors[:, :3])) <= set(map(tuple, next(
                q for q in coloured if q.name == p.name).colors[:, :3]))


def test_usdz_notes_say_vertex_colours_are_not_carried(external_dir):
    scene, _ = khronos_scene(external_dir, VERTEX_COLOR_MODEL)
    notes = {n for d in scene.drawables for n in usd_material_losses(d.material)}
    assert any("vertex colours" in n for n in notes)


def test_an_anisotropy_texture_is_read_drawn_and_written_back(tmp_path):
    """A file's anisotropyTexture (direction in red and green, strength in blue) reaches the
    material, is drawn by both renderers (no note says otherwise) and is written back into
    the GLB's KHR_materials_anisotropy block; the exported file reads the same."""
    Image.new("RGB", (4, 4), (128, 255, 200)).save(tmp_path / "direction.png")
    anisotropy = {"anisotropyStrength": 0.8, "anisotropyRotation": 0.5,
                  "anisotropyTexture": {"index": 0}}
    path = write_gltf(
        tmp_path / "brushed.gltf",
        meshes=[{"name": "plate", "primitives": [{"positions": QUAD_POSITIONS,
                                                  "indices": QUAD_INDICES,
                                                  "uv": [(0, 0), (1, 0), (1, 1), (0, 1)],
                                                  "material": 0}]}],
        materials=[{"name": "brushed", "pbrMetallicRoughness": {"metallicFactor": 1.0},
                    "extensions": {"KHR_materials_anisotropy": anisotropy}}],
        images=[{"uri": "direction.png"}])
    model = load_model(path)
    assert [name for name, _, _ in model.meshes["plate"].material.extension_textures] == [
        "anisotropy"]
    assert not any("anisotropyTexture" in w for w in model.warnings), model.warnings
    assets = AssetStore([tmp_path])
    scene = model_scene(path, assets, Environment(hdr_path=str(BUILTIN_HDR)))
    material = scene.drawables[0].material
    assert material.anisotropy_texture is not None
    assert (material.anisotropy, material.anisotropy_rotation) == (0.8, 0.5)

    out = tmp_path / "out.glb"
    out.write_bytes(glb_bytes(collect_export_scene(scene, assets)))
    header, _ = split_glb(out.read_bytes())
    block = header["materials"][0]["extensions"]["KHR_materials_anisotropy"]
    assert "anisotropyTexture" in block
    assert (block["anisotropyStrength"], block["anisotropyRotation"]) == pytest.approx((0.8, 0.5))
    again = load_model(out).meshes
    (mesh,) = again.values()
    (name, image, _), = mesh.material.extension_textures
    assert name == "anisotropy"
    assert tuple(np.asarray(image.pixels)[0, 0, :3]) == (128, 255, 200)
