"""SceneDescription -> Mitsuba scene dictionaries: world-space meshes, the HDR environment, the
ground's shadow and the live view's camera."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from app.photoreal.materials import MaterialTranslator
from app.photoreal.shape_look import ShapeLook
from app.photoreal.tangent_frames import VERTEX_TANGENT, encoded
from app.photoreal.textures import VERTEX_COLOR, uv_attribute, uv_set_read
from app.photoreal.tonemap import srgb_to_linear
from app.scene.description import Camera, SceneDescription
from app.scene.environment import seen_from_below
from app.scene.geometry_source import GeometrySource
from app.scene.ground_shadow import ShadowMap
from app.scene.uv_frames import normal_basis_tangents, vertex_tangents

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
    uv: np.ndarray | None  # the UV set the shape carries as its texture coordinates
    look: ShapeLook
    colours: np.ndarray | None = None  # (N, 3) float32 linear vertex colours, where drawn
    tangents: np.ndarray | None = None  # (N, 3) unit tangents along u, where the BSDF reads them
    # the mesh's other UV sets, by number, for the textures that read them (``uv_attribute``)
    other_uvs: dict[int, np.ndarray] = field(default_factory=dict)


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
        if look.absorption is not None:  # per model unit -> per world unit
            scale = abs(float(np.linalg.det(linear))) ** (1.0 / 3.0)
            look = replace(look, absorption=tuple(a / max(scale, 1e-12)
                                                  for a in look.absorption))
        uv_sets = mesh.uv_sets
        colours = None
        if look.vertex_colours:
            colours = srgb_to_linear(np.asarray(mesh.colors, dtype=np.float64)[:, :3] / 255.0)
        uv = uv_sets.get(look.texcoord)
        tangents = None
        if look.along_tangent:
            tangents = (vertex_tangents(vertices, faces, uv, normals) if uv is not None
                        else _placed(normal_basis_tangents(mesh.normals), linear))
        other_uvs = {k: _f32(other) for k, other in uv_sets.items()
                     if k != look.texcoord and other is not None}
        meshes.append(WorldMesh(drawable.id, vertices.astype(np.float32),
                                np.ascontiguousarray(faces), _f32(normals), _f32(uv), look,
                                _f32(colours), tangents, other_uvs))
    for decal in scene.decals:
        if decal.drawable_id not in visible:
            continue
        vertices, normals = lifted(decal.vertices, decal.normals)
        meshes.append(WorldMesh(f"decal:{decal.id}", vertices,
                                np.asarray(decal.faces, np.uint32), normals,
                                np.asarray(decal.uv, np.float32),
                                ShapeLook(translator.for_decal(decal))))
    return meshes


def lifted(vertices, normals) -> tuple[np.ndarray, np.ndarray]:
    """Vertices moved along their normals to clear Mitsuba's ray offset (see RAY_EPSILON), as
    float32 with the normals: a decal over its part, a glow over its surface."""
    v = np.asarray(vertices, dtype=np.float64)
    n = np.asarray(normals, dtype=np.float64)
    reach = 1.0 + (float(np.abs(v).max()) if len(v) else 0.0)
    lifted = v + n * (DECAL_LIFT_EPSILONS * RAY_EPSILON * reach)
    return lifted.astype(np.float32), n.astype(np.float32)


def _placed(directions: np.ndarray, linear: np.ndarray) -> np.ndarray:
    """Unit directions of a mesh turned (and stretched) as its drawable's ``linear`` part
    places it, as the live view's actor carries a tangent."""
    placed = np.asarray(directions, dtype=np.float64) @ linear.T
    return placed / np.maximum(np.linalg.norm(placed, axis=1, keepdims=True), 1e-12)


def _f32(values: np.ndarray | None) -> np.ndarray | None:
    return None if values is None else np.ascontiguousarray(values, dtype=np.float32)


