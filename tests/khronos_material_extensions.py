"""Checks of the glTF material extensions on the Khronos models that isolate them, shared by
the live view's and the photoreal still's tests: each feature changes the pixels where it
should (against the same scene without it)."""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.assets.store import AssetStore
from app.scene.description import SceneDescription, TextureRef, TextureSlot
from tests.khronos_scenes import (
    MeshOverride,
    facing,
    khronos_scene,
    material_of,
    model_file_scene,
    only,
    pixel_of,
    render,
    with_material,
)

UNLIT_MODEL = "UnlitTest/glTF-Binary/UnlitTest.glb"
CLEARCOAT_MODEL = "ClearCoatTest/glTF-Binary/ClearCoatTest.glb"
SPECULAR_MODEL = "SpecularTest/glTF-Binary/SpecularTest.glb"
TRANSMISSION_MODEL = "TransmissionTest/glTF-Binary/TransmissionTest.glb"
ATTENUATION_MODEL = "AttenuationTest/glTF-Binary/AttenuationTest.glb"
SHEEN_MODEL = "SheenCloth/glTF/SheenCloth.gltf"
ANISOTROPY_MODEL = "AnisotropyStrengthTest/glTF-Binary/AnisotropyStrengthTest.glb"
IRIDESCENCE_MODEL = "IridescenceSuzanne/glTF-Binary/IridescenceSuzanne.glb"
AVOCADO_FOLDER = "Avocado/glTF-Quantized"
SPECULAR_GLOSSINESS = "KHR_materials_pbrSpecularGlossiness"
SIZE = (160, 160)


def _patch(image: np.ndarray, scene: SceneDescription, point, half: int) -> np.ndarray:
    """The (2 half + 1)^2 pixels around where the camera sees ``point``, as (N, 3) floats."""
    row, column = pixel_of(scene, point, SIZE)
    return image[row - half:row + half + 1, column - half:column + half + 1].reshape(
        -1, 3).astype(float)


def _luminance(pixels: np.ndarray) -> np.ndarray:
    return pixels @ np.array([0.2126, 0.7152, 0.0722])


def unlit_colour_ignores_the_lighting(kind: str, external_dir: Path) -> None:
    """An unlit cube shows its base colour whatever the light: the same pixels under a dim
    and a bright environment, where a lit cube changes; orange as the file says."""
    scene, assets = khronos_scene(external_dir, UNLIT_MODEL)
    assert material_of(scene, "Orange Object").unlit
    scene = only(facing(scene, (-1.2, 1.0, 1.0), 6.0), "Orange Object")
    lit = with_material(scene, "Orange Object", unlit=False)

    def face(s: SceneDescription, intensity: float) -> np.ndarray:
        s = replace(s, environment=replace(s.environment, intensity=intensity))
        return _patch(render(kind, s, assets, size=SIZE), s, (-1.2, 1.0, 1.0), 8).mean(axis=0)

    bright, dim = face(scene, 1.0), face(scene, 0.3)
    assert np.abs(bright - dim).max() < 6, (bright, dim)
    assert bright[0] > 220 and 90 < bright[1] < 170 and bright[2] < 40, bright
    lit_bright, lit_dim = face(lit, 1.0), face(lit, 0.3)
    assert np.abs(lit_bright - lit_dim).max() > 30, (lit_bright, lit_dim)


def clearcoat_adds_a_sharp_highlight(kind: str, external_dir: Path) -> None:
    """ClearCoatTest's coated sample (a rough red base under a glossy coat) has a brighter,
    sharper highlight than the same base without its coat (whose highlight is wide and dim;
    the live view also darkens the base under the coat, so only the peak is compared)."""
    scene, assets = khronos_scene(external_dir, CLEARCOAT_MODEL)
    coated = material_of(scene, "ClearCoatSample")
    assert coated.clearcoat == 1.0 and coated.roughness > 0.4
    scene = only(facing(scene, (2.13, 11.5, 0.6), 5.0), "ClearCoatSample")
    bare = with_material(scene, "ClearCoatSample", clearcoat=0.0)
    with_coat = _luminance(_patch(render(kind, scene, assets, size=SIZE), scene,
                                  (2.13, 11.5, 0.6), 30))
    without = _luminance(_patch(render(kind, bare, assets, size=SIZE), scene,
                                (2.13, 11.5, 0.6), 30))
    peak, bare_peak = np.percentile(with_coat, 99.9), np.percentile(without, 99.9)
    assert peak > bare_peak + 10, (peak, bare_peak)


