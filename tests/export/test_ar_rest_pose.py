"""The AR rest pose: a product turns its personalized zone up in its AR files."""

import numpy as np
import pytest

from app.domain.configuration import TextValue, default_configuration
from app.export.glb import export_glb
from app.export.rest_pose import facing_up_rotation
from app.project import open_project
from tests.export.glb_reading import glb_parts


@pytest.fixture(scope="module")
def project():
    return open_project()


def _attribute(header, binary, mesh_name, attribute) -> np.ndarray:
    mesh = next(m for m in header["meshes"] if m["name"] == mesh_name)
    accessor = header["accessors"][mesh["primitives"][0]["attributes"][attribute]]
    view = header["bufferViews"][accessor["bufferView"]]
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    width = {"VEC2": 2, "VEC3": 3}[accessor["type"]]
    data = np.frombuffer(binary, np.float32, accessor["count"] * width, start)
    return data.reshape(-1, width)


def _all_positions(header, binary) -> np.ndarray:
    return np.concatenate([_attribute(header, binary, m["name"], "POSITION")
                           for m in header["meshes"]])


def _mean_normal(header, binary, mesh_name) -> np.ndarray:
    normal = _attribute(header, binary, mesh_name, "NORMAL").astype(float).mean(axis=0)
    return normal / np.linalg.norm(normal)


def test_engraved_watch_lies_with_its_caseback_engraving_up(project, tmp_path):
    watch = project.catalog.product("watch")
    engraved = default_configuration(watch).with_zone("caseback", TextValue(text="For Ada"))
    path = tmp_path / "watch.glb"
    export_glb(watch, engraved, project, path)
    header, binary = glb_parts(path)
    normal = _mean_normal(header, binary, "decal_caseback")
    assert np.degrees(np.arccos(np.clip(normal[1], -1, 1))) < 10.0  # faces up
    caseback = _mean_normal(header, binary, "caseback_caseback")
    assert caseback[1] > 0.5  # the caseback itself is turned up with it
    assert _all_positions(header, binary)[:, 1].min() == pytest.approx(0.0, abs=1e-6)
    # the engraving lies on top: nothing of the watch covers it from above
    decal_height = _attribute(header, binary, "decal_caseback", "POSITION")[:, 1].mean()
    assert decal_height > 0.9 * _all_positions(header, binary)[:, 1].max()
    # and it reads from the front: the artwork's u runs along +x, its v (0 at the top) along +z
    points = _attribute(header, binary, "decal_caseback", "POSITION")
    uv = _attribute(header, binary, "decal_caseback", "TEXCOORD_0")
    fit = np.column_stack([points[:, 0], points[:, 2], np.ones(len(points))])
    (du_dx, du_dz, _), (dv_dx, dv_dz, _) = (np.linalg.lstsq(fit, uv[:, k], rcond=None)[0]
                                            for k in (0, 1))
    assert du_dx > 10 * abs(du_dz) and dv_dz > 10 * abs(dv_dx)


def test_watch_without_engraving_lies_as_modelled(project, tmp_path):
    watch = project.catalog.product("watch")
    path = tmp_path / "watch.glb"
    export_glb(watch, default_configuration(watch), project, path)
    header, binary = glb_parts(path)
    assert _mean_normal(header, binary, "caseback_caseback")[1] < -0.5  # dial up, caseback down
    assert _all_positions(header, binary)[:, 1].min() == pytest.approx(0.0, abs=1e-6)


def test_products_without_a_rest_pose_export_as_modelled(project, tmp_path):
    mug = project.catalog.product("mug")
    assert mug.ar is None
    configuration = default_configuration(mug).with_zone("wrap_text", TextValue(text="Hi"))
    path = tmp_path / "mug.glb"
    export_glb(mug, configuration, project, path)
    header, binary = glb_parts(path)
    positions = _all_positions(header, binary)
    assert positions[:, 1].min() == pytest.approx(0.0, abs=1e-6)
    assert positions[:, 1].max() == pytest.approx(0.095, abs=0.002)  # still standing


@pytest.mark.parametrize("normal, text_up", [
    ((0, -1, 0), (0, 0, -1)), ((0, -1, 0), (1, 0, 0)), ((1, 0, 0), (0, 1, 0)),
    ((0, 0, 1), (0, 1, 0)), ((0.3, -0.8, 0.5), (0, 0.5, 0.8)), ((0, 1, 0), (0, 0, 1)),
])
def test_facing_up_rotation_turns_the_face_up_and_its_text_away(normal, text_up):
    rotation = facing_up_rotation(normal, text_up)
    assert rotation @ rotation.T == pytest.approx(np.eye(3), abs=1e-9)
    assert np.linalg.det(rotation) == pytest.approx(1.0)
    n = rotation @ (np.asarray(normal, float) / np.linalg.norm(normal))
    assert n == pytest.approx([0, 1, 0], abs=1e-9)
    up = rotation @ np.asarray(text_up, float)
    assert up[0] == pytest.approx(0.0, abs=1e-9) and up[2] < 0  # reads from the front
