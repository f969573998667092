"""Where a mesh's interpolated normal turns away from the viewer (the silhouette of a coarse or
scanned mesh), the still shades the side the viewer sees, not the back of the surface."""

from __future__ import annotations

import numpy as np

from app.assets.mesh import MeshData, MeshMaterial
from app.photoreal.backend import activate_mitsuba
from app.photoreal.materials import MaterialTranslator
from app.photoreal.normal_maps import VALID_NORMAL_MAP
from app.photoreal.scene_build import WorldMesh, mitsuba_mesh
from app.photoreal.shape_look import ShapeLook
from app.scene.description import ResolvedMaterial
from tests.photoreal.test_tangent_frames import FACES, SQUARE, UV_ALONG_X

WHITE_PAINT = ResolvedMaterial("paint", base_color=(0.8, 0.8, 0.8), roughness=0.6)


def seen(bsdf: dict, tilt_degrees: float) -> float:
    """The mean radiance of a square facing the camera, lit by a white room from its front
    (a black floor just behind it), whose vertex normals lean ``tilt_degrees`` away from the
    camera."""
    mi = activate_mitsuba()
    tilt = np.radians(tilt_degrees)
    normals = np.tile(np.array([[np.sin(tilt), 0.0, np.cos(tilt)]], np.float32), (4, 1))
    mesh = WorldMesh("square", SQUARE, FACES, normals, UV_ALONG_X, ShapeLook(bsdf))
    shape = mitsuba_mesh(mi, mesh)
    camera = mi.ScalarTransform4f.look_at(origin=[-3.0, 0, 0.6], target=[0, 0, 0], up=[0, 1, 0])
    scene = mi.load_dict({
        "type": "scene", "integrator": {"type": "path", "max_depth": 3},
        "sensor": {"type": "perspective", "fov": 8.0, "to_world": camera,
                   "film": {"type": "hdrfilm", "width": 8, "height": 8,
                            "pixel_format": "rgb"}},
        "room": {"type": "constant", "radiance": {"type": "rgb", "value": [1.0, 1.0, 1.0]}},
        "square": shape,
        "floor": {"type": "rectangle", "bsdf": {"type": "diffuse", "reflectance": {
            "type": "rgb", "value": [0.0, 0.0, 0.0]}},
            "to_world": mi.ScalarTransform4f.translate([0, 0, -0.05]).scale(20.0)}})
    return float(np.asarray(mi.render(scene, spp=256)).mean())


def test_a_normal_leaning_away_from_the_viewer_still_shades_the_front():
    mi = activate_mitsuba()
    translator = MaterialTranslator(mi, lambda ref: None)
    mesh = MeshData(name="square", vertices=SQUARE, faces=FACES.astype(np.int32),
                    normals=np.tile(np.array([[0, 0, 1]], np.float32), (4, 1)), uv=UV_ALONG_X,
                    material=MeshMaterial())
    look = translator.for_material(WHITE_PAINT, mesh)
    assert look.bsdf["type"] == VALID_NORMAL_MAP
    # seen at a grazing 11 degrees; the normals lean 60 degrees towards +x, away from the eye
    upright = seen(look.bsdf, 0.0)
    leaning = seen(look.bsdf, 60.0)
    assert upright > 0.6
    assert leaning > 0.6 * upright  # the front, lit by the room, its normal bent to the eye
    # the twosided BSDF alone takes the leaning normal for the back, which faces the floor
    assert seen(look.bsdf["bsdf"], 60.0) < 0.4 * leaning