def specular_factor_scales_the_reflection(kind: str, external_dir: Path) -> None:
    """SpecularTest's first sphere (black, specular factor 0) reflects nothing; with the
    factor at 1 it mirrors the environment."""
    scene, assets = khronos_scene(external_dir, SPECULAR_MODEL)
    sphere = "1.1_specularFactor"
    assert material_of(scene, sphere).specular == 0.0
    scene = only(facing(scene, (0.07, 0.71, 0.05), 0.5), sphere)
    shiny = with_material(scene, sphere, specular=1.0)
    dark = _luminance(_patch(render(kind, scene, assets, size=SIZE), scene,
                             (0.07, 0.71, 0.05), 20))
    bright = _luminance(_patch(render(kind, shiny, assets, size=SIZE), scene,
                               (0.07, 0.71, 0.05), 20))
    assert dark.mean() < 20, dark.mean()
    assert bright.mean() > dark.mean() + 15, (bright.mean(), dark.mean())


def _specular_row(kind: str, external_dir: Path, row: int, y: float,
                  **changes) -> tuple[np.ndarray, np.ndarray]:
    """A SpecularTest row of black, smooth spheres (row 2 and 4 and 6: one textured mesh;
    the others: five spheres), as drawn and with ``changes`` to the first sphere's material;
    the pixels of the spheres (the background is white)."""
    scene, assets = khronos_scene(external_dir, SPECULAR_MODEL)
    spheres = [d.id for d in scene.drawables if d.id.split("_")[0].split(".")[0] == str(row)]
    scene = only(facing(scene, (0.29, y, 0.0), 1.2), *spheres)
    as_drawn = render(kind, scene, assets, size=SIZE).astype(float)
    changed = render(kind, with_material(scene, spheres[0], **changes), assets,
                     size=SIZE).astype(float)
    on_spheres = changed.mean(axis=-1) < 200
    assert on_spheres.mean() > 0.03
    return as_drawn[on_spheres], changed[on_spheres]


def _yellowness(pixels: np.ndarray) -> float:
    return float((pixels[:, :2].mean(axis=1) - pixels[:, 2]).mean())


def specular_texture_scales_the_reflection(kind: str, external_dir: Path) -> None:
    """SpecularTest's "specularTexture" row: the texture's alpha runs from 0 to 1 along the
    row, so the first spheres reflect little; with the factor alone each reflects alike."""
    textured, plain = _specular_row(kind, external_dir, 2, 0.6, specular_texture=None)
    assert textured.mean() < plain.mean() - 3, (textured.mean(), plain.mean())


def specular_colour_texture_tints_the_reflection(kind: str, external_dir: Path) -> None:
    """SpecularTest's yellow texture row: the specular colour texture (black to yellow) tints
    the black spheres' reflections yellow."""
    textured, plain = _specular_row(kind, external_dir, 6, 0.16,
                                    specular_color_texture=None)
    assert _yellowness(textured) > _yellowness(plain) + 5, (_yellowness(textured),
                                                            _yellowness(plain))


def specular_colour_factor_tints_the_reflection(kind: str, external_dir: Path) -> None:
    """SpecularTest's yellow factor row (colour factors (c, c, 0)) reflects yellow where the
    white factor row's spheres (c, c, c) reflect grey: the colour is more than a brightness."""
    yellow, _ = _specular_row(kind, external_dir, 5, 0.27)
    white, _ = _specular_row(kind, external_dir, 3, 0.49)
    assert _yellowness(yellow) > _yellowness(white) + 4, (_yellowness(yellow),
                                                          _yellowness(white))
    assert abs(_yellowness(white)) < 3, _yellowness(white)


def transmission_shows_what_lies_behind(kind: str, external_dir: Path) -> None:
    """TransmissionTest's clear yellow cube lets the patterned cloth behind it show: through
    it the light and dark of the cloth follow the picture without the cube (tinted yellow),
    which an opaque cube hides. Compared by rank: the studio's softboxes mirrored in the glass
    are a few pixels far brighter than any of the cloth's."""
    scene, assets = khronos_scene(external_dir, TRANSMISSION_MODEL)
    cube = "YellowTrans"
    assert material_of(scene, cube).transmission == 1.0
    point = (-0.29, 0.63, -0.33)
    scene = only(facing(scene, point, 0.8), cube, "Cloth Backdrop 01")
    empty = only(scene, "Cloth Backdrop 01")
    opaque = with_material(scene, cube, transmission=0.0)

    def pattern(s: SceneDescription) -> np.ndarray:
        light = _luminance(_patch(render(kind, s, assets, size=SIZE), scene, point, 12))
        ranks = np.argsort(np.argsort(light)).astype(float)
        return ranks - ranks.mean()

    behind = pattern(empty)

    def likeness(s: SceneDescription) -> float:
        found = pattern(s)
        return float((found * behind).sum() / (np.linalg.norm(found) * np.linalg.norm(behind)
                                               + 1e-9))

    through, blocked = likeness(scene), likeness(opaque)
    assert through > 0.5 and through > blocked + 0.3, (through, blocked)


