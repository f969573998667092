"""Each technique's look, measured on a raised square of artwork."""

import numpy as np
import pytest

from app.personalize.techniques import (
    EMBOSS_SHOULDER_MM,
    GOLD,
    height_normals,
    technique_look,
)

INK = (200, 30, 40)


def square_artwork(size=64, inset=16) -> np.ndarray:
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., :3] = INK
    rgba[inset:-inset, inset:-inset, 3] = 255
    return rgba


def decoded(normal_map: np.ndarray) -> np.ndarray:
    return normal_map.astype(float) / 255 * 2 - 1


def test_print_keeps_the_ink_and_the_coverage_and_stays_flat():
    art = square_artwork()
    look = technique_look("print", art)
    assert np.array_equal(look.base_color, art)
    assert look.normal.shape == (1, 1, 3) and np.all(look.normal == (128, 128, 255))
    assert look.orm[0, 0, 2] == 0 and 0.3 < look.orm[0, 0, 1] / 255 * look.roughness < 0.6


def test_engrave_is_darker_rougher_and_recessed():
    look = technique_look("engrave", square_artwork(), surface_colour=(0.9, 0.9, 0.9))
    inside = look.base_color[32, 32]
    assert inside[3] == 255 and inside[0] < 0.5 * 0.9 * 255  # darker than the surface
    assert look.orm[32, 32, 1] / 255 > 0.75  # rough
    assert look.orm[32, 32, 0] < 255  # occluded in the groove
    n = decoded(look.normal)
    # a groove: at the left wall (x = 16) the surface leans right (+x), at the top wall +y is
    # towards the image's top row, so a groove's top wall leans down (-y)
    assert n[32, 16, 0] > 0.2 and n[16, 32, 1] < -0.2
    assert np.allclose(n[32, 32], [0, 0, 1], atol=0.02)  # flat at the bottom


def test_emboss_is_raised_the_opposite_way_to_engraving():
    art = square_artwork()
    # at one pixel per millimetre the embossing's shoulder is its least, the engraving's bevel
    emboss = decoded(technique_look("emboss", art, px_per_mm=1.0).normal)
    engrave = decoded(technique_look("engrave", art, px_per_mm=1.0).normal)
    assert emboss[32, 16, 0] < -0.2 and emboss[16, 32, 1] > 0.2
    assert np.allclose(emboss[..., :2], -engrave[..., :2], atol=0.02)
    colour = technique_look("emboss", art, surface_colour=(0.2, 0.4, 0.6)).base_color[32, 32]
    assert tuple(colour[:3]) == (51, 102, 153)  # the part's own colour, raised


