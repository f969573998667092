"""The nearest look of glTF material features a renderer has no model for, shared by the live
view, the photoreal still and the USD export so that they agree with each other."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from app.assets.thickness import absorbs_in_its_volume, bounds_a_volume
from app.domain.colour import LUMINANCE
from app.scene.description import ResolvedMaterial

DISNEY_ASPECT_PER_ANISOTROPIC = 0.9  # Disney's aspect: sqrt(1 - 0.9 anisotropic)
NARROWEST_ALPHA = 0.001  # Mitsuba's principled BSDF draws no GGX alpha below it


def unlit_as_emission(m: ResolvedMaterial) -> ResolvedMaterial:
    """An unlit material as a black, non-reflecting surface that glows in its base colour (its
    texture included): what the camera sees does not depend on the lighting. Alpha is kept."""
    if not m.unlit:
        return m
    return dataclasses.replace(
        m, base_color=(0.0, 0.0, 0.0), emissive=tuple(float(c) for c in m.base_color),
        emissive_texture=m.base_color_texture, metallic=0.0, roughness=1.0, ior=1.0,
        specular=0.0, orm_texture=None, normal_texture=None, clearcoat=0.0, sheen_color=(
            0.0, 0.0, 0.0), transmission=0.0)


def metal_stops_light(m: ResolvedMaterial) -> ResolvedMaterial:
    """A transmissive material that is metal throughout (metallic factor 1, no ORM texture to
    make it less anywhere) as glTF draws it: glTF's metal lies over the glass, so no light
    passes; an opaque metal (transmission 0). Others as they are."""
    if m.transmission <= 0 or m.metallic < 1.0 or m.orm_texture is not None:
        return m
    return dataclasses.replace(m, transmission=0.0)


def head_on_reflectance(ior: float) -> float:
    """A dielectric's reflectance at normal incidence (F0), from its index: glTF's
    ((ior - 1) / (ior + 1))^2 (0 for an index of 1)."""
    return ((ior - 1.0) / (ior + 1.0)) ** 2


def back_faces_culled(m: ResolvedMaterial) -> bool:
    """Whether both renderers leave out the back faces of ``m``'s surfaces: a single-sided
    see-through material's, as glTF culls them (seen through a clear part of the front, they
    are not there); an opaque material's back faces are drawn."""
    return m.uses_alpha and not m.double_sided


def drawn_double_sided(m: ResolvedMaterial) -> bool:
    """Whether both renderers draw both sides of ``m``'s surfaces, so an export says so: glass
    (a crystal is often one sheet), or a material that says it is double-sided (a single-sided
    see-through one has its back faces culled, as glTF says)."""
    return m.double_sided or m.transmission > 0


def specular_tint(m: ResolvedMaterial) -> tuple[float, float, float]:
    """glTF's dielectric F0 before its textures: ((ior - 1) / (ior + 1))^2 times the specular
    colour factor (KHR_materials_specular: F0 = min(this * colour texture, 1) * specular *
    specular texture, and F90 = specular * specular texture)."""
    f0 = head_on_reflectance(m.ior)
    return tuple(float(f0 * c) for c in m.specular_color)  # type: ignore[return-value]


def uses_specular(m: ResolvedMaterial) -> bool:
    """Whether KHR_materials_specular changes the material's dielectric reflection."""
    return (m.specular != 1.0 or tuple(m.specular_color) != (1.0, 1.0, 1.0)
            or m.specular_texture is not None or m.specular_color_texture is not None)


def reflectance_at_normal(m: ResolvedMaterial) -> float:
    """F0 of the dielectric lobe: glTF's ((ior - 1) / (ior + 1))^2 scaled by the specular factor
    and the brightness of the specular colour (a tint is drawn as its brightness)."""
    f0 = head_on_reflectance(m.ior)
    brightness = sum(c * w for c, w in zip(m.specular_color, LUMINANCE, strict=True))
    return float(min(max(f0 * m.specular * brightness, 0.0), 1.0))


def specular_ior(m: ResolvedMaterial) -> float:
    """The index of refraction whose F0 equals ``reflectance_at_normal`` (``m.ior`` itself
    when the specular extension leaves it at its defaults)."""
    if m.specular == 1.0 and tuple(m.specular_color) == (1.0, 1.0, 1.0):
        return float(m.ior)
    root = math.sqrt(min(reflectance_at_normal(m), 0.99))
    return (1.0 + root) / (1.0 - root)