def attenuation_tints_what_passes_through(kind: str, external_dir: Path) -> None:
    """AttenuationTest's last R5 cube (blue attenuation colour at distance 0.5, thickness 1)
    turns the grey grid behind it blue; with no attenuation it does not."""
    scene, assets = khronos_scene(external_dir, ATTENUATION_MODEL)
    cube = "R5_Block_2.0"
    material = material_of(scene, cube)
    assert material.thickness == 1.0 and abs(material.attenuation_distance - 0.5) < 1e-6
    point = (6.0, 4.0, 1.0)
    scene = only(facing(scene, point, 5.0), cube, "MeterGrid")
    clear = with_material(scene, cube, attenuation_distance=math.inf)

    def blueness(s: SceneDescription) -> float:
        p = _patch(render(kind, s, assets, size=SIZE), scene, point, 6)
        return float((p[:, 2] - p[:, 0]).mean())

    tinted, plain = blueness(scene), blueness(clear)
    assert tinted > plain + 40, (tinted, plain)


def coloured_glass_colours_what_lies_behind(kind: str, external_dir: Path) -> None:
    """AttenuationTest's deepest "Sample Color" square: glass whose base colour (0.01, 0.25,
    0.81 linear) passes hardly any red, over the light grey grid. Seen through it the grid is
    deep blue, as it is in Khronos' rendering: the red of what lies behind is taken away,
    not only some blue added over it (the live view's plain blending left it pale blue)."""
    scene, assets = khronos_scene(external_dir, ATTENUATION_MODEL)
    square = "R1_Sample_2.0"
    material = material_of(scene, square)
    assert material.transmission == 1.0 and material.base_color[0] < 0.02
    point = (6.0, 16.0, 0.0)
    scene = only(facing(scene, point, 5.0), square, "MeterGrid")
    grid = _patch(render(kind, only(scene, "MeterGrid"), assets, size=SIZE), scene, point, 6)
    glass = _patch(render(kind, scene, assets, size=SIZE), scene, point, 6)
    red, blue = glass[:, 0].mean(), glass[:, 2].mean()
    assert grid[:, 0].mean() > 150, grid.mean(axis=0)
    assert red < 0.4 * blue, glass.mean(axis=0)


def sheen_brightens_the_cloth(kind: str, external_dir: Path) -> None:
    """SheenCloth's white sheen factor lightens the dark blue cloth a little (seen head-on,
    where sheen is weakest: the live view lightens the base colour, the still adds a sheen
    lobe). Drawn without its dark violet sheen colour texture, which the still multiplies in
    (see tests/photoreal/test_extension_textures.py)."""
    scene, assets = khronos_scene(external_dir, SHEEN_MODEL)
    cloth = "SheenCloth_mesh"
    assert material_of(scene, cloth).sheen_color == (1.0, 1.0, 1.0)
    scene = with_material(facing(scene, (0.0, 0.02, 0.0), 0.2), cloth,
                          sheen_color_texture=None)
    bare = render(kind, with_material(scene, cloth, sheen_color=(0.0, 0.0, 0.0)), assets,
                  size=SIZE).astype(float)
    with_sheen = render(kind, scene, assets, size=SIZE).astype(float)
    on_cloth = (bare.max(axis=-1) - bare.min(axis=-1)) > 30  # the backdrop is grey or white
    assert on_cloth.mean() > 0.05
    lighter = _luminance(with_sheen)[on_cloth].mean() - _luminance(bare)[on_cloth].mean()
    assert lighter > 1.0, lighter


