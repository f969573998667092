"""What one part hides of the studio from another, in the live view.

VTK lights every part by the whole environment: the golf cart's seat under its roof gets the
overhead softbox in full, where the still (a path tracer) and a photograph show it in the
roof's shade. Per vertex, ``occlusion`` follows ``SAMPLES`` directions drawn from the studio in
proportion to its light (the softboxes get most of them), weighs each by its cosine, and finds
which of them another part blocks. A blocked direction brings, in place of the studio's light,
the light the blocking part sends back: a share of what the studio casts on it there
(``PASSED_ON``), as a diffuse surface would (so a roof's underside passes some light on). The
result, the share of the light from the studio that reaches the vertex, scales VTK's
image-based diffuse light and its reflection (``shade``).

Only blockers beyond ``NEAR`` of the scene's size count, and for the diffuse light only other
parts: a part's own folds and the parts touching it are left to the still, whose light between
surfaces keeps them lighter than any shading by vertices could. Its reflection counts the part's
own folds as well: a chrome wheel's dish behind its spokes mirrors the back of the spokes and
the tyre's inside, which the screen's copy (app.viewport.screen_reflections) never sees, where
VTK showed the studio. A part whose vertices lie far apart (``COARSE``) is not shaded:
the figure of one corner would spread over the whole of its triangles (a backdrop of four
vertices took on the colours of the cards before it). See-through and masked parts neither
shade nor are shaded, nor do parts whose coordinates are not all numbers. Glass is shaded, by
every part, itself included, and is in the way of no opaque part: light passes it. What a
glass reflects is then what the still's glass reflects: the candle in a holder and the stem
under its bowl, not the studio behind them (GlassHurricaneCandleHolder, live view against the
still, mean CIEDE2000 10.10 -> 9.91). The rays are Embree's (embreex), cast in batches over
the cores, which Embree lets trace together.
"""

from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkIOImage import vtkHDRReader
from vtkmodules.vtkRenderingCore import vtkActor

from app.assets.positions import position_groups
from app.domain.colour import LUMINANCE
from app.scene.description import Drawable
from app.scene.material_looks import metal_stops_light
from app.viewport.spread_points import carried_to, spread_subset

SAMPLES = 192  # directions per vertex, drawn from the studio in proportion to its light
NEAR = 0.01  # a blocking part nearer than this share of the scene's size is left out
COARSE = 0.05  # a part whose triangles' edges are longer than this share (the median) is
# not shaded: with its vertices that far apart, the shading of one would spread over its
# neighbours' (a backdrop of four vertices took on the colours of the cards before it)
RAYS_PER_BATCH = 250_000
# the vertices, over all parts, whose rays are cast: a denser scene (a CAD model of a million
# triangles) is worked out at this many points spread over its parts and carried to the rest
# (app.viewport.spread_points); the sample products and the Khronos models are below it
SHADED_POINTS = 100_000
FACES_PER_BATCH = 20_000  # the faces whose cosines to every direction are held at once
# the share of the light it gets that a part in the way passes on, whatever its colour: the
# shading then hangs on the parts' shapes and places alone, so a colour chosen works out nothing
# again in the window and a batch's colour layers stay apart
# (app.batch.layers). Its own colours passed on measured better (the golf cart 4.96 against
# 5.10 with 0.5 and 5.31 with 0.75) but made every colour click a bake of seconds here.
PASSED_ON = 0.5
# occlusion()'s columns, three (RGB) each, and the point arrays shade() puts them in: the diffuse
# light on the front (the normal's side) and on the back, then the reflection on each side
ARRAYS = ("environmentShade", "environmentShadeBack", "environmentMirror",
          "environmentMirrorBack")
GREY_ARRAY = "environmentShading"  # the four, where grey, as one array of four (``shade``)

# Mitsuba's and VTK's equirectangular mappings differ by a quarter turn about Y
# (app.photoreal.scene_build.ENVMAP_BASE_ROTATION_DEG); directions here follow Mitsuba's
# mapping turned by it, as the still does, which lines them up with VTK's
BASE_ROTATION_DEG = 90.0


@dataclass(frozen=True)
class StudioSamples:
    directions: np.ndarray  # (K, 3) world directions the light comes from
    radiance: np.ndarray  # (K,) the studio's luminance there
    power: float  # the studio's luminance over the whole sphere (integral over solid angle)


