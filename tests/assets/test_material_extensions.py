"""glTF material extensions read into material fields; what is drawn otherwise is noted."""

import json
import math

import numpy as np
import pytest

from app.assets.gltf_document import read_gltf_document
from app.assets.gltf_extensions import SUPPORTED_EXTENSIONS
from app.assets.material_extensions import extension_fields, extension_notes
from app.assets.materials import channel_pixels, one_thickness
from app.assets.model_loading import load_model
from app.assets.store import AssetStore
from app.domain.colour import LUMINANCE
from app.errors import AssetError
from app.scene.model_scene import model_material_notes
from tests.assets.conftest import QUAD_INDICES, QUAD_POSITIONS

KHRONOS = "khronos"


def test_factors_are_read_with_glTF_defaults():
    fields = extension_fields({
        "KHR_materials_unlit": {},
        "KHR_materials_clearcoat": {"clearcoatFactor": 0.5},
        "KHR_materials_ior": {"ior": 1.33},
        "KHR_materials_specular": {"specularColorFactor": [1.0, 0.5, 0.0]},
        "KHR_materials_transmission": {"transmissionFactor": 0.9},
        "KHR_materials_volume": {"thicknessFactor": 0.2, "attenuationColor": [0.5, 1, 1]},
        "KHR_materials_sheen": {"sheenColorFactor": [1, 1, 1]},
        "KHR_materials_anisotropy": {"anisotropyStrength": 0.4, "anisotropyRotation": 1.0},
        "KHR_materials_iridescence": {"iridescenceFactor": 1.0},
    }, "materials[0]")
    assert fields["unlit"] is True
    assert (fields["clearcoat"], fields["clearcoat_roughness"]) == (0.5, 0.0)
    assert fields["ior"] == 1.33
    assert fields["specular"] == 1.0 and fields["specular_color"] == (1.0, 0.5, 0.0)
    assert fields["transmission"] == 0.9 and fields["thickness"] == 0.2
    assert math.isinf(fields["attenuation_distance"])
    assert fields["sheen_color"] == (1.0, 1.0, 1.0) and fields["sheen_roughness"] == 0.0
    assert (fields["anisotropy"], fields["anisotropy_rotation"]) == (0.4, 1.0)
    assert fields["iridescence_ior"] == 1.3
    assert fields["iridescence_thickness"] == (100.0, 400.0)
    assert extension_fields({"KHR_materials_ior": {"ior": 0}}, "m")["ior"] == 1.5


def test_a_bad_factor_names_the_material_and_the_field():
    with pytest.raises(AssetError, match=r"materials\[3\].extensions.KHR_materials_clearcoat"
                                         r".clearcoatFactor"):
        extension_fields({"KHR_materials_clearcoat": {"clearcoatFactor": 2}}, "materials[3]")


def test_only_the_thickness_texture_is_noted_by_the_loader():
    """What the renderers draw otherwise of the factors is the scene's note
    (tests/scene/test_material_notes.py); the loader names the one texture neither draws."""
    extensions = {"KHR_materials_sheen": {"sheenColorFactor": [1, 1, 1],
                                          "sheenColorTexture": {"index": 0}},
                  "KHR_materials_volume": {"thicknessFactor": 1,
                                           "thicknessTexture": {"index": 0}}}
    [note] = extension_notes("material 'm'", extensions)
    assert note.startswith("material 'm': its thickness texture is not drawn per pixel")


def drawing_notes_of(path):
    """The notes ``app render --model`` prints on the model's own materials."""
    return model_material_notes(path, AssetStore(allowed_roots=[path.parent]))


def test_the_material_extensions_are_supported():
    for name in ("unlit", "clearcoat", "ior", "specular", "transmission", "volume", "sheen",
                 "anisotropy", "iridescence"):
        assert f"KHR_materials_{name}" in SUPPORTED_EXTENSIONS


def test_models_that_require_them_load(external_dir):
    unlit = load_model(external_dir / KHRONOS / "UnlitTest/glTF-Binary/UnlitTest.glb")
    assert all(m.material.unlit for m in unlit.meshes.values())
    path = external_dir / KHRONOS / "IridescenceSuzanne/glTF-Binary/IridescenceSuzanne.glb"
    suzanne = load_model(path)
    assert any(m.material.iridescence == 1.0 for m in suzanne.meshes.values())
    assert any("thin film is drawn over the glass's own reflection" in w
               for w in drawing_notes_of(path))
    glass = suzanne.meshes["Suzanne3"].material
    assert {name for name, _, _ in glass.extension_textures} == {"iridescence_thickness"}
    assert not any("KHR_materials" in w and "does not support" in w for w in suzanne.warnings)