def sheen_colour_texture_sets_the_sheen(kind: str, external_dir: Path) -> None:
    """SheenCloth's sheen: a white factor times a dark violet texture. Both renderers draw the
    texture per pixel: much less sheen than the white factor alone, whose light adds red to
    the blue cloth."""
    scene, assets = khronos_scene(external_dir, SHEEN_MODEL)
    cloth = "SheenCloth_mesh"
    assert material_of(scene, cloth).sheen_color_texture is not None
    scene = facing(scene, (0.0, 0.02, 0.0), 0.2)
    bare = render(kind, with_material(scene, cloth, sheen_color=(0.0, 0.0, 0.0),
                                      sheen_color_texture=None),
                  assets, size=SIZE).astype(float)
    factor = render(kind, with_material(scene, cloth, sheen_color_texture=None), assets,
                    size=SIZE).astype(float)
    textured = render(kind, scene, assets, size=SIZE).astype(float)
    on_cloth = (bare.max(axis=-1) - bare.min(axis=-1)) > 30
    assert on_cloth.mean() > 0.05
    by_factor = (factor - bare)[on_cloth].mean(axis=0)
    by_texture = (textured - bare)[on_cloth].mean(axis=0)
    assert by_factor[0] > 1.5, by_factor
    assert by_texture[0] < by_factor[0] / 2, (by_texture, by_factor)
    assert abs(by_texture).sum() < by_factor.sum(), (by_texture, by_factor)


def anisotropy_stretches_the_highlight(kind: str, external_dir: Path) -> None:
    """An AnisotropyStrengthTest sphere (metal, roughness 0.33, strength 1) reflects
    otherwise than the same sphere without anisotropy."""
    scene, assets = khronos_scene(external_dir, ANISOTROPY_MODEL)
    sphere = "20"
    assert material_of(scene, sphere).anisotropy == 1.0
    point = (-0.61, 6.99, 0.4)
    scene = only(facing(scene, point, 3.0), sphere)
    plain = with_material(scene, sphere, anisotropy=0.0)
    a = _patch(render(kind, scene, assets, size=SIZE), scene, point, 25)
    b = _patch(render(kind, plain, assets, size=SIZE), scene, point, 25)
    assert np.abs(a - b).mean() > 4, np.abs(a - b).mean()


def anisotropy_without_uvs_stretches_the_highlight(kind: str, external_dir: Path) -> None:
    """The same sphere with no UVs (gltfpack drops them from meshes without textures): still
    drawn whole, its highlight stretched along the tangent the renderer's own frame gives it
    (the live view had drawn nothing of it: VTK's anisotropy reads tangents, made from UVs)."""
    scene, assets = khronos_scene(external_dir, ANISOTROPY_MODEL)
    sphere = "20"
    point = (-0.61, 6.99, 0.4)
    scene = only(facing(scene, point, 3.0), sphere)
    without_uvs = MeshOverride(assets, {sphere: {"uv": None, "uv1": None}})
    plain = with_material(scene, sphere, anisotropy=0.0)
    a = render(kind, scene, without_uvs, size=SIZE)
    b = render(kind, plain, without_uvs, size=SIZE)
    assert (a.min(axis=-1) < 250).mean() > 0.1  # the sphere fills a sixth of the picture
    difference = np.abs(_patch(a, scene, point, 25) - _patch(b, scene, point, 25)).mean()
    assert difference > 4, difference


def anisotropy_without_uvs_agrees_across_renderers(external_dir: Path) -> None:
    """That sphere without UVs, whose tangent glTF leaves to the renderer: the live view and
    the still take the same one (``normal_basis_tangents``), so they agree as well as with the
    file's UVs (the still's own frame had stretched it the other way round)."""
    scene, assets = khronos_scene(external_dir, ANISOTROPY_MODEL)
    sphere, point = "20", (-0.61, 6.99, 0.4)
    scene = only(facing(scene, point, 3.0), sphere)
    without_uvs = MeshOverride(assets, {sphere: {"uv": None, "uv1": None}})

    def apart(source) -> float:
        live, still = (_patch(render(kind, scene, source, size=SIZE).astype(float), scene,
                              point, 25) for kind in ("live", "photoreal"))
        return float(np.abs(live - still).mean())

    assert apart(without_uvs) < 1.2 * apart(assets)


