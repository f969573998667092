"""The bitmaps a still prepares from textures are kept between stills: a second still of the
same product prepares nothing again and looks the same; an edited texture or a changed factor
is prepared anew; what is kept stays within its bytes."""

from __future__ import annotations

from argparse import Namespace

import numpy as np
import pytest

from app.assets.mesh import TextureImage
from app.cli.main import build_parser
from app.cli.render import scene_from_args
from app.photoreal import prepared_textures
from app.photoreal.backend import activate_mitsuba
from app.photoreal.material_inputs import linear_rgb
from app.photoreal.materials import MaterialTranslator
from app.photoreal.multiple_scattering import multiple_scattering_gain
from app.photoreal.prepared_textures import PreparedTextures
from app.photoreal.render import render_photoreal
from app.project import BUILT_IN_ROOT
from app.scene.description import ResolvedMaterial, TextureRef, slot
from tests.photoreal.test_model_materials import bitmap_pixels, quad

BASE = TextureRef("test#base", srgb=True)
ORM = TextureRef("test#orm", srgb=False)


def textures(base_value: int = 180, rough_value: int = 200) -> dict[str, TextureImage]:
    base = np.full((8, 8, 3), base_value, np.uint8)
    orm = np.zeros((8, 8, 3), np.uint8)
    orm[..., 1] = rough_value  # roughness
    orm[..., 2] = 255  # metal
    return {"test#base": TextureImage(base, "test#base"),
            "test#orm": TextureImage(orm, "test#orm")}


def metal(**changes) -> ResolvedMaterial:
    fields = {"base_color": (1.0, 1.0, 1.0), "roughness": 1.0, "metallic": 1.0,
              "base_color_texture": slot(BASE),
              "orm_texture": slot(ORM)}
    return ResolvedMaterial("rough_gold", **{**fields, **changes})


def translated(material: ResolvedMaterial, loaded: dict[str, TextureImage],
               kept: PreparedTextures):
    translator = MaterialTranslator(activate_mitsuba(), lambda ref: loaded[ref.source], kept)
    # the principled BSDF, in its three wrappers (normal, sides, diffuse light)
    return translator.for_material(material, quad()).bsdf["bsdf"]["bsdf"]["bsdf"]


def test_a_second_translation_prepares_nothing_again():
    kept, loaded = PreparedTextures(), textures()
    first = translated(metal(), loaded, kept)
    prepared = kept.misses
    assert prepared >= 3  # the base colour (with the metal's gain), roughness and metal
    second = translated(metal(), loaded, kept)
    assert kept.misses == prepared and kept.hits >= prepared
    assert second["base_color"]["bitmap"] is first["base_color"]["bitmap"]


def test_an_edited_texture_is_prepared_anew():
    kept = PreparedTextures()
    dark = bitmap_pixels(translated(metal(), textures(base_value=60), kept)["base_color"])
    # the same file name with other pixels: a designer saved the texture again
    light = bitmap_pixels(translated(metal(), textures(base_value=220), kept)["base_color"])
    assert light.mean() > 3 * dark.mean()


def test_a_changed_factor_is_prepared_anew():
    """The rough metal's base colour carries the light multiple scattering gives back, and
    next to nothing at a smoother metal's roughness."""
    kept, loaded = PreparedTextures(), textures()
    rough = bitmap_pixels(translated(metal(), loaded, kept)["base_color"])
    smooth = bitmap_pixels(translated(metal(roughness=0.2), loaded, kept)["base_color"])
    colour = float(linear_rgb(loaded["test#base"].pixels).mean())
    gain = float(multiple_scattering_gain(colour, 200 / 255, 1.0))
    assert gain > 1.15  # a metal at roughness 200/255
    np.testing.assert_allclose(rough.mean(), colour * gain, rtol=0.02)
    np.testing.assert_allclose(smooth.mean(), colour, rtol=0.02)


def test_kept_within_its_bytes_least_recently_used_dropped_first():
    mi = activate_mitsuba()
    one = np.zeros((16, 16, 3), np.float32)
    kept = PreparedTextures(max_bytes=3 * one.nbytes)
    for name in "abc":
        kept.bitmap(mi, name, one)
    kept.bitmap(mi, "a", one)  # used again: kept longer than b
    kept.bitmap(mi, "d", one)
    assert kept.bytes <= 3 * one.nbytes and len(kept) == 3
    misses = kept.misses
    kept.bitmap(mi, "a", one)
    kept.bitmap(mi, "c", one)
    assert kept.misses == misses  # a and c were kept
    kept.bitmap(mi, "b", lambda: one)
    assert kept.misses == misses + 1  # b was dropped


def test_pixels_are_made_only_when_not_kept():
    mi, kept, made = activate_mitsuba(), PreparedTextures(), []

    def make() -> np.ndarray:
        made.append(1)
        return np.ones((2, 2, 1), np.float32)

    kept.bitmap(mi, "x", make)
    kept.bitmap(mi, "x", make)
    assert made == [1]


@pytest.fixture
def fresh_prepared(monkeypatch) -> PreparedTextures:
    kept = PreparedTextures()
    monkeypatch.setattr(prepared_textures, "PREPARED", kept)
    return kept


def test_a_second_still_of_a_textured_model_looks_the_same(external_dir, fresh_prepared):
    model = external_dir / "khronos/DamagedHelmet/glTF-Binary/DamagedHelmet.glb"
    args: Namespace = build_parser().parse_args(
        ["render", "--model", str(model), "--out", "unused.png", "--transparent"])
    scene, assets = scene_from_args(args, BUILT_IN_ROOT)

    def still():
        return render_photoreal(scene, assets, size=(96, 72), spp=4, transparent=True)

    first = still()
    prepared = fresh_prepared.misses
    assert prepared >= 4  # colour, roughness, metal, normal map (and emission)
    second = still()
    assert fresh_prepared.misses == prepared
    covered = first.display[..., 3] > 0.5
    assert covered.mean() > 0.2
    difference = np.abs(first.display[..., :3] - second.display[..., :3])[covered]
    assert float(difference.mean()) < 0.01