def _quad(gltf_writer, path, materials, images=None):
    meshes = [{"name": f"q{i}", "primitives": [{"positions": QUAD_POSITIONS,
                                                "indices": QUAD_INDICES, "uv": [(0, 0)] * 4,
                                                "material": i}]}
              for i in range(len(materials))]
    return gltf_writer(path, meshes=meshes, materials=materials, images=images or [])


def test_specular_glossiness_becomes_metallic_roughness(tmp_path, gltf_writer, corner_png):
    """A hand-written specular-glossiness file: a plastic (dielectric specular 0.04) and a
    metal (bright coloured specular, black diffuse) convert by Khronos' rule; a textured one
    is drawn with the textures converted at load, named apart from the file's own image."""
    sg = "KHR_materials_pbrSpecularGlossiness"
    materials = [
        {"name": "plastic", "extensions": {sg: {"diffuseFactor": [0.5, 0.2, 0.1, 1.0],
                                                "specularFactor": [0.04, 0.04, 0.04],
                                                "glossinessFactor": 0.7}}},
        {"name": "gold", "extensions": {sg: {"diffuseFactor": [0, 0, 0, 1],
                                             "specularFactor": [0.9, 0.6, 0.3],
                                             "glossinessFactor": 0.9}}},
        {"name": "printed", "extensions": {sg: {"diffuseTexture": {"index": 0},
                                                "specularFactor": [0.04, 0.04, 0.04]}}},
    ]
    path = _quad(gltf_writer, tmp_path / "sg.gltf", materials,
                 images=[{"uri": corner_png.name}])
    header = json.loads(path.read_text())
    header["extensionsUsed"] = header["extensionsRequired"] = [sg]
    path.write_text(json.dumps(header))
    model = load_model(path)
    plastic, gold, printed = (model.meshes[n].material for n in ("q0", "q1", "q2"))
    assert plastic.base_color == pytest.approx((0.5, 0.2, 0.1, 1.0), abs=1e-3)
    assert plastic.metallic < 0.01 and plastic.roughness == pytest.approx(0.3, abs=1e-3)
    assert gold.base_color[:3] == pytest.approx((0.9, 0.6, 0.3), abs=1e-3)
    assert gold.metallic > 0.99 and gold.roughness == pytest.approx(0.1, abs=1e-3)
    assert printed.base_color_texture is not None
    assert printed.base_color_texture.source.endswith("/specular-glossiness/base_color")
    assert not [w for w in model.warnings if "does not support" in w]


def test_specular_glossiness_wins_over_its_metallic_roughness_fallback(gltf_writer, tmp_path):
    """A material with both (assimp writes both; its fallback here fully transparent) is drawn
    by its specular-glossiness, as the extension says of a client that reads it."""
    sg = "KHR_materials_pbrSpecularGlossiness"
    materials = [{"name": "both", "alphaMode": "BLEND",
                  "pbrMetallicRoughness": {"baseColorFactor": [1.0, 0.0, 0.0, 0.0],
                                           "metallicFactor": 0.0},
                  "extensions": {sg: {"diffuseFactor": [0.1, 0.6, 0.2, 1.0],
                                      "specularFactor": [0.04, 0.04, 0.04],
                                      "glossinessFactor": 0.5}}}]
    path = _quad(gltf_writer, tmp_path / "both.gltf", materials)
    header = json.loads(path.read_text())
    header["extensionsUsed"] = [sg]
    path.write_text(json.dumps(header))
    (mesh,) = load_model(path).meshes.values()
    assert mesh.material.base_color == pytest.approx((0.1, 0.6, 0.2, 1.0), abs=1e-3)
    assert mesh.material.roughness == pytest.approx(0.5, abs=1e-3)