def mitsuba_mesh(mi, mesh: WorldMesh, bsdf: dict | None = None, emitter: dict | None = None,
                 *, keep_medium: bool = False):
    """A Mitsuba Mesh object filled from numpy arrays, with its BSDF (or ``bsdf`` instead) and
    an ``emitter``, if given; the absorbing medium of its volume with its own BSDF, or with
    ``keep_medium``."""
    props = mi.Properties()
    props["bsdf"] = mi.load_dict(mesh.look.bsdf if bsdf is None else bsdf)
    if emitter is not None:
        props["emitter"] = mi.load_dict(emitter)
    if mesh.look.absorption is not None and (bsdf is None or keep_medium):
        # sigma_t as an RGB within 0..1 (Mitsuba reads such values as reflectances) times scale
        peak = max(max(mesh.look.absorption), 1e-12)
        props["interior"] = mi.load_dict({
            "type": "homogeneous", "albedo": {"type": "rgb", "value": [0.0, 0.0, 0.0]},
            "sigma_t": {"type": "rgb", "value": [a / peak for a in mesh.look.absorption]},
            "scale": peak})
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
    if mesh.colours is not None:
        shape.add_attribute(VERTEX_COLOR, 3, mi.Float(mesh.colours.ravel()))
    if mesh.tangents is not None:
        shape.add_attribute(VERTEX_TANGENT, 3, mi.Float(encoded(mesh.tangents).ravel()))
    for texcoord, uv in mesh.other_uvs.items():
        uvw = np.concatenate([uv, np.zeros((len(uv), 1), np.float32)], axis=1)
        shape.add_attribute(uv_attribute(texcoord), 3, mi.Float(uvw.ravel()))
    params.update()
    return shape


def glow_shape(mi, mesh: WorldMesh):
    """The light a glowing surface sheds on the rest of the scene: a copy of ``mesh`` just
    above it that emits its radiance and is otherwise not there (a null BSDF). Hidden from the
    camera, as the lit pass hides every emitter; the surface itself stays as it is, drawn by the
    lit pass and, where the camera sees it glow, by the emission pass. Only the faces that glow
    are copied: a ray crossing the copy counts as a bounce, which elsewhere would cut light
    paths short. None for a mesh without normals to lift it along, or without a face that
    glows."""
    if mesh.normals is None:
        return None
    # the copy carries the UV set the emission texture reads as its texture coordinates
    radiance, texcoord = uv_set_read(mesh.look.emission, mesh.look.texcoord)
    uv = mesh.uv if texcoord == mesh.look.texcoord else mesh.other_uvs.get(texcoord)
    glow = replace(mesh, id=f"glow:{mesh.id}", uv=uv, colours=None, tangents=None,
                   other_uvs={}, look=ShapeLook({"type": "null"}))
    faces = glow.faces[glowing_faces(glow.faces, glow.uv, radiance)]
    if not len(faces):
        return None
    used, faces = np.unique(faces, return_inverse=True)
    vertices, normals = lifted(glow.vertices[used], glow.normals[used])
    glow = replace(glow, vertices=vertices, normals=normals,
                   faces=faces.reshape(-1, 3).astype(np.uint32),
                   uv=None if glow.uv is None else glow.uv[used])
    if glow.uv is None:  # no texture coordinates: the texture's mean, as one colour
        mean = np.asarray(radiance["bitmap"], dtype=np.float64).reshape(-1, 3).mean(axis=0)
        radiance = {"type": "rgb", "value": [float(v) for v in mean]}
    return mitsuba_mesh(mi, glow, emitter={"type": "area", "radiance": radiance})


