"""The committed material library: plausible PBR values, generated texture maps and swatches."""

import colorsys
import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

from app.assets.store import AssetStore
from app.catalog.materials import load_material_library
from app.domain.colour import hex_to_linear
from app.domain.material import Material
from tests.image_compare import assert_pixels_close

FIXED_IDS = {
    "ceramic_gloss", "ceramic_matte", "ceramic_speckled", "ceramic_unglazed", "paint_gloss",
    "paint_satin", "car_paint", "chrome", "brushed_steel", "polished_steel", "gold_polished",
    "rose_gold", "black_coating", "leather", "vinyl", "fabric", "rosewood", "maple", "sunburst",
    "rubber", "glass_clear", "plastic_frosted", "plastic_gloss",
}
METALS = {"chrome", "brushed_steel", "polished_steel", "gold_polished", "rose_gold"}
FLAKE_PAINTS = {"car_paint"}  # metallic flakes in a dielectric binder: partly metallic
TINTABLE = {"paint_gloss", "paint_satin", "car_paint", "leather", "vinyl", "fabric",
            "plastic_gloss", "ceramic_gloss", "ceramic_matte"}
STRUCTURED = {"brushed_steel", "leather", "vinyl", "fabric", "rosewood", "maple", "sunburst",
              "rubber", "ceramic_speckled", "plastic_frosted"}
NOT_TILING = {"sunburst"}
SWATCH_SIZE = (128, 128)


def _script(repo_root: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"library_{name}",
                                                  repo_root / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def library(builtin_root) -> dict[str, Material]:
    materials, problems = load_material_library(builtin_root / "assets" / "materials",
                                                builtin_root)
    assert problems == []
    return materials


@pytest.fixture(scope="module")
def textures_script(repo_root) -> ModuleType:
    return _script(repo_root, "make_material_textures")


def _folder(material: Material) -> Path:
    return Path(material.source).parent


def _texture_paths(material: Material) -> dict[str, Path]:
    return {kind: _folder(material) / name
            for kind, name in material.textures.model_dump().items() if name is not None}


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image).astype(float) / 255.0


def _luminance(rgb) -> float:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _albedo(material: Material) -> float:
    """Linear luminance of the base colour, times the base-colour texture's mean if any."""
    factor = np.array(hex_to_linear(material.base_color))
    path = _texture_paths(material).get("base_color")
    if path is not None:
        srgb = _pixels(path)
        linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
        factor = factor * linear.mean(axis=(0, 1))
    return _luminance(factor)


def test_library_has_every_fixed_id_and_at_least_sixteen_materials(library):
    assert FIXED_IDS <= set(library)
    assert len(library) >= 16


def test_metals_are_fully_metallic_with_bright_measured_reflectance(library):
    for material_id in METALS:
        material = library[material_id]
        assert material.metallic == 1.0, material_id
        f0 = hex_to_linear(material.base_color)
        assert _luminance(f0) >= 0.45, material_id  # every metal reflects > 45 % head-on
    gold = hex_to_linear(library["gold_polished"].base_color)
    assert gold[0] > gold[1] > 1.8 * gold[2]  # warm yellow
    chrome = hex_to_linear(library["chrome"].base_color)
    assert max(chrome) - min(chrome) < 0.02  # neutral


def test_dielectrics_are_not_metallic_and_have_plausible_albedo(library):
    for material_id, material in library.items():
        if material_id in METALS or material_id in FLAKE_PAINTS:
            continue
        assert material.metallic == 0.0, material_id
        if material.transmission == 0.0:  # see-through: base colour is the transmission tint
            assert 0.01 <= _albedo(material) <= 0.9, material_id
        assert 1.3 <= material.ior <= 1.7, material_id
    for material_id in FLAKE_PAINTS:
        assert 0.0 < library[material_id].metallic < 1.0
        assert library[material_id].clearcoat == 1.0


