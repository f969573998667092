"""How thick a coloured glass is where light crosses it, for the live view, which draws a
volume's colour from a thickness per vertex (a path tracer follows the geometry instead).

glTF's thickness (factor and texture) stands in for the geometry in renderers that do not
trace rays through it; where the mesh is a closed solid its own thickness is measured
instead, as the still's rays meet it: the distance through it from each vertex along its
inward normal (a wall's thickness, or a solid's breadth), so that the live view draws the
colour the still draws. Rays are cast with Embree (trimesh's ``ray_pyembree``, through the
``embreex`` binding): trimesh's own engine tests each ray against every triangle its box
meets, which ran out of memory on a glass of a million triangles."""

from __future__ import annotations

import math

import numpy as np

from app.assets.mesh import triangle_areas
from app.domain.colour import LUMINANCE

MOST_SAMPLES = 2000  # vertices cast from: a large mesh is sampled evenly
LEAST_HITS = 0.8  # the share of rays that must meet the far side (a closed solid's do)
OFFSET = 1e-4  # of the mesh's size: rays start this far inside, past their own face
STEP_IN = 0.02  # ... and this share of the way from their vertex to its faces' centres


def equivalent_thickness(thicknesses: np.ndarray, weights: np.ndarray | None, colour,
                         distance: float) -> float:
    """The one thickness through which light keeps the share (of its luminance, Beer-Lambert
    with ``colour`` at ``distance``) that it keeps on the ``weights``-weighted mean over
    ``thicknesses``: the mean thickness would darken the whole of a glass whose thin walls
    stand on a thick foot. For a volume that absorbs nothing, the mean thickness."""
    thicknesses = np.asarray(thicknesses, dtype=np.float64).reshape(-1)
    weights = (np.ones_like(thicknesses) if weights is None
               else np.asarray(weights, dtype=np.float64).reshape(-1))
    if not len(thicknesses) or weights.sum() <= 0:
        return 0.0
    mean = float((thicknesses * weights).sum() / weights.sum())
    luminance = np.asarray(LUMINANCE)
    colour = np.clip(np.asarray(colour, dtype=np.float64), 1e-6, 1.0)
    if not math.isfinite(distance) or distance <= 0 or np.all(colour >= 1.0) or mean <= 0:
        return mean

    def kept(thickness):  # the luminance share kept through each thickness (any shape)
        t = np.asarray(thickness, dtype=np.float64)[..., None]
        return (colour ** (t / distance)) @ luminance

    target = float((kept(thicknesses) * weights).sum() / weights.sum())
    low, high = 0.0, mean  # kept falls with thickness, and the mean share >= the mean's
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if kept(middle) > target else (low, middle)
    return (low + high) / 2


def bounds_a_volume(material) -> bool:
    """Whether ``material`` (a loaded or a resolved one) bounds a volume, as glTF says a
    transmissive material with a thickness does; where its mesh closes a solid
    (``closes_a_solid``), light refracts into it and leaves by a second surface."""
    return material.transmission > 0 and material.thickness > 0 and not material.unlit


def absorbs_in_its_volume(material) -> bool:
    """Whether light crossing ``material`` (a loaded or a resolved one) is absorbed on its way:
    it bounds a volume (``bounds_a_volume``) with a finite attenuation distance; else it is
    thin or clear."""
    return (bounds_a_volume(material) and math.isfinite(material.attenuation_distance)
            and material.attenuation_distance > 0)


def closes_a_solid(vertices: np.ndarray, faces: np.ndarray) -> bool:
    """Whether the triangles close a solid: every edge shared by two faces, once the corners
    at the same place are merged (a UV seam splits them)."""
    faces = np.asarray(faces).reshape(-1, 3)
    if len(vertices) < 4 or len(faces) < 4:
        return False
    import trimesh  # noqa: PLC0415 (the loaders' import, not this module's)

    return bool(trimesh.Trimesh(np.asarray(vertices, dtype=np.float64), faces,
                                process=True).is_watertight)


def vertex_thickness(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray
                     ) -> np.ndarray | None:
    """How far light crosses the mesh from each vertex (N,) float32: along its inward normal
    to the next surface (cast from at most MOST_SAMPLES vertices, spread evenly, the others
    taking that of their nearest facing their way); None where the mesh is no closed solid
    (an edge that is not shared by two faces, or fewer than LEAST_HITS of the rays meeting a
    far side)."""
    vertices = np.asarray(vertices, dtype=np.float64)
    faces = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    normals = np.asarray(normals, dtype=np.float64)
    if len(vertices) < 4 or len(faces) < 4 or normals.shape != vertices.shape:
        return None
    import trimesh  # noqa: PLC0415 (the loaders' import, not this module's)
    from trimesh.ray.ray_pyembree import RayMeshIntersector  # noqa: PLC0415

    if not closes_a_solid(vertices, faces):
        return None
    mesh = trimesh.Trimesh(vertices, faces, process=False, validate=False)
    lengths = np.linalg.norm(normals, axis=1)
    usable = np.flatnonzero(np.isfinite(lengths) & (lengths > 1e-8))
    if not len(usable):
        return None
    chosen = usable[np.linspace(0, len(usable) - 1, min(MOST_SAMPLES, len(usable))).astype(int)]
    inward = -normals[chosen] / lengths[chosen, None]
    offset = OFFSET * (float(np.linalg.norm(mesh.extents)) or 1.0)
    # a ray from a corner runs along the edges of the far side, where a ray misses as often as
    # it hits: each starts a step in from its corner, towards the faces round it
    centres = np.zeros_like(vertices)
    np.add.at(centres, faces.reshape(-1), np.repeat(vertices[faces].mean(axis=1), 3, axis=0))
    count = np.bincount(faces.reshape(-1), minlength=len(vertices))[:, None]
    inside = np.where(count > 0, centres / np.maximum(count, 1), vertices)
    origins = vertices[chosen] + STEP_IN * (inside[chosen] - vertices[chosen]) + inward * offset
    found, ray, _ = RayMeshIntersector(mesh).intersects_location(origins, inward,
                                                                  multiple_hits=False)
    if len(ray) < LEAST_HITS * len(chosen):
        return None
    measured = np.full(len(chosen), np.nan)
    measured[ray] = np.linalg.norm(found - origins[ray], axis=1) + offset
    known = np.isfinite(measured)
    from scipy.spatial import cKDTree  # noqa: PLC0415

    # the nearest that faces the same way: a box's corner is three faces' vertices
    facing = np.zeros_like(normals)
    facing[usable] = normals[usable] / lengths[usable, None]
    points = np.hstack([vertices, facing * (0.1 * float(np.linalg.norm(mesh.extents)))])
    _, nearest = cKDTree(points[chosen][known]).query(points)
    return measured[known][nearest].astype(np.float32)


def vertex_areas(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """A third of the area of each face round each vertex (N,)."""
    faces = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    out = np.zeros(len(vertices))
    np.add.at(out, faces.reshape(-1), np.repeat(triangle_areas(vertices, faces) / 6.0, 3))
    return out