def test_a_glass_is_drawn_as_thick_as_its_geometry_not_its_thickness_texture(external_dir):
    """GlassHurricaneCandleHolder's glass: thickness factor 0.1 times its thickness texture's
    green channel (a fifth on average), attenuation distance 0.001; its geometry's walls are
    1.3 to 2 mm thin and 10 mm at the foot. The path-traced still follows the geometry (pale
    glass); the live view, which draws one thickness, measured the texture's (14 mm: deep
    cyan). It now measures the closed mesh as the still's rays cross it."""
    path = external_dir / "GlassHurricaneCandleHolder/glTF-Binary/GlassHurricaneCandleHolder.glb"
    model = load_model(path)
    glass = model.meshes["GlassHurricaneCandleHolder-glass"].material
    document = read_gltf_document(path)
    volume = document.materials[1]["extensions"]["KHR_materials_volume"]
    texture = channel_pixels(document, volume["thicknessTexture"], channel=1)
    from_texture = one_thickness(texture, 0.1, glass.attenuation_color, 0.001)
    assert 0.01 < from_texture < 0.02
    assert 0.001 < glass.thickness < 0.006

    def kept(thickness):
        return (np.asarray(glass.attenuation_color) ** (np.asarray(thickness)[..., None] / 0.001)
                ) @ np.asarray(LUMINANCE)

    assert kept(glass.thickness) > 1.5 * kept(from_texture)  # far paler
    assert any("thickness texture is not drawn per pixel" in w for w in model.material_warnings)


@pytest.mark.parametrize(("texture", "colour", "distance", "expected"), [
    (None, (0.5, 0.5, 0.5), 1.0, 2.0),  # no texture: the factor
    (np.full((4, 4), 0.25), (0.5, 0.5, 0.5), 1.0, 0.5),  # one thickness everywhere: it
    (np.array([0.0, 1.0]), (1.0, 1.0, 1.0), 1.0, 1.0),  # absorbs nothing: the mean
    (np.array([0.0, 1.0]), (0.5, 0.5, 0.5), math.inf, 1.0),  # nor at an infinite distance
    # half bare, half 2 thick: the share (1 + 0.25) / 2 is kept by log2(1 / 0.625) thick
    (np.array([0.0, 1.0]), (0.5, 0.5, 0.5), 1.0, math.log2(1 / 0.625)),
])
def test_one_thickness(texture, colour, distance, expected):
    assert one_thickness(texture, 2.0, colour, distance) == pytest.approx(expected, rel=1e-6)


def test_transmission_names_its_live_view_look(external_dir):
    notes = drawing_notes_of(external_dir / KHRONOS /
                             "AttenuationTest/glTF-Binary/AttenuationTest.glb")
    assert any("live view draws it partly transparent, without refraction" in w
               and "volume's attenuation as a tint" in w for w in notes), notes


def test_extension_textures_are_read_with_their_mapping(external_dir):
    """SheenCloth's sheen colour and roughness textures (one RGBA image, RGB and A) keep their
    KHR_texture_transform and the alpha the roughness reads; both renderers draw both, so
    neither is noted."""
    model = load_model(external_dir / KHRONOS / "SheenCloth/glTF/SheenCloth.gltf")
    material = next(iter(model.meshes.values())).material
    found = {name: (image, mapping) for name, image, mapping in material.extension_textures}
    assert set(found) == {"sheen_color", "sheen_roughness"}
    image, mapping = found["sheen_color"]
    assert image.pixels.shape[2] == 4
    assert mapping.transform.scale == (30.0, -30.0)
    assert not any("sheenRoughnessTexture" in n or "sheenColorTexture" in n
                   for n in model.material_warnings), model.material_warnings
    assert any("live view has no sheen lobe" in n for n in drawing_notes_of(
        external_dir / KHRONOS / "SheenCloth/glTF/SheenCloth.gltf"))


def test_transmission_and_clearcoat_textures_are_read(external_dir):
    transmission = load_model(external_dir / KHRONOS /
                              "TransmissionTest/glTF-Binary/TransmissionTest.glb")
    striped = transmission.meshes["RedTransTexture"].material
    assert [name for name, _, _ in striped.extension_textures] == ["transmission"]
    assert not any("transmissionTexture is not drawn" in n
                   for n in transmission.material_warnings)
    coat = load_model(external_dir / KHRONOS / "ClearCoatTest/glTF-Binary/ClearCoatTest.glb")
    names = {name for m in coat.meshes.values() for name, _, _ in m.material.extension_textures}
    assert names == {"clearcoat", "clearcoat_roughness"}
    # both renderers draw the coat's strength and roughness textures: no note for them
    assert not any("clearcoatTexture" in n or "clearcoatRoughnessTexture" in n
                   for n in coat.material_warnings)


