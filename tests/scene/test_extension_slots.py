"""An extension texture is part of a material only while the factor it scales is not zero:
every renderer and export reads the same list (``ResolvedMaterial.extension_slots``)."""

from dataclasses import replace

from app.assets.refs import TextureMapping
from app.scene.description import EXTENSION_SLOTS_IN_USE, ResolvedMaterial, TextureRef, slot
from app.viewport.materials import uv_mapping

IN_USE = {"transmission": 1.0, "sheen_color": (0.5, 0.2, 0.1), "sheen_roughness": 0.5,
          "clearcoat": 1.0, "clearcoat_roughness": 0.3, "specular": 1.0,
          "specular_color": (1.0, 1.0, 1.0), "anisotropy": 0.5, "iridescence": 1.0}
OFF = {"transmission": 0.0, "sheen_color": (0.0, 0.0, 0.0), "clearcoat": 0.0, "specular": 0.0,
       "specular_color": (0.0, 0.0, 0.0), "anisotropy": 0.0, "iridescence": 0.0}


def textured(**factors) -> ResolvedMaterial:
    second_uv_set = TextureMapping(texcoord=1)
    textures = {f"{name}_texture": slot(TextureRef(f"{name}.png", srgb=False), second_uv_set)
                for name in EXTENSION_SLOTS_IN_USE}
    return ResolvedMaterial("m", **factors, **textures)


def test_every_extension_texture_is_listed_while_its_factor_is_on():
    assert set(textured(**IN_USE).extension_slots()) == set(EXTENSION_SLOTS_IN_USE)


def test_a_factor_of_zero_leaves_its_textures_out():
    assert textured(**OFF).extension_slots() == {}
    on = textured(**IN_USE)
    assert "sheen_roughness" not in replace(on, sheen_roughness=0.0).extension_slots()
    assert "clearcoat_roughness" not in replace(on, clearcoat_roughness=0.0).extension_slots()
    without_film = replace(on, iridescence=0.0).extension_slots()
    assert "iridescence" not in without_film and "iridescence_thickness" not in without_film
    assert "clearcoat" not in replace(on, clearcoat=0.0).extension_slots()


def test_the_live_view_maps_uvs_only_for_textures_in_use():
    assert uv_mapping(textured(**OFF)) is None
    assert uv_mapping(textured(**IN_USE)).texcoord == 1
