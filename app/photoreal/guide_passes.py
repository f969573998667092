"""The passes that give the still's denoiser its guides: the albedo and normals of what the
camera sees (the BSDFs and the integrator they are drawn with: app.photoreal.guides).

What clear glass shows is guided by what lies behind it, seen along the paths the glass's own
BSDF samples, not by the glass; where an alpha-cut surface (or a glass clear in places, by
its roughness texture) lets what lies behind it through, by that, weighed by how much it
lets through.
"""

from __future__ import annotations

import numpy as np

from app.photoreal.backend import vectorised
from app.photoreal.guides import albedo_guide, guide_paths, normal_guide
from app.photoreal.scene_build import mitsuba_mesh
from app.photoreal.shape_look import ShapeLook

# the guide passes share their seed: the same film samples, so a pixel that an edge crosses is
# covered by the same fraction in each (a seed apiece drew a dashed line along a decal's edge)
AUX_SEED = 3
GUIDE_AOVS = {"type": "aov", "aovs": "albedo:albedo,nn:sh_normal"}


def denoiser_guides(mi, meshes: list, shapes: dict, load, aux_spp: int) -> np.ndarray:
    """(H, W, 6): the denoiser's albedo and normals for the still of ``meshes``, drawn as
    the Mitsuba ``shapes`` (``shape{i}`` for ``meshes[i]``), at ``aux_spp`` samples a pixel;
    ``load(integrator, spp, drawn=shapes)`` makes the still's scene (camera, environment)."""
    behind_glass = {k: v for (k, v), m in zip(shapes.items(), meshes, strict=True)
                    if not m.look.see_through}
    # where a decal (or any alpha-cut surface) is clear, the guides are those of what it covers
    # (and so where a glass is clear in places)
    masked = {f"shape{i}" for i, m in enumerate(meshes) if _guide_opacity(m.look) is not None}
    by_key = dict(zip(shapes, meshes, strict=True))
    albedo_shapes = {key: mitsuba_mesh(mi, by_key[key],
                                       albedo_guide(by_key[key].look.bsdf,
                                                    _guide_opacity(by_key[key].look)))
                     if key in masked else shape for key, shape in behind_glass.items()}
    normal_guides = {key: normal_guide(by_key[key].look.bsdf) for key in behind_glass}
    normal_shapes: dict = {}  # built only for a pass that draws a normal map
    # the glass the guides look through along the paths its own BSDF samples (refracted, and
    # blurred by its roughness, as the lit pass sees what lies behind it): clear glass, and
    # in the pass of what lies behind alpha cuts, glass clear in places; a scalar variant,
    # whose Python integrator would trace one ray at a time, looks past clear glass unbent
    followed = ({k for k, m in by_key.items() if m.look.transmits
                 and (m.look.see_through or k in masked)}
                if vectorised(mi) else set())

    def first_hits(drawn: dict) -> np.ndarray:
        return np.asarray(mi.render(load(GUIDE_AOVS, aux_spp, drawn=drawn), spp=aux_spp,
                                    seed=AUX_SEED))

    def render_aux(drawn: dict, through: list[str], tinted: bool = True) -> np.ndarray:
        if not through:
            return first_hits(drawn)[..., :6]
        image = np.asarray(mi.render(load(guide_paths(through, tinted=tinted), aux_spp,
                                          drawn=drawn), spp=aux_spp, seed=AUX_SEED))
        return np.concatenate([image[..., :3], image[..., 4:7]], axis=-1)

    def guides(drawn: set[str], through: set[str]) -> np.ndarray:
        """The guides of the shapes ``drawn`` (keys), looking through those ``through``."""
        own = {k: shapes[k] for k in drawn & through}
        if any("normalmap" in normal_guides[k] for k in drawn if k not in own):
            for key in drawn - own.keys() - normal_shapes.keys():
                normal_shapes[key] = mitsuba_mesh(mi, by_key[key], normal_guides[key])
            drawn_normals = {k: own[k] if k in own else normal_shapes[k] for k in drawn}
        else:
            drawn_normals = None

        def render(drawn_shapes: dict, tinted: bool = True) -> np.ndarray:
            return render_aux(drawn_shapes, sorted(own), tinted)

        return _guides({k: own[k] if k in own else albedo_shapes[k] for k in drawn},
                       drawn_normals, render)

    seen_through = {k for k in followed if by_key[k].look.see_through}
    aux = guides(behind_glass.keys() | seen_through, seen_through)
    if masked & set(behind_glass):
        aux = _guides_through_masks(mi, meshes, behind_glass, masked, followed, seen_through,
                                    aux, guides, first_hits)
    return aux