def anisotropy_draws_a_smooth_surface_as_lines(kind: str, external_dir: Path) -> None:
    """AnisotropyStrengthTest's smooth sphere fully stretched (roughness 0, strength 1: glTF's
    alphas 1 along the tangent, 0 across it) reflects the world as lines along the tangent:
    smeared along it (the image's rows), as sharp as a mirror across it (its columns), not
    blurred both ways as Disney's 10:1 at most drew it."""
    scene, assets = khronos_scene(external_dir, ANISOTROPY_MODEL)
    sphere = "6"
    assert (material_of(scene, sphere).roughness, material_of(scene, sphere).anisotropy) == (
        0.0, 1.0)
    point = (-2.61, 6.99, 0.4)
    scene = only(facing(scene, point, 3.0), sphere)
    mirror = with_material(scene, sphere, anisotropy=0.0)

    def changes(s: SceneDescription) -> tuple[float, float]:
        """Mean lightness change from pixel to pixel along the rows and along the columns."""
        p = _luminance(_patch(render(kind, s, assets, size=SIZE), scene, point, 25))
        p = p.reshape(51, 51)
        return np.abs(np.diff(p, axis=1)).mean(), np.abs(np.diff(p, axis=0)).mean()

    (along, across), (mirror_along, mirror_across) = changes(scene), changes(mirror)
    assert along < 0.6 * mirror_along, (along, mirror_along)
    assert across > mirror_across, (across, mirror_across)


def anisotropy_rotation_turns_the_lines(kind: str, external_dir: Path) -> None:
    """KHR_materials_anisotropy's rotation turns the direction the highlight is stretched in
    about the normal, from the tangent (along the image's rows on AnisotropyStrengthTest's
    spheres) towards normal x tangent: a quarter turn stretches it along the columns, an
    eighth along the diagonal that rises to the right, in both renderers alike."""
    scene, assets = khronos_scene(external_dir, ANISOTROPY_MODEL)
    sphere = "13"
    assert (material_of(scene, sphere).anisotropy, material_of(scene, sphere).roughness) == (
        1.0, pytest.approx(1 / 6))
    point = (-1.61, 6.99, 0.4)
    scene = only(facing(scene, point, 3.0), sphere)

    def changes(rotation: float) -> dict[str, float]:
        """Mean lightness change from pixel to pixel along the rows, the columns and the two
        diagonals (down to the right, down to the left)."""
        drawn = render(kind, with_material(scene, sphere, anisotropy_rotation=rotation),
                       assets, size=SIZE)
        p = _luminance(_patch(drawn, scene, point, 25)).reshape(51, 51)
        return {"rows": np.abs(np.diff(p, axis=1)).mean(),
                "columns": np.abs(np.diff(p, axis=0)).mean(),
                "falling": np.abs(p[1:, 1:] - p[:-1, :-1]).mean(),
                "rising": np.abs(p[1:, :-1] - p[:-1, 1:]).mean()}

    plain, quarter, eighth = changes(0.0), changes(math.pi / 2), changes(math.pi / 4)
    assert plain["rows"] < plain["columns"], plain
    assert quarter["columns"] < quarter["rows"], quarter
    assert eighth["rising"] < 0.8 * eighth["falling"], eighth


def anisotropy_texture_turns_and_weakens_the_lines(kind: str, external_dir: Path,
                                                  folder: Path) -> None:
    """KHR_materials_anisotropy's texture: a direction of (0, 1) in tangent space (red 0.5,
    green 1) stretches the highlight as a quarter turn does; a strength (blue) of 0 leaves
    the sphere as it is without anisotropy."""
    scene, assets = khronos_scene(external_dir, ANISOTROPY_MODEL)
    sphere = "13"
    point = (-1.61, 6.99, 0.4)
    scene = only(facing(scene, point, 3.0), sphere)
    assets = AssetStore([(external_dir / "khronos" / ANISOTROPY_MODEL).parent, folder])

    def with_texture(red_green_blue) -> SceneDescription:
        path = folder / f"anisotropy-{'-'.join(map(str, red_green_blue))}.png"
        Image.new("RGB", (8, 8), red_green_blue).save(path)
        return with_material(scene, sphere, anisotropy_texture=TextureSlot(
            TextureRef(source=str(path), srgb=False)))

    def drawn(s: SceneDescription) -> np.ndarray:
        return _patch(render(kind, s, assets, size=SIZE), scene, point, 25)

    quarter = drawn(with_material(scene, sphere, anisotropy_rotation=math.pi / 2))
    upright = drawn(with_texture((128, 255, 255)))
    plain = drawn(scene)
    assert np.abs(upright - quarter).mean() < 0.25 * np.abs(plain - quarter).mean(), (
        np.abs(upright - quarter).mean(), np.abs(plain - quarter).mean())
    round_ = drawn(with_material(scene, sphere, anisotropy=0.0))
    weak = drawn(with_texture((255, 128, 0)))
    assert np.abs(weak - round_).mean() < 0.25 * np.abs(plain - round_).mean(), (
        np.abs(weak - round_).mean(), np.abs(plain - round_).mean())