@dataclass(frozen=True)
class Occluder:
    """A part as the bake sees it: world vertices and normals, faces, and the share of the
    light it gets that it passes on (RGB)."""

    id: str
    vertices: np.ndarray
    normals: np.ndarray
    faces: np.ndarray
    albedo: tuple[float, float, float]
    open: bool = False  # a sheet whose back can be seen (VTK draws back faces turned round)
    clear: bool = False  # glass: shaded by every part, and in the way of other glass only


@functools.lru_cache(maxsize=2)
def studio_luminance(hdr_path: str) -> np.ndarray:
    """The luminance of the studio in ``hdr_path``, top row first, averaged down to at most
    about 128 rows (read once per file, whatever it is turned by)."""
    reader = vtkHDRReader()
    reader.SetFileName(str(Path(hdr_path)))
    reader.Update()
    image = reader.GetOutput()
    width, height, _ = image.GetDimensions()
    pixels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(height, width, -1)
    lum = pixels[::-1, :, :3].astype(np.float64) @ np.asarray(LUMINANCE)
    step = max(1, height // 128)
    lum = lum[: height // step * step, : width // step * step]
    return lum.reshape(height // step, step, width // step, step).mean(axis=(1, 3))


@functools.lru_cache(maxsize=4)
def studio_samples(hdr_path: str, rotation_deg: float, turned_over: bool = False,
                   count: int = SAMPLES) -> StudioSamples:
    """``count`` directions of the studio in ``hdr_path``, drawn in proportion to its light
    (systematically, so the same studio gives the same directions), turned as the live view
    turns it (``lighting.use_environment``)."""
    lum = studio_luminance(hdr_path)
    rows, cols = lum.shape
    theta = (np.arange(rows) + 0.5) / rows * np.pi
    weight = lum * np.sin(theta)[:, None]
    power = float(weight.sum() * (np.pi / rows) * (2 * np.pi / cols))
    cdf = np.cumsum(weight.ravel())
    picks = np.searchsorted(cdf / cdf[-1], (np.arange(count) + 0.5) / count)
    iy, ix = np.divmod(picks, cols)
    polar, azimuth = (iy + 0.5) / rows * np.pi, (ix + 0.5) / cols * 2 * np.pi
    local = np.stack([np.sin(polar) * np.sin(azimuth), np.cos(polar),
                      -np.sin(polar) * np.cos(azimuth)], axis=1)
    angle = math.radians(BASE_ROTATION_DEG + rotation_deg)
    turn = np.array([[math.cos(angle), 0.0, math.sin(angle)], [0.0, 1.0, 0.0],
                     [-math.sin(angle), 0.0, math.cos(angle)]])
    if turned_over:
        turn = np.diag([1.0, -1.0, -1.0]) @ turn
    return StudioSamples(local @ turn.T, lum[iy, ix], power)


def shaded(drawable: Drawable) -> bool:
    """Opaque parts and glass; not see-through or masked parts, whose texture's alpha says
    where they are."""
    return drawable.visible and not drawable.material.uses_alpha


def lets_light_through(drawable: Drawable) -> bool:
    """Glass (a transmissive part, not metal throughout): it reflects what the parts hide of
    the studio, and is in no opaque part's way."""
    return metal_stops_light(drawable.material).transmission > 0


def in_world(drawable: Drawable, vertices: np.ndarray) -> np.ndarray:
    """A drawable's vertices (its mesh's own coordinates) where it places them."""
    matrix = np.asarray(drawable.transform, np.float64)
    return np.asarray(vertices, np.float64) @ matrix[:3, :3].T + matrix[:3, 3]


def occluder(drawable: Drawable, vertices: np.ndarray, normals: np.ndarray,
             faces: np.ndarray) -> Occluder:
    """A drawable's mesh (its own coordinates) in the world, passing on ``PASSED_ON``, clear
    where it ``lets_light_through``."""
    matrix = np.asarray(drawable.transform, np.float64)
    world = in_world(drawable, vertices)
    turned = np.asarray(normals, np.float64) @ np.linalg.inv(matrix[:3, :3])
    turned /= np.maximum(np.linalg.norm(turned, axis=1, keepdims=True), 1e-12)
    faces = np.asarray(faces, np.int64)
    return Occluder(drawable.id, world, turned, faces, (PASSED_ON,) * 3,
                    has_edge(vertices, faces), lets_light_through(drawable))


def has_edge(vertices: np.ndarray, faces: np.ndarray) -> bool:
    """Whether a mesh is open: an edge (its corners taken by position, so that vertices split
    for their normals or texture coordinates count as one) that only one triangle has."""
    points = np.asarray(vertices, np.float64)
    if not len(faces) or not np.isfinite(points).all():
        return False
    corners = position_groups(points)[np.asarray(faces, np.int64)]
    ends = np.concatenate([corners[:, [0, 1]], corners[:, [1, 2]], corners[:, [2, 0]]])
    low, high = ends.min(axis=1), ends.max(axis=1)
    key = (low * (int(corners.max()) + 1) + high)[low != high]  # one number per edge
    _, counts = np.unique(key, return_counts=True)
    return bool((counts == 1).any())


def occlusion(occluders: list[Occluder], studio: StudioSamples, near: float = NEAR,
              threads: int | None = None) -> dict[str, np.ndarray]:
    """Per occluder id, (V, 12) float32 in 0..1 (columns as ``ARRAYS``): the share of the
    studio's light (RGB) that reaches each vertex past the other parts, on its front (the
    normal's side), then on its back (the same as the front unless the part is ``open``); then
    the same past every part, its own folds included, for its reflection. Opaque parts count
    only opaque parts in their way; a ``clear`` part counts every part. The rays are cast on
    ``threads`` threads (None: one per core)."""
    from embreex import mesh_construction, rtcore_scene

    result = {o.id: np.ones((len(o.vertices), 3 * len(ARRAYS)), np.float32) for o in occluders}
    occluders = [o for o in occluders if len(o.faces) and len(o.vertices)
                 and np.isfinite(o.vertices).all() and np.isfinite(o.normals).all()]
    if not occluders:
        return result
    # the opaque parts first: they are the same geometries, by the same numbers, in the scene
    # of opaque parts (which their own rays meet) and in the scene of all (which glass's meet)
    occluders.sort(key=lambda o: o.clear)
    directions, count = studio.directions, len(studio.directions)
    opaque_scene = rtcore_scene.EmbreeScene()
    scene = rtcore_scene.EmbreeScene() if occluders[-1].clear else None
    facing, lit = [], []  # per part: its faces' normals, and the studio's light on each side
    for part in occluders:
        for in_scene in (scene, None if part.clear else opaque_scene):
            if in_scene is not None:
                mesh_construction.TriangleMesh(in_scene, part.vertices.astype(np.float32),
                                               part.faces.astype(np.int32))
        corners = part.vertices[part.faces]
        normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-30)
        facing.append(normals)
        lit.append(np.concatenate([_light_on_sides(normals[start:start + FACES_PER_BATCH],
                                                   directions)
                                   for start in range(0, len(normals), FACES_PER_BATCH)])
                   * studio.power / count)
    everything = np.concatenate([o.vertices for o in occluders])
    size = float(np.linalg.norm(np.ptp(everything, axis=0))) or 1.0
    # every part's faces, one after another: what a ray meets is found at its part's first
    # face (``first_face``) plus the face Embree names
    first_face = np.cumsum([0] + [len(o.faces) for o in occluders])[:-1]
    facing, lit = np.concatenate(facing), np.concatenate(lit)
    albedo = np.asarray([o.albedo for o in occluders], np.float64)
    clear = np.asarray([o.clear for o in occluders])

    def side(owner: np.ndarray, points: np.ndarray, normals: np.ndarray) -> np.ndarray:
        """At ``points`` of the parts ``owner`` (indices) facing ``normals``: (V, 6), the
        light (RGB) past the other parts, then past every part. The points of all parts are
        cast in batches together, so that a model of many small parts keeps every core
        busy."""
        per_batch = max(1, 2 * RAYS_PER_BATCH // count)  # about half the directions face away

        def cast(start: int) -> np.ndarray:
            """For the batch's vertices, (n, 7): the cosines' sum, then the light the rays
            bring (over the studio's), weighed by them, past the other parts and past every
            part; the rays' own figures are let go of here, batch by batch."""
            ahead = normals[start:start + per_batch]
            cosine = ahead @ directions.T  # (n, K)
            v, k = np.nonzero(cosine > 0)
            weight = cosine[v, k]
            at = start + v
            origins = (points[at] + (normals[at] + directions[k]) * 1e-4 * size
                       ).astype(np.float32)
            other, triangle, far = _first_hits(scene, opaque_scene, clear[owner[at]], origins,
                                               directions[k].astype(np.float32))
            returned, reflected = np.ones((len(v), 3)), np.ones((len(v), 3))
            ray = np.nonzero((triangle >= 0) & (far > near * size))[0]
            blocker = other[ray]
            faces = first_face[blocker] + triangle[ray]
            back = np.einsum("ij,ij->i", facing[faces], directions[k[ray]]) > 0
            light = lit[faces, back.astype(np.int64)]
            behind = np.maximum(studio.radiance[k[ray]], 1e-6)
            passed = albedo[blocker] * (light / (np.pi * behind))[:, None]
            reflected[ray] = passed
            another = blocker != owner[at[ray]]
            returned[ray[another]] = passed[another]
            sums = [weight] + [weight * values[:, c] for values in (returned, reflected)
                               for c in range(3)]
            return np.stack([np.bincount(v, s, minlength=len(ahead)) for s in sums], axis=1)

        sums = np.concatenate(batches_cast(cast, list(range(0, len(normals), per_batch)),
                                           threads))
        total = sums[:, :1]
        shades = np.where(total > 0, sums[:, 1:] / np.maximum(total, 1e-12), 1.0)
        return np.clip(shades, 0.0, 1.0).astype(np.float32)

    share = min(1.0, SHADED_POINTS / len(everything))
    shaded = {}  # part index -> its chosen vertices
    for index, part in enumerate(occluders):
        corners = part.vertices[part.faces]
        edges = np.linalg.norm(corners[:, [1, 2, 0]] - corners, axis=2)
        if np.median(edges) <= COARSE * size:  # else too few vertices to carry a shading
            shaded[index] = spread_subset(part.vertices, part.normals,
                                          math.ceil(len(part.vertices) * share))
    if not shaded:
        return result
    # the front of every shaded part, then the back of each open one, cast together
    sides = [(index, 1.0) for index in shaded]
    sides += [(index, -1.0) for index in shaded if occluders[index].open]
    owner = np.concatenate([np.full(len(shaded[index]), index) for index, _ in sides])
    points = np.concatenate([occluders[index].vertices[shaded[index]] for index, _ in sides])
    normals = np.concatenate([sign * occluders[index].normals[shaded[index]]
                              for index, sign in sides])
    starts = np.cumsum([len(shaded[index]) for index, _ in sides])[:-1]
    found = dict(zip(sides, np.split(side(owner, points, normals), starts), strict=True))
    for index, chosen in shaded.items():
        part = occluders[index]
        front = found[index, 1.0]
        back = found.get((index, -1.0), front)
        shades = np.concatenate([front[:, :3], back[:, :3], front[:, 3:], back[:, 3:]], axis=1)
        result[part.id] = carried_to(part.vertices, part.normals, chosen, shades)
    return result


def _first_hits(scene, opaque_scene, clear: np.ndarray, origins: np.ndarray,
                directions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What each ray meets first (geometry, triangle, -1 for none; distance): of all parts
    (``scene``, None without glass) where it starts on a ``clear`` part, of the opaque parts
    elsewhere."""
    other = np.full(len(origins), -1, np.int32)
    triangle, far = np.full_like(other, -1), np.zeros(len(origins), np.float32)
    for rays, in_scene in ((clear, scene), (~clear, opaque_scene)):
        if not rays.any():
            continue
        if rays.all():
            found = in_scene.run(origins, directions, output=1)
            return found["geomID"], found["primID"], found["tfar"]
        found = in_scene.run(origins[rays], directions[rays], output=1)
        other[rays], triangle[rays], far[rays] = found["geomID"], found["primID"], found["tfar"]
    return other, triangle, far


def _light_on_sides(normals: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """(F, 2): for faces of ``normals``, the sum of the cosines of ``directions`` on the
    front and on the back."""
    cosine = normals @ directions.T
    return np.stack([np.clip(cosine, 0.0, None).sum(axis=1),
                     np.clip(-cosine, 0.0, None).sum(axis=1)], axis=1)


def batches_cast(cast, batches: list, threads: int | None = None) -> list:
    """``cast`` over ``batches``, on ``threads`` threads (None: as many as there are cores;
    Embree lets go of the interpreter while it traces)."""
    threads = min(len(batches), threads or os.cpu_count() or 1, 8)
    if threads < 2:
        return [cast(batch) for batch in batches]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(cast, batches))


_SPECULAR_LINE = "  vec2 brdf = texture(brdfTex, vec2(NdV, roughness)).rg;"
_DIFFUSE_LINE = "  vec3 iblDiffuse = (FmsEms + k_D) * irradiance;"


def shade(actor: vtkActor, values: np.ndarray) -> None:
    """Scale ``actor``'s image-based light by ``values`` (``occlusion``'s columns for each
    point of its input; VTK draws back faces turned round): the diffuse light and the
    reflection (where the screen's copy finds what is reflected, app.viewport.screen_reflections
    takes its place). Grey figures (the parts pass on ``PASSED_ON`` whatever their colour) go
    in one array of four, the front's and the back's diffuse light and reflection
    (``GREY_ARRAY``); coloured ones in the four arrays of three (``ARRAYS``). Each array
    mapped to a part's shader costs VTK about 0.2 ms to let go of when the part goes: a model
    of 3,000 parts took 4 s to close with four each. Call again after ``apply_material``,
    which clears the shader's replacements."""
    mapper = actor.GetMapper()
    poly = mapper.GetInput()
    if poly is None or poly.GetNumberOfPoints() != len(values):
        return
    values = np.asarray(values, np.float32)
    firsts = values[:, 0::3]
    grey = np.array_equal(firsts, values[:, 1::3]) and np.array_equal(firsts, values[:, 2::3])
    _remove_arrays(actor)
    columns = {GREY_ARRAY: firsts} if grey else {
        name: values[:, 3 * column:3 * column + 3] for column, name in enumerate(ARRAYS)}
    for name, column in columns.items():
        array = numpy_to_vtk(np.ascontiguousarray(column), deep=True)
        array.SetName(name)
        poly.GetPointData().AddArray(array)
        mapper.MapDataArrayToVertexAttribute(f"{name}MC", name, 0, -1)
    poly.Modified()
    kind = "vec4" if grey else "vec3"
    if grey:
        diffuse, diffuse_back, mirror, mirror_back = (f"vec3({GREY_ARRAY}VS.{c})"
                                                      for c in "xyzw")
    else:
        diffuse, diffuse_back, mirror, mirror_back = (f"{n}VS" for n in ARRAYS)
    shaders = actor.GetShaderProperty()
    shaders.AddVertexShaderReplacement(
        "//VTK::ValuePass::Dec", True,
        "//VTK::ValuePass::Dec" + "".join(f"\nin {kind} {n}MC;\nout {kind} {n}VS;"
                                          for n in columns), False)
    shaders.AddVertexShaderReplacement(
        "//VTK::ValuePass::Impl", True,
        "//VTK::ValuePass::Impl" + "".join(f"\n  {n}VS = {n}MC;" for n in columns), False)
    shaders.AddFragmentShaderReplacement(
        "//VTK::ValuePass::Dec", True,
        "//VTK::ValuePass::Dec" + "".join(f"\nin {kind} {n}VS;" for n in columns), False)
    shaders.AddFragmentShaderReplacement(
        _SPECULAR_LINE, False,
        f"{_SPECULAR_LINE}\n  vec3 studioShade = gl_FrontFacing ? {diffuse} : {diffuse_back};"
        f"\n  prefilteredSpecularColor *= gl_FrontFacing ? {mirror} : {mirror_back};", True)
    shaders.AddFragmentShaderReplacement(
        _DIFFUSE_LINE, False, "  vec3 iblDiffuse = (FmsEms + k_D) * irradiance * studioShade;",
        True)


def _remove_arrays(actor: vtkActor) -> None:
    """The point arrays ``shade`` put on ``actor``'s input, and their mappings, taken away."""
    mapper = actor.GetMapper()
    poly = mapper.GetInput()
    for name in (*ARRAYS, GREY_ARRAY):
        mapper.RemoveVertexAttributeMapping(f"{name}MC")
        if poly is not None and poly.GetPointData().GetArray(name) is not None:
            poly.GetPointData().RemoveArray(name)
            poly.Modified()


def unshade(actor: vtkActor) -> None:
    """Undo ``shade``."""
    _remove_arrays(actor)
    shaders = actor.GetShaderProperty()
    shaders.ClearVertexShaderReplacement("//VTK::ValuePass::Dec", True)
    shaders.ClearVertexShaderReplacement("//VTK::ValuePass::Impl", True)
    shaders.ClearFragmentShaderReplacement("//VTK::ValuePass::Dec", True)
    shaders.ClearFragmentShaderReplacement(_DIFFUSE_LINE, False)
    shaders.ClearFragmentShaderReplacement(_SPECULAR_LINE, False)
