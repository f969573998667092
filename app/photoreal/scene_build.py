"""SceneDescription -> Mitsuba scene dictionaries: world-space meshes, the HDR environment, the
ground plane and the live view's camera."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from app.photoreal.materials import MaterialTranslator, ShapeLook
from app.scene.description import Camera, SceneDescription
from app.scene.geometry_source import GeometrySource

GROUND_ALBEDO_RANGE = (0.05, 0.8)
GROUND_EXTENT = 40.0  # ground half-size, in product sizes
# Mitsuba's equirectangular mapping is a quarter turn about Y from VTK's IBL; this lines the
# two up (a chrome sphere's key-light highlight lands on the same pixel, tests/photoreal).
ENVMAP_BASE_ROTATION_DEG = 90.0
# Mitsuba spawns a ray that leaves a surface (1 + max |p|) * RAY_EPSILON along its normal; a
# decal closer to its part than that lets the ray through its clear pixels start below the
# part, so the part under the decal vanished (clear pixels drew black). Decals are lifted this
# many such offsets above the part.
RAY_EPSILON = 2.0 ** -24 * 1500
DECAL_LIFT_EPSILONS = 4.0


@dataclass
class WorldMesh:
    id: str
    vertices: np.ndarray  # (N, 3) float32, world space
    faces: np.ndarray  # (M, 3) uint32, counter-clockwise seen from outside
    normals: np.ndarray | None
    uv: np.ndarray | None  # the UV set the BSDF reads
    look: ShapeLook
    emission_uv: np.ndarray | None = None  # the UV set the emission pass reads

    def with_emission_uv(self) -> WorldMesh:
        """This mesh as the emission pass draws it (with the emissive texture's UV set)."""
        return replace(self, uv=self.emission_uv) if self.emission_uv is not None else self


def world_meshes(scene: SceneDescription, source: GeometrySource,
                 translator: MaterialTranslator) -> list[WorldMesh]:
    """Visible drawables and their decals, transforms applied; mirrored ones re-wound."""
    meshes: list[WorldMesh] = []
    visible = set()
    for drawable in scene.drawables:
        if not drawable.visible:
            continue
        visible.add(drawable.id)
        mesh = source.mesh(drawable.geometry)
        m = np.asarray(drawable.transform, dtype=np.float64)
        linear = m[:3, :3]
        vertices = np.asarray(mesh.vertices, dtype=np.float64) @ linear.T + m[:3, 3]
        faces = np.asarray(mesh.faces, dtype=np.uint32)
        normals = None
        if mesh.normals is not None and len(mesh.normals) == len(mesh.vertices):
            normals = np.asarray(mesh.normals, dtype=np.float64) @ np.linalg.inv(linear)
            normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
        if np.linalg.det(linear) < 0:
            faces = faces[:, ::-1]
        look = translator.for_material(drawable.material, mesh)
        uv_sets = {0: mesh.uv, 1: mesh.uv1}
        meshes.append(WorldMesh(drawable.id, vertices.astype(np.float32),
                                np.ascontiguousarray(faces), _f32(normals),
                                _f32(uv_sets.get(look.texcoord)), look,
                                _f32(uv_sets.get(look.emission_texcoord))))
    for decal in scene.decals:
        if decal.drawable_id not in visible:
            continue
        vertices, normals = lifted_decal(decal.vertices, decal.normals)
        meshes.append(WorldMesh(f"decal:{decal.id}", vertices,
                                np.asarray(decal.faces, np.uint32), normals,
                                np.asarray(decal.uv, np.float32),
                                ShapeLook(translator.for_decal(decal))))
    return meshes


def lifted_decal(vertices, normals) -> tuple[np.ndarray, np.ndarray]:
    """A decal's vertices moved along its normals to clear Mitsuba's ray offset (see
    RAY_EPSILON), as float32 with the normals."""
    v = np.asarray(vertices, dtype=np.float64)
    n = np.asarray(normals, dtype=np.float64)
    reach = 1.0 + (float(np.abs(v).max()) if len(v) else 0.0)
    lifted = v + n * (DECAL_LIFT_EPSILONS * RAY_EPSILON * reach)
    return lifted.astype(np.float32), n.astype(np.float32)


def _f32(values: np.ndarray | None) -> np.ndarray | None:
    return None if values is None else np.ascontiguousarray(values, dtype=np.float32)


def mitsuba_mesh(mi, mesh: WorldMesh, bsdf: dict | None = None):
    """A Mitsuba Mesh object filled from numpy arrays, with its BSDF (or ``bsdf`` instead)."""
    props = mi.Properties()
    props["bsdf"] = mi.load_dict(mesh.look.bsdf if bsdf is None else bsdf)
    has_normals = mesh.normals is not None
    has_uv = mesh.uv is not None
    shape = mi.Mesh(mesh.id, len(mesh.vertices), len(mesh.faces), props=props,
                    has_vertex_normals=has_normals, has_vertex_texcoords=has_uv)
    params = mi.traverse(shape)
    params["vertex_positions"] = mi.Float(mesh.vertices.ravel())
    params["faces"] = mi.UInt32(mesh.faces.ravel())
    if has_normals:
        params["vertex_normals"] = mi.Float(mesh.normals.ravel())
    if has_uv:
        params["vertex_texcoords"] = mi.Float(mesh.uv.ravel())
    params.update()
    return shape


def emission_bsdf(mesh: WorldMesh) -> dict:
    """For the emission pass: a diffuse BSDF whose albedo is the radiance ``mesh`` emits (black
    for a shape that does not glow), read back through the albedo AOV."""
    black = {"type": "rgb", "value": [0.0, 0.0, 0.0]}
    return {"type": "diffuse", "reflectance": mesh.look.emission or black}


def bounds_of(meshes: list[WorldMesh], fallback) -> tuple[np.ndarray, np.ndarray]:
    if not meshes:
        return np.asarray(fallback[0], float), np.asarray(fallback[1], float)
    low = np.min([m.vertices.min(axis=0) for m in meshes if len(m.vertices)], axis=0)
    high = np.max([m.vertices.max(axis=0) for m in meshes if len(m.vertices)], axis=0)
    return low.astype(float), high.astype(float)


def ground_albedo(mi, hdr_path: str) -> float:
    """Albedo that makes the ground as bright as the environment's lower half it hides, so the
    ground darkens where it shadows and does not light the product more than the live view."""
    pixels = np.asarray(mi.Bitmap(str(hdr_path)), dtype=np.float64)[..., :3]
    step = max(1, pixels.shape[1] // 256)
    pixels = pixels[::step, ::step]
    height = pixels.shape[0]
    theta = (np.arange(height) + 0.5) / height * np.pi  # 0 at the top
    luminance = pixels @ np.array([0.2126, 0.7152, 0.0722])
    weight = np.abs(np.cos(theta) * np.sin(theta))[:, None]
    upper = float((luminance * weight)[theta < np.pi / 2].sum())
    lower = float((luminance * weight)[theta >= np.pi / 2].sum())
    if upper <= 0:
        return GROUND_ALBEDO_RANGE[0]
    return float(np.clip(lower / upper, *GROUND_ALBEDO_RANGE))


def ground_shape(mi, low: np.ndarray, high: np.ndarray, albedo: float) -> dict:
    """A large diffuse grey square at the product's lowest y, facing up."""
    size = float(np.linalg.norm(high - low)) or 1.0
    centre = (low + high) / 2
    half = size * GROUND_EXTENT
    origin = [float(centre[0]), float(low[1]), float(centre[2])]
    to_world = (mi.ScalarTransform4f().translate(origin)
                .rotate([1, 0, 0], -90).scale([half, half, 1]))
    return {"type": "rectangle", "to_world": to_world,
            "bsdf": {"type": "diffuse", "reflectance": {"type": "rgb",
                                                         "value": [float(albedo)] * 3}}}


def environment_emitter(mi, scene: SceneDescription) -> dict:
    env = scene.environment
    angle = ENVMAP_BASE_ROTATION_DEG + float(env.rotation_deg)
    return {"type": "envmap", "filename": str(env.hdr_path), "scale": float(env.intensity),
            "to_world": mi.ScalarTransform4f().rotate([0, 1, 0], angle)}


def sensor(mi, camera: Camera, size: tuple[int, int], low, high, *, spp: int,
           seed: int = 0) -> dict:
    """A perspective camera identical to the viewport's: vertical fov, except in portrait
    frames where the fov is horizontal."""
    width, height = size
    aspect = width / height
    position = np.asarray(camera.position, float)
    span = float(np.linalg.norm(np.asarray(high) - np.asarray(low))) or 1.0
    distance = float(np.linalg.norm(position - (np.asarray(low) + np.asarray(high)) / 2))
    return {
        "type": "perspective",
        "fov": float(camera.fov_deg),
        "fov_axis": "x" if aspect < 1 else "y",
        "near_clip": max(1e-4, (distance - span) * 0.5) if distance > span else 1e-4,
        "far_clip": distance + span * GROUND_EXTENT * 4,
        "to_world": mi.ScalarTransform4f().look_at(origin=[float(v) for v in camera.position],
                                         target=[float(v) for v in camera.target],
                                         up=[float(v) for v in camera.up]),
        "sampler": {"type": "independent", "sample_count": int(spp), "seed": int(seed)},
        "film": {"type": "hdrfilm", "width": int(width), "height": int(height),
                 "pixel_format": "rgba", "rfilter": {"type": "box"}},
    }
