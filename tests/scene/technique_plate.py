"""A flat test part with a text decal in one technique, lit by a studio of one softbox, for
rendering in both renderers and comparing pixels inside and outside the letters' outline.

The plate lies in the XY plane facing +Z; the camera looks at it straight on from +Z. The decal
spans DECAL_HALF in x and y just above it, its artwork's top row at +y. Two environments: MIRROR
has the softbox behind the camera, where a polished plate reflects it; SIDE has it up on the
left (-X), where the mirror sees only the dark studio, but a rough surface still catches it and
relief facing left is lit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from app.assets.mesh import MeshData, TextureImage
from app.domain.colour import linear_to_srgb
from app.domain.product import Technique
from app.personalize.techniques import technique_look
from app.scene.description import (
    IDENTITY,
    Decal,
    Drawable,
    Environment,
    GeometryRef,
    ResolvedMaterial,
    SceneDescription,
    TextureRef,
)
from tests.viewport.scenes import FRONT_CAMERA, write_radiance_hdr

FONT = Path(__file__).resolve().parents[2] / "app/personalize/fonts/LiberationSans-Regular.ttf"
SIZE = (240, 180)
PLATE_HALF = 0.6
DECAL_HALF = (0.5, 0.25)
ARTWORK_PX = (96, 48)  # coarse, so the relief's bevel spans several screen pixels
TEXT = "HI"

STEEL = ResolvedMaterial(id="steel", base_color=(0.6, 0.58, 0.55), metallic=1.0, roughness=0.1)
MATTE = ResolvedMaterial(id="matte", base_color=(0.35, 0.35, 0.35), metallic=0.0,
                         roughness=0.9)
DARK = 0.05
SOFTBOX = 8.0
# (direction towards the softbox, its angular radius in degrees)
MIRROR = ((0.0, 0.0, 1.0), 28.0)
SIDE = ((-1.0, 0.55, 0.35), 22.0)


def write_studio(path: Path, softbox) -> Path:
    """An equirectangular studio (the app's convention: row 0 up, column c looks along azimuth
    atan2(z, x) = 2 pi ((c + 0.5) / W - 0.5)), dark but for one round softbox."""
    toward, radius_deg = softbox
    width, height = 256, 128
    azimuth = 2.0 * np.pi * ((np.arange(width) + 0.5) / width - 0.5)
    elevation = np.pi * (0.5 - (np.arange(height) + 0.5) / height)
    az, el = np.meshgrid(azimuth, elevation)
    d = np.stack([np.cos(el) * np.cos(az), np.sin(el), np.cos(el) * np.sin(az)], axis=-1)
    centre = np.asarray(toward, float) / np.linalg.norm(toward)
    lit = d @ centre > np.cos(np.radians(radius_deg))
    image = np.where(lit[..., None], SOFTBOX, DARK) * np.ones(3)
    return write_radiance_hdr(path, image)


def text_artwork(ink=(0.83, 0.69, 0.22)) -> np.ndarray:
    """``TEXT`` in bold strokes filling the artwork, (H, W, 4) uint8 sRGB with coverage."""
    width, height = ARTWORK_PX
    canvas = Image.new("L", (width, height), 0)
    font = ImageFont.truetype(str(FONT), int(height * 0.95))
    draw = ImageDraw.Draw(canvas)
    draw.text((width / 2, height / 2), TEXT, fill=255, font=font, anchor="mm",
              stroke_width=2, stroke_fill=255)
    alpha = np.asarray(canvas)
    rgba = np.zeros((height, width, 4), np.uint8)
    rgba[..., :3] = np.round(np.asarray(ink) * 255)
    rgba[..., 3] = alpha
    return rgba


class PlateSource:
    """GeometrySource of the plate (the only mesh)."""

    def __init__(self):
        h = PLATE_HALF
        self.plate = MeshData(
            name="plate",
            vertices=np.array([[-h, -h, 0], [h, -h, 0], [h, h, 0], [-h, h, 0]], np.float32),
            faces=np.array([[0, 1, 2], [0, 2, 3]], np.int32),
            normals=np.tile(np.array([0, 0, 1], np.float32), (4, 1)),
            uv=np.array([[0, 1], [1, 1], [1, 0], [0, 0]], np.float32))

    def mesh(self, ref: GeometryRef) -> MeshData:
        return self.plate

    def texture(self, ref: TextureRef) -> TextureImage:
        raise KeyError(ref.source)


def plate_decal(technique: str, surface: ResolvedMaterial, ink=None) -> Decal:
    """The technique's decal made as the scene makes it: the look from the part's material."""
    art = text_artwork()
    look = technique_look(technique, art, px_per_mm=ARTWORK_PX[0] / (2e3 * DECAL_HALF[0]),
                          surface_colour=tuple(linear_to_srgb(c) for c in surface.base_color),
                          surface_metallic=surface.metallic,
                          surface_roughness=surface.roughness, ink=ink)
    w, h = DECAL_HALF
    lift = 2e-4
    return Decal(
        id="zone", drawable_id="plate", technique=technique, key=f"{technique}-{surface.id}",
        geometry_key="plate-quad",
        vertices=np.array([[-w, h, lift], [w, h, lift], [w, -h, lift], [-w, -h, lift]],
                          np.float32),
        faces=np.array([[0, 3, 2], [0, 2, 1]], np.int32),
        normals=np.tile(np.array([0, 0, 1], np.float32), (4, 1)),
        uv=np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32),
        base_color=look.base_color, normal_map=look.normal, orm=look.orm,
        metallic=look.metallic, roughness=look.roughness, normal_scale=look.normal_scale)


def plate_scene(hdr: Path, surface: ResolvedMaterial,
                decal: Decal | None) -> SceneDescription:
    drawable = Drawable(id="plate", part="plate", geometry=GeometryRef("plate.glb", "plate"),
                        material=surface, transform=IDENTITY)
    h = PLATE_HALF
    return SceneDescription(
        product_id="plate", drawables=(drawable,), cameras=(FRONT_CAMERA,),
        environment=Environment(hdr_path=str(hdr), background=(1.0, 1.0, 1.0), ground=False),
        bounds=((-h, -h, 0.0), (h, h, 0.0)),
        decals=() if decal is None else (decal,))


def _artwork_on_screen(values: np.ndarray) -> np.ndarray:
    """``values`` (artwork rows and columns) resampled onto the screen pixels the decal covers
    (straight-on camera: the decal is an axis-aligned rectangle), zero elsewhere."""
    width, height = SIZE
    half_view = FRONT_CAMERA.position[2] * np.tan(np.radians(FRONT_CAMERA.fov_deg / 2))
    px_per_m = (height / 2) / half_view
    w, h = DECAL_HALF
    left, right = width / 2 - w * px_per_m, width / 2 + w * px_per_m
    top, bottom = height / 2 - h * px_per_m, height / 2 + h * px_per_m
    rows = (np.arange(height) + 0.5 - top) / (bottom - top) * values.shape[0]
    cols = (np.arange(width) + 0.5 - left) / (right - left) * values.shape[1]
    inside = ((rows >= 0) & (rows < values.shape[0]))[:, None] & (
        (cols >= 0) & (cols < values.shape[1]))[None, :]
    r = np.clip(rows, 0, values.shape[0] - 1).astype(int)
    c = np.clip(cols, 0, values.shape[1] - 1).astype(int)
    return np.where(inside, values[r[:, None], c[None, :]], 0)


def outline_masks(margin_px: int = 2) -> dict[str, np.ndarray]:
    """Screen masks: ``inside`` the letters and ``outside`` them on the decal's rectangle (each
    ``margin_px`` clear of the outline), and the letters' ``left`` and ``right`` edges (where
    coverage rises and falls going right), for the relief's shading."""
    alpha = text_artwork()[..., 3].astype(np.float32) / 255
    covered = _artwork_on_screen(alpha) > 0.5
    rectangle = _artwork_on_screen(np.ones_like(alpha)) > 0
    grow = ndimage.binary_dilation(covered, iterations=margin_px)
    slope = np.gradient(ndimage.gaussian_filter(alpha, 1.0), axis=1)
    return {
        "inside": ndimage.binary_erosion(covered, iterations=margin_px),
        "outside": ndimage.binary_erosion(rectangle, iterations=margin_px) & ~grow,
        "left": _artwork_on_screen(slope) > 0.08,
        "right": _artwork_on_screen(slope) < -0.08,
    }