def refracts_as_solid(m: ResolvedMaterial, mesh) -> bool:
    """Whether light refracts into a part of ``m`` and leaves it by a second surface: glTF's
    transmissive material with a thickness bounds a volume, a solid where the part's ``mesh``
    is closed (``MeshData.closed``, asked only of such a material; an open mesh would trap
    the light); otherwise each of its surfaces is a thin wall."""
    return bounds_a_volume(m) and bool(mesh.closed)


def volume_tint(m: ResolvedMaterial) -> tuple[float, float, float]:
    """The colour white light takes crossing the material's thickness once (Beer-Lambert with
    glTF's attenuation colour at attenuation distance); white for a thin or clear material."""
    if not absorbs_in_its_volume(m):
        return (1.0, 1.0, 1.0)
    ratio = m.thickness / m.attenuation_distance
    return tuple(float(max(c, 1e-6) ** ratio) for c in m.attenuation_color)  # type: ignore


def tinted_by_volume(m: ResolvedMaterial) -> ResolvedMaterial:
    """``m`` with its base colour multiplied by ``volume_tint`` (transmitted light is tinted by
    the base colour in both renderers)."""
    tint = volume_tint(m)
    if tint == (1.0, 1.0, 1.0):
        return m
    return dataclasses.replace(m, base_color=tuple(
        float(c * t) for c, t in zip(m.base_color, tint, strict=True)))


def gltf_anisotropic_alphas(roughness, strength):
    """KHR_materials_anisotropy's GGX alphas (along, across): alpha_t = mix(r^2, 1, strength^2)
    along the anisotropy direction, alpha_b = r^2 (no narrower than Mitsuba draws) across it.
    numpy arrays (numbers as 0-d arrays)."""
    r = np.clip(np.asarray(roughness, dtype=np.float64), 0.0, 1.0)
    s = np.clip(np.asarray(strength, dtype=np.float64), 0.0, 1.0)
    across = np.maximum(r * r, NARROWEST_ALPHA)
    return across + (1.0 - across) * s * s, across


def albedo_roughness(roughness, strength):
    """The isotropic roughness whose GGX lobe stands for KHR_materials_anisotropy's stretched
    one of ``roughness`` and ``strength`` where the light lost between the microfacets is
    given back: (alpha_t alpha_b)^(1/4), as Blender's Cycles gives it back (its
    multiple-scattering GGX looks its albedo up at that roughness). A lobe stretched far loses
    more than that (an rms alpha, ((alpha_t^2 + alpha_b^2) / 2)^(1/4), says about how much; tests/
    photoreal/test_rough_metals.py), so a strongly brushed metal keeps a little less than all
    its light, as in Blender. Numbers or numpy arrays alike."""
    along, across = gltf_anisotropic_alphas(roughness, strength)
    equivalent = np.sqrt(np.sqrt(along * across))
    return float(equivalent) if np.ndim(equivalent) == 0 else equivalent


def disney_anisotropy(roughness, strength):
    """Disney's (roughness, anisotropic), as Mitsuba's principled BSDF takes them, that give
    KHR_materials_anisotropy's alphas: alpha_t = mix(r^2, 1, strength^2) along the anisotropy
    direction and alpha_b = r^2 across it. Disney's alphas are r'^2 / a and r'^2 * a with
    a = sqrt(1 - 0.9 anisotropic); Disney's anisotropic 1 stops at a ratio of 10:1, so a smooth
    surface fully stretched (glTF's 1:0, a thin line of light) takes an anisotropic past 1, as
    far as Mitsuba's narrowest alpha. Numbers or numpy arrays alike."""
    along, across = gltf_anisotropic_alphas(roughness, strength)
    ratio = across / along
    anisotropic = (1.0 - ratio) / DISNEY_ASPECT_PER_ANISOTROPIC
    disney_roughness = np.sqrt(along * np.sqrt(ratio))
    if np.ndim(disney_roughness) == 0:
        return float(disney_roughness), float(anisotropic)
    return disney_roughness, anisotropic
