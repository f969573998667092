"""MeshData -> vtkPolyData with normals, texture coordinates and tangents; a point array of an
actor's polydata replaced in place (``set_point_array``)."""

from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonCore import VTK_ID_TYPE, vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkFiltersCore import vtkPolyDataTangents
from vtkmodules.vtkRenderingCore import vtkActor

from app.assets.mesh import MeshData
from app.errors import AssetError
from app.scene.uv_frames import normal_basis_tangents, vertex_handedness

NORMALS = "Normals"
TCOORDS = "TCoords"
COLORS = "Colors"
HANDEDNESS = "Handedness"  # +1, or -1 where the UVs are mirrored (``uv_handedness``)
TANGENT_SET = "TangentUVSet"  # field data: the UV set the tangents were made from


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


def mesh_to_polydata(mesh: MeshData) -> vtkPolyData:
    """A vtkPolyData of the mesh's triangles with point normals, tcoords, tangents and
    colours."""
    validate_mesh(mesh)
    poly = triangles_polydata(np.asarray(mesh.vertices, dtype=np.float32),
                              np.asarray(mesh.faces, dtype=np.int64))
    data = poly.GetPointData()
    data.SetNormals(_named(np.asarray(mesh.normals, dtype=np.float32), NORMALS))
    if mesh.colors is not None:
        data.AddArray(_named(np.asarray(mesh.colors, dtype=np.uint8), COLORS))
    if mesh.uv is not None:
        data.SetTCoords(_named(vtk_tcoords(mesh.uv), TCOORDS))
        poly = add_tangents(poly)
        _record_tangent_set(poly, 0)
    return poly


def tangents_from_uv_set(actor: vtkActor, mesh: MeshData, texcoord: int) -> bool:
    """The tangents of ``actor``'s input made from ``mesh``'s UV set ``texcoord`` (the set a
    normal map reads: its tangent frame, as glTF's), made again only where they were made
    from another set; a handedness made from that other set (``uv_handedness``) is dropped.
    False where the mesh has no such set (the tangents are left as they are)."""
    uv = mesh.uv_sets.get(texcoord)
    if uv is None:
        return False
    poly = actor.GetMapper().GetInput()
    made = poly.GetFieldData().GetArray(TANGENT_SET)
    if made is not None and int(made.GetValue(0)) == texcoord:
        return True
    work = vtkPolyData()
    work.ShallowCopy(poly)
    work.GetPointData().SetTCoords(_named(vtk_tcoords(uv), TCOORDS))
    tangents = add_tangents(work).GetPointData().GetTangents()
    data = poly.GetPointData()
    data.SetTangents(tangents)
    data.RemoveArray(HANDEDNESS)
    _record_tangent_set(poly, texcoord)
    poly.Modified()
    return True


def tangents_across_normals(actor: vtkActor, mesh: MeshData) -> None:
    """Tangents for ``actor``'s input where it has none (a mesh without UVs), in the frame
    the still gives such a surface (``normal_basis_tangents``): VTK draws nothing of an
    anisotropic material without them."""
    poly = actor.GetMapper().GetInput()
    data = poly.GetPointData()
    if data.GetTangents() is not None:
        return
    data.SetTangents(_named(normal_basis_tangents(mesh.normals).astype(np.float32),
                            "Tangents"))
    poly.Modified()


def _record_tangent_set(poly: vtkPolyData, texcoord: int) -> None:
    poly.GetFieldData().AddArray(_named(np.array([texcoord], np.int32), TANGENT_SET))


def uv_handedness(mesh: MeshData, uv: np.ndarray) -> np.ndarray:
    """Per vertex, +1 where the UV set ``uv`` of ``mesh`` runs as a normal map expects, -1
    where it is mirrored (``uv_frames.vertex_handedness``): glTF's tangent.w, by which the
    bitangent VTK takes as cross(normal, tangent) must be turned (a mirrored half's bump is
    drawn as a dent otherwise)."""
    return vertex_handedness(mesh.vertices, mesh.faces, uv, mesh.normals)


def triangles_polydata(points: np.ndarray, faces: np.ndarray) -> vtkPolyData:
    """A vtkPolyData of ``points`` (N, 3) and polygons ``faces`` (M, K) of K point indices."""
    faces = np.asarray(faces, dtype=np.int64)
    size = faces.shape[1]
    offsets = np.arange(0, (len(faces) + 1) * size, size, dtype=np.int64)
    cells = vtkCellArray()
    cells.SetData(numpy_to_vtk(offsets, deep=True, array_type=VTK_ID_TYPE),
                  numpy_to_vtk(faces.ravel(), deep=True, array_type=VTK_ID_TYPE))
    vtk_points = vtkPoints()
    vtk_points.SetData(numpy_to_vtk(np.ascontiguousarray(points), deep=True))
    poly = vtkPolyData()
    poly.SetPoints(vtk_points)
    poly.SetPolys(cells)
    return poly


def _named(values: np.ndarray, name: str):
    array = numpy_to_vtk(np.ascontiguousarray(values), deep=True)
    array.SetName(name)
    return array


def add_tangents(poly: vtkPolyData) -> vtkPolyData:
    """Per-point tangents (needed by normal maps), from normals and texture coordinates."""
    tangents = vtkPolyDataTangents()
    tangents.SetInputData(poly)
    tangents.ComputePointTangentsOn()
    tangents.ComputeCellTangentsOff()
    tangents.Update()
    output = tangents.GetOutput()
    data = output.GetPointData()
    if data.GetNormals() is None and data.GetArray(NORMALS) is not None:
        data.SetNormals(data.GetArray(NORMALS))
    return output


def set_point_array(actor: vtkActor, name: str, values: np.ndarray, *, tcoords: bool) -> None:
    """``values`` as the point array ``name`` (or the texture coordinates) of ``actor``'s
    input, replaced only when they differ from what it holds."""
    poly = actor.GetMapper().GetInput()
    data = poly.GetPointData()
    current = data.GetTCoords() if tcoords else data.GetArray(name)
    if current is not None:
        old = vtk_to_numpy(current)
        if old.shape == values.shape and np.array_equal(old, values):
            return
    array = numpy_to_vtk(np.ascontiguousarray(values), deep=True)
    array.SetName(name)
    if tcoords:
        data.SetTCoords(array)
    else:
        data.AddArray(array)
    poly.Modified()