def luminance(image) -> np.ndarray:
    """(H, W) float luminance 0..255 of an 8-bit RGB(A) image or array."""
    rgb = np.asarray(image, dtype=np.float64)[..., :3]
    if rgb.max() <= 1.0:
        rgb = rgb * 255.0
    return rgb @ np.array([0.2126, 0.7152, 0.0722])


class PlateRenders:
    """Luminance images of the plate by (technique or None, surface, softbox), each rendered
    once by ``render`` (SceneDescription, GeometrySource -> image)."""

    def __init__(self, folder: Path, render):
        self.hdr = {"mirror": write_studio(folder / "mirror.hdr", MIRROR),
                    "side": write_studio(folder / "side.hdr", SIDE)}
        self.source = PlateSource()
        self.render = render
        self.masks = outline_masks()
        self._done: dict[tuple, np.ndarray] = {}

    def mean(self, technique: str | None, surface: ResolvedMaterial, softbox: str,
             where: str) -> float:
        key = (technique, surface.id, softbox)
        if key not in self._done:
            decal = None if technique is None else plate_decal(technique, surface)
            scene = plate_scene(self.hdr[softbox], surface, decal)
            self._done[key] = luminance(self.render(scene, self.source))
        return float(self._done[key][self.masks[where]].mean())


