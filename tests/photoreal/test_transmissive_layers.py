"""A transmissive material's other layers in the still: glTF's metal over its glass (the
metallic factor times the ORM texture's blue), and its opaque share seen from either side."""

import numpy as np

from app.assets.mesh import TextureImage
from app.photoreal.backend import activate_mitsuba
from app.photoreal.materials import MaterialTranslator
from app.scene.description import ResolvedMaterial, TextureRef, slot
from tests.photoreal.test_model_materials import quad

ORM = TextureRef("test#orm", srgb=False)
YELLOW = (0.85, 0.85, 0.1)


def _orm(blue_left: int, blue_right: int) -> TextureImage:
    """4x4 ORM: roughness 0.5 throughout, metal ``blue_left`` in the left half (u < 0.5)."""
    pixels = np.zeros((4, 4, 3), np.uint8)
    pixels[..., 1] = 128
    pixels[:, :2, 2], pixels[:, 2:, 2] = blue_left, blue_right
    return TextureImage(pixels, "test#orm")


def _look(material: ResolvedMaterial, orm: TextureImage | None = None):
    translator = MaterialTranslator(activate_mitsuba(), lambda ref: orm)
    return translator.for_material(material, quad())


def _value(bsdf: dict, u: float, wi, wo) -> np.ndarray:
    """The loaded ``bsdf`` at (u, 0.5), lit from ``wo``, seen from ``wi`` (shading frame)."""
    mi = activate_mitsuba()
    import drjit as dr

    loaded = mi.load_dict(bsdf)
    si = dr.zeros(mi.SurfaceInteraction3f)
    si.n = mi.Vector3f(0.0, 0.0, 1.0)
    si.sh_frame = mi.Frame3f(si.n)
    si.uv = mi.Point2f(u, 0.5)
    si.dp_du, si.dp_dv = mi.Vector3f(1.0, 0.0, 0.0), mi.Vector3f(0.0, 1.0, 0.0)
    si.wi = mi.Vector3f(*map(float, np.asarray(wi) / np.linalg.norm(wi)))
    wo = mi.Vector3f(*map(float, np.asarray(wo) / np.linalg.norm(wo)))
    return np.asarray(loaded.eval(mi.BSDFContext(), si, wo)).ravel()


VIEW, THROUGH, BESIDE = (0.3, 0.0, 0.95), (-0.3, 0.0, -0.95), (-0.5, 0.4, 0.77)


def test_metal_in_the_orm_texture_lies_over_the_glass():
    """TransmissionTest's metallic spheres: where the ORM's blue is 1 no light passes and
    the reflection is the base colour's (a yellow metal), where it is 0 the glass lets the
    light through."""
    glass = ResolvedMaterial("striped", base_color=YELLOW, roughness=1.0, metallic=1.0,
                             transmission=1.0, orm_texture=slot(ORM))
    look = _look(glass, _orm(255, 0))
    assert look.transmits
    metal = 0.25  # u in the left half (a texel's centre: no filtering across)
    clear = 0.75
    assert _value(look.bsdf, metal, VIEW, THROUGH).max() < 1e-3
    assert _value(look.bsdf, clear, VIEW, THROUGH).max() > 0.05
    reflected = _value(look.bsdf, metal, VIEW, BESIDE)
    assert reflected[0] > 0.05 and reflected[2] < 0.3 * reflected[0]  # yellow


def test_glass_whose_orm_carries_no_metal_stays_glass():
    """Metallic factor 1 (glTF's default) with an ORM texture for the roughness alone."""
    glass = ResolvedMaterial("frosted", base_color=YELLOW, roughness=1.0, metallic=1.0,
                             transmission=1.0, orm_texture=slot(ORM))
    no_metal = _look(glass, _orm(0, 0))
    assert no_metal.bsdf["type"] != "blendbsdf"
    assert _value(no_metal.bsdf, 0.1, VIEW, THROUGH).max() > 0.05


def test_a_metallic_factor_of_one_without_a_texture_is_an_opaque_metal():
    metal = _look(ResolvedMaterial("chrome", base_color=YELLOW, roughness=0.3, metallic=1.0,
                                   transmission=1.0))
    assert not metal.transmits and not metal.see_through
    assert _value(metal.bsdf, 0.5, VIEW, THROUGH).max() < 1e-6


def test_half_metal_lets_half_the_light_through():
    half = _look(ResolvedMaterial("half", base_color=(0.9, 0.9, 0.9), roughness=1.0,
                                  metallic=0.5, transmission=1.0))
    glass = _look(ResolvedMaterial("glass", base_color=(0.9, 0.9, 0.9), roughness=1.0,
                                   metallic=0.0, transmission=1.0))
    through = _value(half.bsdf, 0.5, VIEW, THROUGH), _value(glass.bsdf, 0.5, VIEW, THROUGH)
    np.testing.assert_allclose(through[0], 0.5 * through[1], rtol=0.02)


def test_the_opaque_share_of_thin_glass_is_lit_from_inside():
    """Smooth thin glass, half transmissive, as the clear sheet the camera sees through:
    from behind (inside a closed shape, through the clear share of its front) its opaque
    share shows its colour; it was black from that side (TransmissionTest's red spheres had
    black stripes where Cycles and Khronos' rendering show red)."""
    red = ResolvedMaterial("red", base_color=(0.9, 0.2, 0.1), roughness=0.0, metallic=0.0,
                           transmission=0.5)
    sheet = _look(red).sheet
    assert sheet is not None
    behind = (0.3, 0.0, -0.95), (-0.5, 0.4, -0.77)  # seen and lit from the back
    from_behind = _value(sheet, 0.5, *behind)
    in_front = _value(sheet, 0.5, VIEW, BESIDE)
    assert from_behind[0] > 0.05 and from_behind[0] > 3 * from_behind[1]
    np.testing.assert_allclose(from_behind, in_front, rtol=0.05)


def test_metal_is_looked_for_only_where_the_mesh_maps_the_texture():
    """An atlas shared by a model's metal and glass parts: the glass's UVs lie where the
    ORM's blue is 0, so the glass gets no metal layer (which would cost the still its time
    for nothing); a triangle that reaches the metal, even between its corners, gets one."""
    from app.assets.refs import IDENTITY_TRANSFORM
    from app.photoreal.material_inputs import metal_reached

    pixels = np.zeros((256, 256, 3), np.uint8)
    pixels[160:200, :, 2] = 255  # a band of metal across the lower part (v 0.625..0.78)
    faces = np.array([[0, 1, 2]])
    above = np.array([[0.1, 0.1], [0.9, 0.1], [0.5, 0.5]], np.float32)
    across = np.array([[0.1, 0.5], [0.9, 0.5], [0.5, 0.95]], np.float32)  # corners miss it
    wrapping = np.array([[0.1, 0.1], [1.4, 0.1], [0.5, 0.5]], np.float32)
    assert not metal_reached(above, faces, pixels, IDENTITY_TRANSFORM)
    assert metal_reached(across, faces, pixels, IDENTITY_TRANSFORM)
    assert metal_reached(wrapping, faces, pixels, IDENTITY_TRANSFORM)
    assert not metal_reached(across, faces, np.zeros_like(pixels), IDENTITY_TRANSFORM)
    assert metal_reached(None, faces, pixels, IDENTITY_TRANSFORM)
