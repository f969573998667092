"""An OBJ without normals is shaded by its smoothing groups, as Blender and 3ds Max read them:
``s 1`` on every face, smooth across every edge; ``s off`` on every face, flat; otherwise (no
groups, or some faces in and some out) the default auto smooth (sharp past 30 degrees)."""

from __future__ import annotations

import numpy as np
import pytest

from app.assets.mesh_files import smoothing_groups_crease
from app.assets.model_loading import load_model
from app.assets.normals import FLAT_DEGREES, SMOOTH_DEGREES

CUBE = ("v -1 -1 -1\nv 1 -1 -1\nv 1 1 -1\nv -1 1 -1\nv -1 -1 1\nv 1 -1 1\nv 1 1 1\nv -1 1 1\n")
FACES = ["f 1 4 3 2", "f 5 6 7 8", "f 1 2 6 5", "f 2 3 7 6", "f 3 4 8 7", "f 4 1 5 8"]


def cube(path, groups: list[str | None]):
    """A cube whose faces each come after the ``s`` line of their group (None: no line)."""
    lines = [CUBE]
    for face, group in zip(FACES, groups, strict=True):
        if group is not None:
            lines.append(f"s {group}\n")
        lines.append(face + "\n")
    path.write_text("".join(lines))
    return path


def normals_at_a_corner(path) -> np.ndarray:
    """The distinct normals the loaded cube has at its corner (1, 1, 1)."""
    (mesh,) = load_model(path).meshes.values()
    at = np.all(np.isclose(mesh.vertices, 1.0), axis=1)
    return np.unique(np.round(mesh.normals[at], 4), axis=0)


def test_every_face_in_a_smoothing_group_is_smooth_across_every_edge(tmp_path):
    (normal,) = normals_at_a_corner(cube(tmp_path / "c.obj", ["1"] * 6))
    assert (normal > 0.3).all()  # between the three faces (weighed by their triangles' areas)


@pytest.mark.parametrize("groups", [["off"] * 6, ["0"] * 6, [None] * 6,
                                    ["1", "1", "off", "off", "1", "1"]])
def test_other_files_keep_the_cube_s_sharp_edges(tmp_path, groups):
    """Flat where every face is in no group; the default's crease where the file does not
    say (or says both): a cube's 90-degree edges stay sharp either way."""
    corner = normals_at_a_corner(cube(tmp_path / "c.obj", groups))
    assert len(corner) == 3  # one normal per face meeting there


@pytest.mark.parametrize(("text", "crease"), [
    ("s 1\nf 1 2 3\ns 2\nf 1 3 4\n", SMOOTH_DEGREES),
    ("s off\nf 1 2 3\ns 0\nf 1 3 4\n", FLAT_DEGREES),
    ("s 1\nf 1 2 3\ns off\nf 1 3 4\n", None),  # both
    ("f 1 2 3\ns 1\nf 1 3 4\n", None),  # a face before the first group
    ("vn 0 0 1\ns 1\nf 1//1 2//1 3//1\n", None),  # the file's own normals
    ("f 1 2 3\n", None),  # no groups
    ("s 1\n", None)])  # no faces
def test_the_crease_a_file_s_groups_give(text, crease):
    assert smoothing_groups_crease(text.encode()) == crease


def test_a_low_cylinder_in_one_group_is_smooth_round_its_side(tmp_path):
    """Twelve sides (30 degrees apart, at the default crease, which keeps them flat): ``s 1``
    draws them as one rounded surface, as Blender does."""
    ring = [(np.cos(a), np.sin(a)) for a in np.linspace(0, 2 * np.pi, 12, endpoint=False)]
    vertices = "".join(f"v {x:.6f} {y:.6f} {z}\n" for z in (0, 1) for x, y in ring)
    sides = "".join(f"f {i + 1} {(i + 1) % 12 + 1} {(i + 1) % 12 + 13} {i + 13}\n"
                    for i in range(12))
    path = tmp_path / "cylinder.obj"
    path.write_text(vertices + "s 1\n" + sides)
    (mesh,) = load_model(path).meshes.values()
    # every vertex's normal points out from the axis, between its two sides' (15 degrees
    # from each), not along one of them
    radial = mesh.vertices[:, :2] / np.linalg.norm(mesh.vertices[:, :2], axis=1)[:, None]
    cosine = np.einsum("ij,ij->i", mesh.normals[:, :2], radial)
    assert np.abs(mesh.normals[:, 2]).max() < 1e-6 and cosine.min() > np.cos(np.radians(12))
    assert len(mesh.vertices) == 24  # no vertex split along a side edge
