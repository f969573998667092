"""MeshData -> vtkPolyData with normals, texture coordinates and tangents."""

from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.vtkFiltersCore import vtkPolyDataTangents

from app.assets.mesh import MeshData
from app.errors import AssetError

NORMALS = "Normals"
TCOORDS = "TCoords"
COLORS = "Colors"


def validate_mesh(mesh: MeshData) -> None:
    """Raise AssetError naming the mesh when its arrays do not fit together."""
    vertices = np.asarray(mesh.vertices)
    faces = np.asarray(mesh.faces)
    if vertices.ndim != 2 or vertices.shape[1] != 3 or len(vertices) == 0:
        raise AssetError(
            f"expected (N, 3) vertices, got shape {vertices.shape}",
            file=mesh.name,
            field="vertices",
        )
    if faces.ndim != 2 or faces.shape[1] != 3 or len(faces) == 0:
        raise AssetError(
            f"expected (M, 3) triangle indices, got shape {faces.shape}",
            file=mesh.name,
            field="faces",
        )
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise AssetError(
            f"expected indices in [0, {len(vertices) - 1}], got [{faces.min()}, {faces.max()}]",
            file=mesh.name,
            field="faces",
        )
    if not np.all(np.isfinite(vertices)):
        raise AssetError("expected finite vertex coordinates", file=mesh.name, field="vertices")
    if np.asarray(mesh.normals).shape != vertices.shape:
        raise AssetError(
            f"expected {vertices.shape} normals, got {np.shape(mesh.normals)}",
            file=mesh.name,
            field="normals",
        )
    if mesh.uv is not None and np.asarray(mesh.uv).shape != (len(vertices), 2):
        raise AssetError(
            f"expected ({len(vertices)}, 2) texture coordinates, got {np.shape(mesh.uv)}",
            file=mesh.name,
            field="uv",
        )
    if mesh.colors is not None and np.asarray(mesh.colors).shape not in (
        (len(vertices), 3),
        (len(vertices), 4),
    ):
        raise AssetError(
            f"expected ({len(vertices)}, 4) vertex colours, got {np.shape(mesh.colors)}",
            file=mesh.name,
            field="colors",
        )


def vtk_tcoords(uv: np.ndarray, scale: tuple[float, float] = (1.0, 1.0)) -> np.ndarray:
    """glTF texture coordinates (v down from the top) -> VTK's (t up from the bottom).

    ``scale`` repeats the texture (a transform's scale); the top edge stays fixed so a
    scaled texture grows down from the image's top-left corner as in glTF.
    """
    uv = np.asarray(uv, dtype=np.float32)
    s = np.empty_like(uv)
    s[:, 0] = uv[:, 0] * scale[0]
    s[:, 1] = 1.0 - uv[:, 1] * scale[1]
    return s


def mesh_to_polydata(mesh: MeshData) -> pv.PolyData:
    """A vtkPolyData (as pyvista.PolyData) with point normals, tcoords, tangents and colours."""
    validate_mesh(mesh)
    poly = pv.PolyData.from_regular_faces(
        np.asarray(mesh.vertices, dtype=np.float32), np.asarray(mesh.faces, dtype=np.int64)
    )
    poly.point_data[NORMALS] = np.asarray(mesh.normals, dtype=np.float32)
    poly.point_data.active_normals_name = NORMALS
    if mesh.colors is not None:
        poly.point_data[COLORS] = np.asarray(mesh.colors, dtype=np.uint8)
    if mesh.uv is not None:
        poly.point_data[TCOORDS] = vtk_tcoords(mesh.uv)
        poly.point_data.active_texture_coordinates_name = TCOORDS
        poly = add_tangents(poly)
    return poly


def add_tangents(poly: pv.PolyData) -> pv.PolyData:
    """Per-point tangents (needed by normal maps), from normals and texture coordinates."""
    tangents = vtkPolyDataTangents()
    tangents.SetInputData(poly)
    tangents.ComputePointTangentsOn()
    tangents.ComputeCellTangentsOff()
    tangents.Update()
    output = pv.wrap(tangents.GetOutput())
    if NORMALS in output.point_data:
        output.point_data.active_normals_name = NORMALS
    return output