def test_specular_textures_and_colours_are_not_noted_on_opaque_surfaces(external_dir):
    """Both renderers draw the specular textures and a specular colour on an opaque,
    isotropic surface: SpecularTest is loaded without a note about them."""
    model = load_model(external_dir / KHRONOS / "SpecularTest/glTF-Binary/SpecularTest.glb")
    notes = model.material_warnings
    assert not any("specularTexture" in n or "specularColorTexture" in n or "specular colour"
                   in n for n in notes), notes


def test_a_glow_names_how_each_renderer_sheds_its_light(external_dir):
    emissive = drawing_notes_of(external_dir / KHRONOS /
                                "EmissiveStrengthTest/glTF-Binary/EmissiveStrengthTest.glb")
    assert any("glows and lights what is around it" in w and "one point" in w
               and "without shadows" in w for w in emissive), emissive
    unlit = drawing_notes_of(external_dir / KHRONOS / "UnlitTest/glTF-Binary/UnlitTest.glb")
    assert unlit and not any("glows" in w for w in unlit), unlit


@pytest.mark.parametrize("strength", ["bright", -1.0, math.inf, math.nan, [2.0], {"x": 1}])
def test_a_bad_emissive_strength_names_the_material_and_the_field(tmp_path, gltf_writer,
                                                                  strength):
    """A strength that is no finite number of at least 0 is refused (an infinite one would
    make a light of infinite power)."""
    extension = "KHR_materials_emissive_strength"
    path = _quad(gltf_writer, tmp_path / "lamp.gltf", [
        {"name": "lamp", "emissiveFactor": [1.0, 0.5, 0.0],
         "extensions": {extension: {"emissiveStrength": strength}}}])
    header = json.loads(path.read_text())
    header["extensionsUsed"] = [extension]
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError, match=rf"{extension}.emissiveStrength"):
        load_model(path)


def test_an_emissive_strength_multiplies_the_emissive_factor(tmp_path, gltf_writer):
    extension = "KHR_materials_emissive_strength"
    path = _quad(gltf_writer, tmp_path / "lamp.gltf", [
        {"name": "lamp", "emissiveFactor": [1.0, 0.5, 0.0],
         "extensions": {extension: {"emissiveStrength": 4.0}}},
        {"name": "plain", "emissiveFactor": [1.0, 0.5, 0.0], "extensions": {extension: "x"}}])
    header = json.loads(path.read_text())
    header["extensionsUsed"] = [extension]
    path.write_text(json.dumps(header))
    model = load_model(path)
    assert model.meshes["q0"].material.emissive == pytest.approx((4.0, 2.0, 0.0))
    assert model.meshes["q1"].material.emissive == pytest.approx((1.0, 0.5, 0.0))


@pytest.mark.parametrize(("factor", "strength"), [(1e300, 1e300), (3.4e38, 1.0), (1.0, 2e6)])
def test_a_glow_past_any_lamp_is_refused(tmp_path, gltf_writer, factor, strength):
    """A glow of 3.4e38 turned the still's light sums into NaN (a white frame with a magenta
    square); 1e10 and more made the denoiser smear it."""
    extension = "KHR_materials_emissive_strength"
    path = _quad(gltf_writer, tmp_path / "lamp.gltf", [
        {"name": "lamp", "emissiveFactor": [factor, 0.0, 0.0],
         "extensions": {extension: {"emissiveStrength": strength}}}])
    header = json.loads(path.read_text())
    header["extensionsUsed"] = [extension]
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError, match="brighter than the 1e\\+06 a glow may be"):
        load_model(path)


@pytest.mark.parametrize("extension, key, slot", [
    ("KHR_materials_anisotropy", "anisotropyTexture", {"index": 7}),
    ("KHR_materials_sheen", "sheenColorTexture", {"index": "first"}),
    ("KHR_materials_clearcoat", "clearcoatNormalTexture", {"index": -1}),
    ("KHR_materials_volume", "thicknessTexture", {"index": True}),
    ("KHR_materials_iridescence", "iridescenceThicknessTexture", {"index": 2.5}),
])
def test_a_texture_slot_naming_no_texture_names_the_file_and_the_field(
        tmp_path, gltf_writer, corner_png, extension, key, slot):
    """An extension's texture whose index names no texture is refused with the file and
    the slot's field, not only the file."""
    factors = {"KHR_materials_anisotropy": {"anisotropyStrength": 0.5},
               "KHR_materials_sheen": {"sheenColorFactor": [1, 1, 1]},
               "KHR_materials_clearcoat": {"clearcoatFactor": 1.0},
               "KHR_materials_volume": {"thicknessFactor": 1.0, "attenuationDistance": 1.0},
               "KHR_materials_iridescence": {"iridescenceFactor": 1.0}}
    extensions = {extension: {**factors[extension], key: slot}}
    if extension == "KHR_materials_volume":
        extensions["KHR_materials_transmission"] = {"transmissionFactor": 1.0}
    path = _quad(gltf_writer, tmp_path / "bad.gltf", [{"name": "m", "extensions": extensions}],
                 images=[{"uri": corner_png.name}])
    with pytest.raises(AssetError) as raised:
        load_model(path)
    assert str(path) in str(raised.value)
    assert f"materials[0].extensions.{extension}.{key}.index" in str(raised.value), raised.value
    assert "does not exist" in str(raised.value)