def test_finishes_differ_as_their_names_say(library):
    assert library["chrome"].roughness < library["polished_steel"].roughness
    assert library["polished_steel"].roughness < library["brushed_steel"].roughness
    assert library["paint_gloss"].roughness < library["paint_satin"].roughness
    assert library["rubber"].roughness >= 0.8
    assert library["glass_clear"].transmission > library["plastic_frosted"].transmission > 0
    assert library["glass_clear"].roughness < 0.05 < library["plastic_frosted"].roughness
    assert _luminance(hex_to_linear(library["rubber"].base_color)) < 0.05


def test_structured_materials_have_textures_that_exist_and_fit_the_budget(library):
    for material_id in STRUCTURED:
        paths = _texture_paths(library[material_id])
        assert paths, material_id
        for path in paths.values():
            assert path.is_file(), path
            with Image.open(path) as image:
                assert image.mode == "RGB", path
                assert max(image.size) <= 1024, path


def test_every_texture_file_is_used_by_a_material(library, builtin_root):
    used = {path.resolve() for m in library.values() for path in _texture_paths(m).values()}
    on_disk = {p.resolve() for p in (builtin_root / "assets/materials/textures").glob("*.png")}
    assert on_disk == used


def test_normal_maps_point_out_of_the_surface_with_unit_vectors(library):
    for material in library.values():
        path = _texture_paths(material).get("normal")
        if path is None:
            continue
        rgb = _pixels(path)
        assert rgb[..., 2].mean() > 0.7, path
        vectors = rgb * 2.0 - 1.0
        assert np.allclose(np.linalg.norm(vectors, axis=-1), 1.0, atol=0.02), path
        assert vectors[..., 2].min() > 0.0, path
        assert abs(vectors[..., 0].mean()) < 0.05 and abs(vectors[..., 1].mean()) < 0.05, path


def test_tintable_materials_have_neutral_near_white_base_colour_textures(library):
    for material_id in TINTABLE:
        path = _texture_paths(library[material_id]).get("base_color")
        if path is None:
            continue
        rgb = _pixels(path)
        saturation = rgb.max(axis=-1) - rgb.min(axis=-1)
        assert saturation.max() <= 2 / 255, path
        assert rgb.mean() > 0.75, path


def test_orm_metallic_channel_matches_the_material_kind(library):
    for material_id, material in library.items():
        path = _texture_paths(material).get("orm")
        if path is None:
            continue
        metallic = _pixels(path)[..., 2]
        assert np.all(metallic == (1.0 if material_id in METALS else 0.0)), path


def test_tiling_textures_have_no_seam(library):
    for material_id in STRUCTURED - NOT_TILING:
        for path in _texture_paths(library[material_id]).values():
            rgb = _pixels(path)
            # the step from the last column to the first is no larger than steps inside
            column_steps = np.abs(np.diff(rgb, axis=1)).mean(axis=(0, 2))
            row_steps = np.abs(np.diff(rgb, axis=0)).mean(axis=(1, 2))
            assert np.abs(rgb[:, 0] - rgb[:, -1]).mean() <= 1.1 * column_steps.max(), path
            assert np.abs(rgb[0] - rgb[-1]).mean() <= 1.1 * row_steps.max(), path


def test_brushed_steel_streaks_run_along_u(library):
    rgb = _pixels(_texture_paths(library["brushed_steel"])["orm"])[..., 1]
    along_u = np.abs(np.diff(rgb, axis=1)).mean()
    across_u = np.abs(np.diff(rgb, axis=0)).mean()
    assert across_u > 4 * along_u