def glowing_faces(faces: np.ndarray, uv: np.ndarray | None, radiance: dict) -> np.ndarray:
    """Which of ``faces`` glow (a boolean per face): those where the emission texture is not
    black at a vertex, the centre or nine more points spread over the face (all of them for a
    texture moved by a transform, or read without texture coordinates)."""
    pixels = np.asarray(radiance["bitmap"], dtype=np.float32)
    pixels = pixels.reshape(pixels.shape[0], -1, pixels.shape[-1] if pixels.ndim == 3 else 1)
    lit = pixels.max(axis=2) > 0.0
    if uv is None or "to_uv" in radiance or lit.all():
        return np.full(len(faces), bool(lit.any()))
    steps = np.array([(a, b, 4 - a - b) for a in range(5) for b in range(5 - a)],
                     dtype=np.float32) / 4.0  # 15 barycentric points, corners included
    points = np.einsum("pk,fkc->fpc", steps, uv[faces])
    height, width = lit.shape
    cols = np.floor(points[..., 0] * width).astype(np.int64) % width
    rows = np.floor(points[..., 1] * height).astype(np.int64) % height
    return lit[rows, cols].any(axis=1)


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


def ground_shape(mi, shadow: ShadowMap) -> dict:
    """The ground as the shadow pass sees it: a square over the shadow map's extent, facing up,
    whose diffuse albedo is the shadow's darkness (the map's alpha), so that an albedo AOV reads
    the darkness per pixel and 0 wherever the ray misses it. Beyond it the ground keeps all its
    light, so it has no edge; the lit passes do not hold it at all."""
    (x0, x1), (z0, z1) = shadow.x_range, shadow.z_range
    # rectangle uv: u along +x, v along -z (local y turns to -z); bitmap row 0 is v = 0
    darkness = np.ascontiguousarray(np.clip(shadow.alpha, 0.0, 1.0)[::-1, :, None],
                                    dtype=np.float32)
    to_world = [[(x1 - x0) / 2, 0.0, 0.0, (x0 + x1) / 2],
                [0.0, 0.0, 1.0, shadow.ground_y],
                [0.0, -(z1 - z0) / 2, 0.0, (z0 + z1) / 2],
                [0.0, 0.0, 0.0, 1.0]]
    return {"type": "rectangle", "to_world": mi.ScalarTransform4f(np.asarray(to_world)),
            "bsdf": {"type": "diffuse", "reflectance": {
                "type": "bitmap", "bitmap": mi.Bitmap(darkness), "raw": True,
                "filter_type": "bilinear",
                "wrap_mode": "clamp"}}}


def environment_emitter(mi, scene: SceneDescription, camera: Camera) -> dict:
    """The HDR environment, turned as the live view turns it (about Y, and over for a camera
    below the ground: ``seen_from_below``)."""
    env = scene.environment
    angle = ENVMAP_BASE_ROTATION_DEG + float(env.rotation_deg)
    to_world = mi.ScalarTransform4f().rotate([0, 1, 0], angle)
    if seen_from_below(scene, camera.position):
        to_world = mi.ScalarTransform4f().rotate([1, 0, 0], 180.0) @ to_world
    return {"type": "envmap", "filename": str(env.hdr_path), "scale": float(env.intensity),
            "to_world": to_world}


def sensor(mi, camera: Camera, size: tuple[int, int], low, high, *, spp: int,
           seed: int = 0, sampler: str = "independent",
           crop: tuple[int, int, int, int] | None = None) -> dict:
    """A perspective camera identical to the viewport's: vertical fov, except in portrait
    frames where the fov is horizontal; its samples drawn by Mitsuba's ``sampler``; the
    film only the ``crop`` of the frame (x, y, width, height), if given."""
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
        "far_clip": distance + span * 10,
        "to_world": mi.ScalarTransform4f().look_at(origin=[float(v) for v in camera.position],
                                         target=[float(v) for v in camera.target],
                                         up=[float(v) for v in camera.up]),
        "sampler": {"type": sampler, "sample_count": int(spp), "seed": int(seed)},
        "film": {"type": "hdrfilm", "width": int(width), "height": int(height),
                 "pixel_format": "rgba", "rfilter": {"type": "box"}, **crop_window(crop)},
    }


def crop_window(crop: tuple[int, int, int, int] | None) -> dict:
    """A film's crop (x, y, width, height in pixels) as hdrfilm's properties; none: {}."""
    if crop is None:
        return {}
    x, y, w, h = (int(v) for v in crop)
    return {"crop_offset_x": x, "crop_offset_y": y, "crop_width": w, "crop_height": h}