def test_an_extension_texture_on_a_uv_set_past_the_second_is_noted(tmp_path, gltf_writer,
                                                                    corner_png):
    """As for the core textures: a texture that reads UV set 5 is drawn without, and said so."""
    extensions = {"KHR_materials_anisotropy": {
        "anisotropyStrength": 0.5, "anisotropyTexture": {"index": 0, "texCoord": 5}}}
    path = _quad(gltf_writer, tmp_path / "far.gltf", [{"name": "m", "extensions": extensions}],
                 images=[{"uri": corner_png.name}])
    notes = load_model(path).warnings
    assert any("material 'm': its anisotropy texture reads UV set 5; only sets 0 and 1 are "
               "drawn; drawn without that texture" in n for n in notes), notes


@pytest.mark.parametrize("uv, material, note", [
    ([(0, 0)] * 4, {"pbrMetallicRoughness": {"baseColorTexture": {"index": 0, "texCoord": 1}}},
     "its material's base colour texture reads UV set 1"),
    (None, {"normalTexture": {"index": 0}}, "its material's normal texture reads UV set 0"),
    (None, {"extensions": {"KHR_materials_anisotropy": {
        "anisotropyStrength": 0.5, "anisotropyTexture": {"index": 0}}}},
     "its material's anisotropy texture reads UV set 0"),
])
def test_a_texture_on_a_uv_set_the_mesh_lacks_is_noted(tmp_path, gltf_writer, corner_png, uv,
                                                       material, note):
    """A texture the mesh has no coordinates for is drawn without, and the designer is told
    which mesh, which texture and which UV set, not left to wonder where it went."""
    primitive = {"positions": QUAD_POSITIONS, "indices": QUAD_INDICES, "material": 0}
    if uv is not None:
        primitive["uv"] = uv
    path = gltf_writer(tmp_path / "bare.gltf", meshes=[{"name": "plate",
                                                         "primitives": [primitive]}],
                       materials=[material], images=[{"uri": corner_png.name}])
    notes = load_model(path).warnings
    assert any(f"mesh 'plate': {note}, which the mesh does not have; drawn without that "
               "texture" in n for n in notes), notes


@pytest.mark.parametrize("extension", [
    {"KHR_materials_clearcoat": {"clearcoatFactor": 1.0, "clearcoatTexture": {"index": 0}}},
    {"KHR_materials_clearcoat": {"clearcoatFactor": 1.0,
                                 "clearcoatNormalTexture": {"index": 0}}},
    {"KHR_materials_volume": {"thicknessFactor": 1.0, "thicknessTexture": {"index": 0}}},
])
def test_a_damaged_extension_image_is_refused_naming_it(tmp_path, gltf_writer, extension):
    """An image whose header reads but whose pixels are cut off: the extension texture and the
    volume's thickness map decode it themselves, and stopped with Pillow's own error."""
    from PIL import Image

    whole = tmp_path / "whole.png"
    Image.fromarray(np.random.default_rng(2).integers(0, 255, (64, 64, 3), np.uint8)).save(whole)
    (tmp_path / "coat.png").write_bytes(whole.read_bytes()[:400])
    name = next(iter(extension))
    path = _quad(gltf_writer, tmp_path / "part.gltf",
                 [{"name": "m", "extensions": extension}], images=[{"uri": "coat.png"}])
    header = json.loads(path.read_text())
    header["extensionsUsed"] = [name]
    path.write_text(json.dumps(header))
    with pytest.raises(AssetError, match="damaged or truncated") as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}: ")