def test_sunburst_is_amber_in_the_middle_and_near_black_at_radius_half(library):
    material = library["sunburst"]
    assert material.uv_scale == (1.0, 1.0)
    rgb = _pixels(_texture_paths(material)["base_color"])
    size = rgb.shape[0]
    centre = rgb[size // 2 - 20:size // 2 + 20, size // 2 - 20:size // 2 + 20].mean(axis=(0, 1))
    assert centre[0] > 0.75 and centre[0] > centre[1] > centre[2] + 0.2
    hue = colorsys.rgb_to_hsv(*centre)[0] * 360
    assert 25 <= hue <= 50  # amber
    ring = [rgb[size // 2, 8], rgb[size // 2, -9], rgb[8, size // 2], rgb[-9, size // 2]]
    assert max(float(p.max()) for p in ring) < 0.15
    # grain shows through the centre: brightness varies across V-running lines
    middle_rows = rgb[size // 2 - 50:size // 2 + 50, size // 2 - 50:size // 2 + 50].mean(axis=-1)
    assert middle_rows.mean(axis=0).std() > 3 * middle_rows.mean(axis=1).std()


def test_committed_textures_are_what_the_script_generates(library, textures_script,
                                                           builtin_root):
    folder = builtin_root / "assets" / "materials" / "textures"
    for material_id, make_maps in textures_script.MATERIAL_MAPS.items():
        assert set(_texture_paths(library[material_id])) == set(make_maps().keys()), material_id
        for kind, image in make_maps().items():
            committed = np.asarray(Image.open(folder / f"{material_id}_{kind}.png"))
            assert_pixels_close(np.asarray(image), committed, what=f"{material_id}_{kind}")


def test_every_material_has_a_128_pixel_swatch_on_a_transparent_background(library):
    for material_id, material in library.items():
        assert material.swatch == f"swatches/{material_id}.png"
        path = _folder(material) / material.swatch
        with Image.open(path) as image:
            assert image.size == SWATCH_SIZE and image.mode == "RGBA", path
            alpha = np.asarray(image)[..., 3]
        assert alpha[0, 0] == 0 and alpha[-1, -1] == 0, path  # corners are background
        assert (alpha > 25).mean() > 0.3, path  # the sample fills the middle (glass faintly)


def _opaque_luminance(library, material_id) -> np.ndarray:
    material = library[material_id]
    rgba = _pixels(_folder(material) / material.swatch)
    return rgba[..., :3].mean(axis=-1)[rgba[..., 3] == 1.0]


def test_chrome_swatch_is_brighter_and_more_contrasted_than_rubber(library):
    chrome = _opaque_luminance(library, "chrome")
    rubber = _opaque_luminance(library, "rubber")
    assert chrome.mean() > 2 * rubber.mean()
    assert chrome.std() > 2 * rubber.std()
    assert np.percentile(chrome, 99) > 0.9  # mirror highlights of the studio lights


def test_gold_swatch_is_warm_and_steel_is_not(library):
    def mean_colour(material_id):
        material = library[material_id]
        rgba = _pixels(_folder(material) / material.swatch)
        return rgba[..., :3][rgba[..., 3] == 1.0].mean(axis=0)

    gold, steel = mean_colour("gold_polished"), mean_colour("polished_steel")
    assert gold[0] - gold[2] > 0.2
    assert abs(steel[0] - steel[2]) < 0.06


def test_set_swatch_field_adds_or_replaces_only_that_line(repo_root, tmp_path):
    swatches = _script(repo_root, "render_swatches")
    path = tmp_path / "m.yaml"
    path.write_text("# keep me\nname: M\nbase_color: '#ffffff'\n")
    swatches.set_swatch_field(path, "swatches/m.png")
    assert path.read_text() == "# keep me\nname: M\nbase_color: '#ffffff'\nswatch: swatches/m.png\n"
    swatches.set_swatch_field(path, "swatches/n.png")
    assert path.read_text().splitlines()[-1] == "swatch: swatches/n.png"
    assert path.read_text().count("swatch:") == 1


def test_a_fresh_render_reproduces_the_committed_swatch(library, repo_root, builtin_root):
    swatches = _script(repo_root, "render_swatches")
    geometry = swatches.SwatchGeometry(AssetStore(allowed_roots=[builtin_root / "assets"]))
    material = library["gold_polished"]
    fresh = np.asarray(swatches.render_swatch(material, geometry, builtin_root)).astype(float)
    with Image.open(_folder(material) / material.swatch) as image:
        committed = np.asarray(image).astype(float)
    assert fresh.shape == committed.shape
    assert np.abs(fresh - committed).mean() < 2.0
