"""A SceneDescription path traced with Mitsuba 3, denoised, composited like the live view.

Passes: the lit image (the product under the environment, as the live view lights it) in
blocks of samples, so a progress callback runs and a cancel request is honoured between blocks;
albedo and normals for the denoiser (app.photoreal.guide_passes); what glowing surfaces emit
toward the camera (added after denoising: an area emitter would be hidden along with the
environment); and the ground's shadow: the scene's one ground shadow (app.scene.ground_shadow,
the live view draws the same map) seen through this camera, so the ground shows only as
darkening of the background colour.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from app.errors import AppError
from app.photoreal.backend import activate_mitsuba, vectorised
from app.photoreal.compositing import Passes, composite
from app.photoreal.guide_passes import denoiser_guides
from app.photoreal.materials import MaterialTranslator
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
# From STRATA samples a pixel on, the lit pass's samples are stratified in square passes of
# STRATA to STRATA_MOST (Mitsuba's ``stratified`` sampler: a pass of n = k^2 samples a pixel
# jitters each dimension's in n strata), the largest that divides the samples and fits in
# MAX_LANES_PER_PASS. Measured on the shoe at 960x540, 64 samples, RMSE after denoising against
# a 256-sample still: 3.0 independent, 2.65 in stratified passes of 16, 2.47 in one of 64;
# against a 1024-sample one: 2.96 in passes of 16, 2.79 in one of 64 (DamagedHelmet 3.97 and
# 3.94, the mug 1.30 and 1.30), and one pass took 0.15-0.45 s less than four. Fewer strata are
# worse than none: in passes of 4 the noise left is blotchy where the denoiser smooths it (the
# mug at 4 samples: 5.7 against 3.8 independent), so fewer samples, or a frame too large for a
# pass of STRATA, are independent samples.
STRATA = 16
# the largest pass measured; a larger one leaves longer between progress and cancel points (at
# 960x540 it is also the most that MAX_LANES_PER_PASS lets through)
STRATA_MOST = 64
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
    aux = denoiser_guides(mi, meshes, shapes, load, aux_spp)
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
    if not vectorised(mi):
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
    """Stratified passes where ``spp`` reaches STRATA and such a pass stays within
    MAX_LANES_PER_PASS samples traced at once: of the largest square from STRATA to
    STRATA_MOST that divides ``spp`` and stays within it (else of STRATA, the rest in square
    passes: the sampler's); otherwise independent samples in at least BLOCKS passes, within
    that bound."""
    lanes = MAX_LANES_PER_PASS // max(1, pixels)
    if spp >= STRATA and lanes >= STRATA:
        most = min(STRATA_MOST, lanes, spp)
        size = max((side * side for side in range(math.isqrt(STRATA), math.isqrt(most) + 1)
                    if spp % (side * side) == 0), default=STRATA)
        counts = [size] * (spp // size)
        left = spp % size
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


def _emission_pass(mi, meshes, load) -> np.ndarray:
    """The radiance glowing surfaces send straight to the camera (H, W, 3), added to the lit
    pass after denoising: an AOV of each shape's emission, covered by what lies in front."""
    drawn = {f"shape{i}": mitsuba_mesh(mi, m, emission_bsdf(m))
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
