"""A SceneDescription path traced with Mitsuba 3, denoised, composited like the live view.

Passes: the lit image (the product under the environment, as the live view lights it) in
blocks of samples, so a progress callback runs and a cancel request is honoured between blocks;
albedo and normals for the denoiser; what glowing surfaces emit toward the camera (added after
denoising: an area emitter would be hidden along with the environment); and the ground's
shadow: the scene's one ground shadow (app.scene.ground_shadow, the live view draws the same
map) seen through this camera, so the ground shows only as darkening of the background colour.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from app.errors import AppError
from app.photoreal.backend import activate_mitsuba
from app.photoreal.compositing import Passes, composite
from app.photoreal.guides import albedo_guide, guide_paths, normal_guide
from app.photoreal.materials import MaterialTranslator, ShapeLook
from app.photoreal.scene_build import (
    bounds_of,
    emission_bsdf,
    environment_emitter,
    glow_shape,
    ground_shape,
    mitsuba_mesh,
    sensor,
    world_meshes,
)
from app.photoreal.see_through import glass_passes
from app.scene.description import Camera, SceneDescription
from app.scene.framing import view_camera
from app.scene.geometry_source import GeometrySource
from app.scene.ground_shadow import ShadowMap, scene_shadow

MAX_SIDE = 4096
MAX_SPP = 65536
MAX_DEPTH = 8
AUX_SPP = 16
# the guide passes share their seed: the same film samples, so a pixel that an edge crosses is
# covered by the same fraction in each (a seed apiece drew a dashed line along a decal's edge)
AUX_SEED = 3
GUIDE_AOVS = {"type": "aov", "aovs": "albedo:albedo,nn:sh_normal"}
# From STRATA samples a pixel on, the lit pass's samples are stratified in passes of STRATA
# (Mitsuba's ``stratified`` sampler: a pass of n = k^2 samples a pixel jitters each dimension's
# in n strata). Measured on the shoe at 960x540, 64 samples, RMSE after denoising against a
# 256-sample still: 3.0 independent, 2.65 in stratified passes of 16, 2.47 in one of 64. Fewer
# strata are worse than none: in passes of 4 the noise left is blotchy where the denoiser
# smooths it (the mug at 4 samples: 5.7 against 3.8 independent), so fewer samples, or a frame
# too large for a pass of STRATA, are independent samples.
STRATA = 16
BLOCKS = 8  # progress steps of the lit pass with independent samples
# samples traced at once: enough for a pass of STRATA at 1920x1080. It bounds memory; on llvm
# the peak stayed at 2.6 GB for a 1600x1200 still of the golf cart whether its 64 samples were
# traced 8 (12 million lanes) or 16 (31 million) at a time
MAX_LANES_PER_PASS = 1 << 25

Progress = Callable[[float], None]
Cancel = Callable[[], bool]


class RenderCancelled(Exception):
    """The caller asked to stop; nothing was written."""


@dataclass
class PhotorealImage:
    """A finished still: display values (what a PNG holds) and linear light (what EXR holds)."""

    display: np.ndarray  # (H, W, 3) or (H, W, 4) float32 0..1, straight alpha
    linear: np.ndarray  # (H, W, 4) float32 linear, premultiplied alpha
    transparent: bool
    spp: int
    variant: str
    seconds: float
    approximations: list[str] = field(default_factory=list)
    covered_pixels: float = 0.0  # how many pixels' worth of the frame the product covers

    @property
    def size(self) -> tuple[int, int]:
        return self.display.shape[1], self.display.shape[0]


def render_photoreal(
    scene: SceneDescription,
    source: GeometrySource,
    *,
    size: tuple[int, int] = (1280, 960),
    spp: int = 64,
    camera: Camera | None = None,
    camera_id: str | None = None,
    transparent: bool = False,
    denoise: bool = True,
    exposure: float = 1.0,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> PhotorealImage:
    """Path trace ``scene`` at ``size`` (width, height) with ``spp`` samples per pixel."""
    started = time.perf_counter()
    width, height = (int(v) for v in size)
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise AppError(f"expected a width and height in 1..{MAX_SIDE}, got {size}", field="size")
    if not 1 <= int(spp) <= MAX_SPP:
        raise AppError(f"expected 1..{MAX_SPP} samples per pixel, got {spp}", field="spp")
    spp = int(spp)
    view = camera or view_camera(scene, camera_id, width / height)
    report = progress or (lambda fraction: None)
    stop = cancel or (lambda: False)

    mi = activate_mitsuba()
    import drjit as dr  # noqa: PLC0415  (with Mitsuba, once it is activated)
    translator = MaterialTranslator(mi, source.texture)
    meshes = world_meshes(scene, source, translator)
    built = {i: mitsuba_mesh(mi, m) for i, m in enumerate(meshes) if m.look.sheet is None}
    meshes = sheets_where_seen_through(mi, meshes, built, view.position)
    low, high = bounds_of(meshes, scene.bounds)
    shapes = {f"shape{i}": built[i] if i in built else mitsuba_mesh(mi, m)
              for i, m in enumerate(meshes)}
    # no ground from a camera below it (a caseback's zone view): see _ground_light_kept
    shadow = scene_shadow(scene, source) if scene.environment.ground and meshes else None
    emitter = environment_emitter(mi, scene, view)

    # the denoiser's albedo and normals come from what clear glass shows, not from the glass
    behind_glass = {k: v for (k, v), m in zip(shapes.items(), meshes, strict=True)
                    if not m.look.see_through}

    def load(integrator: dict, spp_: int, extra: dict | None = None, drawn: dict = shapes,
             sampler: str = "independent", crop: tuple[int, int, int, int] | None = None):
        items = {"type": "scene", "integrator": integrator, "environment": emitter,
                 "sensor": sensor(mi, view, (width, height), low, high, spp=spp_,
                                  sampler=sampler, crop=crop), **drawn}
        return mi.load_dict({**items, **(extra or {})})

    plan = sample_plan(spp, width * height)
    steps = plan.passes
    total = len(steps) + 2
    glows = {f"glow{i}": glow for i, m in enumerate(meshes) if m.look.lights_scene
             and (glow := glow_shape(mi, m)) is not None}
    integrator = {"type": lit_integrator(meshes), "max_depth": MAX_DEPTH, "hide_emitters": True}
    # a clear sheet lets the backdrop through already (the camera's rays pass it)
    glass = any(m.look.transmits and not m.look.passes_light for m in meshes)
    total += glass
    lit_scene = load(integrator, steps[0], extra=glows, sampler=plan.sampler)
    lit = np.zeros((height, width, 4), np.float64)
    done = 0
    for index, count in enumerate(steps):
        _check(stop)
        # an opaque seed: one compiled kernel serves every pass (a literal compiled anew each)
        seed = dr.opaque(mi.UInt32, index * 7919 + 1)
        image = np.asarray(mi.render(lit_scene, spp=count, seed=seed))
        lit += image * count
        done += count
        report((index + 1) / total)
    lit /= done
    through = None
    if glass:
        _check(stop)
        through = glass_passes(mi, meshes, load, integrator, min(spp, AUX_SPP), view,
                               (width, height))
        report((len(steps) + 1) / total)

    _check(stop)
    aux_spp = min(AUX_SPP, spp)
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
                if not mi.variant().startswith("scalar") else set())

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
        return _guides({k: own[k] if k in own else albedo_shapes[k] for k in drawn},
                       drawn_normals, lambda shapes_, tinted=True: render_aux(
                           shapes_, sorted(own), tinted))

    seen_through = {k for k in followed if by_key[k].look.see_through}
    aux = guides(behind_glass.keys() | seen_through, seen_through)
    if masked & set(behind_glass):
        aux = _guides_through_masks(mi, meshes, behind_glass, masked, followed, seen_through,
                                    aux, guides, first_hits)
    report((len(steps) + 1 + glass) / total)

    _check(stop)
    emitted = _emission_pass(mi, meshes, load) if any(m.look.emission for m in meshes) else None

    _check(stop)
    coverage = lit[..., 3].astype(np.float32)
    ground = _ground_light_kept(mi, view, shadow, load) if shadow is not None else None
    colour = lit[..., :3].astype(np.float32)
    share = None
    if through is not None:  # the backdrop, not the environment, seen through glass
        colour = np.maximum(colour - through.through, 0.0)
        share = through.share
    if denoise:
        colour = _denoise(colour, aux[..., :3], aux[..., 3:6])
        if share is not None:
            share = _denoise(share, aux[..., :3], aux[..., 3:6])
    if emitted is not None:
        colour = colour + emitted
    _check(stop)
    display, linear = composite(Passes(colour=colour, coverage=coverage, ground=ground,
                                       through=share),
                                background=scene.environment.background,
                                transparent=transparent, exposure=exposure)
    report(1.0)
    return PhotorealImage(display=display, linear=linear, transparent=transparent, spp=spp,
                          variant=mi.variant(), seconds=time.perf_counter() - started,
                          approximations=list(translator.approximations),
                          covered_pixels=float(np.clip(coverage, 0.0, 1.0).sum()))


SHEET_PROBES = 512  # points of a glass the camera is checked to see other parts through
SHEET_COVERED = 0.98  # the share of them that must show another part


def sheets_where_seen_through(mi, meshes: list, others: dict, camera_position) -> list:
    """``meshes`` with each smooth thin glass drawn as a clear sheet (``ShapeLook.sheet``)
    where the camera sees other parts through it (a watch's crystal over its dial): rays from
    the camera through points of the glass meet another part behind it. ``others`` are the
    Mitsuba shapes of the meshes that are no such glass, by index (the render draws them too).
    A glass the camera sees the environment through keeps the refracting BSDF, which draws the
    environment there and counts as covered (a sheet lets those rays through to the
    background)."""
    glass = [i for i, m in enumerate(meshes) if m.look.sheet is not None]
    if not glass or not others:
        return meshes
    probe = mi.load_dict({"type": "scene", **{f"shape{i}": s for i, s in others.items()}})
    eye = np.asarray(camera_position, dtype=np.float64)
    out = list(meshes)
    for index in glass:
        mesh = meshes[index]
        if not len(mesh.faces):
            continue
        points = points_on(mesh.vertices, mesh.faces, SHEET_PROBES)
        directions = points - eye
        directions /= np.maximum(np.linalg.norm(directions, axis=1, keepdims=True), 1e-12)
        if _share_hit(mi, probe, points, directions) >= SHEET_COVERED:
            out[index] = replace(mesh, look=mesh.look.as_sheet())
    return out


def points_on(vertices, faces, count: int, seed: int = 7) -> np.ndarray:
    """``count`` points spread over the triangles by their area (the same ones every time)."""
    corners = np.asarray(vertices, np.float64)[np.asarray(faces, np.int64)]
    areas = 0.5 * np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0],
                                          corners[:, 2] - corners[:, 0]), axis=1)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(corners), size=count, p=areas / areas.sum()) if areas.sum() > 0 \
        else rng.integers(0, len(corners), size=count)
    u, v = rng.random(count), rng.random(count)
    flip = u + v > 1.0
    u, v = np.where(flip, 1.0 - u, u), np.where(flip, 1.0 - v, v)
    a, b, c = corners[chosen, 0], corners[chosen, 1], corners[chosen, 2]
    return a + u[:, None] * (b - a) + v[:, None] * (c - a)


def _share_hit(mi, scene, origins: np.ndarray, directions: np.ndarray) -> float:
    """The share of the rays (from ``origins`` along unit ``directions``) that meet ``scene``."""
    if mi.variant().startswith("scalar"):
        hits = [bool(scene.ray_intersect(mi.Ray3f(mi.Point3f(*o), mi.Vector3f(*d))).is_valid())
                for o, d in zip(origins.tolist(), directions.tolist(), strict=True)]
        return float(np.mean(hits))
    ray = mi.Ray3f(mi.Point3f(*(origins.T.astype(np.float32))),
                   mi.Vector3f(*(directions.T.astype(np.float32))))
    return float(np.mean(np.asarray(scene.ray_intersect(ray).is_valid())))


def lit_integrator(meshes) -> str:
    """``path``, or where a decal or an alpha-cut surface lies over another or a clear sheet of
    glass over a part, ``volpath``: its shadow rays pass through what a mask leaves clear and
    through a sheet (``path``'s stop there, which darkened the part under a decal's clear
    pixels by about 3/255 and left a dial under its crystal to noise); it is about a third
    slower. Where a glass has a volume that absorbs (its medium), ``volpathmis``: absorption
    that differs by colour (a blue glass absorbs red and no blue) left ``volpath``'s paths,
    which pick one colour to sample how far light goes, almost all absorbed (the glass drew
    black)."""
    if any(m.look.absorption is not None for m in meshes):
        return "volpathmis"
    return "volpath" if any(m.look.bsdf.get("type") == "mask" or m.look.passes_light
                            for m in meshes) else "path"


@dataclass(frozen=True)
class SamplePlan:
    """How the lit pass takes its samples: the Mitsuba sampler and the samples a pixel of each
    pass (progress and cancel points between passes)."""

    sampler: str
    passes: list[int]


def sample_plan(spp: int, pixels: int) -> SamplePlan:
    """Stratified passes of STRATA samples (the rest in square passes: the sampler's) where
    ``spp`` reaches STRATA and such a pass stays within MAX_LANES_PER_PASS samples traced at
    once; otherwise independent samples in at least BLOCKS passes, within that bound."""
    lanes = MAX_LANES_PER_PASS // max(1, pixels)
    if spp >= STRATA and lanes >= STRATA:
        counts = [STRATA] * (spp // STRATA)
        left = spp % STRATA
        while left > 0:
            side = math.isqrt(left)
            counts.append(side * side)
            left -= side * side
        return SamplePlan("stratified", counts)
    per = max(1, min(math.ceil(spp / BLOCKS), lanes))
    counts = [per] * (spp // per)
    if spp % per:
        counts.append(spp % per)
    return SamplePlan("independent", counts)


def _check(stop: Cancel) -> None:
    if stop():
        raise RenderCancelled("render cancelled")


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


def _emission_pass(mi, meshes, load) -> np.ndarray:
    """The radiance glowing surfaces send straight to the camera (H, W, 3), added to the lit
    pass after denoising: an AOV of each shape's emission, covered by what lies in front."""
    drawn = {f"shape{i}": mitsuba_mesh(mi, m.with_emission_uv(), emission_bsdf(m))
             for i, m in enumerate(meshes)}
    scene = load({"type": "aov", "aovs": "albedo:albedo"}, AUX_SPP, drawn=drawn)
    return np.asarray(mi.render(scene, spp=AUX_SPP, seed=9))[..., :3].astype(np.float32)


def _ground_light_kept(mi, view: Camera, shadow: ShadowMap, load) -> np.ndarray | None:
    """(H, W) 0..1: the share of the light the ground keeps under the product's shadow, per
    pixel, the product left out (1 where no shadow falls); None when the camera is below the
    ground (the live view does not draw it from there either)."""
    if float(view.position[1]) <= shadow.ground_y:
        return None
    scene = load({"type": "aov", "aovs": "albedo:albedo"}, AUX_SPP,
                 drawn={"ground": ground_shape(mi, shadow)})
    darkness = np.asarray(mi.render(scene, spp=AUX_SPP, seed=13), dtype=np.float32)[..., 0]
    return np.clip(1.0 - darkness, 0.0, 1.0)


def _denoise(colour: np.ndarray, albedo: np.ndarray, normal: np.ndarray) -> np.ndarray:
    import pyoidn

    return pyoidn.denoise(np.ascontiguousarray(colour, np.float32),
                          np.ascontiguousarray(np.clip(albedo, 0, 1), np.float32),
                          np.ascontiguousarray(np.clip(normal, -1, 1), np.float32), hdr=True)