def assert_engraving_is_a_darker_rougher_cut(renders: PlateRenders) -> None:
    """On polished steel: darker inside the outline where the plate mirrors the softbox, and
    rougher (its brightness follows the softbox's place much less than the polished plate's),
    whatever ink is asked for (an engraving has none)."""
    assert not Technique.engrave.takes_ink
    mirror_in = renders.mean("engrave", STEEL, "mirror", "inside")
    mirror_out = renders.mean("engrave", STEEL, "mirror", "outside")
    side_in = renders.mean("engrave", STEEL, "side", "inside")
    side_out = renders.mean("engrave", STEEL, "side", "outside")
    assert mirror_in < 0.5 * mirror_out, (mirror_in, mirror_out)
    contrast_in, contrast_out = mirror_in / max(side_in, 1.0), mirror_out / max(side_out, 1.0)
    assert contrast_in < 0.7 * contrast_out, (contrast_in, contrast_out)
    plain = renders.mean(None, STEEL, "mirror", "outside")
    assert abs(mirror_out - plain) < 3.0  # outside the letters the plate is untouched


def assert_relief_is_raised_for_emboss_and_sunk_for_engrave(renders: PlateRenders) -> None:
    """With the softbox up on the left, an embossed letter's left edges face it (lit) and its
    right edges turn away; an engraving's walls face the other way; the embossed letter's face
    is the part's own surface."""
    emboss = (renders.mean("emboss", MATTE, "side", "left")
              - renders.mean("emboss", MATTE, "side", "right"))
    engrave = (renders.mean("engrave", MATTE, "side", "left")
               - renders.mean("engrave", MATTE, "side", "right"))
    assert emboss > 25.0, emboss
    assert engrave < -5.0, engrave
    face = renders.mean("emboss", MATTE, "side", "inside")
    around = renders.mean("emboss", MATTE, "side", "outside")
    assert abs(face - around) < 10.0, (face, around)


def assert_foil_is_metallic(renders: PlateRenders) -> None:
    """Foil mirrors the studio: bright where it reflects the softbox, dark where it reflects
    the dark studio, far more so than a print of the same colour."""
    foil = {s: renders.mean("foil", MATTE, s, "inside") for s in ("mirror", "side")}
    printed = {s: renders.mean("print", MATTE, s, "inside") for s in ("mirror", "side")}
    assert foil["mirror"] > printed["mirror"] + 5.0, (foil, printed)
    assert foil["side"] < 0.6 * printed["side"], (foil, printed)
    foil_contrast = foil["mirror"] / max(foil["side"], 1.0)
    print_contrast = printed["mirror"] / max(printed["side"], 1.0)
    assert foil_contrast > 1.8 * print_contrast, (foil_contrast, print_contrast)