def anisotropy_leaves_a_rough_surface_alone(kind: str, external_dir: Path) -> None:
    """glTF's anisotropy widens the roughness along its direction towards 1: on
    AnisotropyStrengthTest's roughest sphere (roughness 1, strength 1) it changes nothing,
    where Disney's aspect (alpha 3.2 along the tangent) darkened it."""
    scene, assets = khronos_scene(external_dir, ANISOTROPY_MODEL)
    sphere = "48"
    assert (material_of(scene, sphere).roughness, material_of(scene, sphere).anisotropy) == (
        1.0, 1.0)
    point = (3.39, 6.99, 0.4)
    scene = only(facing(scene, point, 3.0), sphere)
    plain = with_material(scene, sphere, anisotropy=0.0)
    a = _patch(render(kind, scene, assets, size=SIZE), scene, point, 25)
    b = _patch(render(kind, plain, assets, size=SIZE), scene, point, 25)
    assert np.abs(a - b).mean() < 2.5, np.abs(a - b).mean()


def masked_transmission_keeps_what_the_mask_keeps(kind: str, external_dir: Path) -> None:
    """TransmissionTest's green sphere is transmissive and cut by an alpha MASK: its kept
    stripes are drawn (green), not cut away with the transparency of the glass."""
    scene, assets = khronos_scene(external_dir, TRANSMISSION_MODEL)
    sphere = "GreenMask"
    material = material_of(scene, sphere)
    assert material.alpha_mode == "MASK" and material.transmission == 1.0
    point = (-0.06, 0.63, -0.32)
    scene = only(facing(scene, point, 0.8), sphere)
    p = _patch(render(kind, scene, assets, size=SIZE), scene, point, 30)
    green = (p[:, 1] > p[:, 0] + 30) & (p[:, 1] > p[:, 2] + 30)
    assert green.mean() > 0.05, green.mean()


def coat_reflects_as_a_glossy_dielectric_does(kind: str, external_dir: Path) -> None:
    """A clear coat is a full-strength dielectric layer (index 1.5): what ClearCoatTest's coat
    adds to its red base (coated minus bare, in linear light) is about what the glossy black
    dielectric beside it, its "coating only" sample, reflects. (Mitsuba's principled coat
    reflected a quarter of that, VTK's coat the environment at a twenty-fifth.)"""
    scene, assets = khronos_scene(external_dir, CLEARCOAT_MODEL)
    coated, alone = (2.13, 11.5, 0.6), (4.23, 11.5, 0.6)
    assert material_of(scene, "ClearCoatSample").clearcoat == 1.0
    assert material_of(scene, "CoatOnlySample").base_color == (0.0, 0.0, 0.0)

    def linear(image, point):
        c = _patch(image, centred, point, 12) / 255.0
        return _luminance(np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)).mean()

    centred = only(facing(scene, coated, 5.0), "ClearCoatSample")
    added = (linear(render(kind, centred, assets, size=SIZE), coated)
             - linear(render(kind, with_material(centred, "ClearCoatSample", clearcoat=0.0),
                             assets, size=SIZE), coated))
    centred = only(facing(scene, alone, 5.0), "CoatOnlySample")
    reflected = linear(render(kind, centred, assets, size=SIZE), alone)
    assert reflected > 0.01, reflected
    assert added == pytest.approx(reflected, rel=0.35), (added, reflected)


def coat_normal_texture_ripples_the_coat(kind: str, external_dir: Path) -> None:
    """ClearCoatTest's "coat normal map" sample: the coat's own normal texture ripples the
    coat's reflections over a smooth base."""
    scene, assets = khronos_scene(external_dir, CLEARCOAT_MODEL)
    sample = "R4_ClearCoatSample"
    assert material_of(scene, sample).clearcoat_normal_texture is not None
    point = (2.13, 1.0, 0.6)
    scene = only(facing(scene, point, 5.0), sample)
    smooth = with_material(scene, sample, clearcoat_normal_texture=None)
    a = _patch(render(kind, scene, assets, size=SIZE), scene, point, 30)
    b = _patch(render(kind, smooth, assets, size=SIZE), scene, point, 30)
    assert np.abs(a - b).mean() > 2, np.abs(a - b).mean()


def _coat_texture_change(kind: str, external_dir: Path, sample: str, slot: str,
                         point) -> float:
    """The mean change of the pixels of a ClearCoatTest sample drawn without one of its
    coat textures (its factor alone)."""
    scene, assets = khronos_scene(external_dir, CLEARCOAT_MODEL)
    assert getattr(material_of(scene, sample), slot) is not None
    scene = only(facing(scene, point, 5.0), sample)
    with_texture = render(kind, scene, assets, size=SIZE).astype(float)
    without = render(kind, with_material(scene, sample, **{slot: None}), assets,
                     size=SIZE).astype(float)
    return float(np.abs(with_texture - without).mean())


