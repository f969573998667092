"""Khronos glTF sample models as scenes, drawn by either renderer, for material feature tests.

A scene comes from ``model_scene`` (the materials the file declares, resolved as the app does)
with a camera looking straight at the point a test studies; ``render`` draws it live (VTK) or
photoreal (Mitsuba, few samples) and returns (H, W, 3) uint8 pixels.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from app.assets.mesh import MeshData, TextureImage
from app.assets.store import AssetStore
from app.scene.description import (
    Camera,
    Environment,
    GeometryRef,
    ResolvedMaterial,
    SceneDescription,
    TextureRef,
)
from app.scene.model_scene import model_scene

BUILTIN_HDR = Path(__file__).resolve().parents[1] / "app/builtin/assets/environments/studio.hdr"
RENDERERS = ["live", "photoreal"]


def khronos_scene(external_dir: Path, relative: str) -> tuple[SceneDescription, AssetStore]:
    return model_file_scene(external_dir / "khronos" / relative)


def model_file_scene(path: Path) -> tuple[SceneDescription, AssetStore]:
    """The model file ``path`` as the app draws it, over white, without a ground."""
    assets = AssetStore([path.parent])
    environment = Environment(hdr_path=str(BUILTIN_HDR), background=(1.0, 1.0, 1.0),
                              ground=False)
    return model_scene(path, assets, environment), assets


def facing(scene: SceneDescription, target, distance: float, fov_deg: float = 30.0
           ) -> SceneDescription:
    """``scene`` seen head-on (looking down -z) at ``target``, from ``distance`` away."""
    x, y, z = (float(v) for v in target)
    camera = Camera("front", "front", (x, y, z + distance), (x, y, z), fov_deg=fov_deg)
    return replace(scene, cameras=(camera,))


def pixel_of(scene: SceneDescription, point, size: tuple[int, int]) -> tuple[int, int]:
    """(row, column) where the head-on camera of ``facing`` sees ``point``."""
    camera = scene.cameras[0]
    width, height = size
    offset = np.asarray(point, float) - np.asarray(camera.position, float)
    scale = (height / 2) / math.tan(math.radians(camera.fov_deg) / 2) / -offset[2]
    return (int(round(height / 2 - offset[1] * scale)),
            int(round(width / 2 + offset[0] * scale)))


def with_material(scene: SceneDescription, drawable_id: str, **changes) -> SceneDescription:
    drawables = tuple(replace(d, material=replace(d.material, **changes))
                      if d.id == drawable_id else d for d in scene.drawables)
    return replace(scene, drawables=drawables)


def material_of(scene: SceneDescription, drawable_id: str) -> ResolvedMaterial:
    return scene.drawable(drawable_id).material


def only(scene: SceneDescription, *drawable_ids: str) -> SceneDescription:
    return replace(scene, drawables=tuple(replace(d, visible=d.id in drawable_ids)
                                          for d in scene.drawables))


def render(kind: str, scene: SceneDescription, source, size: tuple[int, int] = (240, 180),
           spp: int = 8) -> np.ndarray:
    if kind == "live":
        from app.viewport.still import render_still

        return np.asarray(render_still(scene, source, size=size, supersample=1))[..., :3]
    from app.photoreal.render import render_photoreal

    image = render_photoreal(scene, source, size=size, spp=spp)
    return np.round(np.clip(image.display[..., :3], 0, 1) * 255).astype(np.uint8)


def drawn_apart(kind: str, first: Path, second: Path, size: tuple[int, int] = (120, 90)
                ) -> tuple[float, float]:
    """Two model files drawn by ``kind`` over white: the share of the picture the first's
    product fills, and the mean difference (0..255 per channel) of the two there."""
    pictures = []
    for path in (first, second):
        scene, assets = model_file_scene(path)
        pictures.append(render(kind, scene, assets, size=size).astype(float))
    product = (pictures[0] < 250).any(axis=-1)
    return float(product.mean()), float(np.abs(pictures[0] - pictures[1])[product].mean())


class MeshOverride:
    """A geometry source that serves some meshes changed (e.g. other UVs), the rest as is, and
    images of its own for the texture sources ``images`` names."""

    def __init__(self, assets: AssetStore, changes: dict[str, dict],
                 images: dict[str, np.ndarray] | None = None):
        self._assets = assets
        self._changes = changes
        self._images = images or {}

    def mesh(self, ref: GeometryRef) -> MeshData:
        mesh = self._assets.mesh(ref)
        return replace(mesh, **self._changes[ref.node]) if ref.node in self._changes else mesh

    def texture(self, ref: TextureRef) -> TextureImage:
        if ref.source in self._images:
            return TextureImage(pixels=self._images[ref.source], source=ref.source)
        return self._assets.texture(ref)


def saturated(pixels: np.ndarray, level: int = 90) -> float:
    """The share of strongly coloured pixels (max - min channel above ``level``)."""
    pixels = np.asarray(pixels, dtype=int)
    return float(((pixels.max(axis=-1) - pixels.min(axis=-1)) > level).mean())


# checks shared by the live view's and the photoreal still's tests -----------------------------

ALPHA_MODEL = "AlphaBlendModeTest/glTF-Binary/AlphaBlendModeTest.glb"
EMISSIVE_MODEL = "EmissiveStrengthTest/glTF-Binary/EmissiveStrengthTest.glb"
TRANSFORM_MODEL = "TextureTransformTest/glTF/TextureTransformTest.gltf"
MULTI_UV_MODEL = "MultiUVTest/glTF-Binary/MultiUVTest.glb"


def _striped_rows(kind: str, scene: SceneDescription, source, panel_x: float) -> int:
    """How many image rows show the AlphaBlendModeTest panel's stripes (its texture is blue
    and yellow stripes whose alpha runs from 0 at the top to 1 at the bottom)."""
    size = (160, 200)
    image = render(kind, scene, source, size=size)
    _, left = pixel_of(scene, (panel_x, 1.0, 0.1), size)
    _, right = pixel_of(scene, (panel_x + 0.4, 1.0, 0.1), size)
    return sum(saturated(image[row, left:right]) > 0.5 for row in range(size[1]))


def check_mask_cuts_at_the_cutoff(kind: str, external_dir: Path) -> None:
    scene, assets = khronos_scene(external_dir, ALPHA_MODEL)
    scene = facing(scene, (0.0, 1.13, 0.1), 4.5)
    panel = "TestCutoff25"
    assert material_of(scene, panel).alpha_mode == "MASK"
    whole = _striped_rows(kind, with_material(scene, panel, alpha_mode="OPAQUE"), assets, 0.0)
    assert whole > 80
    for cutoff in (0.25, 0.75):
        kept = _striped_rows(kind, with_material(scene, panel, alpha_cutoff=cutoff), assets,
                             0.0)
        assert abs((1.0 - kept / whole) - cutoff) < 0.06, (cutoff, kept, whole)


def check_blend_shows_what_lies_behind(kind: str, external_dir: Path) -> None:
    scene, assets = khronos_scene(external_dir, ALPHA_MODEL)
    scene = facing(scene, (-1.5, 1.13, 0.1), 4.5)
    panel = "TestBlend"
    assert material_of(scene, panel).alpha_mode == "BLEND"
    whole = _striped_rows(kind, with_material(scene, panel, alpha_mode="OPAQUE"), assets, -1.5)
    blended = _striped_rows(kind, scene, assets, -1.5)
    # where the texture is nearly transparent (top) the backdrop shows; where opaque, stripes
    assert 0.15 * whole < blended < 0.7 * whole, (blended, whole)


def check_emissive_factor_glows_without_a_texture(kind: str, external_dir: Path) -> None:
    scene, assets = khronos_scene(external_dir, EMISSIVE_MODEL)
    scene = facing(scene, (0.0, 6.0, 0.5), 20.0)
    dark = scene
    for cube in ("Cube1", "Cube2", "Cube4", "Cube8", "Cube16"):
        assert material_of(scene, cube).emissive_texture is None
        dark = with_material(dark, cube, emissive=(0.0, 0.0, 0.0))
    size = (240, 120)

    def cube_colours(s: SceneDescription) -> dict[str, np.ndarray]:
        image = render(kind, s, assets, size=size).astype(float)
        found = {}
        for cube, x in (("Cube1", -6.0), ("Cube16", 6.0)):
            row, column = pixel_of(s, (x, 6.0, 0.5), size)
            found[cube] = image[row - 2:row + 3, column - 2:column + 3].reshape(-1, 3).mean(0)
        return found

    glowing, black = cube_colours(scene), cube_colours(dark)
    weak, strong = glowing["Cube1"], glowing["Cube16"]
    assert weak[2] > 200 and weak[2] > weak[0] + 100  # emissive (0.1, 0.5, 0.9): blue
    assert strong.sum() > weak.sum() + 150  # emissiveStrength 16 against 1
    assert black["Cube1"].max() < 60 and black["Cube16"].max() < 60  # base colour black


def check_texture_transform_moves_the_texture(kind: str, external_dir: Path) -> None:
    """The "Offset U" tile shows a check mark on green when its texture is offset by half its
    width (as Khronos' screenshot shows it), a yellow "not supported" sign when it is not."""
    from app.scene.description import TextureMapping

    scene, assets = khronos_scene(external_dir, TRANSFORM_MODEL)
    scene = only(facing(scene, (-1.1, 1.691, 0.0), 6.0, fov_deg=11.0), "Offset U")
    texture = material_of(scene, "Offset U").base_color_texture
    assert tuple(texture.transform.offset) == (0.5, 0.0)
    plain = with_material(scene, "Offset U",
                          base_color_texture=replace(texture, mapping=TextureMapping()))
    size = (160, 160)
    moved_tile = render(kind, scene, assets, size=size)[20:140, 20:140].reshape(-1, 3)
    plain_tile = render(kind, plain, assets, size=size)[20:140, 20:140].reshape(-1, 3)

    def green(pixels: np.ndarray) -> float:
        p = pixels.astype(int)
        return float(((p[:, 1] > p[:, 0] + 80) & (p[:, 1] > p[:, 2] + 80)).mean())

    def yellow(pixels: np.ndarray) -> float:
        p = pixels.astype(int)
        return float(((p[:, 0] > p[:, 2] + 80) & (p[:, 1] > p[:, 2] + 80)).mean())

    assert green(moved_tile) > 0.5 and yellow(moved_tile) < 0.05
    assert yellow(plain_tile) > 0.5 and green(plain_tile) < 0.05


def check_second_uv_set_maps_the_second_texture(kind: str, external_dir: Path) -> None:
    """MultiUVTest's emissive texture reads TEXCOORD_1 (a glTF logo); read through the first
    UV set it shows "Multiple UVs not supported in this viewer". With the base colour black,
    drawing it through UV set 1 equals drawing it through a first UV set that holds UV set 1."""
    from app.scene.description import TextureMapping

    scene, assets = khronos_scene(external_dir, MULTI_UV_MODEL)
    scene = facing(scene, (0.0, 1.0, 1.0), 5.0)
    emissive = material_of(scene, "Cube").emissive_texture
    assert emissive.texcoord == 1
    second = with_material(scene, "Cube", base_color_texture=None, base_color=(0.0, 0.0, 0.0))
    first = with_material(second, "Cube",
                          emissive_texture=replace(emissive, mapping=TextureMapping()))
    mesh = assets.mesh(scene.drawable("Cube").geometry)
    assert mesh.uv1 is not None
    swapped = MeshOverride(assets, {"Cube": {"uv": mesh.uv1, "uv1": None}})
    size = (160, 160)
    through_second = render(kind, second, assets, size=size).astype(int)
    through_swapped = render(kind, first, swapped, size=size).astype(int)
    through_first = render(kind, first, assets, size=size).astype(int)
    assert np.abs(through_second - through_swapped).max(axis=-1).mean() < 1.0
    changed = (np.abs(through_second - through_first).max(axis=-1) > 40).mean()
    assert changed > 0.03, changed


def check_each_texture_reads_its_own_uv_set(kind: str, external_dir: Path) -> None:
    """A base colour texture on the first UV set and a metallic-roughness texture on the
    second (as Blender writes a baked roughness map on its own UV map): MultiUVTest's second
    image as the metallic-roughness, its white text metal and rough on smooth plastic. Read
    through UV set 1 it shows the glTF logo on the face, through UV set 0 the text "Multiple
    UVs not supported". Swapping the mesh's two UV sets and the two textures' sets draws the
    same picture."""
    from app.scene.description import TextureRef

    scene, assets = khronos_scene(external_dir, MULTI_UV_MODEL)
    scene = facing(scene, (0.0, 1.0, 1.0), 5.0)
    material = material_of(scene, "Cube")
    image, logo = material.base_color_texture, material.emissive_texture
    logo = replace(logo, texture=TextureRef(source=logo.texture.source, srgb=False))

    def on(slot, texcoord: int):
        return replace(slot, mapping=replace(slot.mapping, texcoord=texcoord))

    def drawn(base_set: int, orm_set: int) -> SceneDescription:
        return with_material(scene, "Cube", emissive_texture=None, emissive=(0.0, 0.0, 0.0),
                             metallic=1.0, roughness=0.0, base_color_texture=on(image, base_set),
                             orm_texture=on(logo, orm_set))

    mesh = assets.mesh(scene.drawable("Cube").geometry)
    swapped = MeshOverride(assets, {"Cube": {"uv": mesh.uv1, "uv1": mesh.uv}})
    own_sets, first_set = _drawn_through_their_sets(kind, drawn, assets, swapped)
    text = (np.abs(own_sets - first_set).max(axis=-1) > 40).mean()
    assert text > 0.02, text


def _drawn_through_their_sets(kind: str, drawn, source, swapped) -> tuple[np.ndarray, ...]:
    """(two textures each on its own UV set, ``drawn(0, 1)``; both on the first set,
    ``drawn(0, 0)``), 160x160, after checking that the first equals ``drawn(1, 0)`` over
    ``swapped``, the mesh's two sets swapped."""
    own_sets, sets_swapped, first_set = (
        render(kind, scene, geometry, size=(160, 160)).astype(int)
        for scene, geometry in ((drawn(0, 1), source), (drawn(1, 0), swapped),
                                (drawn(0, 0), source)))
    assert np.abs(own_sets - sets_swapped).max(axis=-1).mean() < 1.0
    return own_sets, first_set


def check_a_normal_map_turns_with_its_own_uv_set(kind: str, external_dir: Path) -> None:
    """A normal map's tangent frame follows the UV set the normal texture reads, as glTF
    says, not the set the other textures read: MultiUVTest's cube with a second UV set that
    is its first turned a quarter, a base colour texture on the first set and a normal map
    that tilts every normal along its tangent, read through the second set. Swapping the
    mesh's two sets and the two textures' sets draws the same picture; reading the normal map
    through the first set turns the tilt a quarter and changes the light."""
    from app.scene.description import TextureRef, TextureSlot

    scene, assets = khronos_scene(external_dir, MULTI_UV_MODEL)
    scene = facing(scene, (0.0, 1.0, 1.0), 5.0)
    image = material_of(scene, "Cube").base_color_texture
    tilt = np.empty((8, 8, 3), np.uint8)  # tangent space (0.6, 0, 0.8), glTF's encoding
    tilt[...] = (204, 128, 230)
    tilted = TextureSlot(TextureRef(source="tilted normals", srgb=False))

    def on(slot, texcoord: int):
        return replace(slot, mapping=replace(slot.mapping, texcoord=texcoord))

    def drawn(base_set: int, normal_set: int) -> SceneDescription:
        return with_material(scene, "Cube", emissive_texture=None, emissive=(0.0, 0.0, 0.0),
                             metallic=1.0, roughness=0.25, orm_texture=None,
                             base_color_texture=on(image, base_set),
                             normal_texture=on(tilted, normal_set))

    mesh = assets.mesh(scene.drawable("Cube").geometry)
    turned = np.stack([mesh.uv[:, 1], 1.0 - mesh.uv[:, 0]], axis=1)
    images = {"tilted normals": tilt}
    second = MeshOverride(assets, {"Cube": {"uv1": turned}}, images)
    swapped = MeshOverride(assets, {"Cube": {"uv": turned, "uv1": mesh.uv}}, images)
    own_sets, first_set = _drawn_through_their_sets(kind, drawn, second, swapped)
    changed = (np.abs(own_sets - first_set).max(axis=-1) > 30).mean()
    assert changed > 0.1, changed


BLENDER_NORMAL_UV1 = Path(__file__).parent / "assets" / "blender" / "normal_uv1.glb"


def check_a_blender_normal_map_on_its_second_uv_map(kind: str, folder: Path) -> None:
    """Blender's cube whose normal map reads its second UV map (the first turned a quarter):
    drawn as the same file with its two UV sets swapped and the map on the first; read
    through the first map instead, its ridges turn a quarter and the light changes."""
    from app.assets.gltf_document import document_bytes, split_glb

    header, binary = split_glb(BLENDER_NORMAL_UV1.read_bytes(), BLENDER_NORMAL_UV1)

    def written(name: str, swap: bool, texcoord: int) -> Path:
        changed = json.loads(json.dumps(header))
        attributes = changed["meshes"][0]["primitives"][0]["attributes"]
        if swap:
            attributes["TEXCOORD_0"], attributes["TEXCOORD_1"] = (attributes["TEXCOORD_1"],
                                                                  attributes["TEXCOORD_0"])
        changed["materials"][0]["normalTexture"]["texCoord"] = texcoord
        path = folder / name
        path.write_bytes(document_bytes(changed, binary))
        return path

    def drawn(path: Path) -> np.ndarray:
        scene, assets = model_file_scene(path)
        return render(kind, scene, assets, size=(160, 120), spp=16).astype(int)

    own = drawn(BLENDER_NORMAL_UV1)
    swapped = drawn(written("swapped.glb", True, 0))
    wrong_set = drawn(written("first.glb", False, 0))
    assert np.abs(own - swapped).max(axis=-1).mean() < 1.0
    changed = (np.abs(own - wrong_set).max(axis=-1) > 30).mean()
    assert changed > 0.05, changed


TEXCOORD_MODEL = "TextureCoordinateTest/glTF-Binary/TextureCoordinateTest.glb"


def check_texture_coordinates_keep_the_image_upright(kind: str, external_dir: Path) -> None:
    """Each TextureCoordinateTest tile has its chequered corner where its name says (top left,
    ...), as in Khronos' screenshot: UVs read from the file keep glTF's orientation."""
    scene, assets = khronos_scene(external_dir, TEXCOORD_MODEL)
    scene = facing(scene, (0.0, 1.2, 0.03), 5.0)
    size = (200, 200)
    image = render(kind, scene, assets, size=size).astype(int)
    dark = image.max(axis=-1) < 70
    for name, (x, y) in {"TopLeft": (-0.7, 1.9), "TopRight": (0.7, 1.9),
                         "BottomLeft": (-0.7, 0.5), "BottomRight": (0.7, 0.5)}.items():
        top, left = pixel_of(scene, (x - 0.4, y + 0.4, 0.03), size)
        bottom, right = pixel_of(scene, (x + 0.4, y - 0.4, 0.03), size)
        middle_row, middle_column = (top + bottom) // 2, (left + right) // 2
        quadrants = {
            "TopLeft": dark[top:middle_row, left:middle_column].mean(),
            "TopRight": dark[top:middle_row, middle_column:right].mean(),
            "BottomLeft": dark[middle_row:bottom, left:middle_column].mean(),
            "BottomRight": dark[middle_row:bottom, middle_column:right].mean(),
        }
        assert max(quadrants, key=quadrants.get) == name, (name, quadrants)


VERTEX_COLOR_MODEL = "VertexColorTest/glTF-Binary/VertexColorTest.glb"


def _failure_marks(image: np.ndarray) -> float:
    """Share of pixels in the colours of VertexColorTest's crosses (cyan, magenta, yellow),
    which show where a renderer draws the texture without the vertex colours."""
    r, g, b = (image[..., i].astype(int) for i in range(3))
    low, high = 100, 150
    cyan = (r < low) & (g > high) & (b > high)
    magenta = (r > high) & (g < low) & (b > high)
    yellow = (r > high) & (g > high) & (b < low)
    return float((cyan | magenta | yellow).mean())


def check_vertex_colours_multiply_the_base_colour(kind: str, external_dir: Path) -> None:
    """VertexColorTest's top row draws a tick in the vertex colour where COLOR_0 multiplies
    the base colour texture, a cross in the complementary colour where it is left out."""
    scene, assets = khronos_scene(external_dir, VERTEX_COLOR_MODEL)
    coloured = [d.id for d in scene.drawables if d.material.vertex_colors]
    assert coloured, "the model's materials read its vertex colours"
    without = scene
    for drawable_id in coloured:
        without = with_material(without, drawable_id, vertex_colors=False)
    size = (320, 240)
    assert _failure_marks(render(kind, without, assets, size=size)) > 0.004
    assert _failure_marks(render(kind, scene, assets, size=size)) < 0.0005


MIRROR_MODEL = "NormalTangentMirrorTest/glTF-Binary/NormalTangentMirrorTest.glb"


def _likeness(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two patterns of light (1: alike, -1: one the other's negative)."""
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum() + 1e-12))


def check_mirrored_uvs_keep_the_bumps(kind: str, external_dir: Path) -> None:
    """NormalTangentMirrorTest's normal-mapped bumps are lit alike whether their UVs run as
    usual ("Normal") or mirrored ("V Mirror", "U Mirror"): the normal map's y follows the
    UVs' handedness. Drawn with the bitangent as cross(normal, tangent) alone, a mirrored
    bump is lit as a dent (its light pattern the usual one's negative, or far from it)."""
    scene, assets = khronos_scene(external_dir, MIRROR_MODEL)
    size = (96, 96)
    for y in (2.03, 1.23, 0.43):  # three of the five rows
        tiles = {}
        for column, x in (("Normal", -0.97), ("V Mirror", -0.65), ("U Mirror", -0.32)):
            image = render(kind, facing(scene, (x, y, 0.0), 0.8), assets, size=size)
            light = image.astype(float) @ np.array([0.2126, 0.7152, 0.0722])
            tiles[column] = light[24:72, 24:72]  # the bump in the middle of its tile
        for column in ("V Mirror", "U Mirror"):
            likeness = _likeness(tiles["Normal"], tiles[column])
            assert likeness > 0.88, (y, column, likeness)


TEXTURE_SETTINGS_MODEL = "TextureSettingsTest/glTF-Binary/TextureSettingsTest.glb"


def _red_share(image: np.ndarray) -> float:
    """Share of pixels in the red of TextureSettingsTest's failure marks (crosses, squares)."""
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return float(((r > 150) & (g < 90) & (b < 90)).mean())


def check_samplers_wrap_each_axis_its_own_way(kind: str, external_dir: Path) -> None:
    """TextureSettingsTest's "t" rows wrap their textures one way across and another down
    (clamp, repeat, mirror): each shows a green tick where both are honoured, red where the
    texture is wrapped one way both ways. The one red cross left is its single-sided row,
    whose back face both renderers draw (an opaque material)."""
    scene, assets = khronos_scene(external_dir, TEXTURE_SETTINGS_MODEL)
    samplers = {(d.material.base_color_texture.sampler.wrap_s,
                 d.material.base_color_texture.sampler.wrap_t)
                for d in scene.drawables if d.material.base_color_texture is not None}
    assert any(s != t for s, t in samplers), "the model wraps some textures per axis"
    image = render(kind, scene, assets, size=(320, 240), spp=4)
    # one cross (the single-sided row) is 0.0004 of the image, four marks 0.0033
    assert _red_share(image) < 0.001


def check_an_obj_maps_scale_tiles_its_texture(kind: str, folder: Path) -> None:
    """A quad of an OBJ whose map_Kd is half red and half blue across: drawn once across
    (red then blue), and with ``-s 2 1`` twice (red, blue, red, blue), as Blender's importer
    draws it (a Mapping node of that scale)."""
    halves = np.zeros((4, 8, 3), np.uint8)
    halves[:, :4] = (230, 20, 20)
    halves[:, 4:] = (20, 20, 230)
    Image.fromarray(halves).save(folder / "halves.png")
    (folder / "quad.obj").write_text("mtllib quad.mtl\nusemtl a\nv -0.5 0 0\nv 0.5 0 0\n"
                                     "v 0.5 1 0\nv -0.5 1 0\nvt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
                                     "f 1/1 2/2 3/3 4/4\n")
    runs = []
    for options in ("", "-s 2 1 "):
        (folder / "quad.mtl").write_text(f"newmtl a\nKd 1 1 1\nmap_Kd {options}halves.png\n")
        scene, assets = model_file_scene(folder / "quad.obj")
        scene = facing(scene, (0.0, 0.5, 0.0), 2.0)
        row = render(kind, scene, assets, size=(160, 160), spp=4)[80, 14:146].astype(int)
        red = row[:, 0] > row[:, 2] + 60
        blue = row[:, 2] > row[:, 0] + 60
        assert (red | blue).mean() > 0.9, row  # the rest: where the filter blends the two
        seen = red[red | blue]
        runs.append(1 + int(np.count_nonzero(seen[1:] != seen[:-1])))
    assert runs == [2, 4], runs


def check_vertex_colours_colour_a_plain_base_colour(kind: str, folder: Path) -> None:
    """A quad whose COLOR_0 is red along its left edge and green along its right, under a
    plain base colour (no texture, as three.js writes ``vertexColors``): red on the left,
    green on the right, the mix between."""
    from tests.assets.conftest import write_gltf

    path = write_gltf(folder / "quad.gltf", meshes=[{"name": "quad", "primitives": [{
        "positions": [(-0.5, 0, 0), (0.5, 0, 0), (0.5, 1, 0), (-0.5, 1, 0)],
        "normals": [(0, 0, 1)] * 4, "indices": [(0, 1, 2), (0, 2, 3)], "material": 0,
        "colors": np.array([(1, 0, 0), (0, 1, 0), (0, 1, 0), (1, 0, 0)], np.float32)}]}],
        materials=[{"name": "painted", "doubleSided": True,
                    "pbrMetallicRoughness": {"baseColorFactor": [0.9, 0.9, 0.9, 1.0],
                                             "metallicFactor": 0.0, "roughnessFactor": 0.8}}])
    scene, assets = model_file_scene(path)
    scene = facing(scene, (0.0, 0.5, 0.0), 2.0)
    row = render(kind, scene, assets, size=(160, 160), spp=4)[80, 20:140].astype(int)
    left, right = row[:20].mean(axis=0), row[-20:].mean(axis=0)
    assert left[0] > left[1] + 80 and right[1] > right[0] + 80, (left, right)