def _guides(albedo_shapes: dict, normal_shapes: dict | None, render_aux) -> np.ndarray:
    """The denoiser's guides: albedo (3 channels; alpha-cut surfaces' times their opacity,
    ``albedo_guide``) and normals (3: the shading normals, with their normal maps from the
    shapes drawn with ``normalguide`` BSDFs where some have one, ``normal_shapes``; else the
    albedo pass's own ``sh_normal``). ``render_aux(shapes, tinted)`` renders a guide pass
    (H, W, 6: albedo AOV and ``sh_normal``), its albedo untinted by glass for normals. The
    normal guide's albedo is each sample's (n + 1) / 2 times the share of the pixel covered;
    that share is the length of the geometric shading normal's AOV (exact where one surface
    covers the pixel)."""
    plain = render_aux(albedo_shapes)
    if normal_shapes is None:
        return plain
    guide = render_aux(normal_shapes, tinted=False)
    covered = np.linalg.norm(guide[..., 3:6], axis=-1, keepdims=True)
    return np.concatenate([plain[..., :3], 2.0 * guide[..., :3] - covered], axis=-1)


def _guide_opacity(look: ShapeLook):
    """Where ``look`` is its own in the denoiser's guides (an alpha cut's opacity, a glass's
    rough share), as a texture or number; None where it is its own throughout."""
    if look.bsdf.get("type") == "mask":
        return look.bsdf["opacity"]
    return look.guide_opacity


def _guides_through_masks(mi, meshes, drawn: dict, masked: set[str], followed: set[str],
                          seen_through: set[str], aux: np.ndarray, guides, first_hits
                          ) -> np.ndarray:
    """The denoiser's albedo and normals where alpha-cut surfaces are: of what lies behind
    where they are cut away (the AOV integrator stops at the first surface, which would make the
    denoiser draw the cut-away part back in), added where the surface lets it through. Glass
    ``followed`` is looked through there, and clear glass (``seen_through``) everywhere
    (``guides(keys, through)``); ``first_hits(shapes)`` renders the AOV integrator's pass."""
    behind = guides({k for k in drawn if k not in masked or k in followed} | seen_through,
                    followed)
    white = {"type": "rgb", "value": [1.0, 1.0, 1.0]}
    opacity_shapes = {}
    for index, mesh in enumerate(meshes):
        key = f"shape{index}"
        if key in drawn:
            reflectance = _guide_opacity(mesh.look) if key in masked else white
            opacity_shapes[key] = mitsuba_mesh(mi, mesh, {"type": "diffuse",
                                                          "reflectance": reflectance})
    there = first_hits(opacity_shapes)[..., :1]
    # a mask's albedo guide is its opacity times its albedo (``albedo_guide``): what it lets
    # through adds the albedo behind (weighting it by its opacity again drew a dark line along
    # a decal's edge and dimmed half-covered text); normals are a blend of the two
    albedo = aux[..., :3] + (1.0 - there) * behind[..., :3]
    normals = there * aux[..., 3:6] + (1.0 - there) * behind[..., 3:6]
    return np.concatenate([albedo, normals, aux[..., 6:]], axis=-1)