def clearcoat_texture_takes_the_coat_away_in_part(kind: str, external_dir: Path) -> None:
    """ClearCoatTest's "partial coating" sample: its coat texture (R) leaves part of the
    capsule uncoated, which changes its reflections against a coat everywhere."""
    change = _coat_texture_change(kind, external_dir, "R1_ClearCoatSample",
                                  "clearcoat_texture", (2.13, 9.4, 0.6))
    assert change > 0.2, change


def clearcoat_roughness_texture_varies_the_coat(kind: str, external_dir: Path) -> None:
    """ClearCoatTest's "roughness variations" sample: roughness factor 1 times a texture (G)
    that is smoother in places, where the coat reflects sharper than a fully rough one."""
    change = _coat_texture_change(kind, external_dir, "R2_ClearCoatSample",
                                  "clearcoat_roughness_texture", (2.13, 7.3, 0.6))
    assert change > 0.2, change


def _chroma(pixels: np.ndarray) -> np.ndarray:
    """Each pixel's colourfulness: its strongest channel less its weakest."""
    return pixels.max(axis=-1) - pixels.min(axis=-1)


def _suzanne(kind: str, external_dir: Path, drawable: str, **changes) -> np.ndarray:
    """The face of one IridescenceSuzanne head-on (its material changed by ``changes``), as
    (N, 3) floats around its nose."""
    scene, assets = khronos_scene(external_dir, IRIDESCENCE_MODEL)
    point = {"Suzanne1": (-3.0, 1.0, 0.8), "Suzanne2": (0.0, 1.0, 0.8)}[drawable]
    scene = with_material(only(facing(scene, point, 4.0), drawable), drawable, **changes)
    return _patch(render(kind, scene, assets, size=SIZE), scene, point, 30)


def iridescence_colours_the_reflection(kind: str, external_dir: Path) -> None:
    """IridescenceSuzanne's grey metal head under a thin film (index 1.33, 400 nm) reflects
    in colours that change over its face (green, violet and red in Khronos' rendering), where
    the same metal without the film reflects grey; its dielectric head is tinted too."""
    scene, _ = khronos_scene(external_dir, IRIDESCENCE_MODEL)
    assert material_of(scene, "Suzanne2").iridescence == 1.0
    for drawable, more in (("Suzanne2", 25.0), ("Suzanne1", 3.0)):
        filmed = _suzanne(kind, external_dir, drawable)
        bare = _suzanne(kind, external_dir, drawable, iridescence=0.0)
        assert _chroma(bare).mean() < 6, (drawable, _chroma(bare).mean())
        assert _chroma(filmed).mean() > _chroma(bare).mean() + more, (
            drawable, _chroma(filmed).mean(), _chroma(bare).mean())
        hues = np.argmax(filmed, axis=-1)[_chroma(filmed) > 20]
        if drawable == "Suzanne2":  # more than one colour: the film's hue turns with the angle
            assert len(set(hues.tolist())) >= 2, np.bincount(hues)


def iridescence_thickness_changes_the_colour(kind: str, external_dir: Path) -> None:
    """The film's thickness sets its colour: the metal head under 250 nm of film reflects
    other colours than under 400 nm, and a thickness texture (the glass head's noise, its
    green from 200 to 600 nm) varies them over the face."""
    scene, _ = khronos_scene(external_dir, IRIDESCENCE_MODEL)
    noise = material_of(scene, "Suzanne3").iridescence_thickness_texture
    assert noise is not None
    thick = _suzanne(kind, external_dir, "Suzanne2").mean(axis=0)
    thin = _suzanne(kind, external_dir, "Suzanne2", iridescence_thickness=(100.0, 250.0))
    assert np.abs(thin.mean(axis=0) - thick).max() > 15, (thin.mean(axis=0), thick)
    even = _suzanne(kind, external_dir, "Suzanne2", iridescence_thickness=(200.0, 600.0))
    textured = _suzanne(kind, external_dir, "Suzanne2", iridescence_thickness=(200.0, 600.0),
                        iridescence_thickness_texture=noise)
    assert np.abs(textured - even).mean() > 8, np.abs(textured - even).mean()


