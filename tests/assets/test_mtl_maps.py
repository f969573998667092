"""An OBJ's texture maps besides map_Kd, as Blender's exporter writes them and its importer
reads them: map_Pr and map_Pm as the metallic-roughness texture, map_Ke the glow, map_Bump
(-bm its strength) the normal map, map_d the base colour texture's alpha; any other map named as
not drawn. Broken and hostile maps are refused as the base colour texture is."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.assets.mesh import MeshMaterial
from app.assets.model_loading import load_model
from app.errors import AssetError

QUAD = ("mtllib m.mtl\nusemtl a\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\n"
        "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nf 1/1 2/2 3/3 4/4\n")


def png(path, pixels) -> str:
    Image.fromarray(np.asarray(pixels, np.uint8)).save(path)
    return path.name


def ramp(width: int = 8, height: int = 4) -> np.ndarray:
    """Grey rising from 0 to 255 across."""
    row = np.linspace(0, 255, width).round().astype(np.uint8)
    return np.repeat(np.tile(row, (height, 1))[..., None], 3, axis=2)


def loaded(tmp_path, mtl: str, **load) -> tuple[MeshMaterial, tuple[str, ...]]:
    (tmp_path / "m.mtl").write_text("newmtl a\n" + mtl)
    (tmp_path / "m.obj").write_text(QUAD)
    model = load_model(tmp_path / "m.obj", **load)
    (mesh,) = model.meshes.values()
    return mesh.material, model.warnings


def test_a_blender_export_s_maps_are_drawn(tmp_path):
    base = np.zeros((4, 4, 4), np.uint8)
    base[..., 1], base[..., 3] = 200, 255
    names = {"base": png(tmp_path / "base.png", base),
             "rough": png(tmp_path / "rough.png", ramp()),
             "metal": png(tmp_path / "metal.png", 255 - ramp()),
             "emit": png(tmp_path / "emit.png", np.full((2, 2, 3), (255, 0, 0))),
             "normal": png(tmp_path / "normal.png", np.full((2, 2, 3), (128, 128, 255)))}
    # what Blender 5.0 writes for image textures linked straight to its principled BSDF
    material, warnings = loaded(tmp_path, (
        "Ks 0.5 0.5 0.5\nNi 1.5\nillum 2\nPs 0\nPc 0\nPcr 0.03\n"
        f"map_Kd {names['base']}\nmap_Pm {names['metal']}\nmap_Pr {names['rough']}\n"
        f"map_Ke {names['emit']}\nmap_d {names['base']}\n"
        f"map_Bump -bm 0.700000 {names['normal']}\n"))
    assert warnings == ()
    orm = np.asarray(material.orm_texture.pixels, int)
    assert orm.shape == (4, 8, 3)
    np.testing.assert_array_equal(orm[..., 0], 255)  # no occlusion
    np.testing.assert_allclose(orm[..., 1], ramp()[..., 0], atol=1)
    np.testing.assert_allclose(orm[..., 2], 255 - ramp()[..., 0], atol=1)
    assert (material.roughness, material.metallic) == (1.0, 1.0)  # the texture is the value
    assert material.emissive == (1.0, 1.0, 1.0)
    assert tuple(material.emissive_texture.pixels[0, 0, :3]) == (255, 0, 0)
    assert tuple(material.normal_texture.pixels[0, 0, :3]) == (128, 128, 255)
    assert material.normal_scale == pytest.approx(0.7)
    assert material.alpha_mode == "OPAQUE"  # map_d of an image with no see-through pixel


def test_one_map_keeps_the_other_number_in_its_channel(tmp_path):
    name = png(tmp_path / "rough.png", ramp())
    material, _ = loaded(tmp_path, f"Pm 0.3\nmap_Pr {name}\n")
    orm = np.asarray(material.orm_texture.pixels, int)
    np.testing.assert_allclose(orm[..., 1], ramp()[..., 0], atol=1)
    np.testing.assert_array_equal(orm[..., 2], round(0.3 * 255))


def test_maps_of_different_sizes_are_drawn_at_the_larger(tmp_path):
    rough = png(tmp_path / "rough.png", ramp(16, 16))
    metal = png(tmp_path / "metal.png", np.full((2, 2, 3), 255))
    material, _ = loaded(tmp_path, f"map_Pr {rough}\nmap_Pm {metal}\n")
    orm = np.asarray(material.orm_texture.pixels, int)
    assert orm.shape == (16, 16, 3)
    np.testing.assert_array_equal(orm[..., 2], 255)


def test_a_glow_map_is_multiplied_by_ke(tmp_path):
    name = png(tmp_path / "emit.png", np.full((2, 2, 3), 255))
    material, _ = loaded(tmp_path, f"Ke 3 1.5 0\nmap_Ke {name}\n")
    assert material.emissive == pytest.approx((3.0, 1.5, 0.0))
    assert material.emissive_texture is not None


def test_map_d_of_a_see_through_base_colour_texture_blends(tmp_path):
    base = np.full((2, 2, 4), 255, np.uint8)
    base[0, 0, 3] = 0
    name = png(tmp_path / "base.png", base)
    material, _ = loaded(tmp_path, f"map_Kd {name}\nmap_d {name}\n")
    assert material.alpha_mode == "BLEND"


def test_maps_not_drawn_are_named(tmp_path):
    names = [png(tmp_path / f"{n}.png", np.zeros((2, 2, 3))) for n in ("spec", "other", "h")]
    _, warnings = loaded(tmp_path, f"map_Ks {names[0]}\nmap_d {names[1]}\ndisp {names[2]}\n")
    text = " ".join(warnings)
    assert "its map_Ks texture is not drawn" in text
    assert "its disp texture is not drawn" in text
    assert "its map_d texture is not drawn" in text


@pytest.mark.parametrize("option", ["-bm nan", "-bm", "-bm x", "-bm inf"])
def test_a_broken_bump_strength_keeps_the_full_strength(tmp_path, option):
    name = png(tmp_path / "normal.png", np.full((2, 2, 3), (128, 128, 255)))
    material, _ = loaded(tmp_path, f"map_Bump {option} {name}\n")
    assert material.normal_scale == 1.0 and material.normal_texture is not None


def test_a_map_outside_the_model_s_folder_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    png(outside / "rough.png", ramp())
    folder = tmp_path / "model"
    folder.mkdir()
    with pytest.raises(AssetError) as caught:
        loaded(folder, "map_Pr ../outside/rough.png\n")
    assert "map_Pr" in str(caught.value)


def test_a_missing_map_is_refused_or_left_out(tmp_path):
    with pytest.raises(AssetError) as caught:
        loaded(tmp_path, "map_Pr gone.png\n")
    assert "gone.png" in str(caught.value)
    material, warnings = loaded(tmp_path, "map_Pr gone.png\n", missing_textures="skip")
    assert material.orm_texture is None and any("gone.png" in w for w in warnings)


def test_a_map_that_is_no_image_is_refused_naming_it(tmp_path):
    (tmp_path / "rough.png").write_bytes(b"not a picture at all")
    with pytest.raises(AssetError) as caught:
        loaded(tmp_path, "map_Pr rough.png\n")
    assert "rough.png" in str(caught.value)


@pytest.mark.parametrize(("options", "offset", "scale"), [
    ("-s 2 2", (0.0, -1.0), (2.0, 2.0)),  # OBJ's v up: v' = 2v is 2v - 1 in glTF's v down
    ("-o 0.5 0.25 -s 1 1", (0.5, -0.25), (1.0, 1.0)),
    ("-s 3", (0.0, 0.0), (3.0, 1.0)),  # v and w left out: 1
    ("-s nan 2 -o x", None, None),  # no number: no transform
])
def test_a_map_s_offset_and_scale_move_its_texture(tmp_path, options, offset, scale):
    name = png(tmp_path / "base.png", np.zeros((2, 2, 3)))
    material, _ = loaded(tmp_path, f"map_Kd {options} {name}\n")
    assert material.base_color_texture is not None
    transform = material.base_color_mapping.transform
    if offset is None:
        assert transform.is_identity
    else:
        assert transform.offset == pytest.approx(offset)
        assert transform.scale == pytest.approx(scale)


def test_the_packed_maps_take_the_roughness_map_s_transform_and_say_so(tmp_path):
    rough = png(tmp_path / "rough.png", ramp())
    metal = png(tmp_path / "metal.png", ramp())
    material, warnings = loaded(tmp_path, f"map_Pr -s 2 2 {rough}\nmap_Pm {metal}\n")
    assert material.orm_mapping.transform.scale == pytest.approx((2.0, 2.0))
    assert any("map_Pm is drawn with map_Pr's -o and -s" in w for w in warnings)


def test_a_16_bit_grey_roughness_map_is_read_to_its_8_bits(tmp_path):
    """A baked roughness map as 16-bit grey (Pillow's I;16): 0.75 reads as 0.75, not cut to
    white at 255 of its 65,535."""
    Image.fromarray(np.full((4, 4), 49151, np.uint16)).save(tmp_path / "rough.png")
    assert Image.open(tmp_path / "rough.png").mode.startswith("I;16")
    material, _ = loaded(tmp_path, "map_Pr rough.png\n")
    assert int(material.orm_texture.pixels[0, 0, 1]) == pytest.approx(191, abs=1)


def test_materials_naming_one_map_file_share_its_pixels(tmp_path):
    """Hostile or just large: a hundred materials naming one normal map decode it once (each
    its own decode had made a 4k map a hundred 50 MB copies)."""
    png(tmp_path / "normal.png", np.full((8, 8, 3), (128, 128, 255)))
    png(tmp_path / "rough.png", ramp())
    materials = "".join(f"newmtl m{i}\nmap_Bump normal.png\nmap_Pr rough.png\n"
                        for i in range(100))
    faces = "".join(f"usemtl m{i}\nf 1/1 2/2 3/3 4/4\n" for i in range(100))
    (tmp_path / "m.mtl").write_text(materials)
    (tmp_path / "m.obj").write_text(QUAD.split("usemtl")[0] + "v 0 0 0\nv 1 0 0\nv 1 1 0\n"
                                    "v 0 1 0\nvt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n" + faces)
    model = load_model(tmp_path / "m.obj")
    normals = {id(mesh.material.normal_texture.pixels) for mesh in model.meshes.values()}
    packed = {id(mesh.material.orm_texture.pixels) for mesh in model.meshes.values()}
    assert len(model.meshes) == 100 and len(normals) == 1 and len(packed) == 1