@pytest.mark.parametrize("px_per_mm", [4.0, 8.0, 16.0])
def test_an_embossing_s_shoulder_is_the_same_width_on_the_part_at_any_artwork_density(px_per_mm):
    """Pressed leather rises over about EMBOSS_SHOULDER_MM whatever the artwork's resolution, so
    a large zone seen whole (a seat back, a few millimetres a screen pixel) still shows it."""
    size = round(40 * px_per_mm)
    art = square_artwork(size=size, inset=size // 4)
    tilt = decoded(technique_look("emboss", art, px_per_mm=px_per_mm).normal)[size // 2, :, 0]
    sloped_mm = np.count_nonzero(np.abs(tilt) > 0.05) / 2 / px_per_mm  # one side's width
    assert EMBOSS_SHOULDER_MM - 0.5 <= sloped_mm <= EMBOSS_SHOULDER_MM + 0.5, sloped_mm
    assert 0.6 < np.abs(tilt).max() < 0.75  # about 42 degrees at its steepest, any density
    assert tilt[size // 4 - 1] < -0.5  # its left shoulder leans left


def test_foil_is_metallic_and_smooth_in_gold_or_the_chosen_ink():
    look = technique_look("foil", square_artwork())
    assert look.orm[0, 0, 2] == 255 and look.orm[0, 0, 1] / 255 < 0.3
    assert np.allclose(look.base_color[32, 32, :3] / 255, GOLD, atol=1 / 255)
    silver = technique_look("foil", square_artwork(), ink=(0.75, 0.75, 0.78))
    assert tuple(silver.base_color[32, 32, :3]) == (191, 191, 199)


def test_embroidery_has_a_stitch_pattern_in_the_thread_colour_and_relief():
    look = technique_look("embroider", square_artwork())
    thread = look.base_color[20:44, 20:44, :3].astype(float)
    assert thread[..., 0].std() > 10  # stitches, not a flat fill
    assert np.all(thread[..., 0] > thread[..., 1])  # still the red thread
    n = decoded(look.normal)
    assert np.abs(n[20:44, 20:44, :2]).max() > 0.2  # relief inside the shape
    assert look.orm[32, 32, 1] / 255 > 0.8 and look.orm[32, 32, 2] == 0


def test_the_artwork_outside_the_shape_stays_transparent_for_every_technique():
    for technique in ("print", "engrave", "emboss", "foil", "embroider"):
        look = technique_look(technique, square_artwork())
        assert look.base_color[2, 2, 3] == 0, technique
        assert look.base_color.shape == (64, 64, 4)
        assert look.orm.shape in ((64, 64, 3), (1, 1, 3))  # a constant map is one pixel


def test_height_normals_of_a_ramp_lean_downhill():
    ramp = np.tile(np.arange(8, dtype=float), (8, 1))  # higher towards the right
    n = decoded(height_normals(ramp, strength=0.5))
    assert n[4, 4, 0] < -0.3 and abs(n[4, 4, 1]) < 0.01


def test_bad_artwork_and_unknown_techniques_are_refused():
    with pytest.raises(ValueError, match="uint8"):
        technique_look("print", np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError):
        technique_look("stamp", square_artwork())


def test_engraving_and_embossing_keep_the_parts_metal():
    """A cut into steel is steel (darker, rougher); an embossing is the part raised."""
    art = square_artwork()
    cut = technique_look("engrave", art, surface_colour=(0.8, 0.8, 0.8), surface_metallic=1.0,
                         surface_roughness=0.1)
    assert cut.orm[32, 32, 2] == 255 and cut.orm[32, 32, 1] / 255 > 0.75
    raised = technique_look("emboss", art, surface_metallic=1.0, surface_roughness=0.2)
    assert raised.orm[0, 0, 2] == 255 and abs(raised.orm[0, 0, 1] / 255 - 0.2) < 1 / 255
    rough = technique_look("engrave", art, surface_roughness=0.95)
    assert rough.orm[32, 32, 1] / 255 > 0.94  # never smoother than the part


def test_embroidery_threads_keep_their_size_on_the_part_at_any_artwork_density():
    """The satin threads are spaced in millimetres: twice the pixels per millimetre, half as
    many threads across the same pixels."""
    def threads_across(px_per_mm: float) -> int:
        art = np.zeros((96, 96, 4), np.uint8)
        art[8:88, 8:88] = (200, 30, 30, 255)
        row = technique_look("embroider", art, px_per_mm=px_per_mm).base_color[48, 24:72, 0]
        above = row.astype(float) > row.mean()
        return int(np.count_nonzero(above[1:] != above[:-1]))

    assert threads_across(4.0) >= 1.6 * threads_across(8.0) > 0


def test_the_part_s_own_surface_under_an_engraving_and_an_embossing():
    art = square_artwork()
    rows = np.linspace(0.2, 0.8, 64, dtype=np.float32)
    wood = np.repeat(np.stack([rows, rows * 0.5, rows * 0.25], axis=-1)[:, None], 64, axis=1)
    cut = technique_look("engrave", art, surface_rgb=wood).base_color
    # the colours of the part under the letters, darkened alike: they keep its gradient
    assert cut[40, 32, 0] > cut[24, 32, 0] and cut[40, 32, 1] > cut[24, 32, 1]
    grain = np.zeros((64, 64, 3), np.float32)
    grain[..., 0], grain[..., 2] = 0.3, np.sqrt(1 - 0.09)  # leans +X everywhere
    raised = decoded(technique_look("emboss", art, surface_normals=grain).normal)
    plain = decoded(technique_look("emboss", art).normal)
    assert raised[32, 32, 0] == pytest.approx(0.3, abs=0.02)  # its face leans as the part
    assert plain[32, 32, 0] == pytest.approx(0.0, abs=0.02)
    assert raised[32, 17, 0] > plain[32, 17, 0] + 0.15  # on the shoulder the slopes add
    with pytest.raises(ValueError, match="surface"):
        technique_look("emboss", art, surface_normals=grain[:10])
    with pytest.raises(ValueError, match="surface"):
        technique_look("engrave", art, surface_rgb=wood[:10])