def _avocado_written_as(external_dir: Path, folder: Path, material: dict) -> Path:
    """A copy of the Avocado whose one material is ``material`` (its texture infos may take
    the file's own, ``{"base": ..., "normal": ...}`` by name)."""
    shutil.copytree(external_dir / "khronos" / AVOCADO_FOLDER, folder)
    path = folder / "Avocado.gltf"
    header = json.loads(path.read_text())
    own = header["materials"][0]
    header["materials"] = [{"name": own["name"], "normalTexture": own["normalTexture"],
                            **json.loads(json.dumps(material).replace(
                                '"base"', json.dumps(own["pbrMetallicRoughness"]
                                                     ["baseColorTexture"])))}]
    header["extensionsUsed"] = [*header["extensionsUsed"], SPECULAR_GLOSSINESS]
    path.write_text(json.dumps(header))
    return path


def specular_glossiness_draws_as_its_metal_roughness(kind: str, external_dir: Path,
                                                     tmp_path: Path) -> None:
    """The Avocado written as specular-glossiness (its colour texture as the diffuse texture
    alone, a plastic's 4 % specular, glossiness 0.4) is drawn as the Avocado written as
    metal-roughness (that texture as the base colour, no metal, roughness 0.6): its skin and
    its flesh keep their colours; a gold specular over a black diffuse draws it gold."""
    glossy = _avocado_written_as(external_dir, tmp_path / "glossy", {"extensions": {
        SPECULAR_GLOSSINESS: {"diffuseTexture": "base", "specularFactor": [0.04] * 3,
                              "glossinessFactor": 0.4}}})
    rough = _avocado_written_as(external_dir, tmp_path / "rough", {"pbrMetallicRoughness": {
        "baseColorTexture": "base", "metallicFactor": 0.0, "roughnessFactor": 0.6}})
    gold = _avocado_written_as(external_dir, tmp_path / "gold", {"extensions": {
        SPECULAR_GLOSSINESS: {"diffuseFactor": [0, 0, 0, 1], "specularFactor": [1.0, 0.77, 0.34],
                              "glossinessFactor": 0.6}}})
    images = {}
    for name, path in (("glossy", glossy), ("rough", rough), ("gold", gold)):
        scene, assets = model_file_scene(path)
        images[name] = render(kind, scene, assets, size=SIZE).astype(float)
    avocado = np.abs(images["rough"] - 255.0).max(axis=-1) > 12  # not the white backdrop
    assert avocado.mean() > 0.1
    difference = np.abs(images["glossy"] - images["rough"])[avocado]
    assert difference.mean() < 2, difference.mean()
    # the skin (dark green) and the flesh (yellow-green) both there, as the texture has them
    greens = images["glossy"][avocado]
    assert np.ptp(greens[:, 1]) > 100
    golden = images["gold"][avocado].mean(axis=0)
    assert golden[0] > golden[2] + 40 and golden[1] > golden[2] + 20, golden


def webp_texture_draws_as_its_png(kind: str, external_dir: Path, tmp_path: Path) -> None:
    """The Avocado whose colour texture is a WebP image (EXT_texture_webp, the PNG kept as the
    fallback a viewer without WebP draws) is drawn as the Avocado with its PNG: the WebP is
    the one read (a WebP of other colours changes the drawing)."""
    folder = tmp_path / "webp"
    shutil.copytree(external_dir / "khronos" / AVOCADO_FOLDER, folder)
    path = folder / "Avocado.gltf"
    header = json.loads(path.read_text())
    png = folder / header["images"][0]["uri"]
    with Image.open(png) as image:
        image.save(folder / "colour.webp", lossless=True)
        Image.new("RGB", image.size, (200, 30, 200)).save(folder / "other.webp", lossless=True)
    header["images"] += [{"uri": "colour.webp", "mimeType": "image/webp"},
                         {"uri": "other.webp", "mimeType": "image/webp"}]
    header["extensionsUsed"] = [*header["extensionsUsed"], "EXT_texture_webp"]
    webp = len(header["images"]) - 2
    images = {}
    for name, source in (("png", None), ("webp", webp), ("other", webp + 1)):
        if source is not None:
            header["textures"][0]["extensions"] = {"EXT_texture_webp": {"source": source}}
        path.write_text(json.dumps(header))
        scene, assets = model_file_scene(path)
        images[name] = render(kind, scene, assets, size=SIZE).astype(float)
    avocado = np.abs(images["png"] - 255.0).max(axis=-1) > 12
    assert avocado.mean() > 0.1
    assert np.abs(images["webp"] - images["png"])[avocado].mean() < 1
    assert np.abs(images["other"] - images["png"])[avocado].mean() > 20
